"""The storage errors: each one's own text is a sentence a practitioner can act on."""

from __future__ import annotations

import pytest

from storage import errors

EVERY_ERROR = [
    errors.WrongPassphrase(),
    errors.WrongRecoveryKey(),
    errors.MalformedRecoveryKey("it is empty"),
    errors.WeakPassphrase("That passphrase is too short."),
    errors.JournalExists("practice"),
    errors.JournalNotFound("practice"),
    errors.InvalidJournalName("use 1-40 letters"),
    errors.DamagedJournal("practice", "the file is truncated"),
    errors.NotAJournal("practice", "it is not an SQLite database"),
    errors.NewerFormat("practice", 2, 1),
    errors.KdfBelowFloor("memory 1024 KiB, the minimum is 65536 KiB"),
    errors.KdfAboveCeiling("memory 1048576, the most this app writes is 131072"),
    errors.KeyChanged("practice"),
    errors.RekeyRefused("some stored rows do not decrypt."),
    errors.KdfUnavailable(),
    errors.RecordNotFound("0" * 32),
    errors.InvalidRecord("reflection", "the journal is locked"),
    errors.BackupError("the folder cannot be made"),
]


def test_every_error_of_the_module_is_listed_here() -> None:
    defined = {
        cls
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.JournalError)
    }
    assert defined - {errors.JournalError} == {type(e) for e in EVERY_ERROR}


@pytest.mark.parametrize("error", EVERY_ERROR, ids=lambda e: type(e).__name__)
def test_every_error_is_plain_words_on_one_line(error: errors.JournalError) -> None:
    message = str(error)
    assert message.strip() == message
    assert message[0].isalpha() or message[0] == "'"
    assert "\n" not in message and "Error(" not in message and "Traceback" not in message


@pytest.mark.parametrize(
    "error",
    [
        errors.WrongPassphrase(),
        errors.JournalExists("practice"),
        errors.DamagedJournal("practice", "the file is truncated"),
        errors.NotAJournal("practice", "it is not an SQLite database"),
        errors.NewerFormat("practice", 2, 1),
        errors.KdfBelowFloor("lanes out of range"),
        errors.InvalidRecord("reflection", "that id belongs to another kind of record"),
        errors.BackupError("the folder cannot be made"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_an_error_that_stops_a_change_says_the_journal_was_left_alone(
    error: errors.JournalError,
) -> None:
    message = str(error).lower()
    assert any(
        words in message
        for words in ("nothing was changed", "not touched", "nothing was saved", "unchanged")
    )


def test_a_wrong_passphrase_message_starts_as_the_unlock_screen_promises() -> None:
    assert str(errors.WrongPassphrase()).startswith("Wrong passphrase")


def test_a_damaged_journal_names_the_journal_and_what_is_wrong() -> None:
    message = str(errors.DamagedJournal("practice", "the file is truncated"))
    assert "'practice'" in message and "the file is truncated" in message
