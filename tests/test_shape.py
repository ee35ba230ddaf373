"""The code keeps the shape DESIGN.md and STYLE.md ask for: short functions, thin screens."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("storage", "prompts", "insights", "sharing", "practice", "pages", "tests")
LONGEST_FUNCTION = 120
LONGEST_SCREEN_SCRIPT = 80


def _sources() -> list[Path]:
    found = [ROOT / "journal_app.py", ROOT / "serve.py"]
    for package in PACKAGES:
        found += sorted((ROOT / package).rglob("*.py"))
    return found


def _script_lines(tree: ast.Module) -> int:
    """Lines of a module's top-level code, not counting definitions, imports and docstrings."""
    lines = 0
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        lines += node.end_lineno - node.lineno + 1
    return lines


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_function_is_over_120_lines(path: Path) -> None:
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > LONGEST_FUNCTION
    ]
    assert long == []


@pytest.mark.parametrize(
    "path", sorted((ROOT / "pages" / "screens").glob("*.py")), ids=lambda p: p.name
)
def test_a_screen_is_a_short_script_over_functions(path: Path) -> None:
    assert _script_lines(ast.parse(path.read_text())) <= LONGEST_SCREEN_SCRIPT
