"""What the finder reports: a span of entry text, its kind and why it was flagged."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One span of entry text that may identify someone, with why it was flagged.

    A warning (an exact age, a detail that could single someone out) is shown to consider,
    not a decision the supervisee must make before sharing.
    """

    start: int
    end: int
    text: str
    kind: str
    reason: str
    warning: bool = False


def finding(text: str, start: int, end: int, kind: str, reason: str) -> Finding:
    """The finding for text[start:end]."""
    return Finding(start, end, text[start:end], kind, reason)


def warning(text: str, start: int, end: int, kind: str, reason: str) -> Finding:
    """A warning for text[start:end]: shown, never required to decide."""
    return Finding(start, end, text[start:end], kind, reason, warning=True)
