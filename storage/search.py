"""What a search means, as pure functions: the Journal keeps the words, this reads them.

A query is a list of terms: single words, and "exact phrases" in double quotes. A
record matches when every term occurs in it as whole words ("the" is not found inside
"rather"), ignoring case and accents ("cafe" finds "café"). A phrase matches its words
in that order with only spaces or punctuation between them; so does a typed term that
holds punctuation ("C-701" is the words "c" and "701" side by side).

Each record's text is kept as its folded words one space apart (`words_of`), so a term
is a plain substring test (" the patient " in " ... the patient ... "): as fast as the
old substring search, with no word lists or regular expressions per record.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_MARKS = re.compile(r"[\u0300-\u036f]+")  # combining accents, once text is decomposed
_NON_WORD = re.compile(r"\W+")
# ASCII text (most of it) is lowered and cut into words by one bytes.translate: a tenth
# of the time of the regular expression, which only non-ASCII text goes through.
_ASCII_WORDS = bytes(c if chr(c).isalnum() or chr(c) == "_" else 32 for c in range(256)).lower()
_SPACES = re.compile(b"  +")
_TOKEN = re.compile(r"[\w\u0300-\u036f]+")  # a word of the original text, accents and all
# "a phrase" (an unclosed quote runs to the end), or a run of anything else but spaces
_PARTS = re.compile(r"[\"“”„]([^\"“”„]*)(?:[\"“”„]|$)|([^\s\"“”„]+)")


@dataclass(frozen=True, slots=True)
class Term:
    """One thing a record must hold: a word, or several words side by side."""

    words: tuple[str, ...]  # folded (see `fold`)
    quoted: bool = False

    @property
    def needle(self) -> str:
        """The term as it appears in `words_of` text, spaces around."""
        return f" {' '.join(self.words)} "


def fold(text: str) -> str:
    """`text` without case or accents: "Café" → "cafe"."""
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return text.casefold()


def words_of(text: str) -> str:
    """The folded words of `text`, one space apart and one space around:
    "The patient, silent." → " the patient silent "."""
    if text.isascii():
        spaced = _SPACES.sub(b" ", text.encode("ascii").translate(_ASCII_WORDS)).decode("ascii")
    else:
        spaced = _NON_WORD.sub(" ", fold(text))
    return f" {spaced.strip()} "


def parse_query(query: str) -> tuple[Term, ...]:
    """The terms of a query, in the order typed, each once; punctuation alone is dropped.

    'silence "the patient"' → (Term(("silence",)), Term(("the", "patient"), quoted=True))."""
    terms: list[Term] = []
    for phrase, bare in _PARTS.findall(query):
        words = tuple(w for w in _NON_WORD.split(fold(phrase or bare)) if w)
        term = Term(words, quoted=bool(phrase))
        if words and all(t.words != words for t in terms):
            terms.append(term)
    return tuple(terms)


def holds_all(words: str, terms: tuple[Term, ...]) -> bool:
    """True when `words` (from `words_of`) holds every term as whole words."""
    return all(term.needle in words for term in terms)


def term_counts(words: str, terms: tuple[Term, ...]) -> tuple[int, ...]:
    """How often each term occurs in `words` (from `words_of`), term by term.

    A word repeated back to back ("no no") counts once, the two sharing a space: counts
    measure relevance, they are not an exact tally."""
    return tuple(words.count(term.needle) for term in terms)


def term_spans(text: str, terms: tuple[Term, ...]) -> list[tuple[int, int]]:
    """Where the terms occur in the original `text`, as whole words, in reading order
    (see `_merged`). For highlighting: computed only when shown."""
    tokens: list[tuple[int, int, str]] = []
    for match in _TOKEN.finditer(text):
        for word in _NON_WORD.split(fold(match.group())):
            if word:
                tokens.append((match.start(), match.end(), word))
    folded = [word for _, _, word in tokens]
    found: list[tuple[int, int]] = []
    for position, (start, _, word) in enumerate(tokens):
        for term in terms:
            end = position + len(term.words)
            if word == term.words[0] and tuple(folded[position:end]) == term.words:
                found.append((start, tokens[end - 1][1]))
    return _merged(text, found)


def _merged(text: str, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Occurrences that overlap, or are only spaces apart, as one ("pull to rescue")."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and (start <= merged[-1][1] or text[merged[-1][1] : start].isspace()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
