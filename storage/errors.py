"""Every error the storage layer raises, each with a message a practitioner can act on.

Messages live here, apart from the logic, so the wording can be reviewed in one place.
No message ever contains decrypted text, a passphrase or key material.
"""

from __future__ import annotations


class JournalError(Exception):
    """Base class: `str(error)` is safe to show on screen."""


class WrongPassphrase(JournalError):
    def __init__(self) -> None:
        super().__init__("Wrong passphrase. Nothing was changed; try again.")


class WrongRecoveryKey(JournalError):
    def __init__(self) -> None:
        super().__init__(
            "Wrong recovery key. Check each group of letters and digits; nothing was changed."
        )


class MalformedRecoveryKey(JournalError):
    def __init__(self, reason: str) -> None:
        super().__init__(f"That is not a recovery key: {reason}")


class WeakPassphrase(JournalError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)


class JournalExists(JournalError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"A journal called '{name}' already exists. Choose another name; "
            "the existing journal was not touched."
        )


class JournalNotFound(JournalError):
    def __init__(self, name: str) -> None:
        super().__init__(f"There is no journal called '{name}' in the data folder.")


class InvalidJournalName(JournalError):
    def __init__(self, reason: str) -> None:
        super().__init__(f"Journal name: {reason}")


class DamagedJournal(JournalError):
    def __init__(self, name: str, detail: str) -> None:
        super().__init__(
            f"The journal '{name}' cannot be opened: {detail}. Nothing was changed or "
            "deleted. Restore it from a backup, or keep the file for recovery."
        )


class NotAJournal(JournalError):
    def __init__(self, name: str, detail: str) -> None:
        super().__init__(
            f"'{name}' is not a journal file ({detail}). Nothing was changed or deleted."
        )


class NewerFormat(JournalError):
    def __init__(self, name: str, found: int, supported: int) -> None:
        super().__init__(
            f"The journal '{name}' was written by a newer version of this app "
            f"(format {found}; this version reads up to format {supported}). "
            "Update the app to open it; nothing was changed."
        )


class KdfBelowFloor(JournalError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            "The journal's key settings are weaker than this app allows "
            f"({detail}). It may have been tampered with; it was not opened and "
            "nothing was changed."
        )


class KdfAboveCeiling(KdfBelowFloor):
    """Key settings beyond what this app ever writes (a KdfBelowFloor: out of range too)."""

    def __init__(self, detail: str) -> None:
        JournalError.__init__(
            self,
            "The journal's key settings ask for more than this app ever writes "
            f"({detail}): each unlock attempt would take very long. It may have been "
            "tampered with; it was not opened and nothing was changed.",
        )


class KeyChanged(JournalError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"The journal '{name}' now uses another key than this one: it was given a new "
            "key (in another window or tab), or an old key slot was put back into the file. "
            "Unlock it with the current passphrase or recovery key; nothing was changed."
        )


class RekeyRefused(JournalError):
    def __init__(self, reason: str) -> None:
        super().__init__(f"The journal was not given a new key: {reason} Nothing was changed.")


class KdfUnavailable(JournalError):
    def __init__(self) -> None:
        super().__init__(
            "This computer's cryptography library has no Argon2id, which the journal "
            "needs to protect your passphrase. Nothing was created or opened. "
            "Reinstall with `make run` to get a supported version."
        )


class RecordNotFound(JournalError):
    def __init__(self, record_id: str) -> None:
        super().__init__(f"No entry with id {record_id} in this journal.")


class InvalidRecord(JournalError):
    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(f"{kind}: {reason}. Nothing was saved.")


class BackupError(JournalError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"Backup failed: {detail}. The journal itself is unchanged.")
