"""Build hook: the wheel carries the app's Streamlit settings.

`.streamlit/config.toml` is the one copy of them (tests/test_config.py pins it), but
site-packages cannot hold a `.streamlit` folder beside serve.py, so the build copies it
into the package as `reflective_journal/streamlit_config.toml`, where the command reads
it (reflective_journal/launch.py). Everything else is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SETTINGS = Path(__file__).resolve().parent / ".streamlit" / "config.toml"


class BuildWithSettings(build_py):
    """build_py, then the Streamlit settings into the package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "reflective_journal" / "streamlit_config.toml"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SETTINGS, target)


setup(cmdclass={"build_py": BuildWithSettings})
