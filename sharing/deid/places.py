"""Places smaller than a state: towns by name, institutions in English, French and Spanish
order, and addresses written the French or Spanish way.

- a town of 1,000 people or more in the UK, Ireland, the US, France or Spain (GeoNames,
  sharing/wordlists/places*.txt), wherever it stands when its name is no ordinary word
  ("Didcot", "Villeurbanne", "Móstoles"), after in/at/from/à/en/de... when it is one
  ("in Reading", "à Nice");
- an institution named after its kind: "CHU de Nantes", "hôpital Necker", "lycée
  Jean-Moulin", "école Jules-Ferry", "Hospital de Cruces", "residencia Los Olivos",
  "centro de menores de Hortaleza", "HMP Swaleside", "Brookfield Academy";
- a French or Spanish street address: "3 allée des Mimosas, 66000 Perpignan", "12 rue des
  Lilas", "Calle Mayor 15, 3º B", "avenida de la Constitución 4".

Known misses: a hamlet or district too small for the list with no cue ("Angrois"), a
town whose name is an ordinary word with no cue ("Reading always comes up").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sharing.deid import lexicon
from sharing.deid.finding import Finding, finding
from sharing.deid.names import eponyms

_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’]*(?:-[\w'’]+)*"
_NAME = rf"{_CAP}(?:(?: (?:de|del|de la|des|du|d'|la|le|las|los|les|y|et|upon|on|the))? {_CAP})*"
_WORD = re.compile(
    _CAP + r"(?:[ -](?:(?:de|del|de la|du|des|la|le|sur|en|upon|on)[ -])?" + _CAP + ")*"
)
# "hôpital Necker", "CHU de Nantes", "Hospital de Cruces", "residencia Los Olivos"
_INSTITUTION_KINDS = (
    r"CHU|CHRU|CH|CHS|CMP|CMPP|EHPAD|hôpital|hopital|clinique|maternité|lycée|lycee|collège|"
    r"école|ecole|université|faculté|mairie|centre hospitalier|centre médical|maison de santé|"
    r"cabinet|résidence|foyer|prison|maison d'arrêt|centre pénitentiaire|"
    r"hospital|clínica|clinica|centro de salud|centro de menores|centro|colegio|instituto|"
    r"IES|CEIP|universidad|facultad|residencia|ayuntamiento|ambulatorio|polideportivo|"
    r"HMP|HMYOI|St|Saint|Sainte|San|Santa"
)
_INSTITUTION = re.compile(
    rf"\b(?i:{_INSTITUTION_KINDS})(?: (?:de la|de l'|de|del|des|du|d'|of the|of))? ?{_NAME}"
)
_INSTITUTION_AFTER = re.compile(
    rf"\b{_NAME} (?:Academy|School|College|University|Hospital|Clinic|Surgery|Centre|Center|"
    r"Infirmary|Hospice|Prison|Practice|Health Centre|Medical Centre|Primary|High|Gym|Leisure "
    r"Centre|Care Home|Nursing Home|House|Trust|Foundation)\b"
)
_STREET_KINDS = (
    r"rue|avenue|boulevard|bd|allée|allee|impasse|chemin|place|quai|route|cours|square|"
    r"calle|c/|avenida|avda\.?|av\.|paseo|plaza|pza\.?|camino|carrer|ronda|travesía|glorieta"
)
_ADDRESS = re.compile(
    rf"(?:\b\d{{1,4}}(?: ?(?:bis|ter))?,? )?\b(?:{_STREET_KINDS}) "
    rf"(?:(?:de la|de l'|de|del|des|du|d'|la|le|les|los|las) ?)*{_NAME}"
    r"(?:,? (?:n[º°o]\.? ?)?\d{1,4}(?:,? ?\d{1,2}[º°ª]? ?[A-Z]?)?)?"
    r"(?:,? \d{5} " + _CAP + r")?",
    re.IGNORECASE,
)
_CUES = re.compile(
    r"(?:\b(?:in|at|from|near|to|outside|à|a|au|en|de|depuis|vers|près de|cerca de|desde|"
    r"hacia|en el|barrio|quartier|pueblo|village|town|city|ville)\s+)$",
    re.IGNORECASE,
)
_COUNTRIES = """
    england scotland wales ireland britain uk usa america europe france spain españa
    espagne angleterre irlande francia inglaterra escocia gales
"""
_NOT_PLACES = frozenset(lexicon.fold(w) for w in _COUNTRIES.split())


def find_places(text: str) -> Iterator[Finding]:
    """Every town, institution or French/Spanish address in `text`, with why."""
    yield from _institutions(text)
    yield from _addresses(text)
    yield from _towns(text)


def _institutions(text: str) -> Iterator[Finding]:
    for pattern in (_INSTITUTION, _INSTITUTION_AFTER):
        for m in pattern.finditer(text):
            if _names_something(m.group()):
                reason = "a named hospital, school, clinic or other institution"
                yield finding(text, m.start(), m.end(), "place", reason)


def _names_something(phrase: str) -> bool:
    """False for "Hospital Trust" or "centre de la douleur": no proper name inside."""
    words = re.findall(r"[\w'’-]+", phrase)[1:]
    return any(w[:1].isupper() and not lexicon.clinical(w) for w in words)


def _addresses(text: str) -> Iterator[Finding]:
    for m in _ADDRESS.finditer(text):
        if _names_something(m.group()) or re.search(r"\d", m.group()):
            yield finding(text, m.start(), m.end(), "place", "a street address")


def _towns(text: str) -> Iterator[Finding]:
    named_after = eponyms(text)
    for m in _WORD.finditer(text):
        words = m.group()
        for start, end in _candidate_spans(words):
            name = words[start:end]
            reading = lexicon.place(name)
            if reading is None or _not_a_town(name) or m.start() + start in named_after:
                continue
            if reading == "word" and not _CUES.search(text[: m.start() + start]):
                continue
            if _first_name_only(name):
                continue
            yield finding(text, m.start() + start, m.start() + end, "place", "a town or city")
            break


def _not_a_town(name: str) -> bool:
    key = lexicon.fold(name)
    return key in _NOT_PLACES or key in lexicon.wordlist("calendar_words") or lexicon.clinical(name)


def _candidate_spans(words: str) -> Iterator[tuple[int, int]]:
    """The whole run first ("Hebden Bridge"), then each word ("Lyon")."""
    yield 0, len(words)
    for w in re.finditer(r"[\w'’-]+", words):
        if w.end() - w.start() != len(words):
            yield w.start(), w.end()


def _first_name_only(name: str) -> bool:
    """Towns called "Florence" or "Victoria" are read as names, not places."""
    return " " not in name and lexicon.first_name(name) is not None
