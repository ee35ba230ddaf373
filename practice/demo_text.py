"""The demo journal's words and sentence templates, read from demo_sentences.toml.

Lists come back as tuples and tables as dicts, in file order: the same seed gives the
same journal only while that order holds. The file sits next to this module.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

TEXT_FILE = Path(__file__).resolve().parent / "demo_sentences.toml"


def _frozen(value: Any) -> Any:
    """TOML lists as tuples, tables as dicts, all the way down (the text is shared)."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


def read_text(path: Path = TEXT_FILE) -> dict[str, Any]:
    """The demo's words and sentence templates, in file order (the seed relies on it)."""
    with path.open("rb") as handle:
        return _frozen(tomllib.load(handle))


_TEXT = read_text()
PASSPHRASE_WORDS: tuple[str, ...] = _TEXT["passphrase_words"]
GOALS: dict[str, tuple[str, ...]] = _TEXT["goals"]
ALIASES: tuple[str, ...] = _TEXT["aliases"]
PROMPTS: dict[str, tuple[str, ...]] = _TEXT["prompts"]
PHYSICAL_PROMPTS: dict[str, tuple[str, ...]] = _TEXT["physical_prompts"]
SENTENCES: dict[str, tuple[str, ...]] = _TEXT["sentences"]
PHYSICAL_SENTENCES: dict[str, tuple[str, ...]] = _TEXT["physical_sentences"]
EVENT_SENTENCES: dict[str, tuple[str, ...]] = _TEXT["event_sentences"]
OPENERS: dict[str, tuple[str, ...]] = _TEXT["openers"]
NEXT_STEPS: tuple[str, ...] = _TEXT["next_steps"]
PHYSICAL_NEXT_STEPS: tuple[str, ...] = _TEXT["physical_next_steps"]
ENDING_NEXT_STEPS: tuple[str, ...] = _TEXT["ending_next_steps"]
COMMENTS: tuple[str, ...] = _TEXT["comments"]
CRITICAL_COMMENTS: tuple[str, ...] = _TEXT["critical_comments"]
MOMENTS: tuple[str, ...] = _TEXT["moments"]
FEELINGS: tuple[str, ...] = _TEXT["feelings"]
TOPICS: tuple[str, ...] = _TEXT["topics"]
BODY_PARTS: tuple[str, ...] = _TEXT["body_parts"]
ARRIVALS: tuple[str, ...] = _TEXT["arrivals"]
MARKER_TEXT: dict[str, str] = _TEXT["marker_text"]  # every marker of practice.caseload
