"""What the checks of a journal found, in the practitioner's words.

Storage reports facts (`OpenReport` when a journal opens, `Verification` from "Verify
journal", a backup's size); these pure functions put them into the sentences the
screens show. Also the rule for a backup folder typed on the Settings screen (storage's
`backups.folder_risk` says what is unsafe about a folder; this puts it in a sentence).
"""

from __future__ import annotations

from pathlib import Path

from storage import backups, paths
from storage.journal import OpenReport, Verification

KEY_SLOTS_CHANGED = (
    "The key slots or settings of this journal file were changed outside the app, for "
    "example an old passphrase put back from a backup. If you did not do this, use "
    "Settings → “I think my passphrase or recovery key was seen”."
)


def open_problems(report: OpenReport) -> list[str]:
    """What the checks at open found wrong, one plain sentence each (none when clean)."""
    lines = []
    if not report.set_hash_ok:
        lines.append(
            "Rows of this journal were deleted, added or rolled back outside the app "
            "(the integrity hash does not match). Your entries are shown as found; "
            "compare with a backup."
        )
    if not report.header_ok:
        lines.append(KEY_SLOTS_CHANGED)
    if report.quarantined:
        lines.append(
            f"{len(report.quarantined)} stored row(s) could not be decrypted and are "
            "quarantined: kept as they are, not shown, never overwritten."
        )
    return lines


def verification_summary(verification: Verification) -> list[str]:
    """What "Verify journal" found, in plain sentences, the verdict first."""
    lines = [
        "The journal is whole: every stored row decrypts and nothing was added, "
        "removed or rolled back outside the app."
        if verification.ok
        else "The journal has problems: see below. Keep a backup before changing anything."
    ]
    lines.append(
        f"{verification.decrypted} of {verification.rows} stored rows decrypted "
        f"({verification.records} records with their earlier revisions)."
    )
    if verification.integrity:
        lines.append("SQLite's integrity check reported: " + "; ".join(verification.integrity[:5]))
    if not verification.set_hash_ok:
        lines.append(
            "The integrity hash does not match: rows were deleted, added or rolled back "
            "outside the app."
        )
    if not verification.header_ok:
        lines.append(KEY_SLOTS_CHANGED)
    if verification.quarantined:
        lines.append(
            f"{len(verification.quarantined)} row(s) could not be decrypted and are "
            "quarantined (listed below): kept as they are, never overwritten."
        )
    return lines


def size_in_words(size: int) -> str:
    """A file size in the units people read: bytes, KB, MB or GB."""
    if size < 1024:
        return f"{size} bytes"
    scaled = size / 1024
    for unit in ("KB", "MB"):
        if scaled < 1024:
            return f"{scaled:.1f} {unit}"
        scaled /= 1024
    return f"{scaled:.1f} GB"


def backup_folder_problem(text: str) -> str | None:
    """Why a typed backup folder cannot be used, in plain words; None when it can
    ("" means the default folder)."""
    chosen = text.strip()
    if not chosen:
        return None
    folder = Path(chosen).expanduser()
    if not folder.is_absolute():
        return (
            "Backup folder: give the full path of a folder, for example /media/usb/journal. "
            "Nothing was saved."
        )
    if folder.exists() and not folder.is_dir():
        return f"Backup folder: {folder} is a file, not a folder. Nothing was saved."
    # the unlock screen lists every *.journal of the data folder: backups would show as journals
    if folder.resolve() == paths.data_dir().expanduser().resolve():
        return (
            "Backup folder: choose a folder other than the data folder itself (backups "
            "there would be listed as journals). Nothing was saved."
        )
    risk = backups.folder_risk(folder)
    if risk:
        return (
            f"Backup folder: {folder} cannot be used: {risk}. Choose a folder of your own, "
            "for example one on a USB drive or in your Documents. Nothing was saved."
        )
    return None
