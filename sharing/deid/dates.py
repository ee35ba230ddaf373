"""Dates and ages in entry text, in English, French and Spanish notes.

HIPAA Safe Harbor treats every part of a date except the year, and every age over 89, as
an identifier. An exact age of 89 or under is not one, but it narrows who a client is, so
it is shown as a warning to consider ("in their forties" says enough).

`find_dates` (kind "date") finds:

- numeric dates with a year, UK, US, ISO, French and Spanish style: "14/03/2025",
  "3/14/2025", "2025-03-14", "14.03.25", "14-03-2025"; a day and month without a year
  only after a cue ("on 14/03", "le 14/03", "el 14/03", "since 3/4"), since "7/10" is
  usually a score;
- dates with a month name, full or abbreviated, in any of the three languages: "14 March",
  "March 14th", "the 3rd of May", "14 mars", "le 1er avril", "lundi 3 février",
  "12 de junio", "3 de febrero de 2024", "Thursday 12 June", "December 2, 2019";
- a weekday with a day of the month: "Tuesday the 4th", "samedi 28", "el lunes 3";
- a day of the month alone where it reads as a date: "by the 21st", "on the 3rd", "le 21",
  "d'ici le 21", "avant le 15", "el día 15", "el 21" (not "the 3rd session",
  "le 2e rendez-vous", "la 3ª sesión", "le 21 ans", "el 3 de 10");
- holidays, which date an event: Christmas, Boxing Day, New Year's Eve, Easter, Good
  Friday, Thanksgiving, Halloween, Bonfire Night, Mother's Day, Valentine's Day, the
  Fourth of July, Memorial Day, bank holiday Monday...; Noël, le réveillon, la
  Saint-Sylvestre, le jour de l'An, Pâques, la Toussaint, la Pentecôte, l'Ascension, la
  Chandeleur, la Fête des mères...; Navidad, Nochebuena, Nochevieja, Año Nuevo, el día de
  Reyes, Semana Santa, Viernes Santo, San Juan, el Pilar, San Fermín, Sant Jordi, el
  puente de diciembre...

Never a date: a year alone ("in 2019"), a month alone or with a year ("in March",
"en mars 2024", "desde enero"), a weekday alone ("on Tuesdays", "los lunes"), "may" and
"march" as verbs, scores ("7/10", "SRS 36/40", "120/80"), times ("14:30", "3 pm"),
durations, spinal levels ("C5/6", "L4-L5"), "session 6", "week 3 May" style counts.

`find_ages` (kind "age") finds:

- ages over 89, as identifiers, in digits or words and in any form: "92-year-old",
  "aged 93", "she is 95", "turns 91", "ninety-three", "in her nineties", "nonagenarian",
  "centenarian", "92 ans", "quatre-vingt-treize ans", "nonagénaire", "92 años",
  "noventa y cuatro años", "centenaria"; a birth year that makes someone over 89
  ("born in 1931", "née en 1930", "nacida en 1929");
- exact ages of 89 or under, as warnings: "she is 34", "aged 41", "a 28-year-old",
  "28 y/o", "forty-one", "34 ans", "cuarenta y un años", "her husband (45)",
  "Maya, 34," (after a name or relation and a comma).

Never an age: "34 weeks pregnant", "32/40", "45 minutes", "6 sessions", "10 reps",
"pain 7/10", "PHQ-9 of 14", doses, "3 kids", "age-appropriate", "ages ago", durations
("depuis 10 ans", "hace 20 años", "10 ans de mariage").

Spans hold the date or age itself, not the words that cue it: "on the 3rd of May" gives
"3rd of May", "el día 15" gives "día 15", "la Toussaint" gives "Toussaint", "aged 93"
gives "93", while "92-year-old", "97 years old", "34 ans" and "noventa años" are whole.

Known misses: a day/month with no cue ("14/03 was hard"); a day of the month after "the"
with no preposition ("the 14th was hard") or in words without a month ("on the third");
an English weekday with a bare number ("Thursday 12"); a lower-case "may" or "march"
date with no ordinal, year or cue ("3 may"); a bare "at 16" ("At 16 she left school",
since "at 10" is usually a time); a French or Spanish age with no "ans" or "años" ("elle
a 34"), except "tiene 34,"; an exact age after a subject that is no pronoun, relation,
person word or name ("the man next door is 43"; over 89, any subject but a measurement
will do); an age in words away from its verb ("she turns, next week, ninety"); a birth
year more than 25 characters after "born"; "May" as a name with an age ("May, 34,").
Relative dates ("last Tuesday", "three weeks ago") are not identifiers and are not
looked for.

Known false alarms: "le"/"el" before a number that is no day ("le 3 et le 4 sont les
items", "el 2 es el más alto"); an age for a thing ("a 100-year-old house"); "Christmas"
as a season ("over Christmas").
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import NamedTuple

from sharing.deid import lexicon
from sharing.deid.finding import Finding, finding, warning
from sharing.deid.names import RELATIONS, find_names


class _Span(NamedTuple):
    start: int
    end: int
    reason: str
    warn: bool = False


def _words(words: str) -> frozenset[str]:
    return frozenset(lexicon.fold(w) for w in words.split())


def _alternation(words: str) -> str:
    """A regex alternation of the words, longest first so none is cut short."""
    return "|".join(re.escape(w) for w in sorted(set(words.split()), key=len, reverse=True))


# ---------------------------------------------------------------------------------------
# Vocabulary

_MONTHS_FULL = """
    january february march april may june july august september october november december
    janvier février fevrier mars avril mai juin juillet août aout septembre octobre
    novembre décembre decembre
    enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre
    noviembre diciembre
"""
_MONTHS_ABBR = "jan feb mar apr jun jul aug sep sept oct nov dec janv févr fevr fév fev avr "
_MONTHS_ABBR += "juil déc ene abr dic"  # not "ago": "a week or 2 ago"
_MONTHS_EN = "january february march april may june july august september october november "
_MONTHS_EN += "december"
_MONTHS_EN_ABBR = "jan feb mar apr jun jul aug sep sept oct nov dec"
# Month words that are also verbs or nouns: lower case, they need a sign of a date.
_AMBIGUOUS_MONTHS = _words("may march mar")

_WEEKDAYS_EN = "monday tuesday wednesday thursday friday saturday sunday"
_WEEKDAYS_FR_ES = """
    lundi mardi mercredi jeudi vendredi samedi dimanche
    lunes martes miércoles miercoles jueves viernes sábado sabado domingo
"""
_WEEKDAYS_EN_ABBR = "Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun"

_ORDINAL_WORDS = """
    first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth
    thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth
    twenty-first twenty-second twenty-third twenty-fourth twenty-fifth twenty-sixth
    twenty-seventh twenty-eighth twenty-ninth thirtieth thirty-first premier primero
"""

_MONTH = (
    rf"(?P<month>(?i:{_alternation(_MONTHS_FULL)}|(?:{_alternation(_MONTHS_ABBR)})"
    r"(?:\.(?=\s+(?:de\s+)?\d))?)(?![^\W\d_]))"
)
_MONTH_EN = (
    rf"(?P<month>(?i:{_alternation(_MONTHS_EN)}|(?:{_alternation(_MONTHS_EN_ABBR)})"
    r"(?:\.(?=\s+\d))?)(?![^\W\d_]))"
)
_WEEKDAY_ANY = (
    rf"(?i:{_alternation(_WEEKDAYS_EN + _WEEKDAYS_FR_ES)})(?![^\W\d_])"
    rf"|(?:{_alternation(_WEEKDAYS_EN_ABBR)})\.?(?![^\W\d_])"
)
_WEEKDAY_EN = rf"(?i:{_alternation(_WEEKDAYS_EN)})(?![^\W\d_])"
_WEEKDAY_FR_ES = rf"(?i:{_alternation(_WEEKDAYS_FR_ES)})(?![^\W\d_])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_ORD_EN = r"(?i:st|nd|rd|th)"
_ORD_WORD = rf"(?i:{_alternation(_ORDINAL_WORDS)})(?![\w-])"
_YEAR = r"(?:1[89]|20)\d\d(?!\d)"

# What a number counts or measures when it is not a day or an age.
_UNITS = _words(
    """
    % percent per cent pc minute minutes min mins second seconds sec secs hour hours hr hrs
    h day days week weeks wk wks month months mo year years yr yrs kg kilo kilos g mg mcg
    µg ug ml l lb lbs pound pounds stone st cm mm m km mile miles ft foot feet inch inches
    point points pts session sessions time times rep reps set sets unit units tablet
    tablets pill pills dose doses drink drinks cigarette cigarettes step steps degree
    degrees ° x out of people person persons patient patients client clients kid kids
    child children visit visits appointment appointments item items question questions
    am pm a.m p.m o'clock bpm mmhg beats breaths calories kcal page pages night nights
    ago post post-op postop weeks' days' floor
    ans an année années mois semaine semaines jour jours heure heures minute minutes
    seconde secondes séance séances seance seances fois rendez-vous rdv consultation
    consultations entretien entretiens kilos sur degré degrés personne personnes
    enfant enfants euros € comprimé comprimés gouttes pas répétition répétitions série
    séries verres nuit nuits étage
    años año meses mes semana semanas día días dia dias hora horas minuto minutos
    segundo segundos sesión sesiones sesion vez veces cita citas consulta consultas
    sobre grado grados persona personas paciente pacientes hijo hijos hija hijas niño
    niños pastilla pastillas comprimido comprimidos punto puntos paso pasos repetición
    repeticiones serie series copa copas cigarrillo cigarrillos noche noches piso planta
    """
)
# Words after which the next number is a count, not a day: "week 3 May", "session 6".
_COUNTED = _words(
    """
    session sessions week weeks step steps item items level levels stage stages phase
    phases page pages room bed ward floor grade year number no cycle round set sets rep
    reps question score total séance semaine étape niveau page chambre sesión semana
    paso nivel página habitación cama
    """
)
# Words that may follow a date or an age: a new clause, a time, a connective.
_CLAUSE_WORDS = _words(
    """
    and or but so then when while because as if at in she he they i we you it her his
    their my our the is was will would to till until through instead too again already
    onwards onward please who now today yet soon tomorrow
    et ou mais quand à au je j il elle on nous vous ils elles prochain dernier donc
    y o pero cuando a al él ella yo nosotros próximo pasado entonces
    """
)
# Words that may follow an age: "she was 15 when...", "aged 41 and".
_AGE_NEXT = _CLAUSE_WORDS - _words(
    "the to till until through is was will would please instead onwards onward again her his"
    " their my our it on"
)
_PUNCTUATION = set(".,;:!?)]}—–\"'»”’…")

# ---------------------------------------------------------------------------------------
# Dates


def find_dates(text: str) -> Iterator[Finding]:
    """Every date in `text` with a day or month part: numeric, with a month name, a day
    of the month where it reads as one, or a holiday. Overlapping ones are merged."""
    spans = [
        *_numeric_dates(text),
        *_month_name_dates(text),
        *_weekday_dates(text),
        *_day_only_dates(text),
        *_holidays(text),
    ]
    for span in _merged(spans):
        yield finding(text, span.start, span.end, "date", span.reason)


_FULL_DATE = "a date (day, month and year)"
_DAY_MONTH = "a date (day and month)"
_DAY_ONLY = "a date (day of the month)"
_WEEKDAY_DAY = "a date (weekday and day of the month)"
_HOLIDAY = "a holiday, which dates the event"

_NUMERIC_DATE = re.compile(
    r"(?<![\w/.,:£$€+=-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})"
    r"(?![\w/:-]|[.,]\d)"
)
_ISO_DATE = re.compile(
    r"(?<![\w/.,:£$€+-])(?P<year>(?:18|19|20|21)\d\d)(?P<sep>[/.-])(?P<month>\d{1,2})"
    r"(?P=sep)(?P<day>\d{1,2})(?![\w/:-]|[.,]\d)"
)
_CUED_DAY_MONTH = re.compile(
    rf"(?<!\w)(?:(?i:on|since|until|till|dated|le|el|depuis\s+le|desde\s+el|hasta\s+el)"
    rf"|{_WEEKDAY_ANY}),?\s+"
    r"(?P<a>\d{1,2})(?P<sep>/|\.(?=\d\d))(?P<b>\d{1,2})(?![\w/:-]|[.,]\d)"
)
_RANGE_END = re.compile(
    r"\s*(?:-|–|to|au|al|à|a|and|et|y)\s*(?P<a>\d{1,2})/(?P<b>\d{1,2})(?![\w/:-]|[.,]\d)"
)


def _numeric_dates(text: str) -> Iterator[_Span]:
    """ "14/03/2025", "3/14/25", "2025-03-14"; "on 14/03" and "le 14/03" with a cue."""
    for m in _NUMERIC_DATE.finditer(text):
        a, b, year = int(m["a"]), int(m["b"]), m["year"]
        two_digit_year = len(year) == 2
        year_ok = m["sep"] != "-" if two_digit_year else 1800 <= int(year) <= 2199
        if _day_and_month(a, b) and year_ok:
            yield _Span(m.start(), m.end(), _FULL_DATE)
    for m in _ISO_DATE.finditer(text):
        if 1 <= int(m["month"]) <= 12 and 1 <= int(m["day"]) <= 31:
            yield _Span(m.start(), m.end(), _FULL_DATE)
    for m in _CUED_DAY_MONTH.finditer(text):
        dotted = m["sep"] == "."
        if dotted and len(m["a"]) != 2:
            continue
        reads_as_date = _not_counted(text, m.end()) and _word_after(text, m.end()) not in _OF_WORDS
        if _day_and_month(int(m["a"]), int(m["b"])) and reads_as_date:
            end = m.end()
            more = _RANGE_END.match(text, end)
            if more and _day_and_month(int(more["a"]), int(more["b"])):
                end = more.end()
            yield _Span(m.start("a"), end, _DAY_MONTH)


def _day_and_month(a: int, b: int) -> bool:
    """True when a/b reads as day/month or month/day."""
    return (1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31)


_DAY_FIRST = re.compile(
    rf"(?<![\w/.,:£$€+-])(?:(?P<weekday>{_WEEKDAY_ANY}),?\s+(?:(?i:the)\s+)?)?"
    rf"(?:(?P<first>{_DAY}(?i:st|nd|rd|th|er)?)\s*(?:-|–|(?i:to|au|al|and|et|y))\s*)?"
    rf"(?P<day>{_DAY}(?i:st|nd|rd|th|er|re|ro|º|°)?(?!\d)|{_ORD_WORD})"
    rf"(?P<of>\s+(?i:of|de))?\s+{_MONTH}"
    rf"(?P<year>,?\s+(?:(?i:de|del)\s+)?{_YEAR})?"
)
_MONTH_FIRST = re.compile(
    rf"(?<![\w/.,:-])(?:(?P<weekday>{_WEEKDAY_EN}|(?:{_alternation(_WEEKDAYS_EN_ABBR)})\.?)"
    rf",?\s+)?{_MONTH_EN}\s+(?:(?i:the)\s+)?"
    rf"(?P<day>{_DAY}{_ORD_EN}?|{_ORD_WORD})(?![\w:]|[.,/-]\d)"
    rf"(?P<year>,?\s+{_YEAR})?"
)


def _month_name_dates(text: str) -> Iterator[_Span]:
    """ "14 March 2025", "3rd of May", "12 de junio", "1er avril", "March 14th"."""
    for m in _DAY_FIRST.finditer(text):
        if _day_first_reads_as_date(text, m):
            yield _Span(m.start(), m.end(), _FULL_DATE if m["year"] else _DAY_MONTH)
    for m in _MONTH_FIRST.finditer(text):
        if _month_first_reads_as_date(text, m):
            yield _Span(m.start(), m.end(), _FULL_DATE if m["year"] else _DAY_MONTH)


def _day_first_reads_as_date(text: str, m: re.Match[str]) -> bool:
    day = m["day"]
    if day[0].isalpha() and not m["of"] and lexicon.fold(day) not in ("premier", "primero"):
        return False  # "her first March", but "the first of May" and "le premier mai"
    if not m["weekday"] and not m["first"] and _word_before(text, m.start()) in _COUNTED:
        return False  # "session 3 May", "week 6 March"
    return _month_is_a_month(text, m)


def _month_first_reads_as_date(text: str, m: re.Match[str]) -> bool:
    if not _month_is_a_month(text, m):
        return False
    bare = m["day"].isdigit() and not m["year"]
    if bare and not _not_counted(text, m.end()):
        return False  # "May 3 sessions", "March 5 clients"
    before = _word_before(text, m.start())
    return not (bare and not m["weekday"] and before in _words("in during throughout over of"))


def _month_is_a_month(text: str, m: re.Match[str]) -> bool:
    """A lower-case "may", "march" or "mar" is a month only with an ordinal, a year or a
    cue before the date ("on 3 may 2024", "the 3rd may"), never as a verb."""
    month = m["month"]
    if month[0].isupper() or lexicon.fold(month.rstrip(".")) not in _AMBIGUOUS_MONTHS:
        return True
    if m["year"] or not m["day"].isdigit():
        return True
    return _word_before(text, m.start()) in _words("on the by since until from of")


_WEEKDAY_EN_DAY = re.compile(
    rf"(?<![\w-])(?P<weekday>{_WEEKDAY_EN}),?\s+(?:(?i:the)\s+)?(?P<day>{_DAY}{_ORD_EN})(?!\w)"
)
_WEEKDAY_FR_ES_DAY = re.compile(
    rf"(?<![\w-])(?P<weekday>{_WEEKDAY_FR_ES})\s+(?P<day>{_DAY}(?:er)?)"
    r"(?![\w°%/:'’ºª]|[.,]\d)"
)


def _weekday_dates(text: str) -> Iterator[_Span]:
    """ "Tuesday the 4th", "Monday 3rd", "samedi 28", "el lunes 3"."""
    for m in _WEEKDAY_EN_DAY.finditer(text):
        if _ends_a_date(text, m.end()):
            yield _Span(m.start(), m.end(), _WEEKDAY_DAY)
    for m in _WEEKDAY_FR_ES_DAY.finditer(text):
        if _not_counted(text, m.end()) and _word_after(text, m.end()) not in _OF_WORDS:
            yield _Span(m.start(), m.end(), _WEEKDAY_DAY)


_OF_WORDS = _words("of de d du del sur sobre")
_EN_DAY_ONLY = re.compile(
    r"(?<![\w-])(?i:on|by|since|until|till|before|after|from|to|through|for)\s+"
    rf"(?:(?i:the)\s+)?(?P<day>{_DAY}{_ORD_EN})(?!\w)"
)
_FR_DAY_ONLY = re.compile(
    r"(?<![\w-])(?i:le|jusqu['’]au|dès\s+le|des\s+le|à\s+partir\s+du|a\s+partir\s+du)\s+"
    rf"(?P<day>{_DAY}(?:er)?)(?![\w°%/:'’ᵉ]|[.,]\d)"
)
_ES_DAY_ONLY = re.compile(
    r"(?<![\w-])(?i:el|antes\s+del|después\s+del|despues\s+del|a\s+partir\s+del)\s+"
    rf"(?:(?P<dia>(?i:día|dia))\s+)?(?P<day>{_DAY}(?:º|o|ro)?)(?![\w°%/:'’ºª]|[.,]\d)"
)
# A phone number, not a date: "elle a appelé le 15" (the SAMU), "composer le 17".
_CALLED = re.compile(r"(?i:appel\w*|compos\w*|llam\w*)\s+$")
_EMERGENCY_NUMBERS = ("15", "17", "18")
# A bus, a flat or a year, not a day: "il prend le 21", "vive en el 3", "en el 21".
_NOT_A_DAY_BEFORE = re.compile(r"(?i:\bprend\w*|\bpris|\ben|\bcoge\w*|\bcogi\w*)\s+$")
_OF_THE_MONTH = re.compile(
    r"\s*(?i:of\s+(?:this|next|last|the)\s+month|du\s+mois|de\s+ce\s+mois|del\s+mes"
    r"|de\s+este\s+mes)\b"
)


def _day_only_dates(text: str) -> Iterator[_Span]:
    """ "by the 21st", "le 21", "avant le 15", "el día 15", "el 21": a day of the month
    after a preposition or article, not followed by what it counts."""
    for m in _EN_DAY_ONLY.finditer(text):
        of_month = _OF_THE_MONTH.match(text, m.end())
        if of_month or _ends_a_date(text, m.end()):
            yield _Span(m.start("day"), of_month.end() if of_month else m.end(), _DAY_ONLY)
    for pattern in (_FR_DAY_ONLY, _ES_DAY_ONLY):
        for m in pattern.finditer(text):
            if _day_reads_as_date(text, m):
                start = m.start("dia") if m.groupdict().get("dia") else m.start("day")
                yield _Span(start, m.end(), _DAY_ONLY)


def _day_reads_as_date(text: str, m: re.Match[str]) -> bool:
    """After le/el: not a count ("le 21 ans"), a score ("el 3 de 10") or a phone number."""
    called = _CALLED.search(text[max(0, m.start() - 20) : m.start()])
    if called and m["day"] in _EMERGENCY_NUMBERS:
        return False
    if _NOT_A_DAY_BEFORE.search(text[max(0, m.start() - 12) : m.start()]):
        return False
    if _OF_THE_MONTH.match(text, m.end()):
        return True
    if not m["day"].isdigit():  # "le 1er", "el 1º": only before a pause or a clause
        return _ends_a_date(text, m.end())
    return _not_counted(text, m.end()) and _word_after(text, m.end()) not in _OF_WORDS


def _ends_a_date(text: str, end: int) -> bool:
    """What follows an ordinal day reads as the end of a date: a pause, a new clause or a
    time, never a noun ("the 3rd session", "on the 2nd attempt")."""
    after = _word_after(text, end)
    return after == "" or after in _PUNCTUATION or after in _CLAUSE_WORDS


def _not_counted(text: str, end: int) -> bool:
    """The number ending at `end` counts or measures nothing ("3 sessions", "21 ans")."""
    rest = text[end : end + 3]
    if rest[:1] in ("%", "°", "€", "$", "£", "x", "h", "'", "’") or re.match(r"\s*[/:-]\d", rest):
        return False
    if _PER_CENT.match(text, end):
        return False
    return _word_after(text, end) not in _UNITS


_PER_CENT = re.compile(r"\s*(?i:per\s+cent|pour\s+cent|por\s+ciento)\b")
_AFTER = re.compile(r"\s*(?:(?P<word>[^\W\d_]+(?:['’-][^\W\d_]+)*)|(?P<other>\S))?")
_BEFORE = re.compile(r"(?P<word>[^\W\d_]+)['’]?[\s(\[\"'“]{0,3}$")


def _word_after(text: str, end: int) -> str:
    """The word after `end`, folded; a punctuation mark or digit; "" at the end."""
    m = _AFTER.match(text, end)
    token = (m["word"] or m["other"] or "") if m else ""
    return lexicon.fold(token)


def _word_before(text: str, start: int) -> str:
    """The word just before `start` (across a space or a bracket), folded."""
    m = _BEFORE.search(text[max(0, start - 30) : start])
    return lexicon.fold(m["word"]) if m else ""


def _holiday_patterns() -> list[re.Pattern[str]]:
    """Holiday names; the group `h`, where there is one, is the holiday without its cue."""
    months_es = "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre"
    months_es += "|noviembre|diciembre"
    english = [
        r"(?i:christmas|xmas)(?:\s+(?i:eve|day))?",
        r"(?i:boxing\s+day|hogmanay|pancake\s+day|hallowe['’]?en|bonfire\s+night)",
        r"(?i:new\s+year['’]?s?\s+(?:eve|day))|New\s+Year(?:['’]s)?",
        r"(?i:easter)(?:\s+(?i:sunday|monday|day|weekend))?",
        r"(?:Good|Black)\s+Friday|Maundy\s+Thursday|Palm\s+Sunday|Ash\s+Wednesday",
        r"Shrove\s+Tuesday|Whitsun(?:day)?|Pentecost|Thanksgiving|Juneteenth",
        r"(?i:guy\s+fawkes(?:\s+night)?|mothering\s+sunday|fourth\s+of\s+july)",
        r"(?i:(?:mother|father)s?['’]?s?\s+day)",
        r"(?:(?:St\.?|Saint)\s+)?(?i:valentine['’]?s)(?:\s+(?i:day))?",
        r"(?:St\.?|Saint)\s+[A-Z][a-z]+['’]s\s+(?:Day|Night)|(?i:paddy['’]s\s+day)",
        r"(?:Independence|Memorial|Labou?r|Veterans['’]?|Presidents['’]?|Columbus)\s+Day",
        r"(?:Martin\s+Luther\s+King(?:,?\s+Jr\.?)?|MLK)\s+Day",
        r"Remembrance\s+(?:Day|Sunday)|Armistice\s+Day|Burns\s+Night",
        r"(?i:bank\s+holiday\s+monday)",
        r"(?i:(?:(?:early|late)\s+)?(?:may|august|easter|spring|summer)\s+bank\s+holiday)",
        r"Diwali|Deepavali|Eid(?:[- ]al[- ](?:Fitr|Adha))?|Hanukk?ah|Chanukah|Yom\s+Kippur",
        r"Rosh\s+Hashana(?:h)?|Passover",
    ]
    french = [
        r"(?i:no[eë]l)",
        r"(?i:r[ée]veillon)(?:\s+(?i:de\s+no[eë]l|du\s+nouvel\s+an|de\s+la\s+saint-sylvestre))?",
        r"(?<=\b[Ll]a\s)(?P<h>(?:Saint|St|Sainte|Ste)-[A-ZÉ][\w-]*)",
        r"(?i:jour\s+de\s+l['’]an|nouvel\s+an|premier\s+de\s+l['’]an)",
        r"(?:(?i:lundi|dimanche)\s+de\s+)?(?i:p[âa]ques)",
        r"(?<=\b[Ll]a\s)(?P<h>Toussaint)",
        r"(?:(?i:lundi)\s+de\s+(?:la\s+)?)?(?i:pentec[ôo]te)",
        r"(?i:jeudi\s+de\s+l['’])Ascension|(?<=\b[Ll]['’])(?P<h>Ascension)",
        r"(?i:chandeleur|[ée]piphanie|mardi\s+gras)",
        r"(?i:f[êe]te\s+des\s+(?:m[èe]res|p[èe]res|grands-m[èe]res))",
        r"(?i:f[êe]te\s+(?:nationale|du\s+travail|de\s+la\s+musique))",
        r"(?<=\b[Ll]['’])(?P<h>Armistice)",
    ]
    spanish = [
        r"(?i:navidad(?:es)?|nochebuena|nochevieja|semana\s+santa|san\s+ferm[íi]n|sanfermines)",
        r"(?<!\b[Uu]n\s)(?i:a[ñn]o\s+nuevo)",
        r"(?i:(?:jueves|viernes|s[áa]bado|domingo)\s+santo|lunes\s+de\s+pascua)",
        r"(?i:domingo\s+de\s+(?:ramos|resurrecci[óo]n|pascua)|pascuas?)",
        r"(?i:d[íi]a\s+de(?:l)?\s+(?:reyes|la\s+madre|padre|los\s+enamorados|la\s+hispanidad"
        r"|todos\s+los\s+santos|la\s+constituci[óo]n|la\s+inmaculada|los\s+muertos"
        r"|muertos|andaluc[íi]a|san\s+\w+|pilar))",
        r"(?i:en|por|para|desde|hasta|tras|de|los)\s+(?P<h>Reyes(?:\s+Magos)?)",
        r"(?i:por|desde|hasta|tras|para)\s+(?P<h>San\s+Juan)",
        r"(?i:noche|verbena|fiestas|v[íi]spera)\s+de\s+San\s+Juan",
        r"(?<=\b[Ee]l\s)(?P<h>Pilar)|(?i:fiestas|puente)\s+del\s+Pilar",
        r"(?i:sant\s+jordi|san\s+valent[íi]n|todos\s+los\s+santos)",
        rf"(?i:puente\s+de(?:l)?\s+(?:{months_es}|la\s+constituci[óo]n|la\s+inmaculada"
        r"|todos\s+los\s+santos|san\s+\w+|pilar|reyes))",
        r"(?<=\b[Ll]a\s)(?P<h>Diada|Merc[èe])|(?<=\b[Ll]as\s)(?P<h2>Fallas)",
    ]
    return [re.compile(rf"(?<![\w-])(?:{p})(?![\w-])") for p in english + french + spanish]


_HOLIDAYS = _holiday_patterns()


def _holidays(text: str) -> Iterator[_Span]:
    """Christmas, Pâques, Nochevieja...: a holiday names the day of an event."""
    for pattern in _HOLIDAYS:
        for m in pattern.finditer(text):
            group = next((g for g in ("h", "h2") if m.groupdict().get(g)), 0)
            yield _Span(m.start(group), m.end(group), _HOLIDAY)


# ---------------------------------------------------------------------------------------
# Ages

_EN_UNITS = "one two three four five six seven eight nine"
_EN_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
_EN_TENS = "twenty thirty forty fifty sixty seventy eighty ninety"
_EN_VALUES = {
    **{w: i + 1 for i, w in enumerate(_EN_UNITS.split())},
    **{w: i + 10 for i, w in enumerate(_EN_TEENS.split())},
    **{w: (i + 2) * 10 for i, w in enumerate(_EN_TENS.split())},
    "a": 1,
    "hundred": 100,
}
_EN_SMALL = (
    rf"(?:(?:{_alternation(_EN_TENS)})(?:[- ](?:{_alternation(_EN_UNITS)}))?"
    rf"|{_alternation(_EN_TEENS)}|{_alternation(_EN_UNITS)})"
)
_EN_NUMBER = (
    rf"(?i:(?:(?:a|one)[- ])?hundred(?:(?:\s+and\s+|[- ]){_EN_SMALL})?|{_EN_SMALL})(?![\w])"
)
_FR_VALUES = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40,
    "cinquante": 50, "soixante": 60, "septante": 70, "huitante": 80, "octante": 80,
    "nonante": 90, "cent": 100, "cents": 100,
}  # fmt: skip
_ES_VALUES = {
    "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13,
    "catorce": 14, "quince": 15, "dieciséis": 16, "dieciseis": 16, "diecisiete": 17,
    "dieciocho": 18, "diecinueve": 19, "veinte": 20, "veintiún": 21, "veintiun": 21,
    "veintiuno": 21, "veintiuna": 21, "veintidós": 22, "veintidos": 22, "veintitrés": 23,
    "veintitres": 23, "veinticuatro": 24, "veinticinco": 25, "veintiséis": 26,
    "veintiseis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29, "treinta": 30,
    "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80,
    "noventa": 90, "cien": 100, "ciento": 100,
}  # fmt: skip
_FR_WORD = _alternation(" ".join(_FR_VALUES))
_ES_WORD = _alternation(" ".join(_ES_VALUES))
_FR_NUMBER = rf"(?i:(?:{_FR_WORD})(?:(?:-et-|\s+et\s+|[- ])(?:{_FR_WORD})){{0,5}})(?![\w-])"
_ES_NUMBER = rf"(?i:(?:{_ES_WORD})(?:(?:\s+y\s+|\s+)(?:{_ES_WORD})){{0,4}})(?![\w-])"
_DIGITS = r"(?<![\w.,/:£$€+#-])\d{1,3}(?!\d)"
_NUMBER = rf"(?:{_DIGITS}|(?<![\w-]){_EN_NUMBER})"

_ADVERBS = (
    r"(?:(?i:now|nearly|almost|just|only|already|about|around|roughly|barely|over|still"
    r"|at\s+least|going\s+on|pushing|newly|recently|approximately|aged?)\s+){0,3}"
)
_BE = (
    r"is|was|are|were|am|will\s+be|would\s+be|would\s+have\s+been|has\s+turned"
    r"|had\s+turned|became|reached|be"
)
_TURN = r"turned|turns|turning|turn|will\s+turn"
_AGE_TAIL = r"(?![\w%°/:'’]|[.,]\d|\s*[-–]\s*\d)"

_YEAR_OLD = re.compile(
    rf"(?P<n>{_NUMBER})[- ]?(?i:years?|yrs?|yr)[- ](?i:old)\b"
    rf"|(?P<n2>{_NUMBER})\s+(?i:years?)\s+(?i:of\s+age)\b"
)
_Y_O = re.compile(rf"(?P<n>{_DIGITS})\s?(?i:y/o|yo|y\.o\.?)(?![\w/])")
_AGED = re.compile(
    rf"(?<![\w-])(?i:aged?|age|âge|edad)(?:\s*:|\s+of|\s+de)?\s*{_ADVERBS}(?P<n>{_NUMBER}){_AGE_TAIL}"
)
_SUBJECT_BE = re.compile(
    rf"(?<![\w'’-])(?P<subj>[^\W\d_]+)(?:\s+(?i:{_BE})|(?i:['’](?:s|m|re|ll\s+be|d\s+be)))\s+"
    rf"{_ADVERBS}"
    rf"(?P<n>{_NUMBER}){_AGE_TAIL}"
)
_TURNS = re.compile(rf"(?<![\w-])(?i:{_TURN})\s+{_ADVERBS}(?P<n>{_NUMBER}){_AGE_TAIL}")
_APPOSITION = re.compile(
    rf"(?<![\w'’-])(?P<subj>[^\W\d_]+)\s*,\s*(?P<now>(?i:now|aged?|only|just|nearly"
    rf"|almost)\s+)?(?P<n>{_NUMBER})(?=\s*(?:[,;)]|\.(?!\d)|$))"
    rf"|(?<![\w'’-])(?P<subj2>[^\W\d_]+)\s*\(\s*(?:(?i:aged?)\s+)?(?P<n2>\d{{1,3}})\s*\)"
)
_ORDINAL_BIRTHDAY = re.compile(r"(?<![\w.,/-])(?P<n>\d{2,3})(?i:st|nd|rd|th)\s+(?i:birthday)")
_STANDALONE = re.compile(
    rf"(?<![\w-])(?P<n>(?i:{_alternation(_EN_TENS)})-(?i:{_alternation(_EN_UNITS)}))(?![\w-])"
)
# A bound, not an age: "aged 18 and over", "aged 30 to 40", "aged 65+".
_OR_MORE = re.compile(
    r"\+|\s*(?i:to|or|-|–)\b|\s+(?i:and|or)\s+(?i:over|above|under|older|younger|up)\b"
)
_DECADE = re.compile(
    r"(?<![\w-])(?i:in|into)\s+(?i:her|his|their|my|your|our)\s+"
    r"(?P<span>(?i:(?:early|mid|late)[- ])?(?i:nineties|90s|90['’]s|hundreds))(?![\w-])"
)
_OLD_WORDS = re.compile(
    r"(?<![\w-])(?i:(?:super)?centenarians?|nonagenarians?|nonag[ée]naires?|centenaires?"
    r"|nonagenari[oa]s?|centenari[oa]s?)(?![\w-])"
)
_ANS = re.compile(rf"(?P<n>{_DIGITS}|(?<![\w-]){_FR_NUMBER})\s*(?i:ans)(?![\w-])")
_ANOS = re.compile(rf"(?P<n>{_DIGITS}|(?<![\w-]){_ES_NUMBER})\s+(?i:años|año|anos)(?![\w-])")
_TIENE = re.compile(
    rf"(?<![\w-])(?i:tiene|tenía|tenia|cumple|cumplió|cumplio|cumplirá|cumplira)\s+"
    rf"(?:(?i:casi|ya|unos)\s+)?(?P<n>{_DIGITS})(?=\s*(?:[,.;)]|$|\s+(?i:y|cuando|pero)\b))"
)
_BORN = re.compile(
    r"(?<![\w-])(?i:born|b\.|née?|nacid[oa]|naci[óo]|dob|yob|year\s+of\s+birth|date\s+of\s+birth"
    r"|ann[ée]e\s+de\s+naissance|date\s+de\s+naissance|a[ñn]o\s+de\s+nacimiento"
    r"|fecha\s+de\s+nacimiento)(?![\w-])[^.\n]{0,25}?(?<!\d)(?P<year>(?:18|19|20)\d\d)(?!\d)"
)

# Subjects whose number is a measurement, never an age ("her score was 92").
_MEASURES = _words(
    """
    score scores total totals rate rating ratings hr pulse bp pressure sats saturation
    saturations spo2 oxygen glucose sugar sugars weight height iq rom flexion extension
    abduction adduction rotation range angle temperature temp level levels reading
    readings result results mark marks grade grades percentile centile attendance count
    number average mean median value index bmi cholesterol distance time speed it this
    that there which what everything all mood pain sleep anxiety stress energy fee fees
    cost price bill rent session sessions item week day month year page room bed ward
    floor bus question test systolic diastolic heart respiratory hb phq gad core ors srs
    wai
    """
)
_PRONOUNS = _words("she he i they who")
_PERSON_NOUNS = _words(
    """
    client patient supervisee resident widow widower pensioner toddler teenager teen
    adolescent infant student pupil individual mum mom dad
    """
)
_DURATION_BEFORE = _words(
    """
    depuis pendant durant en dans tous toutes sur pour fait voilà après
    hace durante dentro lleva llevan llevaba llevamos llevo tras cada últimos ultimos
    hacía hacia por desde
    """
)
_HEDGES = _words("presque environ près plus moins de bientôt déjà quasiment casi unos unas")
_HEDGES |= _words("cerca más mas menos ya apenas alrededor")
_DURATION_AFTER = re.compile(
    r"\s*(?i:de\b|d['’]|du\b|plus\s+tard|plus\s+tôt|après|auparavant|avant|durant|que\b"
    r"|después|despues|antes|atrás|atras|más\s+tarde|mas\s+tarde|del\b)"
)


def find_ages(text: str) -> Iterator[Finding]:
    """Every age in `text`: over 89 (an identifier, with birth years that imply one) or
    exact and 89 or under (a warning). Overlapping ones are merged."""
    names = _NameSpans(text)
    spans = [
        *_english_ages(text, names),
        *_french_spanish_ages(text),
        *_old_age_words(text),
        *_birth_years(text),
    ]
    for span in _merged(spans):
        make = warning if span.warn else finding
        yield make(text, span.start, span.end, "age", span.reason)


class _NameSpans:
    """Where `find_names` sees a person in the text, worked out only when first asked."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._spans: list[tuple[int, int]] | None = None

    def __contains__(self, span: tuple[int, int]) -> bool:
        if self._spans is None:
            self._spans = [(f.start, f.end) for f in find_names(self._text)]
        start, end = span
        return any(s <= start and end <= e for s, e in self._spans)


def _age_span(start: int, end: int, value: int | None) -> _Span | None:
    """An identifier over 89, a warning from 1 to 89, nothing for what is no age."""
    if value is None or not 1 <= value <= 125:
        return None
    if value > 89:
        return _Span(start, end, "an age over 89")
    return _Span(start, end, f"an exact age: consider '{_age_range(value)}'", warn=True)


def _age_range(value: int) -> str:
    """A range that says enough: "in their forties"."""
    if value < 13:
        return "a child"
    if value < 20:
        return "in their teens"
    decades = ("twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties")
    return f"in their {decades[value // 10 - 2]}"


def _english_ages(text: str, names: _NameSpans) -> Iterator[_Span]:
    """ "92-year-old", "28 y/o", "aged 41", "she is 95", "turns 91", "Maya, 34,",
    "her husband (45)", "forty-one", "her 90th birthday", "in her nineties"."""
    for pattern in (_YEAR_OLD, _Y_O, _ORDINAL_BIRTHDAY):
        for m in pattern.finditer(text):
            group = "n" if m["n"] else "n2"
            span = _age_span(m.start(group), m.end(), _english_value(m[group]))
            if span:
                yield span
    for m in _AGED.finditer(text):
        if _not_counted(text, m.end()) and not _OR_MORE.match(text, m.end()):
            yield from _number_span(m)
    for m in _SUBJECT_BE.finditer(text):
        value = _english_value(m["n"])
        subject = m.start("subj"), m.end("subj")
        ends = _age_ends(text, m.end(), _words("next"))
        counted = _word_after(text, m.end()) == "in" and m["subj"].casefold() == "they"
        if value and _subject_ok(text, *subject, value, names) and ends and not counted:
            yield from _number_span(m)
    for m in _TURNS.finditer(text):
        if _age_ends(text, m.end(), _words("next last this on")):
            yield from _number_span(m)
    yield from _appositions(text, names)
    for m in _STANDALONE.finditer(text):
        before = _word_before(text, m.start())
        if _age_ends(text, m.end()) and before not in _words("of by out than to from scored"):
            yield from _number_span(m)
    for m in _DECADE.finditer(text):
        yield _Span(m.start("span"), m.end("span"), "an age over 89")


def _appositions(text: str, names: _NameSpans) -> Iterator[_Span]:
    """ "Maya, 34, arrived", "her aunt, now 93,", "her husband (45)"."""
    for m in _APPOSITION.finditer(text):
        subj, group = ("subj", "n") if m["subj"] else ("subj2", "n2")
        value = _english_value(m[group])
        if not value:
            continue
        any_subject = bool(m["now"]) and value > 89
        if any_subject or _is_person(text, m.start(subj), m.end(subj), names):
            yield from _number_span(m, group)


def _number_span(m: re.Match[str], group: str = "n") -> Iterator[_Span]:
    span = _age_span(m.start(group), m.end(group), _english_value(m[group]))
    if span:
        yield span


def _english_value(number: str) -> int | None:
    """ "93" -> 93, "ninety-three" -> 93, "a hundred and two" -> 102, else None."""
    if number.isdigit():
        return int(number)
    return _word_value(re.findall(r"[^\W\d_]+", number.casefold()), _EN_VALUES, skip=("and",))


def _word_value(words: list[str], values: dict[str, int], skip: tuple[str, ...]) -> int | None:
    """The number a run of number words says, or None when it is no well-formed number:
    each part smaller than the one before ("forty one", not "three four"); "hundred" and
    the French "quatre-vingt" multiply."""
    total, last = 0, 1000
    for i, word in enumerate(words):
        if word in skip:
            continue
        value = values.get(word)
        if value is None:
            return None
        if value == 100:
            total, last = (total or 1) * 100, 100
        elif value == 20 and i > 0 and words[i - 1] == "quatre":
            total, last = total - 4 + 80, 80
        elif value < last:
            total, last = total + value, value
        else:
            return None
    return total or None


def _subject_ok(text: str, start: int, end: int, value: int, names: _NameSpans) -> bool:
    """A person is the subject; over 89, any subject that is not a measurement will do."""
    key = lexicon.fold(text[start:end])
    if key in _MEASURES or key in _words("this that there which what it"):
        return False
    if _is_person(text, start, end, names):
        return True
    word = text[start:end]
    common = key in lexicon.wordlist("function_words")  # "it could be 90"
    return value > 89 and not word.isupper() and not common


def _is_person(text: str, start: int, end: int, names: _NameSpans) -> bool:
    """A pronoun, a relation ("her aunt"), a person word ("the client"), "Client A", or
    a word the name finder reads as a name."""
    word = text[start:end]
    key = lexicon.fold(word)
    if key in _MEASURES:
        return False
    if key in _PRONOUNS or key in RELATIONS or key in _PERSON_NOUNS:
        return True
    if len(word) == 1 and word.isupper():
        return _word_before(text, start) in _words("client patient supervisee")
    if word.isupper():
        return False
    return lexicon.first_name(word) == "name" or (start, end) in names


def _age_ends(text: str, end: int, extra: frozenset[str] = frozenset()) -> bool:
    """What follows an age: a pause, a new clause or "years old", not a unit or a noun."""
    after = _word_after(text, end)
    if after == "in":  # "she was 15 in 1998", not "one in a million", "3 in total"
        return _word_after(text, end + text[end:].index("in") + 2) not in _words("a an total")
    if after in ("years", "year"):
        return re.match(r"\s*(?i:years?)[- ](?i:old|of\s+age)\b", text[end:]) is not None
    return after == "" or after in _PUNCTUATION or after in _AGE_NEXT or after in extra


def _french_spanish_ages(text: str) -> Iterator[_Span]:
    """ "34 ans", "quatre-vingt-treize ans", "92 años", "cuarenta y un años", "tiene 34";
    not durations ("depuis 10 ans", "hace 20 años", "10 ans de mariage")."""
    for pattern, values, skip in ((_ANS, _FR_VALUES, ("et",)), (_ANOS, _ES_VALUES, ("y",))):
        for m in pattern.finditer(text):
            number = m["n"]
            if number.isdigit():
                value: int | None = int(number)
            else:
                value = _word_value(re.findall(r"[^\W\d_]+", number.casefold()), values, skip)
            if value is None or value < 2 or _is_duration(text, m):
                continue
            span = _age_span(m.start(), m.end(), value)
            if span:
                yield span
    for m in _TIENE.finditer(text):
        yield from _number_span(m)


def _is_duration(text: str, m: re.Match[str]) -> bool:
    """ "depuis 10 ans", "il y a 20 ans", "hace casi 10 años", "10 ans de mariage",
    "años después": a length of time, not an age."""
    if _DURATION_AFTER.match(text, m.end()) and not re.match(r"\s*de\s+edad\b", text[m.end() :]):
        return True
    words = re.findall(r"[^\W\d_]+", text[max(0, m.start() - 40) : m.start()].casefold())
    while words and words[-1] in _HEDGES:
        words.pop()
    if not words:
        return False
    if words[-1] == "a" and len(words) > 1 and words[-2] == "y":
        return True  # "il y a 20 ans"
    return words[-1] in _DURATION_BEFORE


def _old_age_words(text: str) -> Iterator[_Span]:
    """ "nonagenarian", "centenaire", "nonagenaria"; not "le centenaire de l'école"."""
    for m in _OLD_WORDS.finditer(text):
        before = _word_before(text, m.start())
        institution = re.match(r"\s+(?:de|del|du|d['’])\b", text[m.end() :])
        if before in _words("le du el del") and institution:
            continue
        yield _Span(m.start(), m.end(), "an age over 89")


def _birth_years(text: str) -> Iterator[_Span]:
    """ "born in 1931", "née en 1930", "nacida en 1929": a birth year 90 or more years ago."""
    this_year = datetime.date.today().year
    for m in _BORN.finditer(text):
        if this_year - int(m["year"]) >= 90:
            reason = "a birth year that makes someone over 89"
            yield _Span(m.start("year"), m.end("year"), reason)


# ---------------------------------------------------------------------------------------
# Merging


def _merged(spans: list[_Span]) -> Iterator[_Span]:
    """One span per cluster of overlapping spans, over their union, with the reason of
    the longest; a warning only when every span of the cluster is one."""
    cluster: list[_Span] = []
    end = -1
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if cluster and span.start >= end:
            yield _union(cluster)
            cluster = []
        cluster.append(span)
        end = max(end, span.end) if len(cluster) > 1 else span.end
    if cluster:
        yield _union(cluster)


def _union(cluster: list[_Span]) -> _Span:
    identifiers = [s for s in cluster if not s.warn] or cluster
    best = max(identifiers, key=lambda s: s.end - s.start)
    start, end = min(s.start for s in cluster), max(s.end for s in cluster)
    return _Span(start, end, best.reason, all(s.warn for s in cluster))
