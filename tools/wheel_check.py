"""`make wheel-check`: the wheel installs and runs on every Python it claims.

Builds the wheel (from a copy of the source folder, so the build leaves nothing in it),
then for each Python asked for (3.12 and 3.13 by default; pyenv's, or on PATH): a fresh
virtual environment, the wheel installed with the exact pins (constraints-X.Y.txt where a
Python needs its own, else constraints.txt), and from an unrelated folder:

- `reflective-journal --no-browser` starts and prints its launch address;
- health answers; a request and a WebSocket without the cookie are refused;
- the launch address sets the HttpOnly, SameSite=Strict cookie and redirects; the cookie
  opens the journal's page;
- the prompts, word lists, fonts and demo text load, and the first screen draws;
- the lock file is private (0600 where modes exist); a second start on the same data
  folder names the running server instead of starting another;
- Ctrl+C stops it and removes the lock file.

Standard library only. Exit status 1 names what failed, or how to install a missing Python.
"""

from __future__ import annotations

import argparse
import glob
import http.client
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PYTHONS = ("3.12", "3.13")
LOCK_NAME = ".reflective-journal.lock"
COMMAND = "reflective-journal"
REFUSAL = b"Open the journal from the window where you started it"
START_SECONDS = 120
# Run by the installed Python from an unrelated folder: the data files the wheel declares
# load, and the app's first screen draws (Streamlit's AppTest, no browser).
INSTALLED_APP_CHECK = """
import importlib.util
from prompts.library import builtin_library
from sharing.deid.lexicon import wordlist
from sharing.report import FONTS_DIR
from practice.demo_text import read_text
from streamlit.testing.v1 import AppTest

builtin_library()
assert wordlist("first_names") and wordlist("english_words")
assert (FONTS_DIR / "DejaVuSans.ttf").is_file() and read_text()
app = AppTest.from_file(importlib.util.find_spec("journal_app").origin, default_timeout=90)
app.run()
assert not app.exception, app.exception
assert "Create journal" in [button.label for button in app.button]
print("the prompts, word lists, fonts and demo text load; the unlock screen draws")
"""
# Never copied into the build folder: environments, caches, tests and what builds make.
NOT_BUILT = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".hypothesis",
    ".pytest_cache",
    ".ruff_cache",
    "__pycache__",
    "*.pyc",
    "build",
    "dist",
    "*.egg-info",
    "test-artifacts",
    "tests",
    "docs",
    "data",
    "bench-out",
)


class CheckFailed(Exception):
    """A check of the installed command failed; the message says which."""


def build_wheel(dest: Path, python: str = sys.executable) -> Path:
    """Build the project's wheel into `dest` from a copy of the source folder."""
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="journal-build-") as scratch:
        source = Path(scratch) / "src"
        shutil.copytree(ROOT, source, ignore=NOT_BUILT)
        subprocess.run(  # noqa: S603 - fixed argv
            [python, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dest), str(source)],
            check=True,
        )
    wheels = sorted(dest.glob("reflective_practice_journal-*.whl"))
    if not wheels:
        raise CheckFailed(f"no wheel was built in {dest}")
    return wheels[-1]


def find_python(version: str) -> str | None:
    """A python`version` interpreter: pyenv's newest of that version, else one on PATH."""
    roots = [os.environ.get("PYENV_ROOT", ""), str(Path.home() / ".pyenv")]
    for root in filter(None, roots):
        found = sorted(
            glob.glob(os.path.join(root, "versions", f"{version}.*", "bin", f"python{version}")),
            key=lambda p: [int(n) for n in re.findall(r"\d+", Path(p).parts[-3])],
        )
        if found:
            return found[-1]
    return shutil.which(f"python{version}")


def missing_python_message(version: str) -> str:
    """How to install a Python the check needs."""
    return (
        f"python{version} was not found (looked in pyenv's versions and on PATH).\n"
        f"Install it with `pyenv install {version}`, or from https://www.python.org/downloads/,"
        f" or your system's packages (Debian/Ubuntu: `apt-get install python{version} "
        f"python{version}-venv`), then run `make wheel-check` again."
    )


def constraints_for(version: str) -> Path:
    """The pins for one Python: its own file where it needs one, else the shared one."""
    own = ROOT / f"constraints-{version}.txt"
    return own if own.exists() else ROOT / "constraints.txt"


def install(python: str, wheel: Path, venv: Path, version: str) -> Path:
    """A fresh virtual environment with the wheel installed; returns its command."""
    subprocess.run([python, "-m", "venv", str(venv)], check=True)  # noqa: S603
    scripts = venv / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run(  # noqa: S603 - fixed argv
        [
            str(scripts / "python"),
            "-m",
            "pip",
            "install",
            "-qq",  # errors only: an index's warnings would bury the checks
            "--disable-pip-version-check",
            str(wheel),
            "-c",
            str(constraints_for(version)),
        ],
        check=True,
    )
    return scripts / COMMAND


def free_port() -> int:
    """A port of 127.0.0.1 nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Answer:
    """One HTTP response, read whole."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes


def get(port: int, path: str, headers: dict[str, str] | None = None) -> Answer:
    """One GET to the server on this computer, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def websocket_status(port: int, cookie: str | None = None) -> str:
    """The status line a WebSocket upgrade to Streamlit's stream gets (own Origin)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            (
                "GET /_stcore/stream HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Protocol: streamlit\r\n"
                + (f"Cookie: {cookie}\r\n" if cookie else "")
                + "\r\n"
            ).encode()
        )
        return sock.recv(200).split(b"\r\n")[0].decode()


def read_launch_url(process: subprocess.Popen, seconds: float = START_SECONDS) -> str:
    """The launch address the command prints with --no-browser (its output echoed)."""
    deadline = time.monotonic() + seconds
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise CheckFailed(f"{COMMAND} exited ({process.wait()}) before printing an address")
        print(f"    | {line.rstrip()}")
        found = re.search(r"http://127\.0\.0\.1:\d+/\?launch=\S+", line)
        if found:
            return found.group(0)
    raise CheckFailed(f"{COMMAND} printed no address within {seconds:.0f} s")


def expect(condition: bool, what: str) -> None:
    """Fail the check with `what` unless `condition` holds; print it when it does."""
    if not condition:
        raise CheckFailed(what)
    print(f"    ok: {what}")


def start(command: Path, port: int, data_dir: Path, cwd: Path) -> subprocess.Popen:
    """The installed command, in a session of its own so Ctrl+C can reach it alone."""
    return subprocess.Popen(  # noqa: S603 - fixed argv
        [str(command), "--no-browser", "--port", str(port), "--data-dir", str(data_dir)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def interrupt(process: subprocess.Popen) -> int:
    """Press Ctrl+C in the command's terminal (its whole process group), wait for the end."""
    if os.name == "posix":
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.CTRL_C_EVENT)
    try:
        return process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()


def check_command(command: Path, work: Path) -> None:
    """Start the installed command and check the per-launch secret and the lock file."""
    data_dir = work / "data"
    port = free_port()
    process = start(command, port, data_dir, work)
    try:
        url = read_launch_url(process)
        expect(
            url.startswith(f"http://127.0.0.1:{port}/"), f"it serves the port asked for ({port})"
        )
        health = get(port, "/_stcore/health")
        expect(health.status == 200 and health.body == b"ok", "health answers without the cookie")
        refused = get(port, "/")
        expect(
            refused.status == 403 and REFUSAL in refused.body,
            "a request without the cookie is refused with the plain page",
        )
        expect(websocket_status(port).endswith("403 Forbidden"), "a WebSocket without it too")
        launched = get(port, url.split(f":{port}", 1)[1])
        cookie = launched.headers.get("set-cookie", "")
        expect(
            launched.status == 303 and launched.headers.get("location") == "/",
            "the launch address redirects to the clean address",
        )
        expect(
            "HttpOnly" in cookie and "SameSite=Strict" in cookie,
            "and sets an HttpOnly, SameSite=Strict cookie",
        )
        pair = cookie.split(";", 1)[0]
        expect(get(port, "/", {"Cookie": pair}).status == 200, "the cookie opens the journal page")
        expect(get(port, url.split(f":{port}", 1)[1]).status == 403, "a launch address works once")
        lock = data_dir / LOCK_NAME
        expect(lock.exists(), "the data folder holds the lock file")
        if os.name == "posix":
            mode = stat.S_IMODE(lock.stat().st_mode)
            expect(mode == 0o600, f"the lock file is readable by the user only ({mode:o})")
        second = subprocess.run(  # noqa: S603 - fixed argv
            [str(command), "--no-browser", "--data-dir", str(data_dir)],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=60,
        )
        expect(
            second.returncode == 0 and f"127.0.0.1:{port}/?launch=" in second.stdout,
            "a second start on the same data folder names the running server",
        )
        status = interrupt(process)
        expect(status in (0, 130), f"Ctrl+C stops it (exit status {status})")
        expect(not lock.exists(), "and removes the lock file")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def check(version: str, python: str, wheel: Path) -> None:
    """Install the wheel for one Python and check its command."""
    print(f"== Python {version}: {python}")
    with tempfile.TemporaryDirectory(prefix=f"journal-wheel-{version}-") as scratch:
        work = Path(scratch)
        started = time.monotonic()
        command = install(python, wheel, work / "venv", version)
        print(f"    installed {wheel.name} in {time.monotonic() - started:.0f} s")
        check_installed_app(command.parent / "python", work)
        check_command(command, work)


def check_installed_app(python: Path, work: Path) -> None:
    """The installed packages' data files load and the app draws its first screen."""
    env = {**os.environ, "JOURNAL_DATA_DIR": str(work / "app-check")}
    ran = subprocess.run(  # noqa: S603 - fixed argv
        [str(python), "-c", INSTALLED_APP_CHECK],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if ran.returncode != 0:
        raise CheckFailed(f"the installed app does not load:\n{ran.stdout}{ran.stderr}")
    expect(True, ran.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    """Build the wheel once and check it on each Python asked for."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("versions", nargs="*", default=list(DEFAULT_PYTHONS))
    versions = parser.parse_args(argv).versions
    pythons = {version: find_python(version) for version in versions}
    missing = [version for version, python in pythons.items() if python is None]
    if missing:
        for version in missing:
            print(missing_python_message(version), file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="journal-dist-") as dist:
        wheel = build_wheel(Path(dist))
        print(f"built {wheel.name}")
        try:
            for version, python in pythons.items():
                check(version, str(python), wheel)
        except (CheckFailed, subprocess.CalledProcessError) as error:
            print(f"wheel-check failed: {error}", file=sys.stderr)
            return 1
    print(f"wheel-check: the wheel installs and runs on Python {', '.join(versions)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
