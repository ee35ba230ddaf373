"""The passphrase rule: one strength estimate for journals and passphrase bundles.

A passphrase is acceptable when it has at least `MIN_PASSPHRASE_CHARS` characters and
zxcvbn (Dropbox's estimator: dictionaries, keyboard walks, sequences, repeats, dates)
puts it at `MIN_GUESSES_LOG10` or more guesses, i.e. its top score. Spaces between
characters hide patterns from zxcvbn ("1 2 3 4" reads as seven unrelated symbols), so a
passphrase is also judged with its spaces removed and the weaker estimate counts.

The passphrase is never logged, cached or kept: it is passed to zxcvbn and dropped.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_PASSPHRASE_CHARS = 12
MIN_GUESSES_LOG10 = 10.0  # zxcvbn's score 4: "very unguessable", even offline
# zxcvbn's matching grows faster than the length (and 4.5 refuses over 72 characters):
# a longer passphrase is judged on its first ESTIMATE_CHARS characters.
ESTIMATE_CHARS = 72
# Words anyone guessing would try first for this app's files.
APP_WORDS = (
    "reflective",
    "practice",
    "journal",
    "passphrase",
    "password",
    "supervision",
    "supervisor",
    "session",
    "client",
    "therapy",
)
PASSPHRASE_RULE = (
    f"Use at least {MIN_PASSPHRASE_CHARS} characters that would be hard to guess: four or "
    "more unrelated words, or a short sentence only you would think of, work well."
)


def passphrase_problem(passphrase: str, confirmation: str | None = None) -> str | None:
    """Why a new passphrase is not acceptable, in plain words; None when it is fine."""
    if confirmation is not None and passphrase != confirmation:
        return "The two passphrases do not match."
    if len(passphrase.strip()) < MIN_PASSPHRASE_CHARS:
        return f"That passphrase is too short. {PASSPHRASE_RULE}"
    if len(set(passphrase)) < 4:
        return f"That passphrase repeats too few characters. {PASSPHRASE_RULE}"
    guesses_log10, feedback = _estimate(passphrase)
    if guesses_log10 < MIN_GUESSES_LOG10:
        return _too_guessable(feedback)
    return None


def _estimate(passphrase: str) -> tuple[float, dict]:
    """The weaker of zxcvbn's estimates of the passphrase as typed and without spaces."""
    results = [
        zxcvbn(variant[:ESTIMATE_CHARS], user_inputs=list(APP_WORDS))
        for variant in (passphrase, "".join(passphrase.split()))
    ]
    weakest = min(results, key=lambda result: result["guesses_log10"])
    return weakest["guesses_log10"], weakest["feedback"]


def _too_guessable(feedback: dict) -> str:
    """Our sentence, zxcvbn's warning and its suggestions, then the rule."""
    parts = ["That passphrase is too easy to guess."]
    warning = feedback.get("warning") or ""
    if warning:
        parts.append(warning if warning.endswith(".") else f"{warning}.")
    parts.extend(feedback.get("suggestions") or [])
    parts.append(PASSPHRASE_RULE)
    return " ".join(parts)
