"""The `reflective-journal` command without a browser or a Streamlit server: its
arguments, ports, data folder, lock file, server command line and browser opening.
(The real installed command runs in tests/e2e/test_launch_browser.py and `make wheel-check`.)
"""

from __future__ import annotations

import http.server
import json
import os
import re
import socket
import stat
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from reflective_journal import __version__, cli, instance_lock, launch, launch_secret
from reflective_journal.instance_lock import Claimed, LockInfo, Running
from storage import paths

ROOT = Path(__file__).resolve().parents[1]
TOKEN = launch_secret.new_token()
POSIX = os.name == "posix"


def _dead_pid() -> int:
    """The id of a process that has just ended."""
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(ended.stdout)


def _write_lock(data_dir: Path, info: LockInfo) -> Path:
    path = instance_lock.lock_path(data_dir)
    path.write_text(json.dumps(info.__dict__))
    return path


def _never(info: LockInfo) -> bool:
    return False


def _always(info: LockInfo) -> bool:
    return True


@pytest.fixture
def listening() -> Iterator[int]:
    """A port of 127.0.0.1 something listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


# ---- the command line --------------------------------------------------------------------


def test_defaults_are_a_free_port_the_browser_and_the_data_folder_of_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(tmp_path / "from-env"))
    chosen = cli.options([])
    assert chosen == launch.Options(data_dir=tmp_path / "from-env", port=None, browser=True)


def test_the_command_line_overrides_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(tmp_path / "from-env"))
    chosen = cli.options(["--data-dir", str(tmp_path / "mine"), "--port", "8600", "--no-browser"])
    assert chosen == launch.Options(data_dir=tmp_path / "mine", port=8600, browser=False)


@pytest.mark.parametrize("port", ["0", "65536", "-1", "eighty"])
def test_a_port_that_is_no_port_is_refused_with_a_reason(
    port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.options(["--port", port])
    assert exited.value.code == 2
    assert "--port" in capsys.readouterr().err


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.options(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"reflective-journal {__version__}"
    with pytest.raises(SystemExit):
        cli.options(["--help"])
    shown = capsys.readouterr().out
    for words in (
        "--port",
        "--data-dir",
        "--no-browser",
        "--version",
        "Ctrl+C",
        "JOURNAL_DATA_DIR",
    ):
        assert words in shown


def test_python_dash_m_is_the_same_command() -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "reflective_journal", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0
    assert ran.stdout.strip() == f"reflective-journal {__version__}"


def test_the_package_version_is_the_projects() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "reflective_journal.__version__"
    }
    assert project["project"]["scripts"]["reflective-journal"] == "reflective_journal.cli:main"


# ---- ports -------------------------------------------------------------------------------


def test_a_taken_port_gives_way_to_a_free_one_and_both_are_named(listening: int) -> None:
    port, note = launch.choose_port(listening)
    assert port != listening and launch.port_free(port)
    assert note == f"Port {listening} is in use; the journal uses port {port} instead."


def test_a_free_port_asked_for_is_used_and_none_asked_for_means_any_free_one() -> None:
    wanted = launch.free_port()
    assert launch.choose_port(wanted) == (wanted, None)
    port, note = launch.choose_port(None)
    assert note is None and launch.port_free(port)


def test_a_taken_port_is_not_free(listening: int) -> None:
    assert not launch.port_free(listening)


# ---- the data folder ---------------------------------------------------------------------


def test_the_data_folder_is_made_private(tmp_path: Path) -> None:
    folder = launch.prepare_data_dir(tmp_path / "new" / "journals")
    assert folder.is_dir()
    assert list(folder.iterdir()) == []  # the write check leaves nothing behind
    if POSIX:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_data_folder_that_cannot_be_written_is_named_in_a_clear_message(tmp_path: Path) -> None:
    # a regular file where a folder should be: no one, root included, can write under it
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(launch.LaunchError) as refused:
        launch.prepare_data_dir(blocker / "journals")
    message = str(refused.value)
    assert str(blocker / "journals") in message
    assert "cannot write" in message and "--data-dir" in message


def test_the_command_says_so_and_exits_1_without_starting_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setattr(launch.subprocess, "Popen", _no_server)
    monkeypatch.setattr(launch, "stop_on_signals", lambda: None)
    assert cli.main(["--no-browser", "--data-dir", str(blocker)]) == 1
    assert str(blocker) in capsys.readouterr().err


def _no_server(*args: object, **kwargs: object) -> None:
    raise AssertionError("no server may start here")


# ---- the lock file -----------------------------------------------------------------------


def test_the_first_start_takes_the_lock_readable_by_the_user_only(tmp_path: Path) -> None:
    claimed = instance_lock.claim(tmp_path, 8765, TOKEN, _never)
    assert isinstance(claimed, Claimed)
    saved = json.loads(claimed.path.read_text())
    assert set(saved) == {"pid", "port", "token", "started"}
    assert (saved["pid"], saved["port"], saved["token"]) == (os.getpid(), 8765, TOKEN)
    if POSIX:
        assert stat.S_IMODE(claimed.path.stat().st_mode) == 0o600


@pytest.mark.skipif(not POSIX, reason="file modes exist on POSIX only")
def test_the_lock_is_private_even_under_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        claimed = instance_lock.claim(tmp_path, 8765, TOKEN, _never)
    finally:
        os.umask(old)
    assert isinstance(claimed, Claimed)
    assert stat.S_IMODE(claimed.path.stat().st_mode) == 0o600


def test_a_second_start_finds_the_running_server(tmp_path: Path) -> None:
    first = instance_lock.claim(tmp_path, 8765, TOKEN, _never)
    assert isinstance(first, Claimed)
    asked: list[LockInfo] = []

    def answering(info: LockInfo) -> bool:
        asked.append(info)
        return True

    second = instance_lock.claim(tmp_path, 9999, launch_secret.new_token(), answering)
    assert second == Running(first.info)
    assert asked == [first.info]  # it asked the first server, with the first token
    assert instance_lock.read(first.path) == first.info  # and left its lock alone


def test_a_stale_lock_of_a_crashed_start_is_replaced(tmp_path: Path) -> None:
    stale = LockInfo(pid=_dead_pid(), port=8765, token="old", started=time.time())
    _write_lock(tmp_path, stale)
    claimed = instance_lock.claim(tmp_path, 9999, TOKEN, _never)
    assert isinstance(claimed, Claimed)
    assert instance_lock.read(claimed.path) == claimed.info
    assert claimed.info.port == 9999 and claimed.info.token == TOKEN


def test_an_old_lock_whose_server_does_not_answer_is_replaced_even_if_its_pid_lives(
    tmp_path: Path,
) -> None:
    # a pid can be reused by another process after a restart: the port decides
    old = LockInfo(pid=os.getpid(), port=8765, token="old", started=time.time() - 3600)
    _write_lock(tmp_path, old)
    assert isinstance(instance_lock.claim(tmp_path, 9999, TOKEN, _never), Claimed)


@pytest.mark.parametrize(
    "content", ["", "{not json", '{"pid": 1}', '{"pid":1,"port":0,"token":"t","started":0}']
)
def test_a_damaged_lock_file_is_replaced(tmp_path: Path, content: str) -> None:
    path = instance_lock.lock_path(tmp_path)
    path.write_text(content)
    old = time.time() - 60
    os.utime(path, (old, old))
    claimed = instance_lock.claim(tmp_path, 9999, TOKEN, _never)
    assert isinstance(claimed, Claimed)
    assert instance_lock.read(path) == claimed.info


def test_a_lock_being_written_is_waited_for_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(instance_lock, "POLL_SECONDS", 0.05)
    path = instance_lock.lock_path(tmp_path)
    path.write_text("")  # another start has just made it
    theirs = LockInfo(pid=os.getpid(), port=8765, token="theirs", started=time.time())
    writer = threading.Timer(0.3, lambda: path.write_text(json.dumps(theirs.__dict__)))
    writer.start()
    try:
        outcome = instance_lock.claim(tmp_path, 9999, TOKEN, lambda info: info == theirs)
    finally:
        writer.join()
    assert outcome == Running(theirs)


def test_a_starting_server_is_waited_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(instance_lock, "POLL_SECONDS", 0.01)
    starting = LockInfo(pid=os.getpid(), port=8765, token="t", started=time.time())
    _write_lock(tmp_path, starting)
    calls = iter([False, False, False, True])
    assert instance_lock.claim(tmp_path, 9999, TOKEN, lambda info: next(calls)) == Running(starting)


def test_a_young_lock_of_a_process_that_is_gone_is_not_waited_for(tmp_path: Path) -> None:
    gone = LockInfo(pid=_dead_pid(), port=8765, token="t", started=time.time())
    assert not instance_lock.may_still_start(gone)
    young_and_alive = LockInfo(pid=os.getpid(), port=8765, token="t", started=time.time())
    assert instance_lock.may_still_start(young_and_alive)
    old = LockInfo(pid=os.getpid(), port=8765, token="t", started=time.time() - 3600)
    assert not instance_lock.may_still_start(old)


def test_where_a_pid_cannot_be_asked_about_it_counts_as_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # on Windows os.kill(pid, 0) would end the process: it is never called there
    monkeypatch.setattr(instance_lock.os, "name", "nt")
    monkeypatch.setattr(instance_lock.os, "kill", _no_server)
    assert instance_lock.pid_running(os.getpid()) is None
    young = LockInfo(pid=_dead_pid(), port=8765, token="t", started=time.time())
    assert instance_lock.may_still_start(young)  # so only the lock's age decides


def test_a_stopping_start_removes_only_its_own_lock(tmp_path: Path) -> None:
    claimed = instance_lock.claim(tmp_path, 8765, TOKEN, _never)
    assert isinstance(claimed, Claimed)
    newer = LockInfo(pid=os.getpid(), port=9999, token="newer", started=time.time())
    _write_lock(tmp_path, newer)
    instance_lock.release(claimed)
    assert instance_lock.read(claimed.path) == newer
    _write_lock(tmp_path, claimed.info)
    instance_lock.release(claimed)
    assert not claimed.path.exists()


def test_a_new_port_replaces_the_lock_whole_and_keeps_it_private(tmp_path: Path) -> None:
    claimed = instance_lock.claim(tmp_path, 8765, TOKEN, _never)
    assert isinstance(claimed, Claimed)
    moved = instance_lock.update(claimed, 9999)
    assert instance_lock.read(claimed.path) == moved.info
    assert moved.info.port == 9999 and moved.info.token == TOKEN
    assert sorted(p.name for p in tmp_path.iterdir()) == [instance_lock.LOCK_NAME]
    if POSIX:
        assert stat.S_IMODE(claimed.path.stat().st_mode) == 0o600


def test_the_lock_file_is_not_taken_for_a_journal(tmp_path: Path) -> None:
    instance_lock.claim(tmp_path, 8765, TOKEN, _never)
    assert paths.list_journals(tmp_path) == []


# ---- asking a server whether it is this launch's -----------------------------------------


class _Gate(http.server.BaseHTTPRequestHandler):
    """Refuses without the cookie, serves with it: what serve.LaunchSecret does."""

    cookie = ""

    def do_GET(self) -> None:
        accepted = self.headers.get("Cookie") == self.cookie
        self.send_response(200 if accepted else 403)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None  # the test's output stays quiet


class _AnyServer(_Gate):
    """Another program's server on the port: it serves everyone."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()


def _serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_server_answers_when_it_refuses_strangers_and_knows_the_token() -> None:
    for port in _serving(_Gate):
        _Gate.cookie = f"{launch_secret.cookie_name(port)}={TOKEN}"
        assert launch.answers(LockInfo(1, port, TOKEN, 0))
        assert not launch.answers(LockInfo(1, port, "another token", 0))


def test_another_programs_server_on_the_port_is_not_taken_for_the_journal() -> None:
    for port in _serving(_AnyServer):
        assert not launch.answers(LockInfo(1, port, TOKEN, 0))


def test_nothing_listening_does_not_answer() -> None:
    assert not launch.answers(LockInfo(1, launch.free_port(), TOKEN, 0), timeout=1)


def test_a_second_start_opens_the_running_server_instead_of_starting_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    running = LockInfo(pid=os.getpid(), port=8765, token=TOKEN, started=time.time())
    _write_lock(tmp_path, running)
    monkeypatch.setattr(launch, "answers", lambda info, timeout=3.0: info == running)
    monkeypatch.setattr(launch.subprocess, "Popen", _no_server)
    assert launch.run(launch.Options(data_dir=tmp_path, browser=False)) == 0
    shown = capsys.readouterr().out
    assert "already running (port 8765)" in shown
    assert "http://127.0.0.1:8765/?launch=" in shown
    assert TOKEN not in shown
    assert instance_lock.read(instance_lock.lock_path(tmp_path)) == running


# ---- the server's command line and environment -------------------------------------------


def test_the_server_gets_every_hardening_setting_of_the_config_file_as_a_flag() -> None:
    command = launch.server_command(8765)
    assert command[:5] == [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py")]
    flags = command[5:]
    pairs = list(zip(flags[::2], flags[1::2], strict=True))
    assert ("--server.address", "127.0.0.1") in pairs
    assert ("--server.enableXsrfProtection", "true") in pairs
    assert ("--browser.gatherUsageStats", "false") in pairs
    assert ("--server.allowedHosts", "localhost") in pairs
    assert ("--server.allowedHosts", "127.0.0.1") in pairs
    assert ("--client.showErrorDetails", "type") in pairs
    assert ("--theme.light.textColor", "#141312") in pairs
    assert [v for k, v in pairs if k == "--server.port"] == ["8765"]  # once: no 8501 left over
    assert ("--logger.hideWelcomeMessage", "true") in pairs


def test_every_flag_is_an_option_streamlit_knows() -> None:
    from streamlit import config

    known = set(config._config_options_template)
    flags = [f[2:] for f in launch.server_command(8765)[5:] if f.startswith("--")]
    assert set(flags) <= known, set(flags) - known


def test_the_settings_are_the_config_files_and_the_wheel_carries_them(tmp_path: Path) -> None:
    config_file = ROOT / ".streamlit" / "config.toml"
    assert launch.streamlit_settings() == tomllib.loads(config_file.read_text())
    assert launch.SETTINGS_FILES[0] == config_file
    assert launch.SETTINGS_FILES[1].name == "streamlit_config.toml"
    assert "streamlit_config.toml" in (ROOT / "setup.py").read_text()


def test_the_secret_is_in_the_servers_environment_never_its_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(launch_secret.ENV_WITHOUT_SECRET, "1")
    env = launch.server_environment(tmp_path, TOKEN)
    assert env[launch_secret.ENV_LAUNCH_TOKEN] == TOKEN
    assert env[paths.ENV_DATA_DIR] == str(tmp_path)
    assert launch_secret.ENV_WITHOUT_SECRET not in env  # a launched server is never open
    assert not any(TOKEN in part for part in launch.server_command(8765))


def test_stopping_a_server_ends_its_process() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    started = time.monotonic()
    launch.stop_server(process)
    assert process.poll() is not None
    assert time.monotonic() - started < launch.STOP_SECONDS


# ---- the browser -------------------------------------------------------------------------


def test_the_browser_opens_at_a_launch_address_that_is_not_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(launch, "desktop_present", lambda: True)
    monkeypatch.setattr(launch.webbrowser, "open", lambda url: opened.append(url) or True)
    launch.show(LockInfo(1, 8765, TOKEN, 0), browser=True)
    assert len(opened) == 1 and opened[0].startswith("http://127.0.0.1:8765/?launch=")
    assert TOKEN not in opened[0]
    shown = capsys.readouterr().out
    assert "open in your browser" in shown and "launch=" not in shown


def test_without_a_browser_the_address_is_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(launch.webbrowser, "open", _no_server)
    launch.show(LockInfo(1, 8765, TOKEN, 0), browser=False)
    shown = capsys.readouterr().out
    assert "http://127.0.0.1:8765/?launch=" in shown and TOKEN not in shown


def test_a_browser_that_fails_to_open_falls_back_to_printing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(launch, "desktop_present", lambda: True)
    monkeypatch.setattr(launch.webbrowser, "open", lambda url: False)
    launch.show(LockInfo(1, 8765, TOKEN, 0), browser=True)
    assert "http://127.0.0.1:8765/?launch=" in capsys.readouterr().out


@pytest.mark.skipif(sys.platform == "darwin" or not POSIX, reason="Linux and other Unix only")
def test_on_linux_without_a_display_no_console_browser_takes_the_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    assert not launch.desktop_present()
    monkeypatch.setenv("BROWSER", "firefox")
    assert launch.desktop_present()


# ---- a whole launch, with a stand-in for the Streamlit server ----------------------------

# Serves as serve.LaunchSecret would (403 without this launch's cookie, 200 with it) for
# two seconds, then stops, as a server does when it is stopped.
STAND_IN = """
import http.server, os, sys, threading
port = int(sys.argv[1])
cookie = f"reflective_journal_{port}={os.environ['JOURNAL_LAUNCH_TOKEN']}"
assert os.environ["JOURNAL_DATA_DIR"]
class Gate(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.headers.get("Cookie") == cookie else 403)
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", port), Gate)
threading.Timer(2.0, server.shutdown).start()
server.serve_forever()
"""


def _stand_in(port: int) -> list[str]:
    return [sys.executable, "-c", STAND_IN, str(port)]


def test_a_whole_launch_on_a_taken_port_names_the_one_it_uses_and_cleans_up(
    tmp_path: Path,
    listening: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(launch, "server_command", _stand_in)
    assert launch.run(launch.Options(data_dir=tmp_path, port=listening, browser=False)) == 0
    shown = capsys.readouterr().out
    used = int(re.search(r"uses port (\d+) instead", shown).group(1))
    assert f"Port {listening} is in use; the journal uses port {used} instead." in shown
    assert f"http://127.0.0.1:{used}/?launch=" in shown
    assert not instance_lock.lock_path(tmp_path).exists()  # released when the server ended


def test_a_port_taken_while_the_server_starts_is_replaced_by_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    squatter = socket.socket()
    commands: list[int] = []

    def first_loses_its_port(port: int) -> list[str]:
        commands.append(port)
        if len(commands) == 1:  # another program takes the port before the server binds it
            squatter.bind(("127.0.0.1", port))
            squatter.listen()
            return [sys.executable, "-c", "raise SystemExit(1)"]
        return _stand_in(port)

    monkeypatch.setattr(launch, "server_command", first_loses_its_port)
    try:
        assert launch.run(launch.Options(data_dir=tmp_path, browser=False)) == 0
    finally:
        squatter.close()
    first, second = commands
    shown = capsys.readouterr().out
    assert f"Port {first} was taken meanwhile; trying port {second}." in shown
    assert f"http://127.0.0.1:{second}/?launch=" in shown
