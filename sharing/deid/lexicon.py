"""The word lists the finder reads: first names, surnames and places from open data
(sharing/wordlists/, built by tools/build_word_lists.py) and the clinical vocabulary that
is capitalised without naming anyone (clinical_terms.txt, kept by hand)."""

from __future__ import annotations

import functools
import unicodedata
from importlib.resources import files


def fold(word: str) -> str:
    """A word as the lists hold it: NFC, case-folded, curly apostrophes straightened."""
    return unicodedata.normalize("NFC", word).casefold().replace("’", "'")


def plain(word: str) -> str:
    """`fold(word)` without accents ("hélène" -> "helene")."""
    decomposed = unicodedata.normalize("NFD", fold(word))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.cache
def wordlist(name: str) -> frozenset[str]:
    """One list, folded."""
    text = files("sharing").joinpath("wordlists", f"{name}.txt").read_text("utf-8")
    entries = {fold(line.strip()) for line in text.splitlines()}
    return frozenset(e for e in entries if e and not e.startswith("#"))


@functools.cache
def _plain_list(name: str) -> frozenset[str]:
    return frozenset(plain(entry) for entry in wordlist(name))


def _in(name: str, word: str) -> bool:
    """Exact, or without accents: "Helene" for "Hélène", "Álex" for "Alex" (capitalised
    only, since lower-case "mía" or "niño" are words, not "Mia" or "Nino")."""
    key = fold(word)
    if key in wordlist(name):
        return True
    if key.isascii():  # its own plain form: the fast path for most words
        return key in _plain_list(name)
    return word[:1].isupper() and plain(key) in _plain_list(name)


def _reading(list_name: str, word: str) -> str | None:
    if _in(list_name, word):
        return "word" if _in(f"{list_name}_also_words", word) else "name"
    return "word" if _in(f"{list_name}_also_words", word) else None


def first_name(word: str) -> str | None:
    """ "name" for a first name that is no ordinary word, "word" for one that is, or None."""
    return _reading("first_names", word)


def surname(word: str) -> str | None:
    """ "name", "word" or None, as `first_name` but for surnames."""
    return _reading("surnames", word)


def place(words: str) -> str | None:
    """ "name", "word" or None for a town of 1,000 people or more ("Didcot", "Reading")."""
    return _reading("places", words)


def clinical(word: str) -> bool:
    """True for capitalised clinical language: eponyms, theorists, drugs, brands, services."""
    return _in("clinical_terms", word)


def english_word(word: str) -> bool:
    """True for an ordinary English word (SCOWL), in any case: "harbour", "Harbour"."""
    return fold(word) in wordlist("english_words")


def ordinary_word(entry: str) -> bool:
    """True when a name or list entry is also an everyday word ("Will", "Rose", "Reading")."""
    key = fold(entry.strip())
    lists = ("first_names_also_words", "surnames_also_words", "places_also_words")
    return (
        english_word(key)
        or any(key in wordlist(name) for name in lists)
        or key in wordlist("function_words")
        or key in wordlist("calendar_words")
    )
