#!/usr/bin/env python3
"""Builds the two leernet questionnaires as XLSForm workbooks.

    python instruments/build_instruments.py          # writes instruments/network.xlsx, member.xlsx
    python instruments/build_instruments.py --check  # also converts both with pyxform

The committed .xlsx files are the source of truth that researchers open and edit in
Excel; this script is how their first version was written, kept so that the content can be
reviewed as text and regenerated. If you edit a workbook by hand, edit this script too (or
stop regenerating).

Question names are a contract with the analysis code: add questions freely, never rename.
Likert choice names are the digits 1..5; yes/no lists use `yes`/`no`.

Besides the XLSForm columns, every question carries two documentation fields (`measures`,
`scale`) that do not go into the workbook; `--readme-table` prints them as the variable
tables of instruments/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

HERE = Path(__file__).resolve().parent
NL = "Nederlands (nl)"
EN = "English (en)"
VERSION = "2026112801"

SURVEY_COLUMNS = [
    "type",
    "name",
    f"label::{NL}",
    f"label::{EN}",
    f"hint::{NL}",
    f"hint::{EN}",
    "required",
    "relevant",
    "constraint",
    f"constraint_message::{NL}",
    f"constraint_message::{EN}",
    "appearance",
    "bind::leernet:prefill",
]
CHOICE_COLUMNS = ["list_name", "name", f"label::{NL}", f"label::{EN}"]
SETTINGS_COLUMNS = ["form_title", f"display_title::{EN}", "form_id", "version", "default_language", "namespaces"]
# pyxform 4.5 fails on a translated form_title; leernet reads the title in another language
# from its own settings column `display_title::LANGUAGE` (other tools ignore it).
# What the invitation already knows (`bind::leernet:prefill`): leernet fills it in and does
# not ask it again; other XLSForm tools ignore the attribute and ask it as usual.
LEERNET_NAMESPACE = 'leernet="https://leernet.nl/xlsform"'


# --------------------------------------------------------------------------------------
# Small helpers: one call per survey row, Dutch first, English second.
# --------------------------------------------------------------------------------------


def q(
    type_: str,
    name: str,
    nl: str,
    en: str,
    *,
    hint: tuple[str, str] | None = None,
    required: bool = False,
    relevant: str = "",
    constraint: str = "",
    cmsg: tuple[str, str] | None = None,
    appearance: str = "",
    measures: str = "",
    scale: str = "",
    prefill: str = "",
) -> dict:
    return {
        "type": type_,
        "name": name,
        f"label::{NL}": nl,
        f"label::{EN}": en,
        f"hint::{NL}": hint[0] if hint else "",
        f"hint::{EN}": hint[1] if hint else "",
        "required": "yes" if required else "",
        "relevant": relevant,
        "constraint": constraint,
        f"constraint_message::{NL}": cmsg[0] if cmsg else "",
        f"constraint_message::{EN}": cmsg[1] if cmsg else "",
        "appearance": appearance,
        "bind::leernet:prefill": prefill,
        "_measures": measures,
        "_scale": scale,
    }


def begin(name: str, nl: str, en: str, relevant: str = "") -> dict:
    return q("begin_group", name, nl, en, relevant=relevant, appearance="field-list")


def end(name: str) -> dict:
    return {"type": "end_group", "name": name}


def choices(list_name: str, items: list[tuple[str, str, str]]) -> list[dict]:
    return [
        {"list_name": list_name, "name": n, f"label::{NL}": nl, f"label::{EN}": en}
        for n, nl, en in items
    ]


ALL_THAT_APPLY = ("Kruis alles aan wat van toepassing is.", "Select all that apply.")
AGREE_HINT = (
    "Geef aan in hoeverre u het eens bent met de uitspraak.",
    "Indicate how far you agree with the statement.",
)
OPTIONAL_OPEN = (
    "Deze vraag is niet verplicht; een paar woorden is ook goed.",
    "This question is optional; a few words are fine too.",
)

# Shared choice lists --------------------------------------------------------------------

YES_NO = choices("yes_no", [("yes", "Ja", "Yes"), ("no", "Nee", "No")])
YES_PARTLY_NO = choices(
    "yes_partly_no",
    [("yes", "Ja", "Yes"), ("partly", "Gedeeltelijk", "Partly"), ("no", "Nee", "No")],
)
AGREE5 = choices(
    "agree5",
    [
        ("1", "Helemaal mee oneens", "Strongly disagree"),
        ("2", "Mee oneens", "Disagree"),
        ("3", "Niet eens, niet oneens", "Neither agree nor disagree"),
        ("4", "Mee eens", "Agree"),
        ("5", "Helemaal mee eens", "Strongly agree"),
    ],
)

# --------------------------------------------------------------------------------------
# The network questionnaire
# --------------------------------------------------------------------------------------

PRESENT = "${facilitator_present} = 'yes'"

NETWORK_SURVEY = [
    begin("network", "Het netwerk", "The network"),
    q("text", "network_name",
      "Wat is de naam van het lerend netwerk?",
      "What is the name of the learning network?",
      required=True, prefill="network", measures="name of the network (identification)"),
    q("text", "werkplaats_name",
      "Bij welke Werkplaats Sociaal Domein hoort het netwerk?",
      "Which Werkplaats Sociaal Domein (regional partnership for the social domain) does the network belong to?",
      required=True, prefill="werkplaats", measures="Werkplaats of the network (identification)"),
    q("integer", "start_year",
      "In welk jaar is het netwerk gestart?",
      "In which year did the network start?",
      hint=("Bijvoorbeeld 2019. Weet u het niet precies, geef dan een schatting.",
            "For example 2019. If you are not sure, give an estimate."),
      required=True, constraint=". >= 1990 and . <= 2026",
      cmsg=("Vul een jaartal in tussen 1990 en 2026.", "Enter a year between 1990 and 2026."),
      measures="year the network started (age of the network)"),
    q("integer", "size",
      "Hoeveel deelnemers heeft het netwerk op dit moment?",
      "How many participants does the network have at the moment?",
      hint=("Tel iedereen die het afgelopen jaar minstens één keer heeft deelgenomen, uzelf meegerekend.",
            "Count everyone who took part at least once in the past year, yourself included."),
      required=True, constraint=". >= 2 and . <= 500",
      cmsg=("Een netwerk heeft minstens 2 deelnemers; vul een aantal in tussen 2 en 500.",
            "A network has at least 2 participants; enter a number between 2 and 500."),
      measures="number of participants"),
    q("select_multiple participant_kinds", "participants",
      "Wie nemen er deel aan het netwerk?",
      "Who takes part in the network?",
      hint=ALL_THAT_APPLY, required=True,
      measures="kinds of participants (composition of the network)"),
    end("network"),

    begin("organisation", "Organisatie van het netwerk", "How the network is organised"),
    q("select_one yes_no", "form_rhythm",
      "Komt het netwerk bijeen in een vast ritme (bijvoorbeeld elke zes weken)?",
      "Does the network meet at a fixed rhythm (for example every six weeks)?",
      hint=("Geef bij elk kenmerk aan of het op dit moment voor uw netwerk geldt.",
            "For each feature, indicate whether it currently applies to your network."),
      required=True,
      measures="fixed rhythm of meetings", scale="formality (7 items, yes = 1)"),
    q("select_one yes_no", "form_agreements",
      "Zijn er schriftelijke afspraken over doel en werkwijze (bijvoorbeeld een convenant of werkplan)?",
      "Are there written agreements on aims and ways of working (for example a covenant or work plan)?",
      required=True,
      measures="written agreements", scale="formality"),
    q("select_one yes_no", "form_budget",
      "Heeft het netwerk een eigen budget?",
      "Does the network have a budget of its own?",
      required=True,
      measures="own budget", scale="formality"),
    q("select_one yes_no", "form_coordinator",
      "Is er een vaste coördinator of trekker die het netwerk organiseert?",
      "Is there a designated coordinator who organises the network?",
      required=True,
      measures="designated coordinator", scale="formality"),
    q("select_one yes_no", "form_membership",
      "Heeft het netwerk een vaste groep deelnemers?",
      "Does the network have a fixed membership?",
      hint=("Kies 'Nee' als iedereen die wil kan aanschuiven.",
            "Choose 'No' if anyone who wants to can join in."),
      required=True,
      measures="fixed membership", scale="formality"),
    q("select_one yes_no", "form_reports",
      "Worden de bijeenkomsten vastgelegd in verslagen?",
      "Are the meetings recorded in reports or minutes?",
      required=True,
      measures="reports of meetings", scale="formality"),
    q("select_one yes_no", "form_evaluation",
      "Evalueert het netwerk zijn werkwijze op vaste momenten?",
      "Does the network evaluate its way of working at set times?",
      required=True,
      measures="periodic evaluation", scale="formality"),
    q("select_one org_form", "org_form",
      "Hoe zou u de organisatie van het netwerk als geheel typeren?",
      "How would you describe the way the network is organised, as a whole?",
      required=True,
      measures="self-assessed formality (formal .. informal)",
      scale="formality (self-assessment, ordinal; check against the 7 items)"),
    end("organisation"),

    begin("rationale", "Onderbouwing van de werkwijze", "Rationale for the approach"),
    q("select_one yes_partly_no", "rationale_explicit",
      "Heeft het netwerk een bewuste onderbouwing voor de manier waarop het werkt en leert?",
      "Does the network have a deliberate rationale for the way it works and learns?",
      hint=("Bijvoorbeeld een visie op leren, een theorie of model, of een bewuste keuze voor een werkvorm.",
            "For example a view on learning, a theory or model, or a deliberate choice of working method."),
      required=True,
      measures="whether the approach has an explicit rationale", scale="element: rationale"),
    q("text", "rationale_text",
      "Wat is die onderbouwing? Beschrijf deze in uw eigen woorden.",
      "What is that rationale? Please describe it in your own words.",
      required=True,
      relevant="${rationale_explicit} = 'yes' or ${rationale_explicit} = 'partly'",
      appearance="multiline",
      measures="the rationale (open; coded with `rationale.*`)", scale="element: rationale"),
    end("rationale"),

    begin("agenda", "Agenda", "Agenda setting"),
    q("select_multiple agenda_modes", "agenda_setting",
      "Wie bepaalt welke onderwerpen op de agenda komen?",
      "Who decides which topics are put on the agenda?",
      hint=ALL_THAT_APPLY, required=True,
      measures="who sets the agenda", scale="element: co-created agenda"),
    q("select_one yes_partly_no", "agenda_consultation",
      "Wordt de agenda in overleg met de deelnemers vastgesteld?",
      "Is the agenda set in consultation with the participants?",
      required=True,
      measures="agenda set in consultation with participants", scale="element: co-created agenda"),
    q("text", "agenda_how",
      "Hoe komt de agenda tot stand? Beschrijf kort hoe dat in de praktijk gaat.",
      "How is the agenda drawn up? Briefly describe how this works in practice.",
      appearance="multiline",
      measures="how the agenda is set (open; coded with `agenda.*`)", scale="element: co-created agenda"),
    end("agenda"),

    begin("learning_themes", "Leerthema's", "Learning themes"),
    q("select_multiple themes", "themes",
      "Aan welke thema's werkt het netwerk?",
      "Which themes does the network work on?",
      hint=ALL_THAT_APPLY, required=True,
      measures="learning themes of the network"),
    q("text", "themes_other",
      "Welk ander thema of welke andere thema's?",
      "Which other theme or themes?",
      required=True, relevant="selected(${themes}, 'other')",
      measures="other themes (open; coded with `theme.*`)"),
    end("learning_themes"),

    begin("reflection", "Reflectie en trage vragen", "Reflection and slow questions"),
    q("select_multiple reflection_forms", "reflection_forms",
      "Welke vormen van reflectie gebruikt het netwerk?",
      "Which forms of reflection does the network use?",
      hint=ALL_THAT_APPLY, required=True,
      measures="forms of reflection and intervision", scale="element: reflection"),
    q("select_one frequency", "reflection_frequency",
      "Hoe vaak is er in het netwerk ruimte voor reflectie?",
      "How often is there room for reflection in the network?",
      required=True,
      measures="frequency of reflection (ordinal, every_meeting = most often)", scale="element: reflection"),
    q("select_one yes_no", "slow_questions",
      "Komen er in het netwerk trage vragen aan bod?",
      "Do slow questions come up in the network?",
      hint=("Trage vragen zijn onderliggende, vaak ethische vragen waar geen snel antwoord op is, "
            "zoals 'Wanneer is eigen kracht eigenlijk te veel gevraagd?'",
            "Slow questions (trage vragen) are underlying, often ethical questions that have no quick answer, "
            "such as 'When does relying on people's own strength ask too much of them?'"),
      required=True,
      measures="whether slow questions come up", scale="element: reflection"),
    q("text", "slow_questions_examples",
      "Kunt u een of meer voorbeelden geven van trage vragen die aan bod kwamen?",
      "Could you give one or more examples of slow questions that came up?",
      relevant="${slow_questions} = 'yes'", appearance="multiline",
      measures="examples of slow questions (open; coded with `slow.*`)", scale="element: reflection"),
    end("reflection"),

    begin("local", "Lokale context", "Local setting"),
    q("select_one agree5", "local_customs",
      "Het netwerk houdt rekening met de lokale gewoonten en manieren van werken.",
      "The network takes local customs and ways of working into account.",
      hint=AGREE_HINT, required=True, appearance="likert",
      measures="attention to local customs", scale="local setting (4 items, 1..5)"),
    q("select_one agree5", "local_partners",
      "Het netwerk sluit aan bij de organisaties en samenwerkingsverbanden die er in de regio al zijn.",
      "The network links up with the organisations and partnerships that already exist in the region.",
      required=True, appearance="likert",
      measures="links with existing local partners", scale="local setting"),
    q("select_one agree5", "local_policy",
      "Het netwerk stemt zijn thema's af op het beleid van de gemeente of gemeenten.",
      "The network aligns its themes with the policy of the municipality or municipalities.",
      required=True, appearance="likert",
      measures="alignment with local policy", scale="local setting"),
    q("select_one agree5", "local_residents",
      "Het netwerk betrekt de vragen en ervaringen van bewoners uit de buurt.",
      "The network draws on the questions and experiences of local residents.",
      required=True, appearance="likert",
      measures="attention to residents' questions", scale="local setting"),
    q("text", "local_how",
      "Hoe houdt het netwerk rekening met de lokale situatie en gewoonten? Geef een voorbeeld.",
      "How does the network take the local setting and customs into account? Please give an example.",
      appearance="multiline",
      measures="how the local setting is taken into account (open)", scale="local setting"),
    end("local"),

    begin("facilitator", "Leerfacilitator", "Learning facilitator"),
    q("select_one yes_no", "facilitator_present",
      "Heeft het netwerk een leerfacilitator: iemand die het leerproces begeleidt?",
      "Does the network have a learning facilitator: someone who guides the learning process?",
      hint=("Bijvoorbeeld een docent-onderzoeker van de Werkplaats, een externe adviseur "
            "of een deelnemer die de rol op zich neemt.",
            "For example a lecturer-researcher of the Werkplaats, an external adviser "
            "or a participant who takes on the role."),
      required=True,
      measures="a learning facilitator is present", scale="element: facilitator"),
    q("select_one facilitator_background", "facilitator_background",
      "Wat is de achtergrond van de leerfacilitator?",
      "What is the learning facilitator's background?",
      hint=("Zijn er meer leerfacilitatoren, kies dan de achtergrond van de belangrijkste.",
            "If there is more than one, choose the background of the main facilitator."),
      required=True, relevant=PRESENT,
      measures="background of the facilitator", scale="element: facilitator"),
    q("select_one facilitator_position", "facilitator_position",
      "Vanuit welke positie begeleidt de leerfacilitator het netwerk?",
      "From which position does the learning facilitator guide the network?",
      required=True, relevant=PRESENT,
      measures="neutrality of the facilitator (ordinal, neutral .. with_interest)", scale="element: facilitator"),
    q("select_one agree5", "bw_connect",
      "De leerfacilitator verbindt mensen uit verschillende organisaties en werelden.",
      "The learning facilitator connects people from different organisations and worlds.",
      hint=AGREE_HINT, required=True, relevant=PRESENT, appearance="likert",
      measures="boundary work: connecting", scale="boundary work (4 items, 1..5)"),
    q("select_one agree5", "bw_translate",
      "De leerfacilitator vertaalt tussen praktijk, beleid en onderzoek.",
      "The learning facilitator translates between practice, policy and research.",
      required=True, relevant=PRESENT, appearance="likert",
      measures="boundary work: translating", scale="boundary work"),
    q("select_one agree5", "bw_safe",
      "De leerfacilitator zorgt voor een veilige sfeer waarin ook twijfels besproken kunnen worden.",
      "The learning facilitator creates a safe atmosphere in which doubts can be discussed too.",
      required=True, relevant=PRESENT, appearance="likert",
      measures="boundary work: a safe space", scale="boundary work"),
    q("select_one agree5", "bw_questions",
      "De leerfacilitator stelt vragen die het gesprek verdiepen, ook over wat er onder een probleem ligt.",
      "The learning facilitator asks questions that deepen the conversation, also about what lies beneath a problem.",
      required=True, relevant=PRESENT, appearance="likert",
      measures="boundary work: deepening questions", scale="boundary work"),
    q("select_one importance5", "facilitator_importance",
      "Hoe belangrijk is de leerfacilitator voor het leren in het netwerk?",
      "How important is the learning facilitator for the learning in the network?",
      required=True, relevant=PRESENT, appearance="likert",
      measures="importance of the facilitator (1..5)", scale="element: facilitator"),
    end("facilitator"),

    begin("outcomes_tips", "Opbrengsten en tips", "Outcomes and tips"),
    q("text", "outcomes",
      "Wat heeft het netwerk tot nu toe opgeleverd, voor de deelnemers en voor hun praktijk?",
      "What has the network yielded so far, for the participants and for their practice?",
      appearance="multiline", measures="outcomes of the network (open)"),
    q("text", "tips",
      "Welke tips heeft u voor andere lerende netwerken?",
      "What tips do you have for other learning networks?",
      appearance="multiline", measures="tips for other networks (open; source for handles)"),
    end("outcomes_tips"),
]

NETWORK_CHOICES = (
    choices("participant_kinds", [
        ("professionals_welfare", "Professionals van welzijnsorganisaties", "Professionals from welfare organisations"),
        ("professionals_care", "Professionals van zorgorganisaties", "Professionals from care organisations"),
        ("policy_officers", "Beleidsmedewerkers van de gemeente", "Municipal policy officers"),
        ("neighbourhood_teams", "Medewerkers van wijkteams", "Neighbourhood team members"),
        ("students", "Studenten", "Students"),
        ("lecturers_researchers", "Docenten en onderzoekers", "Lecturers and researchers"),
        ("residents", "Bewoners", "Residents"),
        ("experts_by_experience", "Ervaringsdeskundigen", "Experts by experience"),
        ("other", "Anderen", "Others"),
    ])
    + YES_NO
    + choices("org_form", [
        ("formal", "Formeel", "Formal"),
        ("rather_formal", "Eerder formeel", "Rather formal"),
        ("rather_informal", "Eerder informeel", "Rather informal"),
        ("informal", "Informeel", "Informal"),
    ])
    + YES_PARTLY_NO
    + choices("agenda_modes", [
        ("facilitator", "De leerfacilitator", "The learning facilitator"),
        ("steering_group", "Een stuurgroep of kerngroep", "A steering group or core group"),
        ("participants_together", "De deelnemers samen", "The participants together"),
        ("municipality", "De gemeente", "The municipality"),
        ("residents_questions", "Vragen van bewoners", "Questions from residents"),
        ("other", "Anders", "Other"),
    ])
    + choices("themes", [
        ("collaboration", "Samenwerkingsvraagstukken", "Collaboration questions"),
        ("integrated_care_welfare", "Integrale aanpak van zorg en welzijn", "An integrated approach to care and welfare"),
        ("new_methods", "Nieuwe werkmethoden leren", "Learning new working methods"),
        ("poverty_debts", "Armoede en schulden", "Poverty and debts"),
        ("youth_family", "Jeugd en gezin", "Youth and family"),
        ("mental_health", "Mentale gezondheid en psychische kwetsbaarheid", "Mental health and psychological vulnerability"),
        ("loneliness", "Eenzaamheid", "Loneliness"),
        ("informal_care", "Mantelzorg en informele zorg", "Informal care and family carers"),
        ("housing_neighbourhood", "Wonen en leefbaarheid in de wijk", "Housing and liveability in the neighbourhood"),
        ("inclusion_diversity", "Inclusie en diversiteit", "Inclusion and diversity"),
        ("other", "Anders", "Other"),
    ])
    + choices("reflection_forms", [
        ("intervision", "Intervisie", "Intervision (peer consultation)"),
        ("reflection_session", "Reflectiebijeenkomst", "Reflection session"),
        ("moral_deliberation", "Moreel beraad", "Moral deliberation"),
        ("case_discussion", "Casusbespreking", "Case discussion"),
        ("socratic_dialogue", "Socratisch gesprek", "Socratic dialogue"),
        ("action_research", "Actieonderzoek", "Action research"),
        ("other", "Anders", "Other"),
    ])
    + choices("frequency", [
        ("every_meeting", "Elke bijeenkomst", "At every meeting"),
        ("monthly", "Ongeveer elke maand", "About every month"),
        ("quarterly", "Ongeveer elk kwartaal", "About every quarter"),
        ("yearly", "Ongeveer eens per jaar", "About once a year"),
        ("rarely", "Zelden", "Rarely"),
    ])
    + AGREE5
    + choices("facilitator_background", [
        ("docent_researcher", "Docent-onderzoeker van de Werkplaats", "Lecturer-researcher (docent-onderzoeker) of the Werkplaats"),
        ("external_adviser", "Externe adviseur of trainer", "External adviser or trainer"),
        ("manager", "Leidinggevende van een deelnemende organisatie", "Manager of a participating organisation"),
        ("rotating_participant", "Een deelnemer; de rol rouleert", "A participant; the role rotates"),
        ("other", "Anders", "Other"),
    ])
    + choices("facilitator_position", [
        ("neutral", "Neutraal: zonder eigen belang bij de uitkomsten", "Neutral: without a stake in the outcomes"),
        ("mostly_neutral", "Grotendeels neutraal", "Mostly neutral"),
        ("with_interest", "Met een eigen belang, bijvoorbeeld namens een organisatie of de gemeente",
         "With an interest of their own, for example on behalf of an organisation or the municipality"),
    ])
    + choices("importance5", [
        ("1", "Helemaal niet belangrijk", "Not at all important"),
        ("2", "Weinig belangrijk", "Slightly important"),
        ("3", "Enigszins belangrijk", "Moderately important"),
        ("4", "Belangrijk", "Important"),
        ("5", "Heel belangrijk", "Very important"),
    ])
)

NETWORK_SETTINGS = {
    "form_title": "Lerende netwerken in het sociaal domein: vragenlijst voor het netwerk",
    f"display_title::{EN}": "Learning networks in the social domain: questionnaire for the network",
    "form_id": "leernet_network",
    "version": VERSION,
    "default_language": NL,
    "namespaces": LEERNET_NAMESPACE,
}

# --------------------------------------------------------------------------------------
# The member questionnaire
# --------------------------------------------------------------------------------------

MEMBER_SURVEY = [
    begin("about", "Over uzelf", "About you"),
    q("select_one roles", "role",
      "In welke rol neemt u deel aan het netwerk?",
      "In which role do you take part in the network?",
      required=True, measures="role of the participant"),
    q("select_one organisation_kinds", "organisation_kind",
      "Bij wat voor organisatie werkt of studeert u?",
      "What kind of organisation do you work or study at?",
      required=True, measures="kind of organisation"),
    q("select_one years_member", "years_member",
      "Hoe lang neemt u al deel aan het netwerk?",
      "How long have you been taking part in the network?",
      hint=("Rond af op hele jaren.", "Round to whole years."),
      required=True, measures="length of membership (ordinal)"),
    q("select_one attendance", "attendance",
      "Hoe vaak bent u bij de bijeenkomsten?",
      "How often do you attend the meetings?",
      required=True, measures="attendance (ordinal, always = most often)"),
    end("about"),

    begin("climate", "Leerklimaat", "Learning climate"),
    q("select_one agree5", "lc_safe",
      "In het netwerk voel ik me veilig om twijfels en fouten te delen.",
      "In the network I feel safe to share doubts and mistakes.",
      hint=AGREE_HINT, required=True, appearance="likert",
      measures="psychological safety", scale="learning climate (6 items, 1..5)"),
    q("select_one agree5", "lc_open",
      "We gaan open met elkaar in gesprek, ook als we het niet met elkaar eens zijn.",
      "We talk openly with one another, also when we disagree.",
      required=True, appearance="likert",
      measures="open conversation", scale="learning climate"),
    q("select_one agree5", "lc_learn_others",
      "Ik leer van de ervaringen van deelnemers uit andere organisaties.",
      "I learn from the experiences of participants from other organisations.",
      required=True, appearance="likert",
      measures="learning across organisations", scale="learning climate"),
    q("select_one agree5", "lc_time",
      "Er is genoeg tijd om echt stil te staan bij vragen uit de praktijk.",
      "There is enough time to really reflect on questions from practice.",
      required=True, appearance="likert",
      measures="time for reflection", scale="learning climate"),
    q("select_one agree5", "lc_own_questions",
      "Ik kan mijn eigen vragen uit de praktijk inbrengen.",
      "I can bring in my own questions from practice.",
      required=True, appearance="likert",
      measures="room for own questions", scale="learning climate"),
    q("select_one agree5", "lc_practice",
      "Wat we in het netwerk bespreken, kan ik gebruiken in mijn eigen praktijk (werk, studie of buurt).",
      "What we discuss in the network I can use in my own practice (work, studies or neighbourhood).",
      required=True, appearance="likert",
      measures="usefulness for practice", scale="learning climate"),
    end("climate"),

    begin("agenda", "Agenda", "Agenda"),
    q("select_one agree5", "agenda_influence",
      "Ik heb invloed op de onderwerpen die in het netwerk aan bod komen.",
      "I have a say in the topics the network takes up.",
      hint=AGREE_HINT, required=True, appearance="likert",
      measures="influence on the agenda", scale="single item (element: co-created agenda)"),
    end("agenda"),

    begin("learning", "Wat het netwerk u oplevert", "What the network gives you"),
    q("text", "learned",
      "Wat heeft u in het netwerk geleerd?",
      "What have you learned in the network?",
      hint=OPTIONAL_OPEN, appearance="multiline",
      measures="what the participant learned (open; coded with `theme.*`)"),
    q("text", "practice_change",
      "Wat doet u sindsdien anders in uw praktijk?",
      "What do you do differently in your practice since then?",
      hint=OPTIONAL_OPEN, appearance="multiline",
      measures="change in practice (open)"),
    q("text", "slow_question",
      "Welke trage vraag heeft u ingebracht of zou u willen inbrengen?",
      "Which slow question have you brought in, or would you like to bring in?",
      hint=("Een trage vraag is een onderliggende, vaak ethische vraag waar geen snel antwoord op is. "
            "Deze vraag is niet verplicht.",
            "A slow question (trage vraag) is an underlying, often ethical question that has no quick answer. "
            "This question is optional."),
      appearance="multiline",
      measures="a slow question the participant brings (open; coded with `slow.*`)"),
    end("learning"),
]

MEMBER_CHOICES = (
    choices("roles", [
        ("professional_welfare", "Professional in welzijn", "Welfare professional"),
        ("professional_care", "Professional in de zorg", "Care professional"),
        ("policy_officer", "Beleidsmedewerker van de gemeente", "Municipal policy officer"),
        ("neighbourhood_team", "Medewerker van een wijkteam", "Neighbourhood team member"),
        ("student", "Student", "Student"),
        ("lecturer_researcher", "Docent of onderzoeker", "Lecturer or researcher"),
        ("resident", "Bewoner", "Resident"),
        ("expert_by_experience", "Ervaringsdeskundige", "Expert by experience"),
        ("other", "Anders", "Other"),
    ])
    + choices("organisation_kinds", [
        ("welfare_org", "Welzijnsorganisatie", "Welfare organisation"),
        ("care_org", "Zorgorganisatie", "Care organisation"),
        ("municipality", "Gemeente", "Municipality"),
        ("university", "Hogeschool of universiteit", "University or university of applied sciences"),
        ("residents_initiative", "Bewonersinitiatief of vrijwilligersorganisatie", "Residents' initiative or volunteer organisation"),
        ("other", "Anders, of geen organisatie", "Other, or no organisation"),
    ])
    + choices("years_member", [
        ("lt1", "Korter dan een jaar", "Less than a year"),
        ("1to2", "1 tot 2 jaar", "1 to 2 years"),
        ("3to5", "3 tot 5 jaar", "3 to 5 years"),
        ("gt5", "Langer dan 5 jaar", "More than 5 years"),
    ])
    + choices("attendance", [
        ("always", "(Bijna) altijd", "(Almost) always"),
        ("mostly", "Meestal", "Mostly"),
        ("sometimes", "Soms", "Sometimes"),
        ("rarely", "Zelden", "Rarely"),
    ])
    + AGREE5
)

MEMBER_SETTINGS = {
    "form_title": "Lerende netwerken in het sociaal domein: vragenlijst voor deelnemers",
    f"display_title::{EN}": "Learning networks in the social domain: questionnaire for participants",
    "form_id": "leernet_member",
    "version": VERSION,
    "default_language": NL,
}

FORMS = {
    "network": (NETWORK_SURVEY, NETWORK_CHOICES, NETWORK_SETTINGS),
    "member": (MEMBER_SURVEY, MEMBER_CHOICES, MEMBER_SETTINGS),
}

# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
WIDTHS = {
    "type": 34, "name": 24, "list_name": 22,
    f"label::{NL}": 60, f"label::{EN}": 60, f"hint::{NL}": 40, f"hint::{EN}": 40,
    "required": 10, "relevant": 36, "constraint": 24,
    f"constraint_message::{NL}": 36, f"constraint_message::{EN}": 36, "appearance": 14,
    "form_title": 60, "form_id": 18, "version": 14, "default_language": 18,
    "bind::leernet:prefill": 22, "namespaces": 40, f"display_title::{EN}": 60,
}


def write_sheet(wb: Workbook, title: str, columns: list[str], rows: list[dict]) -> None:
    ws = wb.create_sheet(title)
    ws.append(columns)
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for row in rows:
        ws.append([row.get(c, "") or None for c in columns])
        if row.get("type", "").endswith("_group"):
            for cell in ws[ws.max_row]:
                cell.fill = GROUP_FILL
    for i, c in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = WIDTHS.get(c, 16)
    for r in ws.iter_rows(min_row=2):
        for cell in r:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "C2" if title == "survey" else "A2"


def build(name: str) -> Path:
    survey, choice_rows, settings = FORMS[name]
    wb = Workbook()
    wb.remove(wb.active)
    write_sheet(wb, "survey", SURVEY_COLUMNS, survey)
    write_sheet(wb, "choices", CHOICE_COLUMNS, choice_rows)
    write_sheet(wb, "settings", SETTINGS_COLUMNS, [settings])
    # Fixed document properties, so that regeneration gives the same content.
    wb.properties.creator = "leernet"
    wb.properties.title = settings["form_title"]
    path = HERE / f"{name}.xlsx"
    wb.save(path)
    return path


def questions(name: str) -> list[dict]:
    """The answerable questions of a form, in order (groups left out)."""
    return [r for r in FORMS[name][0] if not r["type"].endswith("_group")]


def readme_table(name: str) -> str:
    out = ["| name | type | choices | measures | scale |", "|---|---|---|---|---|"]
    for r in questions(name):
        parts = r["type"].split()
        typ, lst = parts[0], (parts[1] if len(parts) > 1 else "")
        extra = []
        if r["required"]:
            extra.append("required")
        if r["relevant"]:
            extra.append(f"relevant: `{r['relevant']}`")
        if r["constraint"]:
            extra.append(f"constraint: `{r['constraint']}`")
        meas = r["_measures"] + ("" if not extra else " (" + "; ".join(extra) + ")")
        out.append(f"| `{r['name']}` | {typ} | {('`' + lst + '`') if lst else ''} | {meas} | {r['_scale']} |")
    return "\n".join(out)


def choices_table(name: str) -> str:
    out = ["| list | choice names (Dutch label) |", "|---|---|"]
    lists: dict[str, list[str]] = {}
    for c in FORMS[name][1]:
        lists.setdefault(c["list_name"], []).append(f"`{c['name']}` ({c[f'label::{NL}']})")
    for lst, items in lists.items():
        out.append(f"| `{lst}` | {', '.join(items)} |")
    return "\n".join(out)


def check(path: Path) -> None:
    from pyxform.xls2xform import convert

    result = convert(xlsform=str(path))
    for w in result.warnings:
        print(f"{path.name}: warning: {w}")
    print(f"{path.name}: pyxform OK ({len(result.xform)} bytes of XForm)")


if __name__ == "__main__":
    if "--readme-table" in sys.argv:
        for n in FORMS:
            print(f"### {n}.xlsx: questions\n\n{readme_table(n)}\n")
            print(f"### {n}.xlsx: choice lists\n\n{choices_table(n)}\n")
        sys.exit(0)
    for n in FORMS:
        p = build(n)
        print(f"wrote {p.relative_to(HERE.parent)}")
        if "--check" in sys.argv:
            check(p)
