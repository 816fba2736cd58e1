"""Hand-written text pools for the members' open answers (fictional; markup as in networks.py).

LEARNED is keyed by the network theme that makes an answer likely (the generator prefers
answers that fit the themes of the member's network); "any" fits every network.
"""

LEARNED = {
    "collaboration": [
        "[Dat samenwerken meer is dan overleggen]{theme.collaboration}.",
        "<P>[Ik weet nu wie ik moet bellen bij de gemeente en bij de ggz]{theme.collaboration}, dat scheelt enorm veel tijd.",
        "[samenwerkingsvraagstukken]{theme.collaboration} zitten vaak niet in de regels maar in hoe we naar elkaar kijken",
        "<P>[Hoe andere organisaties werken en waarom ze soms 'nee' zeggen]{theme.collaboration}. Ik was daar eerst best geïrriteerd over, nu snap ik het beter.",
        "<P>[Elkaars taal leren spreken]{theme.collaboration}. Een indicatie betekent voor de zorg iets heel anders dan voor ons.",
        "[Dat je de samenwerking niet kunt afdwingen met een convenant]{theme.collaboration}, het gaat om vertrouwen.",
        "Vooral [de korte lijntjes met collega's van andere organisaties]{theme.collaboration}.",
        "<P>[Samenwerken met bewoners als gelijken, niet als 'doelgroep']{theme.collaboration,theme.inclusion_diversity}.",
        "[Netwerken!]{theme.collaboration}",
        "<P>[De rolverdeling tussen wijkteam en welzijn is veel helderder geworden]{theme.collaboration} voor mij.",
    ],
    "integrated_care_welfare": [
        "<P>[Hoe je zorg en welzijn echt integraal kunt aanpakken]{theme.integrated_care_welfare}, met één plan rond een gezin in plaats van vijf.",
        "<P>[integrale aanpak]{theme.integrated_care_welfare} klinkt mooi maar [in de praktijk zitten de schotten in de financiering]{theme.integrated_care_welfare}",
        "[Dat de huisarts en het welzijnswerk elkaar nodig hebben]{theme.integrated_care_welfare,theme.collaboration}.",
        "[Over de schotten heen kijken]{theme.integrated_care_welfare}. Niet 'dat is niet mijn afdeling'.",
        "<P>[Wat een integrale blik oplevert voor een client met schulden, een depressie en een zoon met problemen op school]{theme.integrated_care_welfare}. Alles hangt samen.",
        "<P>[Ontschotten begint bij jezelf]{theme.integrated_care_welfare}.",
        "[De verbinding tussen het medische en het sociale domein]{theme.integrated_care_welfare}",
    ],
    "new_methods": [
        "<N>[Werken met het spinnenweb van positieve gezondheid]{theme.new_methods}.",
        "[De methode van de eigen-krachtconferentie]{theme.new_methods}, ik had er wel van gehoord maar nu heb ik het meegemaakt.",
        "<P>[Nieuwe werkvormen zoals de sociale kaart in beeld brengen met de client]{theme.new_methods}",
        "<N>[Oplossingsgericht werken]{theme.new_methods}, kleine stapjes.",
        "<P>[Hoe je een netwerkberaad organiseert]{theme.new_methods} en dat het veel oplevert als je de familie erbij haalt.",
        "<P>[Motiverende gespreksvoering]{theme.new_methods}, vooral het reflectief luisteren",
        "<P>[De krachtwerkmethodiek]{theme.new_methods}. Heel praktisch.",
    ],
    "poverty_debts": [
        "[Hoe schaamte rond geldzorgen werkt]{theme.poverty_debts} en [dat je mensen met schulden niet moet bestoken met formulieren]{theme.poverty_debts}.",
        "[Vroegsignalering van schulden via de woningcorporatie]{theme.poverty_debts,theme.new_methods}.",
        "[Dat armoede stress geeft en dat mensen dan minder 'zelfredzaam' zijn]{theme.poverty_debts}. Dat verandert hoe ik naar mensen kijk.",
    ],
    "youth_family": [
        "[Hoe je ouders betrekt zonder dat ze zich beoordeeld voelen]{theme.youth_family}.",
        "[Meer over de rol van school bij signalen over thuis]{theme.youth_family,theme.collaboration}",
        "[Dat een gezin een systeem is, je kunt niet alleen het kind helpen]{theme.youth_family}",
    ],
    "mental_health": [
        "[Hoe je omgaat met verward gedrag zonder meteen de politie te bellen]{theme.mental_health}.",
        "[Wat herstel betekent voor iemand met een psychische kwetsbaarheid]{theme.mental_health}, het is niet hetzelfde als genezen.",
        "[Ervaringsdeskundigheid in de ggz]{theme.mental_health}, echt een eye-opener.",
    ],
    "loneliness": [
        "[Eenzaamheid is niet hetzelfde als alleen zijn]{theme.loneliness}.",
        "[Dat je eenzaamheid niet oplost met een activiteit]{theme.loneliness}, het gaat om betekenisvolle contacten.",
        "[Hoe je eenzaamheid bespreekbaar maakt]{theme.loneliness} bij ouderen die zeggen dat alles prima gaat",
    ],
    "informal_care": [
        "[Hoe zwaar mantelzorg kan zijn]{theme.informal_care} en dat [mantelzorgers vaak pas aan de bel trekken als het te laat is]{theme.informal_care}.",
        "<P>[Samenwerken met vrijwilligers]{theme.informal_care,theme.collaboration} vraagt iets anders dan met collega's.",
        "[Respijtzorg]{theme.informal_care}",
    ],
    "housing_neighbourhood": [
        "<P>[Wat er achter de voordeur gebeurt bij overlastmeldingen]{theme.housing_neighbourhood}.",
        "[Hoe belangrijk een goede huisvesting is voor alles]{theme.housing_neighbourhood}, zonder dak kom je nergens aan toe.",
    ],
    "inclusion_diversity": [
        "<P>[Hoe ik onbewust mensen uitsluit met mijn taal]{theme.inclusion_diversity}.",
        "[Verschillende culturen kijken heel anders naar hulp vragen]{theme.inclusion_diversity}.",
        "[Inclusie gaat ook over laaggeletterdheid]{theme.inclusion_diversity}, dat vergeten we vaak.",
    ],
    "any": [
        "<P>[Stilstaan bij mijn eigen handelen]{reflection.reflection_session}. Dat doe ik in de waan van de dag veel te weinig.",
        "<P>[Door de intervisie]{reflection.intervision} zie ik dat ik niet de enige ben die twijfelt.",
        "[Het moreel beraad]{reflection.moral_deliberation} hielp me om [een dilemma echt uit te pluizen]{reflection.room_for_slow}.",
        "[Dat er achter een praktische vraag vaak een hele andere vraag zit]{reflection.room_for_slow}.",
        "[De facilitator stelt steeds die ene vraag waardoor je anders gaat kijken]{facilitator.questioner}.",
        "<P>[Van de casusbesprekingen leer ik het meest]{reflection.case_discussion}, [vooral van collega's uit andere organisaties]{theme.collaboration}.",
        "[Dat het oké is om niet meteen een oplossing te hebben]{reflection.room_for_slow}.",
        "[Het socratisch gesprek]{reflection.socratic_dialogue} was even wennen, maar [je komt echt tot de kern]{reflection.room_for_slow}.",
        "[Onderzoekend werken: een vraag stellen, iets proberen, kijken wat het doet]{reflection.action_research}.",
        "Veel. [Vooral luisteren]{reflection.reflection_session}.",
        "[Dat ik mijn twijfels mag delen zonder dat iemand er een oordeel over heeft]{facilitator.safe_space}.",
        "[Onze begeleider van de hogeschool verbindt de praktijk met wat er in onderzoek bekend is]{facilitator.knowledge_broker,facilitator.boundary_worker}.",
        "[Tijd nemen voor trage vragen]{reflection.room_for_slow}",
        "[Dat een buitenstaander zonder belang het gesprek opener maakt]{facilitator.neutral}.",
    ],
}

LEARNED_EN = [
    "[Working with residents instead of for them]{theme.collaboration}. In the network everybody is equal, also us students.",
    "[Reflection]{reflection.reflection_session}, a lot. [The facilitator keeps asking 'why'?]{facilitator.questioner}",
    "[How Dutch welfare organisations work together with the municipality]{theme.collaboration}. Quite different from my home country.",
    "[The idea of 'eigen kracht' (own strength)]{theme.new_methods} was new for me, and [I learned to question it too]{reflection.room_for_slow}.",
    "[Intervision sessions]{reflection.intervision} - we don't have that at my university at home.",
    "[That integrated care means one plan for one family]{theme.integrated_care_welfare}.",
]

PRACTICE_CHANGE = [
    "<P>[Ik bel nu eerder een collega van een andere organisatie]{outcome.network_contacts} in plaats van een verwijzing te sturen.",
    "[Ik vraag meer door]{outcome.asking_questions}: wat bedoelt u precies, wat is voor u belangrijk?",
    "<N>[Ik stel vaker de vraag achter de vraag]{outcome.asking_questions}",
    "<P>[We doen nu in ons eigen team ook intervisie]{outcome.reflective_practice}, elke maand.",
    "<P>[Ik gebruik het spinnenweb in mijn gesprekken met clienten]{outcome.new_method}.",
    "<P>[Ik neem meer tijd voor een gesprek]{outcome.asking_questions}, ook al is de werkdruk hoog.",
    "<P>[Ik werk met de signaleringskaart]{outcome.new_method} en [heb een vast contactpersoon bij de corporatie]{outcome.network_contacts}.",
    "<P>[Ik betrek bewoners eerder]{outcome.resident_involvement}, bijvoorbeeld bij het bedenken van activiteiten.",
    "Nog niet zo veel eigenlijk. [Het blijft lastig om het mee te nemen naar de waan van de dag]{outcome.not_yet}.",
    "[Niks]{outcome.not_yet}",
    "[Ik ben bewuster van mijn eigen rol]{outcome.reflective_practice}.",
    "<P>[Ik vraag mantelzorgers hoe het met hén gaat]{outcome.asking_questions}, niet alleen met de client.",
    "<P>[Ik heb onze beleidsnotitie aangepast na de gesprekken in het netwerk]{outcome.policy_influence}.",
    "<P>[We hebben een ervaringsdeskundige in ons team]{outcome.resident_involvement} gekregen.",
    "[Ik durf vaker te zeggen dat ik iets niet weet]{outcome.reflective_practice}.",
    "<P>[Bij lastige casussen organiseer ik een netwerkberaad]{outcome.new_method}.",
    "<P>[Ik schrijf minder rapportages en praat meer met de mensen zelf]{outcome.asking_questions}",
    "[De lijntjes zijn korter]{outcome.network_contacts}, [ik weet wie ik moet hebben]{outcome.network_contacts}.",
    "<P>[Ik gebruik een gedeelde taal met de wijkverpleging]{outcome.shared_language}, we hebben het nu over hetzelfde.",
    "<P>[Ik reflecteer na elk huisbezoek even kort]{outcome.reflective_practice} met een collega.",
    "<P>[Moreel beraad in ons team opgezet]{outcome.new_method,outcome.reflective_practice}.",
    "<P>[Ik kijk breder dan mijn eigen vakgebied]{outcome.shared_language}, bijvoorbeeld ook naar wonen en geld.",
    "[Minder snel oplossen, meer vragen]{outcome.asking_questions}.",
    "<P>[Ik heb de inzichten ingebracht bij het MT]{outcome.policy_influence}, en nu komt er ruimte voor een pilot.",
    "<R>[Mijn eigen vereniging werkt nu samen met het wijkteam]{outcome.network_contacts,outcome.resident_involvement}.",
    "weet ik nog niet, [ben er nog maar net]{outcome.not_yet}",
    "[Ik kijk anders naar 'eigen kracht']{outcome.reflective_practice}: niet iedereen kan het zelf, en dat is oké.",
    "<P>[Ik verwijs gerichter door]{outcome.network_contacts} en check of het aankomt.",
    "<P>[Met de gemeente hebben we de regels voor de bijzondere bijstand versoepeld]{outcome.policy_influence} voor deze groep.",
    "<S>[In mijn stage gebruik ik de methode van het netwerk]{outcome.new_method}.",
]

PRACTICE_CHANGE += [
    "<R>[Ik weet nu bij wie ik moet aankloppen]{outcome.network_contacts} als er iets is met de buurvrouw.",
    "<R>[Ik durf professionals vaker te vertellen wat ik zelf zie in de buurt]{outcome.resident_involvement}.",
    "<R>[Ik organiseer zelf een koffieochtend in de flat]{outcome.resident_involvement}, met hulp van het welzijnswerk.",
    "<R>[Ik luister beter naar de mensen om me heen]{outcome.asking_questions}.",
    "<R>Niet veel, [ik ben geen professional hè]{outcome.not_yet}. Maar ik voel me wel serieus genomen.",
    "<R>[Ik vertel mijn eigen verhaal nu ook op de opleiding]{outcome.resident_involvement}, als ervaringsdeskundige.",
    "<R>[Ik ken nu de mensen van het wijkteam bij naam]{outcome.network_contacts}",
    "<S>[Ik stel meer open vragen aan bewoners]{outcome.asking_questions} en vul minder in voor ze.",
    "<S>[Mijn afstudeeronderzoek gaat over een vraag uit het netwerk]{outcome.new_method}.",
    "<S>[Ik reflecteer in mijn stageverslag op mijn eigen rol]{outcome.reflective_practice}.",
    "<S>[Ik durf in mijn stage vaker te vragen waarom we iets zo doen]{outcome.reflective_practice}",
]

LEARNED["any"] += [
    "<R>[Dat professionals ook twijfelen]{reflection.room_for_slow}, dat vond ik eigenlijk wel geruststellend.",
    "<R>[Hoe de gemeente en de organisaties met elkaar samenwerken]{theme.collaboration}, en waarom het soms zo lang duurt.",
    "<R>[Dat mijn ervaring telt]{facilitator.safe_space}. Ik word gehoord.",
    "<S>[Hoe het werkveld echt werkt, niet alleen uit de boeken]{reflection.action_research}.",
    "<S>[Dat je als student ook iets kunt brengen: een frisse blik]{theme.collaboration}.",
]


PRACTICE_CHANGE_EN = [
    "[I listen longer before I suggest a solution]{outcome.asking_questions}.",
    "[I know the people from the neighbourhood team now]{outcome.network_contacts}, so I can ask them things.",
    "[I ask more open questions]{outcome.asking_questions} during my internship.",
    "[I reflect more on my own role as a student]{outcome.reflective_practice}.",
    "[Not much yet]{outcome.not_yet}, but I bring the ideas back to my fellow students.",
]

SLOW = [
    "[Wanneer is eigen kracht eigenlijk te veel gevraagd?]{slow.own_strength}",
    "<N>[Mogen we ingrijpen als iemand zijn huis laat vervuilen, terwijl hij zelf zegt dat het goed gaat?]{slow.autonomy}",
    "[Hoeveel mag je van een mantelzorger vragen?]{slow.own_strength}",
    "<P>[Wat deel je met collega's van andere organisaties, en wat niet?]{slow.privacy}",
    "[Is het rechtvaardig dat mensen die mondig zijn sneller geholpen worden?]{slow.fairness}",
    "<P>[Moet ik het protocol volgen of doen wat deze moeder nodig heeft?]{slow.system_lifeworld}",
    "<R>[Waar houdt mijn rol als vrijwilliger op?]{slow.professional_role}",
    "[Wie is verantwoordelijk voor eenzaamheid: de overheid, de buurt of de persoon zelf?]{slow.responsibility}",
    "<P>[Mogen we een client 'loslaten' als hij geen hulp wil, ook als we zien dat het misgaat?]{slow.autonomy}",
    "<N>[Hoe ver mag je gaan in 'er op af' gaan?]{slow.autonomy}",
    "[Wanneer wordt maatwerk willekeur?]{slow.fairness}",
    "[Zelfredzaamheid als beleidsdoel: voor wie is dat eigenlijk haalbaar?]{slow.own_strength,slow.fairness}",
    "<P>[Wat doe je als je organisatie iets anders wil dan de client?]{slow.professional_role,slow.system_lifeworld}",
    "[Is 'de participatiesamenleving' niet gewoon bezuinigen met een mooi woord?]{slow.responsibility}",
    "<N>[Mag ik de buren vragen een oogje in het zeil te houden zonder dat de bewoner het weet?]{slow.privacy,slow.autonomy}",
    "[Waarom moet iemand eerst 'erg genoeg' zijn om hulp te krijgen?]{slow.system_lifeworld}",
    "<P>[Hoe lang blijf je betrokken als er geen vooruitgang is?]{slow.professional_role}",
    "[Wie bepaalt wat een goed leven is?]{slow.autonomy}",
    "Geen idee, misschien later.",
    "[Mogen wij bepalen dat iemand eenzaam is?]{slow.autonomy}",
    "[Wat als de wachtlijst betekent dat iemand te laat geholpen wordt? Wie is dan verantwoordelijk?]{slow.responsibility,slow.fairness}",
    "<P>[In hoeverre moet je als hulpverlener je eigen waarden opzij zetten?]{slow.professional_role}",
    "<N>[Waarom werken de regels van de ene afdeling die van de andere tegen?]{slow.system_lifeworld}",
    "<N>[Mogen we gegevens over schulden delen met de school?]{slow.privacy}",
    "[Hoeveel verschil tussen wijken is acceptabel?]{slow.fairness}",
    "[Eigen regie, ook als iemand dementie heeft?]{slow.autonomy}",
    "<P>[Is het mijn taak om iemand aan te spreken op zijn opvoeding?]{slow.professional_role}",
    "<N>[Wanneer doe je iemand tekort door te veel over te nemen?]{slow.own_strength}",
    "<P>[Wat betekent 'gelijkwaardig' als ik betaald word en de bewoner niet?]{slow.fairness,slow.professional_role}",
    "[Hoe voorkom je dat informele zorg een verplichting wordt?]{slow.own_strength,slow.responsibility}",
]

SLOW_EN = [
    "[May we decide for someone that they are lonely?]{slow.autonomy}",
    "[Is it fair that only people who speak Dutch well find their way to help?]{slow.fairness}",
    "[When should a student step back and leave it to the professionals?]{slow.professional_role}",
    "[Who decides what 'self-reliance' means for someone?]{slow.own_strength}",
]

# Short add-ons that make answers longer and less alike; some carry a code of their own.
TAILS_NL = [
    " Echt een eyeopener.",
    " Dat had ik niet verwacht.",
    " Daar ben ik blij mee.",
    " Maar het kost wel tijd.",
    " Mooi om te zien.",
    " Vooral door [de gesprekken met het wijkteam]{theme.collaboration}.",
    " Dankzij [de goede begeleiding]{facilitator.process}.",
    " (en ook gewoon gezellig)",
    " Hopelijk houden we dit vast.",
    " Het gaat wel langzaam.",
    " Wel jammer dat niet iedereen er altijd is.",
    " Vooral door [de intervisie]{reflection.intervision}.",
]

SLOW += [
    "<R>[Waarom moet ik als mantelzorger alles zelf regelen?]{slow.own_strength,slow.responsibility}",
    "<R>[Wie beslist wat goed is voor onze buurt: wij of de gemeente?]{slow.responsibility}",
    "<S>[Hoe eerlijk is het dat ik als student meer tijd heb voor een bewoner dan de professional?]{slow.fairness}",
]
