"""Start the journal's server for one person, open the browser at it, stop it on Ctrl+C.

The server is `python -m streamlit run serve.py` in a child process, on 127.0.0.1 and a
free port, with the hardening of `.streamlit/config.toml` passed as flags (so it holds
from any folder) and this launch's token in its environment. The browser is opened at a
single-use launch address (launch_secret.py); the data folder's lock file
(instance_lock.py) makes a second start open the running server instead.

Only the standard library and storage.paths: `--help` stays fast, and nothing here
imports streamlit.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import webbrowser
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reflective_journal import instance_lock, launch_secret
from reflective_journal.instance_lock import Claimed, LockInfo, Running
from storage import paths

# serve.py, journal_app.py and the app's packages sit beside this package, in a source
# folder and in site-packages alike.
APP_DIR = Path(__file__).resolve().parent.parent
SERVER_SCRIPT = APP_DIR / "serve.py"
# In a source folder the settings are .streamlit/config.toml; a wheel carries a copy
# (setup.py puts it there), since site-packages cannot hold a .streamlit folder.
SETTINGS_FILES = (
    APP_DIR / ".streamlit" / "config.toml",
    Path(__file__).with_name("streamlit_config.toml"),
)
HOST = launch_secret.HOST
START_SECONDS = instance_lock.STARTING_SECONDS
START_ATTEMPTS = 3
STOP_SECONDS = 10.0
# Refused without the cookie, served with it: the gate of serve.py, so this server's own.
GATED_PATH = "/"

Say = Callable[[str], None]


class LaunchError(Exception):
    """Something the person starting the journal must fix; the message says what."""


class StopRequested(Exception):
    """The command was asked to stop (SIGTERM, or its terminal closed)."""


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    data_dir: Path
    port: int | None = None
    browser: bool = True


def say(text: str) -> None:
    """Print one message for the person at the terminal, at once (not buffered)."""
    print(text, flush=True)


# ---- the data folder --------------------------------------------------------------------


def prepare_data_dir(folder: Path) -> Path:
    """The data folder, made private (0700) if needed and checked writable."""
    folder = folder.expanduser().absolute()
    try:
        paths.private_folder(folder)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise LaunchError(
            f"The journal cannot write to its data folder {folder} ({reason}).\n"
            f"Choose a folder you can write to with --data-dir or {paths.ENV_DATA_DIR}."
        ) from error
    return folder


# ---- ports -------------------------------------------------------------------------------


def port_free(port: int) -> bool:
    """Whether a server could listen on this port of 127.0.0.1 now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on, chosen by the system."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def choose_port(requested: int | None) -> tuple[int, str | None]:
    """The port to use, and a message when the one asked for is taken."""
    if requested is None:
        return free_port(), None
    if port_free(requested):
        return requested, None
    port = free_port()
    return port, f"Port {requested} is in use; the journal uses port {port} instead."


# ---- asking a server ---------------------------------------------------------------------


def _status(port: int, path: str, headers: dict[str, str], timeout: float) -> int | None:
    """The status of one GET to this computer's port, or None when nothing answers."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": f"{HOST}:{port}", **headers})
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def answers(info: LockInfo, timeout: float = 3.0) -> bool:
    """Whether the journal server of `info` answers on its port: it refuses a request
    without the cookie and serves one with this token's cookie (no other server does)."""
    cookie = {"Cookie": f"{launch_secret.cookie_name(info.port)}={info.token}"}
    if _status(info.port, GATED_PATH, {}, timeout) != 403:
        return False
    return _status(info.port, GATED_PATH, cookie, timeout) == 200


# ---- the server process ------------------------------------------------------------------


def streamlit_settings() -> dict[str, Any]:
    """The app's Streamlit settings (.streamlit/config.toml, or the wheel's copy of it)."""
    for candidate in SETTINGS_FILES:
        if candidate.is_file():
            return tomllib.loads(candidate.read_text(encoding="utf-8"))
    raise LaunchError(
        "This installation of the journal is incomplete (its Streamlit settings are "
        "missing): install it again."
    )


def setting_flags(settings: dict[str, Any], prefix: str = "") -> Iterator[str]:
    """`streamlit run` flags for nested settings: --section.key value (a list repeats it)."""
    for key, value in settings.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from setting_flags(value, f"{name}.")
            continue
        for item in value if isinstance(value, list) else [value]:
            yield f"--{name}"
            yield str(item).lower() if isinstance(item, bool) else str(item)


def server_command(port: int) -> list[str]:
    """The child process's command line: no secret in it (other users can list it)."""
    if not SERVER_SCRIPT.is_file():
        raise LaunchError(f"This installation of the journal is incomplete: {SERVER_SCRIPT}")
    forced = {
        "server": {"address": HOST, "port": port, "headless": True},
        "logger": {"hideWelcomeMessage": True},  # its address without the secret opens nothing
    }
    flags = setting_flags(merged(streamlit_settings(), forced))
    return [sys.executable, "-m", "streamlit", "run", str(SERVER_SCRIPT), *flags]


def merged(settings: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """`settings` with `overrides` put over them, section by section."""
    result = dict(settings)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def server_environment(data_dir: Path, token: str) -> dict[str, str]:
    """The child's environment: the data folder and the token (readable by this user only)."""
    env = {**os.environ, paths.ENV_DATA_DIR: str(data_dir)}
    env[launch_secret.ENV_LAUNCH_TOKEN] = token
    env.pop(launch_secret.ENV_WITHOUT_SECRET, None)  # a launched server always has its secret
    return env


def start_server(claimed: Claimed, data_dir: Path) -> tuple[subprocess.Popen, Claimed]:
    """Start the server on the claimed port and wait until it answers with its token;
    another port when that one was taken meanwhile."""
    for attempt in range(START_ATTEMPTS):
        port = claimed.info.port
        process = subprocess.Popen(  # noqa: S603 - our own argv, no shell
            server_command(port),
            cwd=APP_DIR,
            env=server_environment(data_dir, claimed.info.token),
            stdin=subprocess.DEVNULL,
        )
        try:
            started = _wait_until_answering(process, claimed.info)
        except BaseException:  # Ctrl+C or a stop while it starts: no server left behind
            stop_server(process)
            raise
        if started:
            return process, claimed
        stop_server(process)
        if attempt + 1 < START_ATTEMPTS and not port_free(port):
            claimed = instance_lock.update(claimed, free_port())
            say(f"Port {port} was taken meanwhile; trying port {claimed.info.port}.")
            continue
        break
    raise LaunchError(
        "The journal's server did not start (its messages are above). "
        "Try again; if it keeps failing, try another --port or --data-dir."
    )


def _wait_until_answering(process: subprocess.Popen, info: LockInfo) -> bool:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if answers(info, timeout=1.0):
            return True
        time.sleep(0.2)
    return False


def stop_server(process: subprocess.Popen, interrupted: bool = False) -> None:
    """Stop the server gently, then firmly. After Ctrl+C the server (same terminal) has
    had the interrupt too, so it is given a moment to stop on its own first."""
    if interrupted:
        try:
            process.wait(timeout=STOP_SECONDS / 2)
            return
        except subprocess.TimeoutExpired:
            pass
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# ---- the browser -------------------------------------------------------------------------


def desktop_present() -> bool:
    """Whether a browser window can be opened here: on Linux and other Unix systems only
    with a display (or `BROWSER` set); a console browser would take over the terminal."""
    if os.name != "posix" or sys.platform == "darwin":
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"))


def show(info: LockInfo, browser: bool) -> None:
    """Open the browser at a fresh launch address, or print it when there is no browser."""
    url = launch_secret.launch_url(info.port, info.token)
    if browser and desktop_present() and _open_browser(url):
        say("The journal is open in your browser.")
        return
    say("Open this address in your browser (it works once, within ten minutes):")
    say(f"  {url}")


def _open_browser(url: str) -> bool:
    try:
        return webbrowser.open(url)
    except (webbrowser.Error, OSError):
        return False


# ---- the whole launch --------------------------------------------------------------------


def run(options: Options) -> int:
    """Start (or find) the data folder's server, show it, and serve until stopped."""
    data_dir = prepare_data_dir(options.data_dir)
    port, note = choose_port(options.port)
    outcome = instance_lock.claim(data_dir, port, launch_secret.new_token(), answers)
    if isinstance(outcome, Running):
        say(f"The journal of {data_dir} is already running (port {outcome.info.port}).")
        show(outcome.info, options.browser)
        return 0
    if note:
        say(note)
    claimed = outcome
    try:
        say(f"Starting the journal on port {port} (data folder: {data_dir}) ...")
        process, claimed = start_server(claimed, data_dir)
        return _serve(process, claimed, options)
    finally:
        instance_lock.release(claimed)


def _serve(process: subprocess.Popen, claimed: Claimed, options: Options) -> int:
    """Show the running server and wait until it stops or the command is stopped."""
    interrupted = False
    try:
        show(claimed.info, options.browser)
        say("Keep this window open while you use the journal; press Ctrl+C here to stop it.")
        code = _wait(process)
        say("The journal's server has stopped.")
        return code
    except KeyboardInterrupt:
        interrupted = True
        say("Stopping the journal ...")
        return 0
    except StopRequested:
        return 0
    finally:
        stop_server(process, interrupted)


def _wait(process: subprocess.Popen) -> int:
    """Wait for the server to end in short steps: on Windows an endless wait would hold
    back Ctrl+C until the server has gone."""
    while True:
        try:
            return process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            continue


def stop_on_signals() -> None:
    """Make SIGTERM, and SIGHUP where it exists, stop the server as Ctrl+C does."""

    def requested(_signal: int, _frame: object) -> None:
        raise StopRequested

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, requested)
