"""The fictional registry and the 17 network-level responses of the demo study, by hand.

Everything here is invented: regions, Werkplaatsen, networks and people. Open answers carry
the "true" codings as markup that generate.py strips:

    [fragment]{code1,code2}   the fragment is coded with code1 and code2
    {=code1,code2} at the start of an answer: codes for the whole answer (empty fragment)

Types (not in the data, for the reader): A = formal-steered, B = informal-participatory,
C = in-between.
"""

WERKPLAATSEN = [
    # slug, name, region
    ("noordkust", "Werkplaats Sociaal Domein Noordkust", "Havenmond, Zoutewaard en Kaaphoek"),
    ("lindewaard", "Werkplaats Sociaal Domein Lindewaard", "Lindewaard en de Oude Linie"),
    ("stroomdal", "Werkplaats Sociaal Domein Stroomdal", "Stroomdal, Beekerveld en Molenhoek"),
    ("essendonk", "Werkplaats Sociaal Domein Essendonk", "Essendonk en de Zuidelijke Zandrug"),
    ("kliffenburg", "Werkplaats Sociaal Domein Kliffenburg", "Kliffenburg en Hoge Oever"),
    ("wilgenrijk", "Werkplaats Sociaal Domein Wilgenrijk", "Wilgenrijk, Dijkhuizen en Ooievaarsweide"),
    ("oostermarke", "Werkplaats Sociaal Domein Oostermarke", "Oostermarke en het Marker Veld"),
    ("zandhove", "Werkplaats Sociaal Domein Zandhove", "Zandhove en Eikenloo"),
    ("beekwaarde", "Werkplaats Sociaal Domein Beekwaarde", "Beekwaarde-Stad"),
    ("duinhaven", "Werkplaats Sociaal Domein Duinhaven", "Duinhaven en Strandwijk"),
    ("polderhart", "Werkplaats Sociaal Domein Polderhart", "Polderhart, Nieuw-Kavel en Slotervaart-Oost"),
    ("vaartland", "Werkplaats Sociaal Domein Vaartland", "Vaartland: Sluiskade, Brugwijk en Turfhaven"),
    ("heuvelzoom", "Werkplaats Sociaal Domein Heuvelzoom", "Heuvelzoom en de Grensdorpen"),
    ("rietmond", "Werkplaats Sociaal Domein Rietmond", "Rietmond en Weidegem"),
    ("brugstede", "Werkplaats Sociaal Domein Brugstede", "Brugstede en Kanaalzone"),
]

RESEARCHERS = [
    ("fenna.kloosterboer@example.org", "Fenna Kloosterboer"),
    ("joris.oudendijk@example.org", "Joris van Oudendijk"),
]
COORDINATOR = ("hanneke.stroeve@example.org", "Hanneke Stroeve")

# Likert and yes/no answers as digits/strings; form items in order rhythm, agreements,
# budget, coordinator, membership, reports, evaluation ("1" = yes).
NETWORKS = [
    dict(
        slug="havenmond-wijkkracht", name="Lerend netwerk Wijkkracht Havenmond",
        werkplaats="noordkust", type="B",
        facilitator=("sietske.dijkhuis@example.org", "Sietske Dijkhuis"),
        start_year=2019, size=18,
        participants="professionals_welfare neighbourhood_teams students residents experts_by_experience",
        form="0001000", org_form="informal",
        rationale_explicit="yes",
        rationale_text=(
            "We werken vanuit de gedachte dat [de mensen in de wijk zelf de deskundigen zijn]{rationale.resident_perspective}. "
            "Geen vast programma dus, maar [leren van wat er in de praktijk gebeurt]{rationale.practice_based}. "
            "We hebben ons laten inspireren door [de leercyclus van Kolb: ervaren, reflecteren, begrijpen, uitproberen]{rationale.learning_theory}."),
        agenda_setting="participants_together residents_questions", agenda_consultation="yes",
        agenda_how=(
            "Aan het eind van elke bijeenkomst [kiezen we samen het onderwerp voor de volgende keer]{agenda.co_created}. "
            "Soms komt er [een vraag van bewoners binnen via het buurthuis]{agenda.residents_questions} en dan gaat die voor."),
        themes="collaboration integrated_care_welfare poverty_debts housing_neighbourhood",
        reflection_forms="intervision reflection_session", reflection_frequency="monthly",
        slow_questions="yes",
        slow_questions_examples=(
            "[Wanneer is eigen kracht eigenlijk te veel gevraagd?]{slow.own_strength} "
            "En: [mogen we als professional aanbellen bij iemand die niet om hulp vraagt?]{slow.autonomy}"),
        local=("5", "5", "3", "5"),
        local_how=(
            "We komen bij elkaar [in het buurthuis en niet op kantoor]{local.location}. "
            "[Havenmond is een vissersdorp, mensen vragen niet snel om hulp]{local.customs_culture}, daar houden we rekening mee door "
            "[eerst via de vrijwilligers van de kerk en de visclub te werken]{local.existing_partners}."),
        facilitator_present="yes", facilitator_background="docent_researcher", facilitator_position="neutral",
        bw=("5", "4", "5", "5"), facilitator_importance="5",
        outcomes=(
            "[Professionals en bewoners kennen elkaar nu bij naam]{outcome.network_contacts}. "
            "[Het wijkteam schuift aan bij de koffieochtend van de bewonersgroep]{outcome.resident_involvement}. Minder langs elkaar heen werken."),
        tips=(
            "[Begin klein en laat de deelnemers zelf de agenda maken]{agenda.co_created}. "
            "[Neem de tijd voor de trage vragen, ook als het even ongemakkelijk wordt]{reflection.room_for_slow}."),
    ),
    dict(
        slug="lindewaard-integraal", name="Leernetwerk Integraal Werken Lindewaard",
        werkplaats="lindewaard", type="A",
        facilitator=("ruud.hofstede@example.org", "Ruud Hofstede"),
        start_year=2017, size=32,
        participants="professionals_welfare professionals_care policy_officers neighbourhood_teams",
        form="1111111", org_form="formal",
        rationale_explicit="yes",
        rationale_text=(
            "Het netwerk is onderdeel van het [uitvoeringsprogramma Sociaal Domein 2023-2026 van de gemeente]{rationale.policy_mandate}. "
            "Doel is [het ontschotten van zorg en welzijn]{rationale.system_change}, conform het convenant dat alle partners hebben getekend. "
            "Leren gebeurt via [een jaarplan met vaste leerdoelen per kwartaal]{rationale.learning_theory}."),
        agenda_setting="steering_group municipality", agenda_consultation="partly",
        agenda_how=(
            "[De stuurgroep (managers van de vijf organisaties + beleidsadviseur) stelt het jaarprogramma vast]{agenda.steering_group}. "
            "[Deelnemers kunnen via hun leidinggevende onderwerpen aandragen]{agenda.co_created}, maar de thema's liggen grotendeels vast "
            "[vanuit het beleidsplan]{agenda.municipality}."),
        themes="collaboration integrated_care_welfare other",
        themes_other="[Gegevensdeling en privacy tussen de organisaties]{theme.digitalisation}",
        reflection_forms="case_discussion intervision", reflection_frequency="quarterly",
        slow_questions="yes",
        slow_questions_examples=(
            "[Wat mag je delen over een client zonder toestemming als je je zorgen maakt?]{slow.privacy} "
            "[Wie is eigenlijk regiehouder als er vijf partijen in een gezin zitten?]{slow.responsibility}"),
        local=("4", "5", "5", "3"),
        local_how=(
            "[De thema's sluiten aan op het lokale beleidsplan]{local.policy} en [de bestaande overleggen (zorgnetwerk, OGGZ-overleg)]{local.existing_partners}."),
        facilitator_present="yes", facilitator_background="external_adviser", facilitator_position="mostly_neutral",
        bw=("4", "4", "3", "4"), facilitator_importance="4",
        outcomes=(
            "[Een gezamenlijk werkproces voor multiproblem-gezinnen]{outcome.shared_language}, [dat nu ook in het beleid is opgenomen]{outcome.policy_influence}. "
            "De opkomst wisselt wel."),
        tips=(
            "[Zorg dat het bestuurlijk goed is ingebed]{rationale.policy_mandate}, anders blijft het vrijblijvend. "
            "Maar [geef professionals ook echt ruimte om hun eigen casussen in te brengen]{agenda.cases_from_practice}."),
    ),
    dict(
        slug="stroomdal-jeugd", name="Lerend netwerk Jeugd en Gezin Stroomdal",
        werkplaats="stroomdal", type="A",
        facilitator=("marloes.terhorst@example.org", "Marloes ter Horst"),
        start_year=2018, size=24,
        participants="professionals_welfare professionals_care neighbourhood_teams policy_officers lecturers_researchers",
        form="1111110", org_form="formal",
        rationale_explicit="yes",
        rationale_text=(
            "We gebruiken [de methodiek van de lerende organisatie (Senge)]{rationale.learning_theory}: systeemdenken, gedeelde visie, teamleren. "
            "Aanleiding was [de transformatieopdracht jeugd]{rationale.system_change}: minder doorverwijzen naar specialistische jeugdhulp, meer [vroegsignalering in de wijk]{rationale.practice_based}."),
        agenda_setting="steering_group facilitator", agenda_consultation="partly",
        agenda_how=(
            "[De kerngroep maakt een jaarplanning]{agenda.steering_group}; [de leidinggevende die het netwerk trekt bereidt de bijeenkomsten voor]{agenda.facilitator_prepares}. "
            "[Casussen komen uit de teams]{agenda.cases_from_practice}."),
        themes="collaboration integrated_care_welfare new_methods youth_family",
        reflection_forms="case_discussion reflection_session", reflection_frequency="quarterly",
        slow_questions="yes",
        slow_questions_examples=(
            "[Wanneer grijp je in bij een gezin, ook als ouders dat niet willen?]{slow.autonomy} "
            "[Is een wachtlijst voor jeugdhulp te verantwoorden als je weet dat het thuis escaleert?]{slow.fairness}"),
        local=("4", "4", "5", "3"),
        local_how=(
            "[Afgestemd op het lokale jeugdbeleid en de afspraken met de scholen]{local.policy,local.existing_partners}."),
        facilitator_present="yes", facilitator_background="manager", facilitator_position="with_interest",
        bw=("3", "3", "4", "3"), facilitator_importance="3",
        outcomes=(
            "[Een gezamenlijk afwegingskader voor de toegang]{outcome.shared_language}. [Teams weten elkaar sneller te vinden]{outcome.network_contacts}. "
            "[Minder verwijzingen naar tweedelijns jeugdhulp]{outcome.policy_influence} (maar dat is lastig hard te maken)."),
        tips=(
            "[Kies een begeleider zonder eigen belang]{facilitator.neutral}; bij ons is dat een leidinggevende en dat remt het open gesprek soms."),
    ),
    dict(
        slug="stroomdal-ontmoeting", name="Netwerk Ontmoeting en Eenzaamheid Stroomdal",
        werkplaats="stroomdal", type="B",
        facilitator=("ilse.vanwijngaarden@example.org", "Ilse van Wijngaarden"),
        start_year=2022, size=11,
        participants="professionals_welfare residents students other",
        form="0000000", org_form="informal",
        rationale_explicit="yes",
        rationale_text=(
            "[Iedereen die meedoet is evenveel waard, de bewoner net zo goed als de beleidsmaker]{rationale.co_creation}. "
            "[We gaan uit van wat er al goed gaat in de buurt]{rationale.appreciative} ipv van problemen."),
        agenda_setting="participants_together residents_questions", agenda_consultation="yes",
        agenda_how=(
            "[Wie een onderwerp heeft zet het in de groepsapp]{agenda.co_created}, [we nemen het mee wat bewoners ons vertellen]{agenda.residents_questions}. "
            "[Elke keer is iemand anders gastvrouw of gastheer]{agenda.rotating}."),
        themes="loneliness housing_neighbourhood",
        reflection_forms="reflection_session socratic_dialogue", reflection_frequency="every_meeting",
        slow_questions="yes",
        slow_questions_examples=(
            "[Is eenzaamheid iets wat wij moeten oplossen, of hoort het bij het leven?]{slow.responsibility} "
            "[Mag je iemand 'eenzaam' noemen als diegene dat zelf niet zo ziet?]{slow.autonomy}"),
        local=("5", "4", "3", "5"),
        local_how=(
            "[We schuiven aan bij wat er al is: het bingo-uurtje, de moestuin, de bibliotheek]{local.existing_partners,local.location}."),
        facilitator_present="yes", facilitator_background="rotating_participant", facilitator_position="neutral",
        bw=("4", "3", "5", "4"), facilitator_importance="3",
        outcomes=(
            "[Bewoners organiseren nu zelf een wandelgroep]{outcome.resident_involvement}. "
            "[Studenten en welzijnswerkers hebben een gemeenschappelijke taal over eenzaamheid]{outcome.shared_language}."),
        tips="[Hou het luchtig en laat het eigenaarschap bij de groep]{agenda.co_created}. Koffie en koek helpen echt.",
    ),
    dict(
        slug="essendonk-armoede", name="Leerkring Armoede en Schulden Essendonk",
        werkplaats="essendonk", type="C",
        facilitator=("bram.verschuur@example.org", "Bram Verschuur"),
        start_year=2020, size=15,
        participants="professionals_welfare policy_officers neighbourhood_teams lecturers_researchers experts_by_experience",
        form="1101010", org_form="rather_formal",
        rationale_explicit="yes",
        rationale_text=(
            "Onze aanpak is [gebaseerd op praktijkgericht onderzoek]{rationale.practice_based}: we onderzoeken samen een vraag uit de praktijk, "
            "proberen iets uit, en kijken wat het doet. [Ervaringsdeskundigen doen mee als gelijkwaardige partner]{rationale.co_creation,rationale.resident_perspective}, "
            "want je kunt niet over armoede leren zonder mensen die het hebben meegemaakt."),
        agenda_setting="facilitator participants_together", agenda_consultation="yes",
        agenda_how=(
            "[De docent-onderzoeker doet een voorstel, de groep kiest]{agenda.facilitator_prepares,agenda.co_created}. "
            "We werken met [casussen die deelnemers zelf inbrengen]{agenda.cases_from_practice}."),
        themes="collaboration new_methods poverty_debts",
        reflection_forms="intervision case_discussion action_research", reflection_frequency="monthly",
        slow_questions="yes",
        slow_questions_examples=(
            "[Is het eerlijk dat de ene gemeente wel een regeling heeft en de andere niet?]{slow.fairness} "
            "[Hoeveel eigen verantwoordelijkheid mag je verwachten van iemand met schulden en stress?]{slow.own_strength}"),
        local=("4", "5", "4", "4"),
        local_how=(
            "[We werken samen met de voedselbank en de schuldhulp van de gemeente]{local.existing_partners}. "
            "[In Essendonk is schaamte groot, dus we zijn voorzichtig met hoe we erover praten]{local.customs_culture}."),
        facilitator_present="yes", facilitator_background="docent_researcher", facilitator_position="neutral",
        bw=("5", "5", "4", "5"), facilitator_importance="5",
        outcomes=(
            "[Een vroegsignaleringsaanpak met de woningcorporatie]{outcome.new_method}, [die de gemeente nu overneemt]{outcome.policy_influence}. "
            "[Professionals praten anders over geldzorgen, minder oordelend]{outcome.reflective_practice}."),
        tips=(
            "[Betrek ervaringsdeskundigen vanaf het begin, niet als toetje]{rationale.resident_perspective}. "
            "[Een onderzoeker die verbindt tussen hogeschool en praktijk is goud waard]{facilitator.boundary_worker}."),
    ),
    dict(
        slug="kliffenburg-mantelzorg", name="Lerend netwerk Mantelzorg Kliffenburg",
        werkplaats="kliffenburg", type="C",
        facilitator=("annelies.bosgra@example.org", "Annelies Bosgra"),
        start_year=2016, size=14,
        participants="professionals_welfare professionals_care residents lecturers_researchers",
        form="1001101", org_form="rather_informal",
        rationale_explicit="yes",
        rationale_text=(
            "[Wij zien het netwerk als een community of practice (Wenger)]{rationale.learning_theory}: "
            "mensen met een gedeelde passie leren van elkaar door regelmatig samen te komen. "
            "[Mantelzorgers zelf zijn ervaringsdeskundig]{rationale.resident_perspective}."),
        agenda_setting="participants_together facilitator", agenda_consultation="yes",
        agenda_how=(
            "[Twee keer per jaar een brainstorm met alle deelnemers over de thema's]{agenda.co_created}, "
            "[daarna zet de facilitator het in een planning]{agenda.facilitator_prepares}."),
        themes="collaboration integrated_care_welfare informal_care loneliness",
        reflection_forms="intervision moral_deliberation", reflection_frequency="monthly",
        slow_questions="yes",
        slow_questions_examples=(
            "[Hoeveel mag je van een mantelzorger vragen voordat het te veel wordt?]{slow.own_strength} "
            "[Wie beslist er als de mantelzorger en de client iets anders willen?]{slow.autonomy} "
            "[Is het eerlijk dat mantelzorg vooral bij vrouwen terechtkomt?]{slow.fairness}"),
        local=("5", "4", "4", "4"),
        local_how=(
            "[Kliffenburg is een dorp waar 'we regelen het zelf' heel sterk is]{local.customs_culture}, "
            "daarom [starten we altijd bij de mantelzorgers zelf]{local.residents_voice}."),
        facilitator_present="yes", facilitator_background="docent_researcher", facilitator_position="mostly_neutral",
        bw=("4", "4", "5", "4"), facilitator_importance="4",
        outcomes=(
            "[Mantelzorgers weten beter waar ze terecht kunnen]{outcome.network_contacts}, "
            "[respijtzorg wordt eerder aangeboden]{outcome.new_method}."),
        tips="[Plan moreel beraad in, niet alleen als er iets misgaat]{reflection.moral_deliberation}.",
    ),
    dict(
        slug="wilgenrijk-buurtteams", name="Praktijknetwerk Buurtteams Wilgenrijk",
        werkplaats="wilgenrijk", type="C",
        facilitator=("thijs.korteweg@example.org", "Thijs Korteweg"),
        start_year=2019, size=22,
        participants="neighbourhood_teams professionals_welfare professionals_care students lecturers_researchers",
        form="1111000", org_form="rather_formal",
        rationale_explicit="yes",
        rationale_text=(
            "[Leren op de werkvloer, van en met elkaar, aan de hand van echte casuïstiek]{rationale.practice_based}. "
            "Theorie komt erbij als het helpt, niet andersom."),
        agenda_setting="participants_together steering_group", agenda_consultation="yes",
        agenda_how=(
            "[Elk buurtteam levert per ronde een casus aan]{agenda.cases_from_practice}, "
            "[de regiegroep bewaakt dat de grote thema's ook aan bod komen]{agenda.steering_group}."),
        themes="collaboration integrated_care_welfare new_methods poverty_debts youth_family",
        reflection_forms="case_discussion intervision", reflection_frequency="monthly",
        slow_questions="yes",
        slow_questions_examples=(
            "[Moet je als buurtteam doen wat de indicatie zegt of wat het gezin nodig heeft?]{slow.system_lifeworld} "
            "[Wanneer stop je met een client die steeds niet komt opdagen?]{slow.professional_role}"),
        local=("4", "5", "4", "4"),
        local_how=(
            "[Elke wijk heeft zijn eigen aanpak]{local.customs_culture}: in Dijkhuizen veel ouderen, in Ooievaarsweide jonge gezinnen. "
            "[We houden de bijeenkomsten op wisselende locaties]{local.location}."),
        facilitator_present="yes", facilitator_background="docent_researcher", facilitator_position="neutral",
        bw=("5", "4", "4", "5"), facilitator_importance="5",
        outcomes=(
            "[De methode 'Eén gezin, één plan' wordt nu in alle teams gebruikt]{outcome.new_method}. "
            "[Collega's van zorg en welzijn bellen elkaar gewoon op]{outcome.network_contacts}."),
        tips=(
            "[Laat de facilitator vooral vragen stellen en niet het antwoord geven]{facilitator.questioner}. "
            "[Echte casussen werken beter dan theorie]{agenda.cases_from_practice}."),
    ),
    dict(
        slug="oostermarke-kwetsbaar", name="Lerend netwerk Kwetsbare Burgers Oostermarke",
        werkplaats="oostermarke", type="A",
        facilitator=("karin.meulenbelt@example.org", "Karin Meulenbelt"),
        start_year=2015, size=40,
        participants="professionals_care professionals_welfare policy_officers neighbourhood_teams other",
        form="1111111", org_form="formal",
        rationale_explicit="yes",
        rationale_text=(
            "De werkwijze is [vastgelegd in het regionaal convenant Zorg en Veiligheid]{rationale.policy_mandate}. "
            "[Het doel is een sluitende aanpak voor mensen met verward gedrag]{rationale.system_change}; "
            "het leren is [gericht op het verbeteren van de samenwerking in de keten]{rationale.practice_based}."),
        agenda_setting="steering_group municipality", agenda_consultation="no",
        agenda_how=(
            "[De agenda wordt vastgesteld door het regionaal stuurteam]{agenda.steering_group} op basis van "
            "[de prioriteiten van de gemeenten]{agenda.municipality}."),
        themes="collaboration integrated_care_welfare mental_health",
        reflection_forms="case_discussion reflection_session", reflection_frequency="quarterly",
        slow_questions="yes",
        slow_questions_examples=(
            "[Wanneer is bemoeizorg gerechtvaardigd?]{slow.autonomy} "
            "[Welke informatie mag de politie met de ggz delen?]{slow.privacy}"),
        local=("4", "5", "5", "3"),
        local_how="[Aansluiting bij het zorg- en veiligheidshuis en de lokale overleggen]{local.existing_partners}.",
        facilitator_present="yes", facilitator_background="external_adviser", facilitator_position="with_interest",
        bw=("4", "3", "3", "3"), facilitator_importance="4",
        outcomes=(
            "[Afspraken over op- en afschalen tussen ggz, wijkteams en politie]{outcome.shared_language}. "
            "[De lijnen zijn korter]{outcome.network_contacts}."),
        tips=(
            "[Een externe begeleider helpt, maar die moet wel echt onafhankelijk zijn]{facilitator.neutral}. "
            "Bij ons wordt hij door de ggz betaald, dat wordt soms gevoeld."),
    ),
    dict(
        slug="zandhove-samen", name="Leernetwerk Zorg en Welzijn Samen Zandhove",
        werkplaats="zandhove", type="C",
        facilitator=("noor.elhaddaoui@example.org", "Noor El Haddaoui"),
        start_year=2021, size=16,
        participants="professionals_welfare professionals_care students lecturers_researchers residents",
        form="1011010", org_form="rather_informal",
        rationale_explicit="yes",
        rationale_text=(
            "[We werken vanuit positieve gezondheid (Huber)]{rationale.appreciative}: niet de ziekte maar het goede leven centraal. "
            "[Zorg en welzijn moeten daarvoor samen optrekken]{rationale.system_change}, en dat leer je alleen [door het samen te doen]{rationale.practice_based}."),
        agenda_setting="participants_together facilitator", agenda_consultation="yes",
        agenda_how=(
            "[We maken samen een 'leeragenda' voor een half jaar]{agenda.co_created}, [de leerfacilitator bewaakt die]{agenda.facilitator_prepares}."),
        themes="collaboration integrated_care_welfare new_methods informal_care",
        reflection_forms="reflection_session intervision", reflection_frequency="monthly",
        slow_questions="yes",
        slow_questions_examples=(
            "[Wat is 'gezond' eigenlijk, en wie bepaalt dat?]{slow.system_lifeworld} "
            "[Mogen we iemand aanspreken op zijn leefstijl?]{slow.autonomy}"),
        local=("4", "4", "4", "5"),
        local_how=(
            "[We houden de dialoog over positieve gezondheid in de wijkcentra]{local.location} en [nodigen bewoners uit om mee te praten]{local.residents_voice}."),
        facilitator_present="yes", facilitator_background="docent_researcher", facilitator_position="neutral",
        bw=("5", "5", "5", "4"), facilitator_importance="5",
        outcomes=(
            "[Huisartsen en welzijnswerkers gebruiken nu hetzelfde spinnenweb-gesprek]{outcome.new_method,outcome.shared_language}. "
            "[Welzijn op recept loopt beter]{outcome.network_contacts}."),
        tips=(
            "[Investeer in een facilitator die de taal van zowel zorg als welzijn spreekt]{facilitator.boundary_worker}."),
    ),
    dict(
        slug="beekwaarde-inclusie", name="Lerend netwerk Inclusieve Wijk Beekwaarde",
        werkplaats="beekwaarde", type="B",
        facilitator=("yusuf.kaya@example.org", "Yusuf Kaya"),
        start_year=2023, size=13,
        participants="residents professionals_welfare experts_by_experience students other",
        form="1000000", org_form="informal",
        rationale_explicit="yes",
        rationale_text=(
            "[Niet over maar met bewoners]{rationale.co_creation}. "
            "[We geloven dat de kennis in de wijk zit, in de verhalen van mensen]{rationale.resident_perspective}. "
            "We gebruiken [waarderend onderzoeken (appreciative inquiry)]{rationale.appreciative}."),
        agenda_setting="participants_together residents_questions", agenda_consultation="yes",
        agenda_how=(
            "[Bewoners brengen de onderwerpen in, tijdens de buurtlunch]{agenda.residents_questions}. "
            "[De groep kiest samen wat we gaan uitdiepen]{agenda.co_created}."),
        themes="collaboration housing_neighbourhood inclusion_diversity loneliness",
        reflection_forms="socratic_dialogue reflection_session action_research", reflection_frequency="every_meeting",
        slow_questions="yes",
        slow_questions_examples=(
            "[Wie hoort er eigenlijk bij 'de wijk'?]{slow.fairness} "
            "[Mogen we als organisatie iets organiseren voor een groep waar we zelf niet bij horen?]{slow.professional_role} "
            "[Wat doen we met bewoners die geen Nederlands spreken, vertalen we alles of is meedoen ook hun verantwoordelijkheid?]{slow.responsibility}"),
        local=("5", "4", "3", "5"),
        local_how=(
            "[We spreken af bij de moskee, het buurthuis en de Surinaamse vereniging, afwisselend]{local.location,local.existing_partners}. "
            "[Er wordt altijd gekookt door bewoners]{local.customs_culture}."),
        facilitator_present="no",
        outcomes=(
            "[Bewoners die eerst niet meededen zitten nu in de werkgroep]{outcome.resident_involvement}. "
            "Nog weinig resultaat richting beleid."),
        tips=(
            "[Begin bij de mensen, niet bij het plan]{rationale.co_creation}. "
            "[Tolken en een goede maaltijd]{local.customs_culture}."),
    ),
    dict(
        slug="duinhaven-ervaring", name="Netwerk Ervaringskennis Duinhaven",
        werkplaats="duinhaven", type="B",
        facilitator=("esther.blom@example.org", "Esther Blom"),
        start_year=2020, size=9,
        participants="experts_by_experience professionals_care residents lecturers_researchers",
        form="0001001", org_form="rather_informal",
        rationale_explicit="yes",
        rationale_text=(
            "[Ervaringskennis is net zo waardevol als professionele en wetenschappelijke kennis]{rationale.resident_perspective,rationale.co_creation}. "
            "[We werken vanuit het herstelgericht werken]{rationale.learning_theory}."),
        agenda_setting="participants_together other", agenda_consultation="yes",
        agenda_how=(
            "[De ervaringsdeskundigen bepalen de onderwerpen]{agenda.co_created}, "
            "[professionals schuiven aan met hun vragen]{agenda.cases_from_practice}."),
        themes="new_methods mental_health inclusion_diversity",
        reflection_forms="intervision reflection_session other", reflection_frequency="every_meeting",
        slow_questions="yes",
        slow_questions_examples=(
            "[Wanneer is 'herstel' een doel van de client en wanneer van de instelling?]{slow.system_lifeworld} "
            "[Mag een ervaringsdeskundige ook nee zeggen tegen een collega?]{slow.professional_role}"),
        local=("4", "4", "3", "5"),
        local_how="[We zijn klein en kennen de lokale ggz-instellingen goed]{local.existing_partners}.",
        facilitator_present="yes", facilitator_background="rotating_participant", facilitator_position="neutral",
        bw=("4", "4", "5", "5"), facilitator_importance="4",
        outcomes=(
            "[Ervaringsdeskundigen worden nu betaald ingezet bij de wijkteams]{outcome.resident_involvement,outcome.policy_influence}. "
            "[Professionals luisteren anders]{outcome.asking_questions}."),
        tips=(
            "[Rouleer de voorzittersrol]{agenda.rotating} zodat niemand de baas wordt. "
            "[Veiligheid eerst: wat hier gezegd wordt blijft hier]{facilitator.safe_space}."),
    ),
    dict(
        slug="polderhart-sociaal-team", name="Leernetwerk Sociaal Team Polderhart",
        werkplaats="polderhart", type="A",
        facilitator=("gerben.landman@example.org", "Gerben Landman"),
        start_year=2018, size=27,
        participants="neighbourhood_teams policy_officers professionals_welfare",
        form="1101111", org_form="formal",
        rationale_explicit="partly",
        rationale_text=(
            "[Het is een opdracht van de gemeente]{rationale.policy_mandate}, de onderbouwing is niet echt uitgewerkt. "
            "[We willen leren van casuistiek]{rationale.practice_based}, maar in de praktijk is het vaak vooral afstemming."),
        agenda_setting="municipality facilitator", agenda_consultation="no",
        agenda_how=(
            "[De teamleider en de beleidsmedewerker bepalen de agenda]{agenda.municipality,agenda.facilitator_prepares}, "
            "vaak gaat het over nieuwe regels of processen."),
        themes="collaboration integrated_care_welfare new_methods poverty_debts mental_health",
        reflection_forms="case_discussion reflection_session", reflection_frequency="yearly",
        slow_questions="no",
        local=("3", "4", "5", "3"),
        local_how="[Het sociaal team werkt volgens het gemeentelijk beleidsplan]{local.policy}.",
        facilitator_present="no",
        outcomes=(
            "[Betere afstemming tussen sociaal team en Werk & Inkomen]{outcome.network_contacts}. "
            "Een echte leercultuur is er nog niet."),
        tips=(
            "[Maak tijd voor reflectie, anders wordt het een werkoverleg]{reflection.room_for_slow}. "
            "[Een externe of onafhankelijke begeleider zou helpen]{facilitator.neutral}."),
    ),
    dict(
        slug="vaartland-wonen", name="Lerend netwerk Wonen en Welzijn Vaartland",
        werkplaats="vaartland", type="C",
        facilitator=("lotte.spijkerman@example.org", "Lotte Spijkerman"),
        start_year=2021, size=19,
        participants="professionals_welfare professionals_care policy_officers residents other",
        form="1110011", org_form="rather_formal",
        rationale_explicit="yes",
        rationale_text=(
            "[Wonen, zorg en welzijn hangen samen, dus moet je ook samen leren]{rationale.system_change}. "
            "We volgen [het model van de leercyclus: plan, do, check, act]{rationale.learning_theory}, met [een pilot per jaar]{rationale.practice_based}."),
        agenda_setting="facilitator municipality", agenda_consultation="partly",
        agenda_how=(
            "[De facilitator maakt een voorstel]{agenda.facilitator_prepares} [op basis van de woonvisie van de gemeente]{agenda.municipality}; "
            "[deelnemers kunnen reageren per mail]{agenda.co_created}."),
        themes="collaboration integrated_care_welfare housing_neighbourhood other",
        themes_other=(
            "[Langer thuis wonen van ouderen]{theme.ageing_in_place}, [domotica en zorg op afstand]{theme.digitalisation}"),
        reflection_forms="intervision case_discussion", reflection_frequency="quarterly",
        slow_questions="yes",
        slow_questions_examples=(
            "[Moet iemand met dementie zo lang mogelijk thuis blijven wonen, ook als de buren er last van hebben?]{slow.autonomy,slow.responsibility}"),
        local=("4", "5", "5", "4"),
        local_how=(
            "[De woningcorporatie en de zorgorganisaties uit de regio zitten aan tafel]{local.existing_partners}, "
            "[en we volgen de woonvisie]{local.policy}."),
        facilitator_present="yes", facilitator_background="docent_researcher", facilitator_position="mostly_neutral",
        bw=("4", "5", "4", "4"), facilitator_importance="4",
        outcomes=(
            "[Een signaleringskaart voor huismeesters]{outcome.new_method}. "
            "[De corporatie betrekt nu het wijkteam bij huurachterstanden]{outcome.network_contacts}."),
        tips="[Maak het concreet, met een pilot]{rationale.practice_based}.",
    ),
    dict(
        slug="vaartland-studenten", name="Leerwerkplaats Studenten in de Wijk Vaartland",
        werkplaats="vaartland", type="B",
        facilitator=("daan.hoekstra@example.org", "Daan Hoekstra"),
        start_year=2024, size=26,
        participants="students lecturers_researchers residents professionals_welfare",
        form="1001000", org_form="informal",
        rationale_explicit="yes",
        rationale_text=(
            "[Studenten, docenten, bewoners en professionals leren samen in de wijk, als gelijken]{rationale.co_creation}. "
            "[Onderwijs, onderzoek en praktijk komen samen]{rationale.practice_based} - a real living lab."),
        agenda_setting="participants_together residents_questions", agenda_consultation="yes",
        agenda_how=(
            "[Aan het begin van het semester halen studenten vragen op in de wijk]{agenda.residents_questions}; "
            "[daarna kiezen we samen]{agenda.co_created}."),
        themes="collaboration new_methods youth_family inclusion_diversity",
        reflection_forms="action_research intervision reflection_session", reflection_frequency="every_meeting",
        slow_questions="yes",
        slow_questions_examples=(
            "[Is it okay for students to 'practice' on residents who are vulnerable?]{slow.professional_role} "
            "[Wie is verantwoordelijk als een student iets signaleert maar het semester afgelopen is?]{slow.responsibility}"),
        local=("4", "4", "3", "5"),
        local_how=(
            "[We hebben een lokaal in het wijkcentrum]{local.location}, [bewoners lopen gewoon binnen]{local.residents_voice}."),
        facilitator_present="yes", facilitator_background="docent_researcher", facilitator_position="mostly_neutral",
        bw=("5", "5", "4", "4"), facilitator_importance="5",
        outcomes=(
            "[Studenten leren wat 'de wijk' is en bewoners zien dat de hogeschool iets komt brengen]{outcome.resident_involvement}. "
            "[Drie nieuwe activiteiten voor jongeren]{outcome.new_method}."),
        tips=(
            "[Zorg voor continuiteit: een docent-onderzoeker die blijft als studenten wisselen]{facilitator.boundary_worker,facilitator.process}."),
    ),
    dict(
        slug="heuvelzoom-ouderen", name="Lerend netwerk Ouder worden in Heuvelzoom",
        werkplaats="heuvelzoom", type="C",
        facilitator=("wendy.peeters@example.org", "Wendy Peeters"),
        start_year=2019, size=17,
        participants="professionals_welfare professionals_care residents policy_officers lecturers_researchers",
        form="1001010", org_form="rather_informal",
        rationale_explicit="yes",
        rationale_text=(
            "[We willen dat ouderen zelf de regie houden]{rationale.resident_perspective}. "
            "Onze werkwijze is [gebaseerd op de 'lerende gemeenschap' uit het lectoraat]{rationale.learning_theory}: "
            "[elke bijeenkomst een praktijkvraag, een beetje theorie en een plan]{rationale.practice_based}."),
        agenda_setting="participants_together facilitator residents_questions", agenda_consultation="yes",
        agenda_how=(
            "[Ouderen uit de seniorenraad en professionals brengen samen vragen in]{agenda.co_created,agenda.residents_questions}, "
            "[de lector of docent-onderzoeker zet ze om in een programma]{agenda.facilitator_prepares}."),
        themes="collaboration integrated_care_welfare loneliness informal_care",
        reflection_forms="moral_deliberation reflection_session", reflection_frequency="monthly",
        slow_questions="yes",
        slow_questions_examples=(
            "[Mag je een oudere laten vallen als die per se zonder rollator wil lopen?]{slow.autonomy} "
            "[Hoeveel zorg mag je van de kinderen verwachten?]{slow.own_strength} "
            "[Wie betaalt als de buurt het niet meer kan dragen?]{slow.responsibility}"),
        local=("5", "4", "4", "5"),
        local_how=(
            "[In de grensdorpen is de kerk en het verenigingsleven nog sterk]{local.customs_culture}; "
            "[we werken samen met de zonnebloem en de KBO]{local.existing_partners}."),
        facilitator_present="yes", facilitator_background="docent_researcher", facilitator_position="neutral",
        bw=("5", "4", "5", "5"), facilitator_importance="5",
        outcomes=(
            "[Een 'buurtzorgtafel' per dorp]{outcome.new_method}, [ouderen doen zelf mee in het overleg]{outcome.resident_involvement}."),
        tips="[Moreel beraad helpt om de echte vragen boven tafel te krijgen]{reflection.moral_deliberation,reflection.room_for_slow}.",
    ),
    dict(
        slug="rietmond-moreel", name="Leerkring Moreel Beraad Rietmond",
        werkplaats="rietmond", type="B",
        facilitator=("pieter.vandermolen@example.org", "Pieter van der Molen"),
        start_year=2020, size=10,
        participants="professionals_welfare professionals_care neighbourhood_teams lecturers_researchers",
        form="1000100", org_form="rather_informal",
        rationale_explicit="yes",
        rationale_text=(
            "[Professionals in het sociaal domein lopen dagelijks tegen morele vragen aan]{rationale.practice_based}. "
            "[We geloven in vertragen: pas als je de tijd neemt zie je wat er echt speelt]{rationale.learning_theory}. "
            "Gebaseerd op [de Utrechtse methode van moreel beraad en het socratisch gesprek]{rationale.learning_theory}."),
        agenda_setting="participants_together", agenda_consultation="yes",
        agenda_how=(
            "[Wie een dilemma heeft brengt het in]{agenda.cases_from_practice}, [de groep kiest welk dilemma we bespreken]{agenda.co_created}."),
        themes="collaboration integrated_care_welfare new_methods mental_health",
        reflection_forms="moral_deliberation socratic_dialogue intervision", reflection_frequency="every_meeting",
        slow_questions="yes",
        slow_questions_examples=(
            "[Mogen we afwijken van het protocol als we denken dat het beter is voor de client?]{slow.system_lifeworld} "
            "[Wat is goede zorg als de client iets anders wil dan wat wij goed vinden?]{slow.autonomy} "
            "[Wanneer is loyaliteit aan je organisatie belangrijker dan aan de client?]{slow.professional_role}"),
        local=("4", "3", "3", "4"),
        local_how="[We bespreken dilemma's uit de eigen gemeenten]{local.policy}, dus de lokale context zit er automatisch in.",
        facilitator_present="yes", facilitator_background="docent_researcher", facilitator_position="neutral",
        bw=("4", "4", "5", "5"), facilitator_importance="5",
        outcomes=(
            "[Deelnemers nemen moreel beraad mee naar hun eigen team]{outcome.new_method,outcome.reflective_practice}. "
            "[Meer durven twijfelen]{outcome.reflective_practice}."),
        tips=(
            "[Een getrainde gespreksleider is essentieel]{facilitator.process}, "
            "[en een vaste groep zodat er vertrouwen ontstaat]{facilitator.safe_space}."),
    ),
    dict(
        slug="brugstede-keten", name="Lerend netwerk Ketensamenwerking Brugstede",
        werkplaats="brugstede", type="A",
        facilitator=("monique.dekkers@example.org", "Monique Dekkers"),
        start_year=2016, size=35,
        participants="professionals_care professionals_welfare policy_officers neighbourhood_teams lecturers_researchers",
        form="1111011", org_form="rather_formal",
        rationale_explicit="yes",
        rationale_text=(
            "[De ketensamenwerking moet beter]{rationale.system_change}: clienten vallen tussen wal en schip. "
            "[We werken volgens een jaarcyclus van leren en verbeteren, afgesproken in de samenwerkingsovereenkomst]{rationale.policy_mandate,rationale.learning_theory}."),
        agenda_setting="steering_group participants_together", agenda_consultation="yes",
        agenda_how=(
            "[De stuurgroep stelt de kaders]{agenda.steering_group}, [binnen die kaders kiezen de deelnemers samen de leervragen]{agenda.co_created}."),
        themes="collaboration integrated_care_welfare new_methods other",
        themes_other="[Personeelstekort en hoge werkdruk]{theme.workforce}",
        reflection_forms="case_discussion moral_deliberation", reflection_frequency="quarterly",
        slow_questions="yes",
        slow_questions_examples=(
            "[Wie is verantwoordelijk als een client tussen twee organisaties in valt?]{slow.responsibility} "
            "[Mag je bij personeelstekort kiezen welke client wel en welke geen hulp krijgt?]{slow.fairness}"),
        local=("4", "5", "4", "3"),
        local_how="[Afspraken sluiten aan op het regionale zorgakkoord en de lokale netwerken]{local.policy,local.existing_partners}.",
        facilitator_present="yes", facilitator_background="docent_researcher", facilitator_position="mostly_neutral",
        bw=("4", "5", "4", "4"), facilitator_importance="4",
        outcomes=(
            "[Een ketenprotocol voor ontslag uit het ziekenhuis naar huis]{outcome.new_method}. "
            "[Warme overdracht in plaats van een mailtje]{outcome.network_contacts}."),
        tips=(
            "[Bestuurlijke steun plus ruimte voor de professionals zelf]{rationale.policy_mandate,agenda.co_created}. "
            "[De docent-onderzoeker als neutrale partij werkt goed]{facilitator.neutral}."),
    ),
]
