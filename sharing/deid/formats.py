"""Identifiers with a known shape: phone numbers, national and professional numbers,
vehicle and bank identifiers, postcodes (UK, US, French and Spanish usage).

`find_formats` reads entry text written in English, French or Spanish and yields:

- ``phone``: phone and fax numbers the `phonenumbers` library reads for the UK, the US,
  France or Spain ("07700 900123", "+44 20 7946 0958", "(312) 555-0148", "06 12 34 56 78",
  "+34 912 345 678"), fictional numbers the library calls invalid (Ofcom drama ranges,
  "(555) 555-0123"), and US 7-digit local numbers ("555-0199" anywhere, "555 0199" after
  phone, call, text, fax, tel, mobile, number...);
- ``id_number``:
  - national numbers with a check: NHS number (mod 11), US SSN (area, group and serial
    rules), National Insurance number (prefix rules), French NIR (key 97 - n mod 97,
    Corsica 2A/2B), Spanish DNI and NIE (control letter), Spanish social security number
    (NUSS, mod 97). A valid one is flagged anywhere, an invalid one only just after its
    cue word (NHS, NI, SSN, NIR, sécu, DNI, NIE, social security, seguridad social...);
  - professional numbers: HCPC ("PH123456"), NMC PIN ("12A3456E"), NPI (Luhn with prefix
    80840, or after "NPI"), and after their name GMC, GOsC, RPPS, ADELI and número de
    colegiado; UK driving licence numbers ("MORGA657054SM9IJ");
  - any code of 5 or more characters with a digit after a word such as licence,
    registration, number, n°, ID, MRN, record, dossier, account, policy, member, claim,
    serial, badge, case, ref, device, pacemaker, plate, tag...;
  - vehicles: UK plates ("AB12 CDE", "A123 BCD", "ABC 123D"), French plates ("AB-123-CD",
    "1234 AB 75"), Spanish plates ("1234 BCD", "1234-BCD"), VINs (17 characters, no I, O
    or Q, letters and digits). Shapes that clinical shorthand also takes ("S136 DNA",
    "D3 ALD", "1200 CSM", "AB 123 CD") need a vehicle word before them (car, reg, plate,
    voiture, coche...); US plates are found after "plate" or "tag";
  - bank: IBANs (mod 97, or any after "IBAN"), a UK sort code after "sort code" and the
    8-digit account number after it;
- ``postcode``: UK postcodes ("SW1A 1AA"), US ZIP codes after a state ("IL 60614",
  "Texas 75201-1234"), French and Spanish postcodes before a capitalised town
  ("69003 Lyon", "28013 Madrid") or after CP, code postal, código postal.

Never flagged on their own: scores ("SRS 36/40", "pain 6/10"), blood pressure ("120/80"),
dates, times, years, ranges ("10-12"), spinal levels ("T4-T6", "C5/6", "L4-L5"), doses,
durations, money and counts. Where matches overlap the most specific stands (a checked
national number before a phone, a phone before a code after "number"); a number read the
same way for two regions is merged into one span.

Known misses: a phone number written in words or split across a line, a national number
split by unusual punctuation, a 7-digit local number with no dash and no phone word, plates
of other countries, a US plate with no "plate" or "tag" before it, and a code after a cue
word when other words stand between them ("account at the bank 12345"). A code after
"number" or "ID" may be a harmless number ("the number 12345 in the workbook").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import pairwise

from phonenumbers import (
    Leniency,
    PhoneNumber,
    PhoneNumberMatcher,
    is_valid_number,
    region_code_for_number,
)

from sharing.deid.finding import Finding, finding

# How sure a match is, to choose the kind when matches overlap (higher wins).
_CUED, _SHAPE, _PHONE, _NAMED, _NATIONAL, _CHECKED = 1, 2, 3, 4, 5, 6


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    kind: str
    reason: str
    rank: int


def find_formats(text: str) -> Iterator[Finding]:
    """Phone numbers, identifying numbers and postcodes in `text`, in order of position.

    Where matches overlap the most specific one stands (a checked national number before
    a phone, a phone before a code after a cue word); overlapping matches of the same
    kind and rank (a number read for two regions) merge into one span.
    """
    hits = [hit for finder in _FINDERS for hit in finder(text)]
    for hit in sorted(_resolve(hits), key=lambda h: h.start):
        yield finding(text, hit.start, hit.end, hit.kind, hit.reason)


def _resolve(hits: list[_Hit]) -> list[_Hit]:
    """The hits that stand once overlaps are settled, strongest and longest first."""
    kept: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (-h.rank, h.start - h.end, h.start)):
        overlapping = [k for k in kept if k.start < hit.end and hit.start < k.end]
        if not overlapping:
            kept.append(hit)
            continue
        for other in overlapping:
            if (other.kind, other.rank) == (hit.kind, hit.rank):
                kept[kept.index(other)] = replace(
                    other, start=min(other.start, hit.start), end=max(other.end, hit.end)
                )
                break
    return kept


# ---------------------------------------------------------------------------------------
# Shared helpers

# Punctuation between a cue and its number, never the end of a sentence or a line.
_GAP = r"[^\w.!?\n]"
# Words that may stand between a cue and its number: "NHS number: ", "DNI nº ", "SSN is ".
_LINK = (
    rf"(?:{_GAP}{{0,3}}(?:numbers?|no|nos|nº|n°|num|núm|número|numéro|is|was|es|est|de|del|"
    rf"du|la|le|el|of|code|ID|registration|reg|registered|licen[cs]e|pin|card|carte|"
    rf"tarjeta)\.?)*{_GAP}{{0,4}}"
)


def _cue(words: str) -> re.Pattern[str]:
    """A pattern for `words` (an alternation) followed by linking words, ending the text."""
    return re.compile(rf"(?:^|(?<=[\W_]))(?P<cue>{words}){_LINK}$", re.IGNORECASE)


def _cued(text: str, start: int, cue: re.Pattern[str], reach: int = 60) -> str | None:
    """The cue word that ends just before `start` ("NHS", "DNI"...), or None."""
    match = cue.search(text[max(0, start - reach) : start])
    return match.group("cue") if match else None


def _unchecked(cue: str, part: str = "check digit") -> str:
    """The reason for a number after `cue` whose check digit, key or prefix is wrong."""
    return f"a number after “{cue}” (its {part} does not match)"


def _digits(raw: str) -> str:
    return re.sub(r"\D", "", raw)


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _luhn(number: str) -> bool:
    """The Luhn check over a string of digits."""
    total = 0
    for i, char in enumerate(reversed(number)):
        digit = int(char) * (2 if i % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


# Capitalised acronyms and units that plate patterns must not read as letters of a plate.
_NOT_PLATE_LETTERS = _words(
    """
    NHS CBT DBT ACT MRI GAD PHQ SRS ORS WAI ADHD ASD OCD PTSD BPD GP GPS ICD DSM BMI BP
    HR RR BPM MG ML KG MCG MMHG CM MM AM PM MIN MINS HRS SEC AND THE FOR NOT BUT TMS ECT
    EMDR ECG EEG CT PET SOS CAMHS IAPT TTAD ICU AE ED OT PT SLT PHQ GAF HADS CORE MSE AA
    NA CPN CMHT TEN SIX ONE TWO EPS CPA RMO SSRI SNRI UTI COPD IBS CFS ME MS HIV TB
    GMT BST CST PST MST HST CET UTC KCL MPH RPM TA FC FR SA EVA IMC HTA IRM AVC TSH CRP
    VS PA PAS PAD SAT UI TAS TAD TTO FCR RMN TAC ECO
    """
)


# ---------------------------------------------------------------------------------------
# Phones

_REGIONS = ("GB", "US", "FR", "ES")
_US_SHAPE = re.compile(r"(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}")
_LOCAL = re.compile(r"(?<![\w.+/-])[2-9]\d{2}([-. ])\d{4}(?![\w/-]|[.,]\d)")
_PHONE_CUE = re.compile(
    r"\b(?:phone|phoned|cell|call|called|text|texted|fax|tel|mobile|number|ext|extension|"
    r"ring|rang|reach|t[ée]l[ée]phone|t[ée]l|portable|fixe|num[ée]ro|m[óo]vil|"
    r"tel[ée]fono|llamar|llama|llam[óo])\b[^\d\n]{0,24}$",
    re.IGNORECASE,
)

# Words before a phone number only (not "number", which also comes before an NHS number).
_CALL_CUE = re.compile(
    r"\b(?:phone|phoned|cell|call|called|text|texted|fax|tel|mobile|ring|rang|"
    r"t[ée]l[ée]phone|t[ée]l|portable|m[óo]vil|tel[ée]fono)\b[^\d\n]{0,24}$",
    re.IGNORECASE,
)


def _phones(text: str) -> Iterator[_Hit]:
    """Numbers `phonenumbers` finds for any of the four regions: valid ones, and possible
    ones shaped like a whole number (fictional ranges the library calls invalid)."""
    if sum(ch.isdigit() for ch in text) < 7:
        return
    reasons: dict[tuple[int, int], str] = {}
    for window in _PHONE_WINDOW.finditer(text):
        if sum(ch.isdigit() for ch in window.group(0)) >= 7:
            _read_window(text, window, reasons)
    for (start, end), reason in reasons.items():
        yield _Hit(start, end, "phone", reason, _PHONE)


# A stretch of text a phone number can lie in: digits, brackets, dashes, dots and single
# spaces between digits, an extension. The matcher reads each stretch on its own, since
# it drops a whole candidate that runs into a date ("0958. 12/03/2025").
_PHONE_WINDOW = re.compile(
    r"(?<![\w/:.,-])[+(]?\d(?:[\d()-]|[. ](?=[\d(])|\s?(?:ext|x|poste|extensi[óo]n)\.?\s?(?=\d))*",
    re.IGNORECASE,
)


def _read_window(text: str, window: re.Match[str], reasons: dict[tuple[int, int], str]) -> None:
    """Add to `reasons` the numbers the matcher finds in `window` for any region."""
    offset = window.start()
    for region in _REGIONS:
        for match in PhoneNumberMatcher(window.group(0), region, leniency=Leniency.POSSIBLE):
            raw = match.raw_string
            if not _grouped_like_a_phone(raw):
                continue
            span = _balanced(raw, offset + match.start, offset + match.end)
            if _inside_a_number(text, span[0]):
                continue
            if _valid_in(region, raw, match.number):
                country = _COUNTRIES.get(region_code_for_number(match.number) or "")
                reasons[span] = f"a {country} phone number" if country else _phone_reason(raw)
            elif span not in reasons and _whole_number_shape(raw):
                reasons[span] = _phone_reason(raw)


def _inside_a_number(text: str, start: int) -> bool:
    """True when `start` follows "04/" or "16:" or "12.": the tail of a date, time or score."""
    before = text[max(0, start - 2) : start]
    return len(before) == 2 and before[1] in "/:.,-" and before[0].isdigit()


def _balanced(raw: str, start: int, end: int) -> tuple[int, int]:
    """The span without an unmatched bracket at either end: "(07700 900123" -> "07700..."."""
    if raw.startswith("(") and ")" not in raw:
        start += 1
    if raw.endswith(")") and "(" not in raw:
        end -= 1
    return start, end


_COUNTRIES = {"GB": "UK", "US": "US", "FR": "French", "ES": "Spanish"}


def _valid_in(region: str, raw: str, number: PhoneNumber) -> bool:
    """Valid, and written as the region writes it: UK and French numbers dialled within
    the country start with 0, US and Spanish ones do not."""
    if not is_valid_number(number):
        return False
    if _international(raw):
        return True
    return raw.lstrip("(").startswith("0") == (region in ("GB", "FR"))


# How national numbers without a leading 0 are grouped: US 3-3-4 (1-3-3-4), Spanish 3-3-3,
# 3-2-2-2 or 2-3-2-2, or no grouping at all.
_NATIONAL_GROUPS = frozenset(
    [(10,), (11,), (3, 3, 4), (1, 3, 3, 4), (9,), (3, 3, 3), (3, 2, 2, 2), (2, 3, 2, 2)]
)


def _grouped_like_a_phone(raw: str) -> bool:
    """Digits grouped as a phone number is written, so that a ZIP+4 ("75201-1234"), a
    reference ("2024-00123") or a run of scores that happens to be a possible number is not
    one: UK numbers 0161 496 0000 (a 3-5 digit area code, then groups of 3 or more), French
    ones 01 42 68 53 00, US and Spanish ones as `_NATIONAL_GROUPS`, one kind of separator."""
    number = re.split(r"[A-Za-z#]", raw, maxsplit=1)[0].rstrip(" .-")  # without extension
    if "/" in number or ":" in number:
        return False
    groups = [int(g) for g in re.findall(r"\d+", number)]
    if len(groups) >= 4 and len({b - a for a, b in pairwise(groups)}) == 1:
        return False  # a count or a list: "02 04 06 08 10"
    if _international(number) or number.startswith("(0"):
        return True
    lengths = tuple(len(g) for g in re.findall(r"\d+", number))
    one_separator = len(set(re.findall(r"[^\d()]+", number))) <= 1
    if number.startswith("0"):
        uk = 3 <= lengths[0] <= 5 and all(n >= 3 for n in lengths[1:])
        french = lengths == (2,) * 5
        return one_separator and sum(lengths) in (10, 11) and (uk or french or len(lengths) == 1)
    return lengths in _NATIONAL_GROUPS and (one_separator or number.startswith("("))


def _whole_number_shape(raw: str) -> bool:
    """A possible number written as a full phone number: international, a 10-11 digit
    UK or French number starting 0, or a US number in 3-3-4 groups."""
    if "/" in raw:
        return False
    digits = _digits(raw)
    if _international(raw):
        return 9 <= len(digits) <= 15
    if digits.startswith("0"):
        groups = re.findall(r"\d+", raw)
        return len(digits) in (10, 11) and all(len(g) >= 2 for g in groups)
    return _US_SHAPE.fullmatch(raw) is not None and digits[-10] in "23456789"


def _international(raw: str) -> bool:
    """Written with its country code: "+44 ...", "0033 ..."."""
    return re.match(r"\+|00[1-9]", raw) is not None


def _phone_reason(raw: str) -> str:
    digits = _digits(raw)
    prefixes = {"44": "UK", "1": "US", "33": "French", "34": "Spanish"}
    if _international(raw):
        body = digits[2:] if raw.startswith("00") else digits
        for code, country in prefixes.items():
            if body.startswith(code):
                return f"a {country} phone number"
        return "an international phone number"
    if digits.startswith("0"):
        return "a UK phone number" if len(digits) == 11 else "a UK or French phone number"
    if len(digits) == 9:
        return "a Spanish phone number"
    return "a US phone number"


def _local_phones(text: str) -> Iterator[_Hit]:
    """US 7-digit local numbers: "555-0199" anywhere (unless it reads as a range such as
    "250-1000 mg"), "555 0199" after a phone word."""
    for match in _LOCAL.finditer(text):
        cued = _PHONE_CUE.search(text[max(0, match.start() - 40) : match.start()])
        if cued or (match.group(1) == "-" and not _a_range(text, match)):
            yield _Hit(match.start(), match.end(), "phone", "a US local phone number", _PHONE)


_RANGE_BEFORE = re.compile(
    r"\b(?:between|from|range|ranging|of|about|around|approx|approximately|roughly|"
    r"entre|de|desde)\W*$",
    re.IGNORECASE,
)
_UNIT_AFTER = re.compile(
    r"\s*(?:%|mg|mcg|µg|ml|l|g|kg|km|m|cm|mm|iu|units?|steps|kcal|calories|words|ms|cc|"
    r"people|patients|pages|metres|meters|feet|ft|lbs?|pounds|euros|dollars)\b",
    re.IGNORECASE,
)


def _a_range(text: str, match: re.Match[str]) -> bool:
    """ "250-1000 mg", "between 200-1500": round numbers, a unit after or a range word before."""
    low, high = match.group(0).split("-")
    return (
        (int(low) % 10 == 0 and int(high) % 10 == 0)
        or _UNIT_AFTER.match(text, match.end()) is not None
        or _RANGE_BEFORE.search(text[max(0, match.start() - 20) : match.start()]) is not None
    )


# ---------------------------------------------------------------------------------------
# National numbers

_NHS = re.compile(r"(?<![\w/.-])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\w/-]|[.,]\d)")
_NHS_CUE = _cue(r"NHS|CHI|health and care|hospital")
_SSN = re.compile(r"(?<![\w/.-])(\d{3})([ -]?)(\d{2})\2(\d{4})(?![\w/-]|[.,]\d)")
_SSN_CUE = _cue(r"SSN|SS#|SS|social security|social-security|soc\.? sec\.?")
_NINO = re.compile(r"\b([A-Z]{2})( ?)\d{2}\2\d{2}\2\d{2} ?[A-D]\b")
_NINO_CUE = _cue(r"NI|NINO|national insurance|NIN")
_NIR = re.compile(
    r"(?<![\w/.-])([1-478](?:[ .]?\d){4}[ .]?(?:\d[ .]?\d|2[AB])(?:[ .]?\d){6})"
    r"[ .]?(\d{2})(?![\w/-]|[.,]\d)"
)
_NIR_CUE = _cue(
    r"NIR|INSEE|s[ée]cu|s[ée]curit[ée] sociale|num[ée]ro de s[ée]cu(?:rit[ée] sociale)?|"
    r"n° SS|carte vitale|social security"
)
_DNI = re.compile(r"(?<![\w/.-])(\d{2})\.?(\d{3})\.?(\d{3})(?:[ -]?([A-Z])|-?([a-z]))(?![\w-])")
_NIE = re.compile(r"(?<![\w/.-])([XYZ])[ -]?(\d{7})[ -]?([A-Za-z])(?![\w-])")
_DNI_CUE = _cue(r"DNI|NIE|NIF|documento nacional de identidad|documento de identidad|TIE")
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
_NUSS = re.compile(r"(?<![\w/.-])(\d{2})[ /-]?(\d{8})[ /-]?(\d{2})(?![\w/-]|[.,]\d)")
_NUSS_CUE = _cue(
    r"NUSS|NAF|n[úu]mero de (?:la )?seguridad social|(?:la )?seguridad social|"
    r"afiliaci[óo]n|social security"
)


def _nhs_numbers(text: str) -> Iterator[_Hit]:
    """NHS numbers: a valid mod 11 check digit, or any 10 digits just after "NHS"."""
    for match in _NHS.finditer(text):
        digits = "".join(match.group(1, 3, 4))
        cue = _cued(text, match.start(), _NHS_CUE)
        if cue:
            reason = "an NHS number" if _nhs_valid(digits) else _unchecked(cue)
            yield _Hit(match.start(), match.end(), "id_number", reason, _CHECKED)
        elif _nhs_valid(digits) and not _phone_like(text, match):
            yield _Hit(
                match.start(),
                match.end(),
                "id_number",
                "an NHS number (valid check digit)",
                _CHECKED,
            )


def _nhs_valid(digits: str) -> bool:
    """The NHS mod 11 check digit."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _phone_like(text: str, match: re.Match[str]) -> bool:
    """A 3-3-4 number that reads as a US phone: after a phone word, or a 555 exchange."""
    return match.group(3) == "555" or bool(
        _CALL_CUE.search(text[max(0, match.start() - 40) : match.start()])
    )


def _ssns(text: str) -> Iterator[_Hit]:
    """US Social Security numbers: 3-2-4 with dashes or spaces and valid parts, or any
    3-2-4 (or 9 digits) just after SSN or "social security"."""
    for match in _SSN.finditer(text):
        area, sep, group, serial = match.groups()
        valid = area not in ("000", "666") and area[0] != "9" and group != "00"
        valid = valid and serial != "0000"
        cue = _cued(text, match.start(), _SSN_CUE)
        if cue:
            reason = "a US Social Security number" if valid else _unchecked(cue, "pattern")
            yield _Hit(match.start(), match.end(), "id_number", reason, _NATIONAL)
        elif valid and sep and not (sep == " " and re.fullmatch(r"(?:19|20)\d\d", serial)):
            # "350 12 2024" reads as numbers and a year, not an unannounced spaced SSN.
            yield _Hit(
                match.start(), match.end(), "id_number", "a US Social Security number", _NATIONAL
            )


def _national_insurance(text: str) -> Iterator[_Hit]:
    """UK National Insurance numbers: valid prefix letters, or any after "NI"."""
    for match in _NINO.finditer(text):
        cue = _cued(text, match.start(), _NINO_CUE)
        if _nino_prefix_valid(match.group(1)):
            reason = "a UK National Insurance number"
        elif cue:
            reason = _unchecked(cue, "prefix")
        else:
            continue
        yield _Hit(match.start(), match.end(), "id_number", reason, _NATIONAL)


def _nino_prefix_valid(prefix: str) -> bool:
    """HMRC's prefix rules: no D, F, I, Q, U, V; no O second; no BG, GB, KN, NK, NT, TN, ZZ."""
    first, second = prefix
    return (
        first not in "DFIQUV"
        and second not in "DFIOQUV"
        and prefix not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
    )


def _nirs(text: str) -> Iterator[_Hit]:
    """French NIR (numéro de sécurité sociale): 13 characters and a 2-digit key."""
    for match in _NIR.finditer(text):
        body = re.sub(r"[ .]", "", match.group(1))
        key = int(match.group(2))
        cue = _cued(text, match.start(), _NIR_CUE)
        if _nir_key(body) == key:
            reason = "a French social security number (NIR) with a valid key"
        elif cue:
            reason = _unchecked(cue, "key")
        else:
            continue
        yield _Hit(match.start(), match.end(), "id_number", reason, _CHECKED)


def _nir_key(body: str) -> int | None:
    """97 - (number mod 97), Corsica's 2A and 2B read as 19 and 18."""
    number = body.upper().replace("2A", "19", 1).replace("2B", "18", 1)
    return 97 - int(number) % 97 if number.isdigit() else None


def _dnis(text: str) -> Iterator[_Hit]:
    """Spanish DNI (8 digits and a control letter) and NIE (X, Y or Z, 7 digits, letter)."""
    for match in _DNI.finditer(text):
        number = "".join(match.group(1, 2, 3))
        yield from _dni_hit(text, match, number, match.group(4) or match.group(5), "DNI")
    for match in _NIE.finditer(text):
        number = str("XYZ".index(match.group(1))) + match.group(2)
        yield from _dni_hit(text, match, number, match.group(3), "NIE")


def _dni_hit(
    text: str, match: re.Match[str], number: str, letter: str, name: str
) -> Iterator[_Hit]:
    cue = _cued(text, match.start(), _DNI_CUE)
    if _DNI_LETTERS[int(number) % 23] == letter.upper():
        reason = f"a Spanish {name} with a valid control letter"
    elif cue:
        reason = _unchecked(cue, "control letter")
    else:
        return
    yield _Hit(match.start(), match.end(), "id_number", reason, _CHECKED)


def _nusses(text: str) -> Iterator[_Hit]:
    """Spanish social security numbers (NUSS): province, 8 digits, 2-digit mod 97 key."""
    for match in _NUSS.finditer(text):
        province, number, key = match.groups()
        cue = _cued(text, match.start(), _NUSS_CUE)
        spaced = match.group(0) != _digits(match.group(0))
        if _nuss_key(province, number) == int(key) and (spaced or cue):
            reason = "a Spanish social security number (NUSS) with a valid key"
        elif cue:
            reason = _unchecked(cue, "key")
        else:
            continue
        yield _Hit(match.start(), match.end(), "id_number", reason, _CHECKED)


def _nuss_key(province: str, number: str) -> int:
    """The NUSS key: (province and number read as one number) mod 97, the number taken
    without its leading zero when it is below 10 000 000."""
    value = int(number)
    whole = value + int(province) * 10**7 if value < 10**7 else int(province + number)
    return whole % 97


# ---------------------------------------------------------------------------------------
# Professional registration numbers

_HCPC = re.compile(r"\b(?:AS|BS|CH|CS|DT|HAD|OD|ODP|OR|OT|PA|PH|PO|PYL|RA|SL)( ?)\d{5,6}\b")
_HCPC_CUE = _cue(r"HCPC")
_NMC = re.compile(r"\b\d{2}[A-L]\d{4}[A-Z]\b")
_DRIVING = re.compile(r"\b[A-Z9]{5}\d[0156]\d[0-3]\d\d[A-Z9]{2}\d[A-Z\d]{2}\b")
_NPI = re.compile(r"(?<![\w/.-])[12]\d{9}(?![\w/-]|[.,]\d)")
_NPI_CUE = _cue(r"NPI|national provider identifier")


def _after(number: str) -> re.Pattern[str]:
    """A number standing alone (not inside a longer number or word)."""
    return re.compile(rf"(?<![\w/.-])(?:{number})(?![\w/-]|[.,]\d)")


# A number that counts only after its register's name: (cue, number, reason).
_AFTER_NAME = (
    (_cue(r"GMC"), _after(r"\d{7}"), "a GMC registration number"),
    (_cue(r"GOsC|osteopathic council"), _after(r"\d{3,6}"), "a GOsC registration number"),
    (_cue(r"NMC|PIN"), _after(r"\d{2}[A-Za-z]\d{4}[A-Za-z]"), "an NMC PIN"),
    (_cue(r"RPPS"), _after(r"\d{11}|\d{2}(?: ?\d{3}){3}"), "a French RPPS number"),
    (_cue(r"ADELI"), _after(r"\d{9}|\d{2} ?\d ?\d{5} ?\d"), "a French ADELI number"),
    (
        _cue(r"colegiad[oa]|n[º°o]\.? col\.?|n[úu]m\.? col\.?"),
        _after(r"\d{2}[/ -]?\d{2}[/ -]?\d{3,6}|\d{2}[/ -]\d{3,7}|\d{4,9}"),
        "a Spanish número de colegiado",
    ),
)


def _registrations(text: str) -> Iterator[_Hit]:
    """HCPC numbers, NMC PINs, UK driving licences, NPIs, and numbers after their
    register's name (GMC, GOsC, RPPS, ADELI, colegiado)."""
    for match in _HCPC.finditer(text):
        # "PA 19103" is also a ZIP code: a spaced HCPC number needs "HCPC" before it.
        if not match.group(1) or _cued(text, match.start(), _HCPC_CUE):
            yield _id(match, "an HCPC registration number", _NATIONAL)
    for match in _NMC.finditer(text):
        yield _id(match, "an NMC PIN", _NATIONAL)
    for match in _DRIVING.finditer(text):
        yield _id(match, "a UK driving licence number", _NATIONAL)
    for match in _NPI.finditer(text):
        if _cued(text, match.start(), _NPI_CUE):
            yield _id(match, "a US National Provider Identifier (NPI)", _NATIONAL)
        elif _luhn("80840" + match.group(0)):
            # Below a phone: a US number written without spaces may pass the check.
            yield _id(match, "a US NPI (National Provider Identifier), valid check digit", _SHAPE)
    for cue, number, reason in _AFTER_NAME:
        for match in number.finditer(text):
            if _cued(text, match.start(), cue):
                yield _id(match, reason, _NATIONAL)


def _id(match: re.Match[str], reason: str, rank: int) -> _Hit:
    """An ``id_number`` hit on the whole of `match`."""
    return _Hit(match.start(), match.end(), "id_number", reason, rank)


# ---------------------------------------------------------------------------------------
# Codes after a cue word

_CODE_CUES = (
    r"licen[cs]e|lic\.?|registration|reg\.?|registered|number|no\.|n°|nº|n\.º|núm\.?|"
    r"número|numéro|(?-i:ID|I\.D\.?)|identifier|MRN|record|dossier|historia clínica|"
    r"expediente|account|acct\.?|IBAN|policy|member|membership|plan|insurance|mutuelle|"
    r"carte vitale|tarjeta sanitaria|serial|s/n|série|serie|badge|ticket|locker|case|ref\.?|"
    r"reference|référence|referencia|claim|device|pacemaker|implant|passport|passeport|"
    r"pasaporte|plate|tag|matrícula|immatriculation|medicaid|medicare|employee|staff|"
    r"student|customer|NPI|GMC|HCPC|NMC|RPPS|ADELI|GOsC|"
    r"cuenta|compte|póliza|afiliación|colegiado|colegiada|permit|permis|carné|SN|"
    r"matricule|placa"
)
_CODE = (
    r"(?:[A-Za-z0-9]+[-/.])*[A-Za-z0-9]*\d[A-Za-z0-9]*(?:[-/.][A-Za-z0-9]+)*"
    rf"|(?!(?:{_CODE_CUES})\b)(?-i:[A-Z]{{1,4}})(?= \d)"
)
_CODE_AFTER_CUE = re.compile(
    rf"(?:^|(?<=[\W_]))(?P<cue>{_CODE_CUES})(?!\w)"
    rf"(?:{_GAP}{{0,3}}(?:card|carte|tarjeta|code|key|holder|number|no\.?|nº|n°|num\.?|is|"
    rf"was|es|est|de|del|du|la|le|el|ID|s/n|sn|serial))*{_GAP}{{0,4}}"
    rf"(?P<code>(?:{_CODE})(?: \d{{3,}}(?:[-/]\d+)*){{0,4}})",
    re.IGNORECASE,
)
_GENERIC_CUE = re.compile(r"number|no\.|n°|nº|n\.º|núm\.?|número|numéro", re.IGNORECASE)
_NOT_A_CODE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}",  # a date
        r"\d{4}[/.-]\d{1,2}[/.-]\d{1,2}",  # an ISO date
        r"(?:19|20)\d{2}[/-](?:\d{2}|(?:19|20)\d{2})",  # a year range: 2024-25, 2019/2023
        r"\d{1,3}[/-]\d{1,3}",  # a score, a blood pressure, a range
        r"\d+[.,]\d{1,2}",  # an amount
        r"\d+(?:st|nd|rd|th|er|e|ème|º|ª)",  # an ordinal
        r"\d+ ?x ?\d+(?:x\d+)*|\d+ ?x ?/ ?\w+",  # "3x10", "2x/week"
        r"\d+(?:mg|mcg|ml|kg|g|mmhg|bpm|min|mins|minutes|hrs?|hours?|cm|mm|km|am|pm|"
        r"sessions?|weeks?|days?|yrs?|years?|ans|años|mois|meses)",  # a quantity
        r"[CTLS]\d{1,2}(?:[-/][CTLS]?\d{1,2})*",  # spinal levels
        r"[A-Za-z]{2,5}-?\d{1,2}(?:-[A-Za-z]+)?",  # a scale: PHQ-9, GAD7, SF-36, DSM-5-TR
        r"(?:ICD|DSM)-?\d+(?:[-.][A-Z0-9]+)*",
        r"\d{1,2}[A-Za-z]{2,5}\d?",  # a test or unit: 6MWT, 10MWT, 12kg
        r"[A-Za-z]{1,4} ?\d{2,3}/\d{2,3}",  # a reading: BP 130/85
        r"\d{1,3} \d{3}",  # a number in thousands: 12 000
        r"(?:Q[1-4]|FY|H[12]) ?(?:19|20)?\d{2}(?:/\d{2})?",  # a quarter or year: Q3 2024
    )
]


def _codes_after_cue(text: str) -> Iterator[_Hit]:
    """Any code of 5 or more letters and digits, with a digit, after a cue word."""
    for match in _CODE_AFTER_CUE.finditer(text):
        code = match.group("code")
        if _is_code(code):
            cue = match.group("cue")
            # After "number" or "n°" a phone reading wins; after "account" or "MRN" the code does.
            rank = _CUED if _GENERIC_CUE.fullmatch(cue) else _NAMED
            reason = f"a code after “{cue}”"
            yield _Hit(match.start("code"), match.end("code"), "id_number", reason, rank)


def _is_code(code: str) -> bool:
    """A reference code, not a score, date, dose or clinical label."""
    compact = re.sub(r"[^A-Za-z0-9]", "", code)
    if len(compact) < 5 or not any(ch.isdigit() for ch in compact):
        return False
    if re.search(r"[a-z]", code) and re.search(r"[A-Z]", code[1:]):
        return False  # a lab value in mixed case: HbA1c, SpO2
    return not any(p.fullmatch(code) for p in _NOT_A_CODE)


_LONG_CODE = re.compile(
    r"(?<![\w/.-])(?:[A-Za-z0-9]+[-/])*[A-Za-z0-9]*\d[A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)*(?![\w/-])"
)


_SHORT_CODE_AFTER_CUE = re.compile(
    r"\b(?P<cue>locker|badge|ticket|membership|member|pass|PIN|door code|key code|keycode|"
    r"casier|vestiaire|taquilla|dorsal|carnet|bib|seat|booking)"
    rf"(?:{_GAP}{{0,3}}(?:number|no\.?|nº|n°|num\.?|is|was|es|est|code))*{_GAP}{{0,3}}"
    r"(?P<code>#?[A-Z]?\d{2,}[A-Z]?)(?![\w/.-])",
    re.IGNORECASE,
)


def _short_codes(text: str) -> Iterator[_Hit]:
    """A short number after a word that makes it unique: "locker 112", "badge 2231"."""
    for match in _SHORT_CODE_AFTER_CUE.finditer(text):
        reason = f"a number after “{match.group('cue')}”"
        yield _Hit(match.start("code"), match.end("code"), "id_number", reason, _CUED)


def _long_codes(text: str) -> Iterator[_Hit]:
    """A code with no cue word but too many digits to be a score, a dose or a date: six
    digits in a row, or five or more among letters and dashes ("2024-0457-KC", "4G-77321")."""
    for match in _LONG_CODE.finditer(text):
        code = match.group()
        digits = sum(ch.isdigit() for ch in code)
        mixed = any(ch.isalpha() or ch in "-/" for ch in code)
        a_range = re.fullmatch(r"\d{1,5}-\d{1,5}", code) is not None
        if (digits >= 6 or (digits >= 5 and mixed)) and _is_code(code) and not a_range:
            reason = "a long code, which may be a record, account or device number"
            yield _Hit(match.start(), match.end(), "id_number", reason, 0)


# ---------------------------------------------------------------------------------------
# Vehicles

_UK_PLATE = re.compile(
    r"\b[A-HJ-PR-Y][A-HJ-PR-Y](?:0[2-9]|[1-2]\d|5[1-9]|[67]\d) ?([A-HJ-PR-Z]{3})\b"
)
_UK_PREFIX_PLATE = re.compile(r"\b([A-HJ-NP-Y])(\d{1,3}) ?([A-HJ-PR-Y]{3})\b")
_UK_SUFFIX_PLATE = re.compile(r"\b([A-HJ-PR-Y]{3}) ?(\d{1,3})[A-HJ-NP-TV-Y]\b")
_FR_PLATE = re.compile(r"\b[A-HJ-NP-TV-Z]{2}([- ])\d{3}\1[A-HJ-NP-TV-Z]{2}\b")
_FR_OLD_PLATE = re.compile(
    r"(?<![\w/.-])(\d{3,4}) ([A-HJ-NP-Z]{2,3}) (?:0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-6])\b"
    r"(?![/.,:-]\d)"
)
_ES_PLATE = re.compile(r"(?<![\w/.-])(\d{4})([- ]?)([BCDFGHJKLMNPRSTVWXYZ]{3})\b")
_VEHICLE_CUE = re.compile(
    r"\b(?:car|cars|van|vehicle|motorbike|taxi|lorry|truck|plate|plates|reg|registration|"
    r"voiture|v[ée]hicule|plaque|immatriculation|coche|moto|furgoneta|matr[íi]cula)\b"
    r"[^.!?\n]{0,40}$",
    re.IGNORECASE,
)
_VIN = re.compile(r"\b[A-HJ-NPR-Z0-9]{17}\b")


def _plates(text: str) -> Iterator[_Hit]:
    """UK, French and Spanish registration plates. The shapes that clinical shorthand can
    take ("S136 DNA", "D3 ALD", "1200 CSM", "350 HTT 12") need a vehicle word before them
    unless their digits look like a plate's (3 or 4 of them, not a round number)."""
    uk, fr, es = (f"a {c} vehicle registration plate" for c in ("UK", "French", "Spanish"))
    for match in _UK_PLATE.finditer(text):
        if match.group(1) not in _NOT_PLATE_LETTERS:
            yield _plate(match, uk)
    for match in _UK_PREFIX_PLATE.finditer(text):
        letter, digits, letters = match.groups()
        plain = len(digits) == 3 and letter != "S"  # S135, S136: Mental Health Act sections
        if letters not in _NOT_PLATE_LETTERS and (plain or _vehicle_cue(text, match)):
            yield _plate(match, uk)
    for match in _UK_SUFFIX_PLATE.finditer(text):
        letters, digits = match.groups()
        if letters not in _NOT_PLATE_LETTERS and (len(digits) == 3 or _vehicle_cue(text, match)):
            yield _plate(match, uk)
    for match in _FR_PLATE.finditer(text):
        if match.group(1) == "-" or _vehicle_cue(text, match):
            yield _plate(match, fr)
    for match in _FR_OLD_PLATE.finditer(text):
        number, letters = match.groups()
        if letters not in _NOT_PLATE_LETTERS and (
            _plate_digits(number) or _vehicle_cue(text, match)
        ):
            yield _plate(match, fr)
    for match in _ES_PLATE.finditer(text):
        number, sep, letters = match.groups()
        if letters not in _NOT_PLATE_LETTERS and (
            (sep == "-" or _plate_digits(number)) or _vehicle_cue(text, match)
        ):
            yield _plate(match, es)


def _plate_digits(number: str) -> bool:
    """Four digits that are neither a year nor a round number ("2024", "1200")."""
    return (
        len(number) == 4
        and re.fullmatch(r"(?:19|20)\d\d", number) is None
        and not number.endswith("00")
    )


def _vehicle_cue(text: str, match: re.Match[str]) -> bool:
    """True when a vehicle word (car, plate, reg, voiture, coche...) comes shortly before."""
    return _VEHICLE_CUE.search(text[max(0, match.start() - 60) : match.start()]) is not None


def _plate(match: re.Match[str], reason: str) -> _Hit:
    return _Hit(match.start(), match.end(), "id_number", reason, _SHAPE)


def _vins(text: str) -> Iterator[_Hit]:
    """Vehicle identification numbers: 17 characters, no I, O or Q, mixed letters and digits."""
    for match in _VIN.finditer(text):
        vin = match.group(0)
        digits = sum(ch.isdigit() for ch in vin)
        if digits >= 2 and len(vin) - digits >= 2:
            yield _Hit(
                match.start(), match.end(), "id_number", "a vehicle identification number", _SHAPE
            )


# ---------------------------------------------------------------------------------------
# Bank

_IBAN_START = re.compile(r"\b([A-Z]{2})(\d{2})(?=[ ]?[A-Z0-9])")
_IBAN_LENGTHS = {
    "GB": 22, "FR": 27, "ES": 24, "DE": 22, "IE": 22, "IT": 27, "PT": 25, "BE": 16,
    "NL": 18, "LU": 20, "CH": 21, "MC": 27, "AD": 24, "AT": 20, "PL": 28, "GI": 23,
}  # fmt: skip
_IBAN_CUE = _cue(r"IBAN|bank account|compte|cuenta")
_SORT_CODE = re.compile(
    r"(?i:\bsort[- ]?code)\W{0,4}(\d{2}[- ]?\d{2}[- ]?\d{2})(?![\w-])"
    r"(?:[,;/ ]+(?i:(?:and )?(?:account|acct|a/c)(?: number| no\.?)?\W{0,3})?(\d{8})\b)?"
)


def _ibans(text: str) -> Iterator[_Hit]:
    """IBANs with a valid mod 97 check (spaces allowed), or any after "IBAN"."""
    for match in _IBAN_START.finditer(text):
        end = _iban_end(text, match)
        if end is not None:
            compact = re.sub(r"\s", "", text[match.start() : end])
            reason = "an IBAN (bank account)" if _iban_valid(compact) else _unchecked("IBAN")
            yield _Hit(match.start(), end, "id_number", reason, _CHECKED)


def _iban_end(text: str, match: re.Match[str]) -> int | None:
    """Where the IBAN starting at `match` ends, or None when there is none."""
    ends: list[tuple[int, str]] = []  # (end offset, compact IBAN so far)
    compact = match.group(1) + match.group(2)
    i = match.end()
    while i < len(text) and len(compact) < 34:
        if text[i] == " " and i + 1 < len(text) and text[i + 1].isalnum():
            i += 1
            continue
        if not (text[i].isdigit() or "A" <= text[i] <= "Z"):
            break
        compact += text[i]
        i += 1
        if i == len(text) or not text[i].isalnum():
            ends.append((i, compact))
    expected = _IBAN_LENGTHS.get(match.group(1))
    for end, candidate in reversed(ends):
        if expected not in (None, len(candidate)) or len(candidate) < 15:
            continue
        if _iban_valid(candidate):
            return end
    if ends and _cued(text, match.start(), _IBAN_CUE):
        fitting = [end for end, c in ends if expected is None or len(c) <= expected]
        return fitting[-1] if fitting else None
    return None


def _iban_valid(iban: str) -> bool:
    """The ISO 13616 mod 97 check."""
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def _sort_codes(text: str) -> Iterator[_Hit]:
    """A UK sort code after "sort code", and an 8-digit account number right after it."""
    for match in _SORT_CODE.finditer(text):
        yield _Hit(match.start(1), match.end(1), "id_number", "a UK bank sort code", _NATIONAL)
        if match.group(2):
            yield _Hit(
                match.start(2), match.end(2), "id_number", "a UK bank account number", _NATIONAL
            )


# ---------------------------------------------------------------------------------------
# Postcodes

UK_POSTCODE = re.compile(
    r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?) ?\d[ABD-HJLNP-UW-Z]{2}\b|\bGIR ?0AA\b"
)
US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|(?<=, )ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|"
    "NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
US_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|"
    "Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|"
    "Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|"
    "New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|"
    "Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|"
    "Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming"
)
_US_ZIP = re.compile(
    rf"\b(?:{US_STATES}|{US_STATE_NAMES}),? (\d{{5}}(?:-\d{{4}})?)(?![\w-]|[.,]\d)"
)
_FIVE_DIGITS = r"(?:0[1-9]|[1-8]\d|9[0-8])\d{3}"
_EU_POSTCODE_BEFORE_TOWN = re.compile(
    rf"(?<![\w.,£$€/:+-])({_FIVE_DIGITS}),? (?=([A-ZÀ-ÖØ-Ý][a-zà-öø-ÿ'’-]+))"
)
_POSTCODE_AFTER_CUE = re.compile(
    r"(?i:\b(?P<cue>CP|C\.P\.|code postal|c[óo]digo postal|postcode|postal code|"
    r"zip(?: ?code)?))"
    rf"\W{{0,3}}(?P<code>{_FIVE_DIGITS}(?:-\d{{4}})?)(?![\w/-]|[.,]\d)"
)
# Capitalised words after a number that are not towns (sentence starts, units, months).
_NOT_TOWNS = _words(
    """
    The A An I He She They We It This That There Then But And Or So If When After Before
    Le La Les Un Une Il Elle Ils Elles Nous On Ce Cette Et Mais Puis Donc El Los Las Una
    Él Ella Ellos Nosotros Pero Luego Entonces Y Session Sessions Patients Clients People
    Minutes Hours Days Weeks Months Years Steps Points Euros Pounds Dollars Total Score
    January February March April May June July August September October November December
    Janvier Février Mars Avril Mai Juin Juillet Août Septembre Octobre Novembre Décembre
    Enero Febrero Marzo Abril Mayo Junio Julio Agosto Septiembre Octubre Noviembre Diciembre
    """
)


def _postcodes(text: str) -> Iterator[_Hit]:
    """UK postcodes, US ZIP codes after a state, French and Spanish postcodes."""
    for match in UK_POSTCODE.finditer(text):
        yield _Hit(match.start(), match.end(), "postcode", "a UK postcode", _SHAPE)
    for match in _US_ZIP.finditer(text):
        yield _Hit(match.start(1), match.end(1), "postcode", "a US ZIP code", _SHAPE)
    for match in _EU_POSTCODE_BEFORE_TOWN.finditer(text):
        if match.group(2) not in _NOT_TOWNS:
            yield _Hit(
                match.start(1), match.end(1), "postcode", "a French or Spanish postcode", _SHAPE
            )
    for match in _POSTCODE_AFTER_CUE.finditer(text):
        reason = f"a postcode after “{match.group('cue')}”"
        yield _Hit(match.start("code"), match.end("code"), "postcode", reason, _SHAPE)


_FINDERS: tuple[Callable[[str], Iterable[_Hit]], ...] = (
    _phones,
    _local_phones,
    _nhs_numbers,
    _ssns,
    _national_insurance,
    _nirs,
    _dnis,
    _nusses,
    _registrations,
    _codes_after_cue,
    _long_codes,
    _short_codes,
    _plates,
    _vins,
    _ibans,
    _sort_codes,
    _postcodes,
)
