"""The README documents what the code names: every screen title, every Supervision and
Settings section, every make target and every environment variable the app reads.

As sqlite-utils does for its CLI, the names are read from the code, so a new screen,
setting or target without a line in the README fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _source(relative: str) -> str:
    return (ROOT / relative).read_text(encoding="utf-8")


def screen_titles() -> list[str]:
    """Titles given to st.Page in journal_app.py."""
    return sorted(set(re.findall(r'_page\(\s*"\w+",\s*"([^"]+)"', _source("journal_app.py"))))


def supervision_sections() -> list[str]:
    block = _source("pages/screens/supervision.py").split("SECTIONS = {", 1)[1].split("}", 1)[0]
    return re.findall(r'"([^"]+)":', block)


def settings_sections() -> list[str]:
    found = []
    sections = sorted((ROOT / "pages" / "settings").glob("*.py"))
    for relative in ["pages/screens/settings.py", *(str(p.relative_to(ROOT)) for p in sections)]:
        found += re.findall(r'st\.(?:sub)?header\("([^"]+)"\)', _source(relative))
    return found


def make_targets() -> list[str]:
    phony = re.search(r"^\.PHONY:(.*)$", _source("Makefile"), re.MULTILINE)
    return phony.group(1).split()


def environment_variables() -> list[str]:
    """Variables the code or the Makefile reads."""
    names = set(re.findall(r"^(\w+_PATH) \?=", _source("Makefile"), re.MULTILINE))
    for path in [ROOT / "journal_app.py", ROOT / "serve.py", *ROOT.glob("*/*.py")]:
        if path.parts[-2] in {"tests", ".venv"}:
            continue
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'ENV_\w+ = "(\w+)"', text))
        names |= set(re.findall(r'environ(?:\.get)?\(\s*"(\w+)"', text))
    return sorted(names)


def test_the_lists_are_read_from_the_code() -> None:
    # guards the readers themselves: an empty list would make every check below pass
    assert {"Reflect", "Entries", "Trends", "Supervision", "Settings"} <= set(screen_titles())
    assert "Shared with me" in supervision_sections()
    assert "Backups" in settings_sections()
    assert {"run", "test", "bench"} <= set(make_targets())
    assert "JOURNAL_DATA_DIR" in environment_variables()


@pytest.mark.parametrize("title", screen_titles())
def test_every_screen_is_in_the_readme(title: str) -> None:
    assert f"**{title}**" in README or f"| {title} |" in README, title


@pytest.mark.parametrize("section", supervision_sections() + settings_sections())
def test_every_section_of_supervision_and_settings_is_in_the_readme(section: str) -> None:
    assert section in README, section


@pytest.mark.parametrize("target", make_targets())
def test_every_make_target_is_in_the_readme(target: str) -> None:
    assert f"make {target}" in README, target


@pytest.mark.parametrize("name", environment_variables())
def test_every_environment_variable_is_in_the_readme(name: str) -> None:
    assert f"`{name}`" in README or f"{name}=" in README, name


def test_links_in_the_readme_point_at_files_that_exist() -> None:
    for target in re.findall(r"\]\((?!https?://|#)([^)]+)\)", README):
        assert (ROOT / target).exists(), target
