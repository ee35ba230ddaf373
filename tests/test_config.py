"""The hardening promises of SECURITY.md hold in the shipped configuration and code."""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
BELOW_THE_UI = ("storage", "prompts", "insights", "sharing", "practice")
# DESIGN.md "Layout and layers", lowest first: imports point downwards only.
LAYERS = ("storage", "prompts", "insights", "sharing", "practice", "pages")


@pytest.mark.parametrize(
    ("section", "key", "expected"),
    [
        ("server", "address", "127.0.0.1"),
        ("server", "headless", True),
        ("server", "enableXsrfProtection", True),
        ("server", "enableCORS", True),
        ("server", "allowedHosts", ["localhost", "127.0.0.1"]),
        ("server", "enableAgentApi", False),
        ("server", "enableStaticServing", False),
        ("server", "maxUploadSize", 10),
        ("browser", "gatherUsageStats", False),
        ("browser", "serverAddress", "localhost"),
        ("client", "showErrorDetails", "type"),
        ("client", "toolbarMode", "minimal"),
        ("client", "showSidebarNavigation", False),
        ("client", "disableDataExport", True),
        ("runner", "magicEnabled", False),
        ("runner", "postScriptGC", False),  # a full collection after each run: make bench
    ],
)
def test_streamlit_config_pins(section: str, key: str, expected: object) -> None:
    assert CONFIG[section][key] == expected


def _python_files(*folders: str) -> list[Path]:
    found = [ROOT / "journal_app.py"] if not folders else []
    for folder in folders or ("pages", *BELOW_THE_UI):
        found += sorted((ROOT / folder).rglob("*.py")) if (ROOT / folder).is_dir() else []
    return found


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", _python_files(*BELOW_THE_UI), ids=lambda p: p.name)
def test_nothing_below_the_ui_imports_streamlit(path: Path) -> None:
    assert "streamlit" not in _imports(path)


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_streamlit_cache_in_code_that_touches_plaintext(path: Path) -> None:
    # st.cache_* are shared across sessions and can persist to disk: never for journal data
    source = path.read_text()
    assert "cache_data" not in source
    assert "cache_resource" not in source


def test_no_query_param_binding_for_journal_text() -> None:
    for path in _python_files():
        source = path.read_text()
        assert "query_params" not in source, path
        assert "query-params" not in source, path


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_app_code_imports_no_network_library(path: Path) -> None:
    network = {"socket", "urllib", "http", "requests", "httpx", "aiohttp", "ftplib", "smtplib"}
    assert not (_imports(path) & network)


def _layer_files() -> list[Path]:
    return [p for layer in LAYERS for p in sorted((ROOT / layer).rglob("*.py"))]


@pytest.mark.parametrize("path", _layer_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_import_runs_upward(path: Path) -> None:
    own = LAYERS.index(path.relative_to(ROOT).parts[0])
    above = set(LAYERS[own + 1 :]) | {"tests"}
    assert not (_imports(path) & above), f"{path.name} imports {_imports(path) & above}"


def test_storage_imports_only_itself_and_its_libraries() -> None:
    allowed = {"storage", "cryptography", "sqlite_utils", "platformdirs", "zxcvbn", "__future__"}
    for path in sorted((ROOT / "storage").rglob("*.py")):
        foreign = {name for name in _imports(path) - allowed if name not in sys.stdlib_module_names}
        assert not foreign, f"{path.name} imports {foreign}"
