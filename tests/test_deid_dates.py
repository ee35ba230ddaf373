"""Dates and ages in English, French and Spanish notes (sharing.deid.dates).

Each found case names the exact spans expected, in order; each clean sentence must yield
nothing. Every person and event here is invented.
"""

from __future__ import annotations

import datetime

import pytest

from sharing.deid.dates import find_ages, find_dates
from sharing.deid.finding import Finding

ID, WARN = False, True


def dates(text: str) -> list[str]:
    """The text of each date found, checking what every finding must hold."""
    found = list(find_dates(text))
    _check(text, found, "date")
    assert not any(f.warning for f in found), "a date is an identifier, never a warning"
    return [f.text for f in found]


def ages(text: str) -> list[tuple[str, bool]]:
    """(text, is a warning) of each age found."""
    found = list(find_ages(text))
    _check(text, found, "age")
    return [(f.text, f.warning) for f in found]


def _check(text: str, found: list[Finding], kind: str) -> None:
    for f in found:
        assert text[f.start : f.end] == f.text
        assert f.kind == kind
        assert f.reason and f.reason[0].islower(), f.reason
    starts = [f.start for f in found]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


# ---------------------------------------------------------------------------------------
# Dates that must be found

NUMERIC = [
    ("The incident happened on 14/03/2025 after school.", ["14/03/2025"]),
    ("The letter was dated 3/14/2025 in the US format.", ["3/14/2025"]),
    ("She was discharged on 2025-03-14, a week early.", ["2025-03-14"]),
    ("She starts the new job on 14.03.25.", ["14.03.25"]),
    ("Her DOB is 14-03-2025 according to the referral.", ["14-03-2025"]),
    ("It was on 14/03 that she left.", ["14/03"]),
    ("Je l'ai vue le 14/03 pour la dernière fois.", ["14/03"]),
    ("La vi el 14/03 en la consulta.", ["14/03"]),
    ("Nothing since 3/4 has helped.", ["3/4"]),
    ("Elle est absente du lundi 3/3 au 7/3.", ["3/3 au 7/3"]),
]

MONTH_NAMES = [
    ("Her court date is 14 March 2025.", ["14 March 2025"]),
    ("He said March 14th is always hard for him.", ["March 14th"]),
    ("We first met on the 3rd of May, just before exams.", ["3rd of May"]),
    ("The anniversary, December 2, 2019, falls on a Monday.", ["December 2, 2019"]),
    ("It happened on 14 MARCH and again on march 14th.", ["14 MARCH", "march 14th"]),
    ("She left on 3 may 2024 and came back on 3 may.", ["3 may 2024", "3 may"]),
    ("Sept 11th and Dec. 3, 2024 were both mentioned.", ["Sept 11th", "Dec. 3, 2024"]),
    ("The hearing is on Thursday 12 June.", ["Thursday 12 June"]),
    ("The fourteenth of March is her mother's birthday.", ["fourteenth of March"]),
    ("He was away 3-5 March after the funeral.", ["3-5 March"]),
    ("Elle a reçu la lettre le 14 mars.", ["14 mars"]),
    ("Elle est venue le 1er avril avec sa mère.", ["1er avril"]),
    ("Le rendez-vous est lundi 3 février à 14h.", ["lundi 3 février"]),
    ("Je la revois jeudi 12 juin.", ["jeudi 12 juin"]),
    ("Du 3 au 10 mars elle était en arrêt.", ["3 au 10 mars"]),
    ("La cita es el 12 de junio.", ["12 de junio"]),
    ("Vino el 6 de enero con su hija.", ["6 de enero"]),
    ("Nació el 3 de febrero de 2024.", ["3 de febrero de 2024"]),
    ("Fue el 1º de mayo, dice.", ["1º de mayo"]),
]

WEEKDAY_AND_DAY = [
    ("The tribunal is on Tuesday the 4th.", ["Tuesday the 4th"]),
    ("We moved it to Monday 3rd, at her request.", ["Monday 3rd"]),
    ("Il rentre samedi 28 et on verra.", ["samedi 28"]),
    ("Llegó el lunes 3 por la tarde.", ["lunes 3"]),
]

DAY_ONLY = [
    ("She has to move out by the 21st.", ["21st"]),
    ("It started on the 3rd, she said.", ["3rd"]),
    ("Nothing has changed since the 15th.", ["15th"]),
    ("Il doit rendre le dossier d'ici le 21.", ["21"]),
    ("Avant le 15, elle doit appeler son avocat.", ["15"]),
    ("Jusqu'au 15, elle reste chez sa sœur.", ["15"]),
    ("Quedamos el día 15 para revisar.", ["día 15"]),
    ("Vuelve el 21, dice, y no antes.", ["21"]),
]

HOLIDAYS = [
    ("Christmas is hard for her, Christmas Eve especially.", ["Christmas", "Christmas Eve"]),
    ("On Boxing Day she drove home.", ["Boxing Day"]),
    ("New Year's Eve and New Year's Day were the worst.", ["New Year's Eve", "New Year's Day"]),
    ("Easter Sunday was quiet, and Good Friday too.", ["Easter Sunday", "Good Friday"]),
    ("Thanksgiving and Halloween both came up.", ["Thanksgiving", "Halloween"]),
    ("He stays in on Bonfire Night because of the noise.", ["Bonfire Night"]),
    ("Mother's Day is next week; Valentine's Day was hard.", ["Mother's Day", "Valentine's Day"]),
    ("On the Fourth of July he relapsed.", ["Fourth of July"]),
    ("Memorial Day, then Labor Day.", ["Memorial Day", "Labor Day"]),
    ("She relapsed over bank holiday Monday.", ["bank holiday Monday"]),
    ("Noël et le réveillon ont été difficiles.", ["Noël", "réveillon"]),
    ("Depuis la Saint-Sylvestre elle boit moins.", ["Saint-Sylvestre"]),
    ("Le jour de l'An, elle a appelé sa mère.", ["jour de l'An"]),
    ("À Pâques, puis à la Toussaint, et le 14 juillet.", ["Pâques", "Toussaint", "14 juillet"]),
    ("La Pentecôte et l'Ascension tombent mal.", ["Pentecôte", "Ascension"]),
    ("Pour la Chandeleur et la Fête des mères.", ["Chandeleur", "Fête des mères"]),
    ("En Navidad, Nochebuena y Nochevieja discutieron.", ["Navidad", "Nochebuena", "Nochevieja"]),
    ("Desde Año Nuevo hasta Reyes no salió de casa.", ["Año Nuevo", "Reyes"]),
    ("El día de Reyes y en Semana Santa.", ["día de Reyes", "Semana Santa"]),
    ("El Jueves Santo no vino.", ["Jueves Santo"]),
    ("El Viernes Santo y por San Juan estuvo ingresada.", ["Viernes Santo", "San Juan"]),
    ("Por el Pilar, San Fermín y Sant Jordi viaja.", ["Pilar", "San Fermín", "Sant Jordi"]),
    ("Se fue el puente de diciembre.", ["puente de diciembre"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"), NUMERIC + MONTH_NAMES + WEEKDAY_AND_DAY + DAY_ONLY + HOLIDAYS
)
def test_dates_are_found(text: str, expected: list[str]) -> None:
    assert dates(text) == expected


# ---------------------------------------------------------------------------------------
# Ages that must be found: over 89 is an identifier, 89 or under a warning

OVER_89 = [
    ("Her grandfather is a 92-year-old widower.", [("92-year-old", ID)]),
    ("The client lives with her aunt, aged 93.", [("93", ID)]),
    ("Her mother has dementia and she is 95 now.", [("95", ID)]),
    ("His mother turns 91 next week.", [("91", ID)]),
    ("He turned 90 in the spring.", [("90", ID)]),
    ("She was 91 when her husband died.", [("91", ID)]),
    ("His 96-year-old dad still drives.", [("96-year-old", ID)]),
    ("Her neighbour is 97 years old.", [("97 years old", ID)]),
    ("Her father is ninety-three.", [("ninety-three", ID)]),
    ("He was aged ninety-four when he died.", [("ninety-four", ID)]),
    ("Her grandmother, now in her nineties, lives alone.", [("nineties", ID)]),
    ("A nonagenarian; her aunt a centenarian.", [("nonagenarian", ID), ("centenarian", ID)]),
    ("Her father, 94, lives with them.", [("94", ID)]),
    ("Her grandmother (92) still cooks.", [("92", ID)]),
    ("She's nearly a hundred.", [("a hundred", ID)]),
    ("Her 90th birthday is next week.", [("90th birthday", ID)]),
    ("Sa grand-mère a 92 ans.", [("92 ans", ID)]),
    ("Son père a quatre-vingt-treize ans.", [("quatre-vingt-treize ans", ID)]),
    ("Elle a quatre-vingt-dix-sept ans.", [("quatre-vingt-dix-sept ans", ID)]),
    ("Sa voisine est nonagénaire.", [("nonagénaire", ID)]),
    ("Su abuela tiene 92 años.", [("92 años", ID)]),
    ("Su abuelo tiene noventa y cuatro años.", [("noventa y cuatro años", ID)]),
    ("Es nonagenaria; su tía es centenaria.", [("nonagenaria", ID), ("centenaria", ID)]),
    ("Her father was born in 1931.", [("1931", ID)]),
    ("Elle est née en 1930. Nació en 1929.", [("1930", ID), ("1929", ID)]),
]  # fmt: skip

EXACT = [
    ("She is 34 and lives alone.", [("34", WARN)]),
    ("The client, aged 41, came in.", [("41", WARN)]),
    ("She is a 28-year-old teacher.", [("28-year-old", WARN)]),
    ("28 y/o female presenting with low mood.", [("28 y/o", WARN)]),
    ("She turns forty-one next month.", [("forty-one", WARN)]),
    ("Forty-one, and she still feels twelve.", [("Forty-one", WARN)]),
    ("I was 8 when my parents split.", [("8", WARN)]),
    ("Her husband (45) came to the session.", [("45", WARN)]),
    ("Maya, 34, arrived late.", [("34", WARN)]),
    ("Her son is 12, her daughter is 9.", [("12", WARN), ("9", WARN)]),
    ("At the age of 12 she moved out.", [("12", WARN)]),
    ("Elle a 34 ans et deux enfants.", [("34 ans", WARN)]),
    ("Léa, 29 ans, consulte pour anxiété.", [("29 ans", WARN)]),
    ("Il a quarante et un ans.", [("quarante et un ans", WARN)]),
    ("Elle a soixante et onze ans.", [("soixante et onze ans", WARN)]),
    ("Tiene cuarenta y un años.", [("cuarenta y un años", WARN)]),
    ("A los 12 años se fue de casa.", [("12 años", WARN)]),
    ("Lucía, 34, llegó tarde.", [("34", WARN)]),
]


@pytest.mark.parametrize(("text", "expected"), OVER_89 + EXACT)
def test_ages_are_found(text: str, expected: list[tuple[str, bool]]) -> None:
    assert ages(text) == expected


def test_exact_age_reason_suggests_a_range() -> None:
    (found,) = find_ages("She is 43 and lives alone.")
    assert found.reason == "an exact age: consider 'in their forties'"
    (found,) = find_ages("She is 95 and lives alone.")
    assert found.reason == "an age over 89"


def test_birth_year_is_read_against_this_year() -> None:
    year = datetime.date.today().year
    assert ages(f"Her mother was born in {year - 95}.") == [(str(year - 95), ID)]
    assert ages(f"Her mother was born in {year - 70}.") == []


# ---------------------------------------------------------------------------------------
# Clinical sentences that must yield nothing

NO_DATE = [
    "In 2019 she moved to be nearer her sister.",
    "In March the sessions moved online.",
    "En mars 2024, elle a repris le travail.",
    "Desde enero no duerme bien.",
    "On Tuesdays she goes to the gym.",
    "Los lunes trabaja hasta tarde.",
    "You may feel tired after session 3.",
    "They march on, she said, and I did too.",
    "In May 2023 the referral came through.",
    "Pain was 7/10 today, down from 8/10.",
    "Meeting moved to 14:30, or 3 pm at the latest.",
    "Session 6, week 3, 6 weeks post-op.",
    "The 3rd session went better than the 2nd.",
    "Le 2e rendez-vous était plus calme.",
    "La 3ª sesión fue difícil.",
    "On the 2nd attempt she managed the stairs.",
    "By the 3rd week she was sleeping better.",
    "He is on the 4th floor of the ward.",
    "Tiene el 3 de 10 en la escala.",
    "Il a appelé le 15 et le SAMU est venu.",
    "She had a good Friday at work for once.",
    "Session 3 May was hard to read.",
    "In March 5 new referrals came in.",
    "Pain went from 7/10 to 4/10 after 3/12.",
    "He was seen 3/7 ago and is 2/52 post-op.",
    "La douleur est passée de 7/10 à 3/10.",
    "Puntúa un 7 en una escala del 1 al 10.",
    "Elle a fait 3 séries de 10 le 2e jour.",
    "A week or 2 ago she said it happens les 3/4 du temps.",
    "Il prend le 21 pour venir, le bus est souvent en retard.",
    "Vive en el 3 con su madre desde el divorcio.",
]

NO_AGE = [
    "She is 34 weeks pregnant.",
    "Gestation 32/40 at booking.",
    "The session lasted 45 minutes.",
    "We have had 6 sessions so far.",
    "She did 10 reps twice a day.",
    "PHQ-9 of 14 at intake.",
    "Sertraline 50 mg daily, up from 25 mg.",
    "She has 3 kids and a dog.",
    "Age-appropriate play; that was ages ago.",
    "She was 14 on the PHQ-9 and 12 on the GAD-7.",
    "He was 10 minutes late again.",
    "Her score was 92 on the scale.",
    "Heart rate was 96 and sats were 94.",
    "The group is for children aged 6-11.",
    "They were 3 in the room.",
    "She is 5'2\" and weighs 60 kg.",
    "She was 1 of 3 siblings.",
    "Knee flexion was 95 degrees; hip flexion is 90.",
    "Depuis 10 ans elle travaille ici.",
    "Il y a 20 ans, elle a divorcé.",
    "Ils ont 10 ans de mariage.",
    "Hace 20 años que no lo ve.",
    "Lleva 10 años casada.",
    "Tiene 3 hijos y trabaja 40 horas.",
    "Born in 1990, she is the youngest.",
    "He is in his forties and lives alone.",
    "The group is for adults aged 18 and over.",
    "It could be 90, or 95, by the end of the block.",
    "Tom, 45 minutes late, apologised.",
]

CLEAN = [
    "SRS 36/40, pain 6/10, 3 sets of 10, BP 120/80, C5/6, L4-L5.",
    "£40 for 45 minutes, 90° flexion, 2x/week, T+3 months.",
    "My estimate was 36 of 40 but the feedback total was 31.",
    "The SAC-4 total dropped from 38 to 29 in session 6.",
    "She rated voice 6 out of 10, down 3 from last week.",
    "Shoulder abduction reached 120 by week 6.",
    "BP 130/85, HR 72, sats 98% on air.",
    "Ratio 3:1, dilution 1.5, version 2.1.3.",
    "We have 10-15 minutes left and 2-3 sessions.",
    "Step 4 of 12 is the hardest; the 12-step programme helped.",
    "Session 6 (2026) went well.",
    "El dolor es de 7 sobre 10 y la tensión 120/80.",
    "Lleva 6 sesiones y hizo 3 series de 10 repeticiones.",
    "La flexión de rodilla llega a 90° en la semana 5.",
    "Il a fait 3 séries de 10 répétitions, 2 fois par semaine.",
    "Le score PHQ-9 est de 14 ; elle dort 5 heures par nuit.",
    "Elle a 3 enfants et travaille à 80 %.",
    "I may have rushed the ending; may I slow down?",
]


@pytest.mark.parametrize("text", NO_DATE + CLEAN)
def test_no_date(text: str) -> None:
    assert dates(text) == []


@pytest.mark.parametrize("text", NO_AGE + CLEAN)
def test_no_age(text: str) -> None:
    assert ages(text) == []


@pytest.mark.timeout(30)  # a hang guard against runaway regex backtracking, not a timing target
@pytest.mark.parametrize(
    "text", ["vingt et " * 3000 + "ans", "now " * 5000 + "she is 5", "le 1 " * 3000, "3/" * 5000]
)
def test_pathological_text_finishes(text: str) -> None:
    assert isinstance(list(find_dates(text)) + list(find_ages(text)), list)


@pytest.mark.timeout(30)
def test_a_long_note_finds_every_date_it_holds() -> None:
    note = " ".join(text for text, _ in NUMERIC) * 5
    assert len(list(find_dates(note))) >= len(NUMERIC) * 5
