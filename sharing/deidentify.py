"""De-identification review: find identifiers in entry text, then redact the chosen ones.

Nothing leaves the journal until the supervisee has decided, finding by finding, to
redact or keep (`all_decided`). The finder is deliberately eager: a false alarm costs a
click ("keep"), a miss can cost a patient's privacy. It is a set of plain rules over open
word lists, not a model, so every finding carries a one-line reason the user can judge.
No rule set is complete: the review screen says what was checked and what no rule sees.

The parts (HIPAA Safe Harbor as CLINICAL.md reads it, in UK, US, French and Spanish usage):

- `sharing.deid.names`: person names, word by word against open first-name and surname
  lists (sentence starts, lower case, names that are also words where a name stands,
  surnames after titles), never eponyms, theorists, drugs or brands;
- `sharing.deid.places`: towns (GeoNames), institutions in English, French and Spanish
  order, French and Spanish addresses;
- `sharing.deid.formats`: phones (phonenumbers), national numbers with their check
  digits, registration and licence numbers, plates, VINs, IBANs, coded references,
  postcodes;
- `sharing.deid.dates`: dates in three languages, day-only dates, holidays used as
  dates; ages over 89 (identifiers) and exact ages (warnings);
- `sharing.deid.narrative`: family set-ups, public roles and events (warnings only);
- `sharing.deid.mentions`: mentions of fingerprints, voice recordings, gait videos and
  photos of a face;
- here: the user's own phrases (``manual``, ``listed``: redacted by default), stored
  aliases (``alias``), emails, URLs and IP addresses, English street addresses, UK and US
  postcodes with the town before them, runs of capitalised words after a cue (``name`` or
  ``place``), named institutions ("University of Eastmoor").

Overlapping findings merge into one span covering them all, with the kind of the longest
(the user's own phrases win; ties go to the more specific kind, in the order of `KINDS`).
A merged span is a warning only when every part of it is one.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sharing.deid import lexicon
from sharing.deid.dates import find_ages, find_dates
from sharing.deid.finding import Finding
from sharing.deid.formats import UK_POSTCODE, US_STATE_NAMES, US_STATES, find_formats
from sharing.deid.mentions import find_mentions
from sharing.deid.names import (
    EPONYM_AFTER,
    EPONYM_BEFORE,
    find_names,
    named_again,
    sentence_start,
)
from sharing.deid.narrative import find_narrative
from sharing.deid.places import find_places

KINDS = (
    "manual",
    "listed",
    "alias",
    "email",
    "url",
    "ip",
    "id_number",
    "phone",
    "postcode",
    "date",
    "age",
    "address",
    "biometric",
    "photo",
    "place",
    "name",
    "narrative",
)
ACTIONS = ("redact", "keep")
_RANK = {kind: i for i, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class Decision:
    """The supervisee's choice for one finding: "redact" or "keep"."""

    finding: Finding
    action: str


# ---------------------------------------------------------------------------------------
# Word lists (compared case-folded, possessive removed)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_STOP = _wordset(
    """
    i me my mine myself we us our ours you your yours he him his she her hers they them
    their theirs it its this that these those there here who whom whose what which when
    where why how the a an and but or nor so yet if then than because as although though
    while whilst once since until unless after before during later earlier afterwards
    also again still even only just not no yes each every all some most many much more
    less few both either neither any none one two three four five six seven eight nine
    ten first second third fourth fifth last next finally overall perhaps maybe really
    very quite rather today yesterday tomorrow tonight now soon already always never
    often sometimes usually in at on from for with without to into onto of off by about
    over under between through across around near towards toward upon within per via
    did does do done was were is are am be been being had have has having will would
    could should can might must shall may let lets dear hi hello thanks thank please
    sorry oh ok okay well anyway meanwhile however therefore instead otherwise besides
    like unlike despite given including re fyi note notes nb ps mum mom mam dad mummy
    daddy grandma grandad granny nan nana gran grandpa grandmother grandfather mother
    father son daughter sister brother aunt uncle cousin baby husband wife partner boss
    god lord internet online offline am pm spoke speak discussed discuss noticed notice
    felt feel thought think remember check follow review bring sent send wrote said says
    cancelled canceled rearranged booked book seen update updated reminded remind
    """
)
_DAYS = _wordset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur "
    "thurs fri sat sun"
)
_MONTHS = _wordset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_THEORISTS = _wordset(
    """
    gibbs driscoll johns schön schon kolb bordin safran muran proctor winnicott freud jung
    bion bowlby yalom linehan kohut klein rogers geller greenberg gutheil gabbard stiles
    eubanks flückiger fluckiger tryon hannan walfish blanchard farber betan westen
    """
)
_VOCAB = _wordset(
    """
    client clients patient patients session sessions supervisor supervisors supervision
    supervisee practitioner practitioners therapist therapists counsellor counselor
    alliance rupture ruptures repair repairs transference countertransference boundary
    boundaries bias biases presence feedback estimate estimates reflection reflections
    reflective practice cycle model framework frameworks stage stages description
    feelings evaluation analysis conclusion action plan plans what so now aesthetic
    personal ethical empirical reflexive experience observation conceptualisation
    conceptualization experimentation bond goals goal tasks task voice total score scores
    scale rating check working inventory withdrawal confrontation normative formative
    restorative step steps journal entry entries mental health act care team service
    services national community therapy cognitive behavioural behavioral dialectical
    psychodynamic mindfulness trauma clinical physical psychological summary week weeks
    month months year years quarter calibration trends caseload insights reflect settings
    export share sharing markers marker flag flags ceiling drop low missing item items
    function question questions prompt prompts domain domains feeling thinking
    in-action on-action consent protocol policy guidelines standard standards code
    conduct nhs gp cbt dbt act emdr sac srs wai wai-sr reception history awareness
    wellbeing level levels senior junior staff nurse charge consultant head deputy
    assistant lead manager teacher worker social support healthcare registrar trainee
    key learning points point thoughts overview background context issues concerns
    progress homework agenda risk assessment safeguarding formulation hypothesis
    hypotheses themes theme observations interventions intervention outcome outcomes
    actions went things thing important main self
    counselling counseling psychotherapy psychology solution focused focussed wise mind
    emotion emotional reasonable compassion compassionate acceptance commitment schema
    transactional gestalt narrative systemic humanistic integrative interpersonal
    motivational interviewing hot bun diploma day days
    zoom teams microsoft google meet skype whatsapp facetime streamlit
    """
)
_HOLIDAYS = _wordset(
    """
    christmas easter eid diwali hanukkah chanukah ramadan passover thanksgiving halloween
    new-year hogmanay advent lent pentecost holiday holidays bank boxing
    """
)
_LANGUAGES = _wordset(
    """
    english welsh scottish irish british french german spanish italian portuguese polish
    urdu punjabi hindi bengali arabic somali turkish greek russian ukrainian romanian
    mandarin cantonese chinese japanese korean farsi persian kurdish tamil gujarati
    american canadian australian african asian european caribbean
    """
)
# Places that are not smaller than a state, so Safe Harbor lets them stay.
_BIG_PLACES = _wordset(
    """
    england scotland wales ireland britain uk us usa america europe africa asia australia
    canada india pakistan bangladesh poland france germany spain italy portugal china
    japan nigeria ghana somalia jamaica mexico brazil
    alabama alaska arizona arkansas california colorado connecticut delaware florida
    georgia hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland
    massachusetts michigan minnesota mississippi missouri montana nebraska nevada ohio
    oklahoma oregon pennsylvania tennessee texas utah vermont virginia wisconsin wyoming
    """
) | {
    "northern ireland",
    "great britain",
    "the uk",
    "new hampshire",
    "new jersey",
    "new mexico",
    "north carolina",
    "south carolina",
    "north dakota",
    "south dakota",
    "rhode island",
    "west virginia",
}
_TITLES = _wordset(
    """
    mr mrs ms miss mx dr prof professor sir dame lord lady rev revd reverend fr cllr
    councillor judge sgt sergeant captain coach aunt auntie uncle grandma grandad
    granddad grandpa granny nana nan
    """
)
_INSTITUTIONS = _wordset(
    """
    school academy college university hospital clinic surgery centre center infirmary
    nursery church chapel mosque temple synagogue gurdwara prison library hospice
    """
)
_PARTICLES = _wordset("van von der den de del della da di du dos la le bin ibn al")
_PLACE_CUES = {"in", "at", "from", "near"}
# Verbs after which a capitalised word is usually a person ("Call Fenella", "asked Jo").
_NAME_VERBS = _wordset(
    """
    called named nicknamed texted told asked met saw phoned rang emailed messaged thanked
    married divorced dating hugged invited call ask tell email phone ring text meet see
    thank invite contact
    """
)
# Never a name on its own, whatever the case.
_NEVER = (
    _NAME_VERBS
    | _STOP
    | _DAYS
    | _MONTHS
    | _THEORISTS
    | _VOCAB
    | _HOLIDAYS
    | _LANGUAGES
    | _TITLES
    | _INSTITUTIONS
)
_NOT_IN_INSTITUTION = _STOP | _DAYS | _MONTHS
_NOT_A_PLACE = _NEVER | _BIG_PLACES
# ---------------------------------------------------------------------------------------
# Patterns

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])"
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?(?![\w@])")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_BARE_DOMAIN = re.compile(
    r"(?<![\w@.\-/])(?:[A-Za-z0-9-]+\.)+"
    r"(?:com|org|net|edu|gov|io|info|biz|me|app|dev|ly|co\.uk|org\.uk|ac\.uk|nhs\.uk|uk|us)"
    r"\b(?!\.\w)(?:/[^\s<>\"'`]*)?"
)
_IPV4 = re.compile(
    r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}"
    r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)"
)
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")


_US_ZIP_AFTER_STATE = re.compile(
    rf"\b(?:{US_STATES}|{US_STATE_NAMES}),? (\d{{5}}(?:-\d{{4}})?)\b(?!-)"
)
_US_ZIP_AFTER_WORD = re.compile(
    r"\b(?:zip|zip ?code|zipcode|postal code)\W{0,3}(\d{5}(?:-\d{4})?)\b(?!-)", re.IGNORECASE
)
_US_ZIP4 = re.compile(r"(?<![\w-])\d{5}-\d{4}(?![\w-])")
_TOWN_BEFORE = re.compile(r"([A-Z][\w'’]*(?:[ -][A-Z][\w'’]*)*),? $")

_STREET_FULL = (
    "Road|Street|Lane|Avenue|Close|Drive|Way|Court|Crescent|Place|Terrace|Gardens|Grove|"
    "Square|Boulevard|Row|Mews|Hill|Parade|Walk|Rise|View|Circle|Highway|Parkway|Broadway"
)
_STREET_ABBR = "Rd|St|Ln|Ave|Dr|Ct|Cres|Pl|Sq|Blvd|Hwy|Pkwy"
_UNIT = r"(?:Flat|Apartment|Apt|Suite|Ste)\.? ?#?\d+[A-Za-z]?"
_ADDRESS = re.compile(
    rf"(?:\b{_UNIT},? )?\b\d{{1,5}}[A-Za-z]?,? (?:[A-Z][\w'’-]* ){{0,3}}[A-Z][\w'’-]* "
    rf"(?:{_STREET_FULL}|{_STREET_ABBR})\b(?:,? {_UNIT}\b)?"
)
_STREET_ONLY = re.compile(
    r"\b((?:[A-Z][\w'’-]* ){1,3})"
    r"(?:Road|Street|Lane|Avenue|Close|Drive|Crescent|Terrace|Boulevard|Mews|Rd|Ave|Ln)\b"
)
_UNIT_ONLY = re.compile(rf"\b{_UNIT}\b|\bP\.? ?O\.? Box \d+\b")


_RELATIONS = (
    r"son|daughter|wife|husband|partner|mother|father|mum|mom|mam|dad|boss|brother|sister|"
    r"best friend|friend|girlfriend|boyfriend|fianc[eé]e?|colleague|manager|supervisor|"
    r"grandson|granddaughter|grandmother|grandfather|grandma|grandad|grandpa|granny|nan|"
    r"gran|aunt|uncle|cousin|niece|nephew|child|kid|baby|carer|teacher|neighbou?r|"
    r"flatmate|housemate|roommate|lodger|landlord|landlady|ex|ex-wife|ex-husband|dog|cat|"
    r"pet|therapist|counsellor|doctor|social worker|key worker|sibling|twin|stepmother|"
    r"stepfather|stepmum|stepdad|stepson|stepdaughter|mother-in-law|father-in-law"
)
_NAME_CUE = re.compile(
    r"(?:\b(?:known as|aka|called|named|nicknamed|texted|told|asked|met|saw|phoned|rang|"
    r"emailed|messaged|thanked|married|divorced|dating|hugged|invited|call|ask|tell|"
    r"email|phone|ring|text|meet|see|thank|invite|contact)"
    r"|\b(?:my|his|her|their|our|your|[\w-]+['’]s)\s+"
    r"(?:(?:late|eldest|oldest|youngest|older|younger|little|baby|big|new|old|former|twin)\s+)?"
    rf"(?:{_RELATIONS}))\s*,?\s*$",
    re.IGNORECASE,
)
_INSTITUTION_OF = re.compile(
    r"\b(?:University|College|Hospital|School|Academy|Institute|Church) of "
    r"((?:the )?[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*)"
)
_PLACE_CUE = re.compile(r"\b(?:in|at|from|near)\s+(?:the\s+)?$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


# ---------------------------------------------------------------------------------------
# Public API


def find_identifiers(
    text: str,
    known_names: Iterable[str] = (),
    always: Iterable[str] = (),
    manual: Iterable[str] = (),
) -> list[Finding]:
    """Every span of `text` that may identify someone, merged, sorted by start.

    `always` is the journal's always-redact list and `manual` the phrases the user picked
    in this passage: both are found as whole words in any case and redacted by default.
    """
    candidates = _phrases(text, known_names, "alias")
    candidates += _phrases(text, always, "listed", "on your always-redact list")
    candidates += _phrases(text, manual, "manual", "you chose to redact it")
    for detector in _DETECTORS:
        candidates.extend(detector(text))
    names = {f.text for f in candidates if f.kind in ("name", "alias")}
    candidates += named_again(text, names)
    return _merge(text, candidates)


def default_action(finding: Finding) -> str | None:
    """What a finding gets unless the user decides: "redact" for the user's own phrases,
    "keep" for a warning, None (a decision is needed) for the rest."""
    if finding.kind in ("manual", "listed"):
        return "redact"
    return "keep" if finding.warning else None


def ordinary_words(entries: Iterable[str]) -> list[str]:
    """The entries that are also ordinary words ("Will", "Rose"): each of their uses as a
    word will be flagged or redacted too."""
    return [e for e in entries if lexicon.ordinary_word(e)]


def placeholder(kind: str) -> str:
    """The bracketed text that replaces a redacted finding of this kind: "[name]"."""
    return f"[{kind}]"


def apply(text: str, decisions: list[Decision]) -> str:
    """`text` with every finding decided "redact" replaced by its placeholder.

    Raises ValueError, and changes nothing, when a finding no longer matches the text (it
    was edited after the review), an action is unknown, one finding has two different
    decisions, or two redacted findings overlap.
    """
    chosen: dict[Finding, str] = {}
    for decision in decisions:
        finding, action = decision.finding, decision.action
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}: use 'redact' or 'keep'")
        if not (0 <= finding.start <= finding.end <= len(text)) or (
            text[finding.start : finding.end] != finding.text
        ):
            raise ValueError(
                f"the text changed since the review: {finding.text!r} is no longer at "
                f"{finding.start}-{finding.end}; review it again"
            )
        if chosen.setdefault(finding, action) != action:
            raise ValueError(f"{finding.text!r} is both redacted and kept")
    redact = sorted((f for f, a in chosen.items() if a == "redact"), key=lambda f: f.start)
    parts, cursor = [], 0
    for finding in redact:
        if finding.start < cursor:
            raise ValueError(f"{finding.text!r} overlaps another redacted finding")
        parts += [text[cursor : finding.start], placeholder(finding.kind)]
        cursor = finding.end
    parts.append(text[cursor:])
    return "".join(parts)


def all_decided(findings: Iterable[Finding], decisions: Iterable[Decision]) -> bool:
    """True when every finding has a "redact" or "keep" decision (export may proceed)."""
    decided = {d.finding for d in decisions if d.action in ACTIONS}
    return all(f in decided for f in findings)


def pseudonyms(client_ids_in_order: list[str]) -> dict[str, str]:
    """Client labels in order of first appearance: "Client A" ... "Client Z", "Client AA"."""
    labels: dict[str, str] = {}
    for client_id in client_ids_in_order:
        if client_id not in labels:
            labels[client_id] = f"Client {_letters(len(labels))}"
    return labels


def session_label(number: int, year: int | None = None) -> str:
    """A date-free session reference: "session 6", or "session 6 (2026)" with a year."""
    if number < 1:
        raise ValueError(f"session numbers start at 1, not {number}")
    return f"session {number}" if year is None else f"session {number} ({year})"


# ---------------------------------------------------------------------------------------
# Helpers


def _letters(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA" (bijective base 26, like spreadsheet columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _finding(text: str, start: int, end: int, kind: str, reason: str) -> Finding:
    return Finding(start, end, text[start:end], kind, reason)


def _merge(text: str, candidates: list[Finding]) -> list[Finding]:
    """One finding per cluster of overlapping candidates, over their union."""
    merged: list[Finding] = []
    cluster: list[Finding] = []
    cluster_end = 0
    for cand in sorted(candidates, key=lambda f: (f.start, -f.end)):
        if cluster and cand.start >= cluster_end:
            merged.append(_union(text, cluster))
            cluster = []
        cluster.append(cand)
        cluster_end = max(cluster_end, cand.end) if len(cluster) > 1 else cand.end
    if cluster:
        merged.append(_union(text, cluster))
    return merged


def _union(text: str, cluster: list[Finding]) -> Finding:
    # the user's own phrases win, so their default (redact) holds for the whole span
    chosen = [f for f in cluster if f.kind in ("manual", "listed")] or cluster
    best = max(chosen, key=lambda f: (f.end - f.start, -_RANK[f.kind]))
    start, end = min(f.start for f in cluster), max(f.end for f in cluster)
    merged = _finding(text, start, end, best.kind, best.reason)
    if all(f.warning for f in cluster):
        return Finding(merged.start, merged.end, merged.text, merged.kind, merged.reason, True)
    return merged


def _key(word: str) -> str:
    """A word as the lists hold it: case-folded, without a possessive."""
    word = word.casefold()
    for suffix in ("'s", "’s", "'", "’"):
        if word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _possessive(word: str) -> bool:
    return word.endswith(("'s", "’s"))


def _is_capitalised(word: str) -> bool:
    """ "Fenella", "O'Neil", "Zoë's": an upper-case letter, then some lower case."""
    base = word[:-2] if _possessive(word) else word
    return base[:1].isupper() and any(ch.islower() for ch in base)


# ---------------------------------------------------------------------------------------
# Detectors: each yields candidate findings; `_merge` resolves overlaps.


def _phrases(
    text: str, phrases: Iterable[str], kind: str, reason: str | None = None
) -> list[Finding]:
    """Every whole-word occurrence, in any case, of each phrase; `reason` or, without one,
    "matches the stored name ..." (a one-letter phrase would match every "a": skipped)."""
    found = []
    for phrase in phrases:
        words = (phrase or "").split()
        if sum(ch.isalnum() for ch in "".join(words)) < 2:
            continue
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)"
        why = reason or f"matches the stored name {phrase!r}"
        for m in re.finditer(pattern, text, re.IGNORECASE):
            found.append(_finding(text, m.start(), m.end(), kind, why))
    return found


def _contacts(text: str) -> Iterator[Finding]:
    for m in _EMAIL.finditer(text):
        yield _finding(text, m.start(), m.end(), "email", "looks like an email address")
    for pattern in (_URL, _BARE_DOMAIN):
        for m in pattern.finditer(text):
            end = m.start() + len(m.group().rstrip(".,;:!?)]}'\""))
            if end > m.start():
                yield _finding(text, m.start(), end, "url", "looks like a web address")
    for m in _HANDLE.finditer(text):
        yield _finding(text, m.start(), m.end(), "url", "looks like a social media handle")
    for m in _IPV4.finditer(text):
        yield _finding(text, m.start(), m.end(), "ip", "looks like an IPv4 address")
    for m in _IPV6.finditer(text):
        try:
            ipaddress.IPv6Address(m.group())
        except ValueError:
            continue
        if any(ch in "0123456789abcdefABCDEF" for ch in m.group()):
            yield _finding(text, m.start(), m.end(), "ip", "looks like an IPv6 address")


def _postcodes(text: str) -> Iterator[Finding]:
    spans: list[tuple[int, int, str]] = []
    for m in UK_POSTCODE.finditer(text):
        spans.append((m.start(), m.end(), "looks like a UK postcode"))
    for pattern in (_US_ZIP_AFTER_STATE, _US_ZIP_AFTER_WORD):
        for m in pattern.finditer(text):
            spans.append((m.start(1), m.end(1), "looks like a US ZIP code"))
    for m in _US_ZIP4.finditer(text):
        spans.append((m.start(), m.end(), "looks like a US ZIP+4 code"))
    for start, end, reason in spans:
        yield _finding(text, start, end, "postcode", reason)
        yield from _town_before(text, start)


def _town_before(text: str, start: int) -> Iterator[Finding]:
    """The town written just before a postcode ("Leeds LS1 4AP", "Dayton, OH 45402")."""
    offset = max(0, start - 60)
    head = text[offset:start]
    state = re.search(rf"(?:{US_STATES}|{US_STATE_NAMES}),? $", head)
    if state:
        head = head[: state.start()]
    m = _TOWN_BEFORE.search(head)
    if m:
        words = _words_from(m.group(1), offset + m.start(1))
        if words and not any(_key(w) in _NEVER for _, w in words):
            reason = "a town written before a postcode"
            yield _finding(text, words[0][0], offset + m.end(1), "place", reason)


def _words_from(phrase: str, offset: int) -> list[tuple[int, str]]:
    """(start, word) for each word of a phrase at `offset`, leading common words dropped."""
    words = [(offset + w.start(), w.group()) for w in re.finditer(r"\S+", phrase)]
    while words and _key(words[0][1]) in _NOT_A_PLACE:
        words.pop(0)
    return words


def _addresses(text: str) -> Iterator[Finding]:
    for m in _ADDRESS.finditer(text):
        yield _finding(text, m.start(), m.end(), "address", "looks like a street address")
    for m in _STREET_ONLY.finditer(text):
        words = _words_from(m.group(1), m.start(1))
        if words:
            yield _finding(text, words[0][0], m.end(), "address", "looks like a street name")
    for m in _UNIT_ONLY.finditer(text):
        yield _finding(text, m.start(), m.end(), "address", "looks like a flat or PO box")


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    word: str


def _runs(text: str) -> Iterator[list[_Token]]:
    """Runs of capitalised words separated by single spaces (particles allowed inside)."""
    run: list[_Token] = []
    for m in _WORD.finditer(text):
        token = _Token(m.start(), m.end(), m.group())
        joinable = run and _gap_joins(text, run[-1], token)
        if _is_capitalised(token.word) or (joinable and token.word in _PARTICLES):
            if not joinable:
                yield from _trimmed(run)
                run = []
            run.append(token)
        else:
            yield from _trimmed(run)
            run = []
    yield from _trimmed(run)


def _gap_joins(text: str, left: _Token, right: _Token) -> bool:
    gap = text[left.end : right.start]
    if gap in (" ", " & "):
        return True
    return gap in (". ", ".  ") and _key(left.word) in _TITLES | {"st"}


def _trimmed(run: list[_Token]) -> Iterator[list[_Token]]:
    while run and run[-1].word in _PARTICLES:
        run = run[:-1]
    if run:
        yield run


def _nameable(token: _Token) -> bool:
    return _is_capitalised(token.word) and not _clinical_or_common(_key(token.word))


def _clinical_or_common(key: str) -> bool:
    """Never part of a name: common words, clinical language, eponyms' nouns."""
    return (
        key in _NEVER
        or lexicon.clinical(key)
        or key in lexicon.wordlist("function_words")
        or key in lexicon.wordlist("calendar_words")
        or key in EPONYM_AFTER
        or key in EPONYM_BEFORE
    )


def _extent(tokens: list[_Token], i: int) -> int:
    """End index of the name-like words starting at i (particles only inside)."""
    j = i
    while j < len(tokens) and (_nameable(tokens[j]) or tokens[j].word in _PARTICLES):
        j += 1
    while j > i and tokens[j - 1].word in _PARTICLES:
        j -= 1
    return j


def _span(text: str, tokens: list[_Token], kind: str, reason: str) -> Finding:
    start, end = tokens[0].start, tokens[-1].end
    last = tokens[-1].word
    if kind == "name" and _possessive(last):
        end -= 2
    return _finding(text, start, end, kind, reason)


def _capitalised(text: str) -> Iterator[Finding]:
    """Names and places read from runs of capitalised words and the words before them."""
    for tokens in _runs(text):
        before = text[max(0, tokens[0].start - 80) : tokens[0].start]
        context = None
        if _NAME_CUE.search(before):
            context = "name"
        elif _PLACE_CUE.search(before):
            context = "place"
        yield from _scan_run(text, tokens, context)


def _scan_run(text: str, tokens: list[_Token], context: str | None) -> Iterator[Finding]:
    i, n = 0, len(tokens)
    while i < n:
        token, key = tokens[i], _key(tokens[i].word)
        nxt = tokens[i + 1] if i + 1 < n else None
        if key in _PLACE_CUES or key in _NAME_VERBS:
            context, i = ("place" if key in _PLACE_CUES else "name"), i + 1
            continue
        if key == "the" and context == "place":
            i += 1
            continue
        if key in _TITLES and nxt is not None and _nameable(nxt):
            j = _extent(tokens, i + 1)
            yield _span(text, tokens[i + 1 : j], "name", f"a name after {token.word!r}")
            context, i = None, j
            continue
        if key in ("st", "saint") and nxt is not None and _nameable(nxt):
            j = _place_extent(tokens, i + 1)
            yield _span(text, tokens[i:j], "place", "a saint's name, usually a place")
            context, i = None, j
            continue
        k = _institution_at(tokens, i)
        if k is not None:
            reason = "a named school, clinic or other institution"
            yield _finding(text, token.start, tokens[k].end, "place", reason)
            context, i = None, k + 1
            continue
        if not _nameable(token):
            context, i = None, i + 1
            continue
        j = _extent(tokens, i)
        segment = tokens[i:j]
        words = " ".join(t.word for t in segment)
        if context == "place" and _possessive(segment[-1].word):
            yield _span(text, segment, "name", "a capitalised possessive, usually a person")
        elif context == "place":
            # countries, nations and US states may stay (Safe Harbor: "smaller than a state")
            if _key(words) not in _BIG_PLACES and _key(segment[0].word) not in _BIG_PLACES:
                yield _span(text, segment, "place", "capitalised words after in/at/from/near")
        elif context == "name":
            yield _span(text, segment, "name", "a name after a cue word (called, my son...)")
        elif len(segment) >= 2 and _key(words) not in _BIG_PLACES:
            yield _span(text, segment, "name", "two or more capitalised words in a row")
        elif (
            len(segment) == 1
            and _possessive(token.word)
            and not sentence_start(text, token.start)
            and key not in _BIG_PLACES
        ):
            yield _span(text, segment, "name", "a capitalised possessive, usually a person")
        context, i = None, j


def _name_pairs(text: str) -> Iterator[Finding]:
    """ "Priya and Tomasz": two capitalised words joined by "and" or "or" are usually people."""
    tokens = [_Token(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    for left, joiner, right in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if (
            joiner.word in ("and", "or")
            and text[left.end : right.start] == f" {joiner.word} "
            and all(_nameable(t) and _key(t.word) not in _BIG_PLACES for t in (left, right))
        ):
            for token in (left, right):
                yield _span(text, [token], "name", "two capitalised words joined by 'and'")


def _place_extent(tokens: list[_Token], i: int) -> int:
    j = i
    while j < len(tokens) and (_nameable(tokens[j]) or _key(tokens[j].word) in _INSTITUTIONS):
        j += 1
    return j


def _institution_at(tokens: list[_Token], i: int) -> int | None:
    """Index of an institution word ("School") named by the words from i on, or None."""
    named = False
    for k in range(i, min(len(tokens), i + 6)):  # institution names are short
        key = _key(tokens[k].word)
        if key in _INSTITUTIONS:
            return k if named else None
        if key in _NOT_IN_INSTITUTION:
            return None
        named = named or _nameable(tokens[k])
    return None


def _institutions_of(text: str) -> Iterator[Finding]:
    """ "University of Eastmoor", "Hospital of St Jude": the name follows the word."""
    for m in _INSTITUTION_OF.finditer(text):
        words = m.group(1).split()
        if not all(_key(w) in _NOT_A_PLACE for w in words):
            reason = "a named school, clinic or other institution"
            yield _finding(text, m.start(), m.end(), "place", reason)


_DETECTORS = (
    _contacts,
    _postcodes,
    _addresses,
    find_dates,
    find_ages,
    _capitalised,
    _institutions_of,
    _name_pairs,
    find_names,
    find_places,
    find_mentions,
    find_formats,
    find_narrative,
)
