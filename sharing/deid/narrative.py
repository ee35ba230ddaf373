"""Narrative details that can single someone out without naming them: a family set-up, a
public role or a rare occupation, an event that made the news. They are warnings to
consider, never decisions the review forces: most notes hold some, and only the writer
knows whether "her twin" is one of thousands or the only one in the village.

What no rule sees stays the reader's job, and the review screen says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sharing.deid.finding import Finding, warning

_NUMBER = (
    r"\d{1,2}|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"quatre|cinq|sept|huit|neuf|dix|onze|douze|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce"
)
_FAMILY = re.compile(
    r"\b(?:only child|only son|only daughter|twins?|twin (?:brother|sister)|triplets|"
    r"quadruplets|conjoined|adopted (?:son|daughter|child)|"
    rf"(?:{_NUMBER}) (?:children|kids|grandchildren|siblings|brothers|sisters|enfants|"
    r"petits-enfants|frères et sœurs|hijos|nietos|hermanos)|"
    r"enfant unique|fils unique|fille unique|jumeaux|jumelles|jumeau|jumelle|triplés|"
    r"hijo único|hija única|gemelos|gemelas|gemelo|gemela|mellizos|mellizas|trillizos)\b",
    re.IGNORECASE,
)
_PUBLIC = re.compile(
    r"\b(?:famous|well-known|celebrity|in the (?:news|papers)|on (?:TV|television|the news)|"
    r"went viral|Olympi\w+|Paralympi\w+|national team|world champion\w*|lottery|"
    r"célèbre|à la télé|dans le journal|championne? du monde|loto|"
    r"famos[oa]|en la tele|en los periódicos|campeón|campeona|lotería|"
    r"(?:an|the|her|his|a) (?:MP|senator|mayor|judge|bishop|astronaut|jockey|"
    r"professional (?:footballer|athlete|dancer|boxer|cyclist)|opera singer|conductor|"
    r"news(?:reader|caster)|TV presenter|council leader))\b",
    re.IGNORECASE,
)


def find_narrative(text: str) -> Iterator[Finding]:
    """Warnings for family set-ups, public roles and events that could single someone out."""
    for m in _FAMILY.finditer(text):
        reason = "a family set-up that may single someone out: consider leaving it out"
        yield warning(text, m.start(), m.end(), "narrative", reason)
    for m in _PUBLIC.finditer(text):
        reason = "a public role or event that may single someone out: consider rewording"
        yield warning(text, m.start(), m.end(), "narrative", reason)
