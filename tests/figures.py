"""Figures the tests measure (recall, fuzz case counts...), printed after every run."""

from __future__ import annotations

LINES: list[str] = []


def report(line: str) -> None:
    """Add one line to the summary pytest prints at the end of the run."""
    LINES.append(line)
