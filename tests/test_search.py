"""How a search reads: terms, whole words, phrases, accents and highlighting (pure
functions of storage.search; the Journal's use of them is in test_journal.py)."""

from __future__ import annotations

import pytest

from storage.search import Term, fold, holds_all, parse_query, term_counts, term_spans, words_of


def shown(text: str, query: str) -> list[str]:
    """The stretches of `text` a search for `query` would highlight."""
    return [text[start:end] for start, end in term_spans(text, parse_query(query))]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("silence patient", (Term(("silence",)), Term(("patient",)))),
        ('"the patient" silence', (Term(("the", "patient"), True), Term(("silence",)))),
        ("“smart quotes”", (Term(("smart", "quotes"), True),)),
        ('"unclosed phrase', (Term(("unclosed", "phrase"), True),)),
        ("C-701", (Term(("c", "701")),)),
        ("Rupture rupture RUPTURE", (Term(("rupture",)),)),
        ('  - "" ;  ', ()),
    ],
    ids=["words", "phrase", "smart-quotes", "unclosed", "punctuated", "repeats", "nothing"],
)
def test_a_query_reads_as_words_and_quoted_phrases(query: str, expected: tuple) -> None:
    assert parse_query(query) == expected


def test_folding_drops_case_and_accents() -> None:
    assert fold("Café ÉTÉ Straße") == "cafe ete strasse"


def test_the_words_of_a_text_are_one_space_apart_and_around() -> None:
    assert words_of("The patient,\n\tsilent — (C-701)!") == " the patient silent c 701 "
    assert words_of("Déjà vu, naïve") == " deja vu naive "


@pytest.mark.parametrize(
    ("query", "holds"),
    [
        ("silence patient", True),
        ("patient silence", True),
        ("the", True),
        ("her", False),  # inside "rather" and "whether" only
        ("them", False),
        ('"the patient"', True),
        ('"patient the"', False),
        ('"silence the"', False),
        ("cafe", True),
        ("silence absent", False),
    ],
)
def test_a_text_holds_a_query_when_every_term_occurs_as_whole_words(
    query: str, holds: bool
) -> None:
    words = words_of(
        "Rather than speak, the patient sat in silence; whether at the café, I wonder."
    )
    assert holds_all(words, parse_query(query)) is holds


def test_counts_are_per_term() -> None:
    words = words_of("The patient. The silence. Then the patient again.")
    assert term_counts(words, parse_query('the "the patient" silence')) == (3, 2, 1)


def test_only_whole_words_are_highlighted() -> None:
    text = "Rather the them, whether THE other. The end"
    assert shown(text, "the") == ["the", "THE", "The"]


def test_a_phrase_is_highlighted_only_where_its_words_come_in_order() -> None:
    text = "patient the; the patient, the\npatient"
    assert shown(text, '"the patient"') == ["the patient", "the\npatient"]


def test_terms_only_spaces_apart_are_highlighted_as_one() -> None:
    text = "Notice the pull to rescue, and the pull."
    assert shown(text, "pull rescue to") == ["pull to rescue", "pull"]


def test_highlighting_ignores_accents_and_keeps_the_original_text() -> None:
    assert shown("Un café, un CAFÉ, cafés.", "cafe") == ["café", "CAFÉ"]
