"""`make bench`: time the journal at lifetime scale and compare with DESIGN.md's targets.

    python -m tests.bench [--sizes 1000,10000,50000]

For each size a demo journal is built in a temporary folder (deleted at the end) and
every entry of `MEASUREMENTS` runs in order on it, sharing one `Bench` context. The
output is a Markdown table: one row per measurement, one column per size, each figure
marked met or MISSED against its target and given as a multiple of that size's crypto
floor (AES-GCM decrypt plus JSON parse of the same rows).

The browser rows (tests/bench_browser.py) serve the journal with the app's own command
and time, in Debian's Chromium, unlock -> Home, every screen twice, the Trends clicks and
searches on Entries, from the click until the page is idle; the notes split the slowest
of each into the server's answer, the script and the browser's drawing.

Other figures (e.g. a Trends or Entries page rerun with AppTest) are added as rows with
`register(Measurement(...))` before `main()` runs; a measurement gets the context with
the journal's folder, path, passphrase and the unlocked journal.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cryptography
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from practice import demo
from storage import crypto, keyslots, vault
from storage.journal import Journal, open_with_data_key, record_aad
from storage.records import Reflection, new_id, now

DEFAULT_SIZES = (1000, 10_000, 50_000)
PASSPHRASE = "bench lantern walnut meadow"
OPEN_RUNS = 3
SAVE_RUNS = 100
SEARCH_RUNS = 20
# What a practitioner might look for: common, rare and absent words, a client code, two
# words in any order and a quoted phrase.
SEARCH_WORDS = (
    "consent", "supervisor", "pushback", "invoice", "faith", "silence", "gift", "rescue",
    "ending", "shoulder", "knee", "tired", "accent", "warm", "goals", "C-014", "apologised",
    "indispensable", "breaths", "zeppelin", "silence patient", "\"the client\"",
)  # fmt: skip


@dataclass
class Bench:
    """What the measurements of one size share."""

    size: int
    folder: Path
    passphrase: str = PASSPHRASE
    journal: Journal | None = None
    dek: bytes = b""
    results: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    trends_app: object = None
    browser: object = None  # tests.bench_browser.BrowserFigures, once measured

    @property
    def path(self) -> Path:
        return self.folder / "bench.journal"


@dataclass
class Measurement:
    """One row of the table: how to measure it, in what unit, against which target."""

    key: str
    label: str
    unit: str
    run: Callable[[Bench], float]
    target: str = ""
    # True/False = met/missed at this size; None = no target at this size
    check: Callable[[int, float], bool | None] = lambda size, value: None


MEASUREMENTS: list[Measurement] = []


def register(measurement: Measurement) -> Measurement:
    """Add a row; rows run in registration order, so later ones may use earlier results."""
    MEASUREMENTS.append(measurement)
    return measurement


def median_time(action: Callable[[], object], runs: int) -> float:
    """Median wall-clock seconds of `runs` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ---- the measurements ---------------------------------------------------------------------


def measure_create(bench: Bench) -> float:
    """Seconds to build the demo journal at the default Argon2id settings."""
    start = time.perf_counter()
    journal, _ = demo.build_demo(bench.path, bench.passphrase, bench.size, seed=0)
    seconds = time.perf_counter() - start
    journal.lock()
    return seconds


def measure_kdf(bench: Bench) -> float:
    """Seconds to unwrap the data key with the passphrase (Argon2id dominates)."""
    slot = keyslots.read_slot(bench.path, vault.PASSPHRASE_SLOT)
    params = crypto.KdfParams.from_json(slot.params)
    bench.notes.append(
        f"Argon2id {params.memory_kib // 1024} MiB, t={params.iterations}, p={params.lanes}"
    )

    def unwrap() -> None:
        bench.dek = vault.unwrap_with_passphrase(slot, bench.passphrase)

    return median_time(unwrap, 1)


def measure_open(bench: Bench) -> float:
    """Median seconds to read, check, decrypt and build every record, given the key."""
    times = []
    for _ in range(OPEN_RUNS):
        if bench.journal is not None:
            bench.journal.lock()
        start = time.perf_counter()
        bench.journal = open_with_data_key(bench.path, bench.dek)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def latest_blobs(path: Path) -> list[tuple[str, int, str, int, bytes]]:
    """The rows open decrypts: the newest revision of every record."""
    conn = vault.open_readonly(path)
    try:
        latest: dict[str, tuple] = {}
        for row in conn.execute("SELECT id, revision, kind, format, blob FROM records"):
            known = latest.get(row[0])
            if known is None or row[1] > known[1]:
                latest[row[0]] = row
        return list(latest.values())
    finally:
        conn.close()


def measure_floor(bench: Bench) -> float:
    """Seconds for AES-GCM decrypt + json.loads alone over the same blobs (no SQLite)."""
    rows = latest_blobs(bench.path)
    # the record key derived as Journal does; measured before open, on a clean heap
    cipher = AESGCM(crypto.hkdf(bench.dek, vault.RECORD_KEY_INFO))

    def decrypt_all() -> None:
        for record_id, revision, kind, fmt, blob in rows:
            aad = record_aad(kind, record_id, revision, fmt)
            json.loads(crypto.open_sealed(cipher, blob, aad))

    return median_time(decrypt_all, OPEN_RUNS)


def measure_ratio(bench: Bench) -> float:
    """How many times the crypto floor open takes."""
    return bench.results["open"] / bench.results["floor"]


def measure_search(bench: Bench) -> float:
    """Median ms of a search over all text, after a first (index-building) search."""
    journal = bench.journal
    journal.search(SEARCH_WORDS[0])  # warm-up: builds the lowercase index once
    times, hits = [], []
    for word in SEARCH_WORDS[:SEARCH_RUNS]:
        start = time.perf_counter()
        hits.append(len(journal.search(word)))
        times.append(time.perf_counter() - start)
    bench.notes.append(f"search hits: median {statistics.median(hits):.0f}, max {max(hits)}")
    return statistics.median(times) * 1000


def typical_reflection(journal: Journal) -> Reflection:
    """A demo reflection of about 300 words, to save copies of."""
    reflections = journal.all(Reflection)
    return min(reflections[:500], key=lambda r: abs(len(r.text().split()) - 300))


def measure_save(bench: Bench) -> float:
    """Median ms of saving a new ~300-word reflection (one transaction, one fsync)."""
    template = typical_reflection(bench.journal)
    times = []
    for _ in range(SAVE_RUNS):
        record = dataclasses.replace(template, id=new_id(), written_at=now())
        start = time.perf_counter()
        bench.journal.save(record)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure_draft(bench: Bench) -> float:
    """Median ms of autosaving the Reflect screen's draft (what happens while typing)."""
    text = typical_reflection(bench.journal).text()

    def autosave() -> None:
        bench.journal.save_draft("bench-reflect", {"free_text": text})

    return median_time(autosave, SAVE_RUNS) * 1000


def measure_peak_memory(bench: Bench) -> float:
    """MB of peak RSS of a fresh process that unlocks the journal and searches once."""
    bench.journal.lock()  # the child opens the file alone, like a new app session
    bench.journal = None
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench", "--peak-child", str(bench.path)],
        input=bench.passphrase,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return float(done.stdout.strip())


def peak_child(path: Path) -> None:
    """Child of measure_peak_memory: unlock, search, print ru_maxrss in MB."""
    journal = keyslots.unlock(path, sys.stdin.read())
    journal.search(SEARCH_WORDS[0])
    journal.lock()
    print(f"{own_peak_mb():.0f}")


def own_peak_mb() -> float:
    """This process's own peak resident memory in MB.

    Linux's ru_maxrss keeps the parent's peak across fork and exec, so a child of a big
    bench process would report the parent's size; VmHWM belongs to this process alone.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    # macOS reports ru_maxrss in bytes
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def measure_browser_unlock(bench: Bench) -> float:
    """Seconds in Chromium from the click on Unlock until Home is drawn and idle, key
    derivation included; the same visit then times every screen, Trends and a search
    (tests/bench_browser.py), which the rows below read."""
    from tests import bench_browser

    if bench.journal is not None:
        bench.journal.lock()  # the server opens the file itself, like the app
        bench.journal = None
    bench.browser = bench_browser.measure(bench.folder, bench.passphrase)
    bench.notes.extend(bench_browser.summary(bench.browser))
    return bench.browser.unlock.total


def measure_browser_switch(bench: Bench) -> float:
    """The slowest page switch in Chromium, first visits included (seconds)."""
    return bench.browser.worst(bench.browser.switches).total


def measure_browser_trends(bench: Bench) -> float:
    """The slowest Trends interaction in Chromium: a client, the items toggle, each tab."""
    return bench.browser.worst(bench.browser.trends).total


def measure_browser_search(bench: Bench) -> float:
    """The slowest of the searches typed on Entries in Chromium."""
    return bench.browser.worst(bench.browser.searches).total


def measure_server_memory(bench: Bench) -> float:
    """MB of peak memory of the server that served that Chromium visit (one journal)."""
    return bench.browser.server_peak_mb


def measure_file_size(bench: Bench) -> float:
    """MB on disk: the journal file and any write-ahead log beside it."""
    files = [bench.path, Path(f"{bench.path}-wal")]
    return sum(f.stat().st_size for f in files if f.exists()) / 1e6


def _trends_app(bench: Bench, screen: str = "trends"):
    """An AppTest session unlocked on the bench journal, switched to a screen (not yet run)."""
    from streamlit.testing.v1 import AppTest

    # AppTest's thread warns that it has no browser session: noise in the bench's report
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(
        logging.ERROR
    )
    os.environ["JOURNAL_DATA_DIR"] = str(bench.folder)
    root = Path(__file__).resolve().parents[1]
    at = AppTest.from_file(str(root / "journal_app.py"), default_timeout=120).run()
    at.text_input(key="unlock_passphrase").input(bench.passphrase)
    at = next(b for b in at.button if b.label == "Unlock").click().run()
    at.switch_page(f"pages/screens/{screen}.py")
    return at


def measure_trends_first(bench: Bench) -> float:
    """Seconds for the Trends page's first render after unlock: the caseload's frames,
    flags and ruptures are built, and its open tab (Alliance) drawn."""
    at = _trends_app(bench)
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception or len(at.get("vega_lite_chart")) < 2:
        raise RuntimeError("the Trends page did not render its Alliance charts")
    bench.trends_app = at
    return elapsed


def _longest_course(at) -> object:
    """The client course with the most outcome scores (the Trends session keeps them)."""
    courses = at.session_state["derived_outcome_courses"][1]
    return max(courses, key=lambda course: len(course.points))


def measure_trends_outcomes_first(bench: Bench) -> float:
    """Seconds to show one client's Outcomes tab on Trends, the chart and table of their
    scores included: the client with the longest outcome course."""
    at = bench.trends_app
    course = _longest_course(at)
    code = course.client.code
    at.selectbox(key="trends_scope").select(code)
    at.session_state["trends_tab"] = "Outcomes"
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    titles = [json.loads(chart.proto.spec).get("title", {}) for chart in at.get("vega_lite_chart")]
    shown = [t.get("text", "") for t in titles if isinstance(t, dict)]
    if at.exception or not any(t.startswith(f"{code}: ") and "over sessions" in t for t in shown):
        raise RuntimeError("the Outcomes tab did not chart the client's scores")
    whose = at.session_state["derived_trends_outcomes"][1].whose
    bench.notes.append(
        f"Trends → Outcomes: {code}'s {len(course.points)} scores on {course.measure.name}; "
        f"whose read from {whose.clients if whose else 0} clients"
    )
    return elapsed


def measure_trends_outcomes_rerun(bench: Bench) -> float:
    """Median seconds of 3 full reruns of Trends showing that client's Outcomes tab."""
    return median_time(bench.trends_app.run, 3)


def measure_trends_rerun(bench: Bench) -> float:
    """Median seconds of 3 full reruns of the Trends page (what every click costs)."""
    at = bench.trends_app
    return median_time(at.run, 3)


def measure_supervision_rerun(bench: Bench) -> float:
    """Median seconds of 3 full reruns of Supervision → Share (the list of flagged entries)."""
    at = _trends_app(bench, "supervision").run()
    if at.exception or not [c for c in at.checkbox if (c.key or "").startswith("sv_pick_")]:
        raise RuntimeError("the Share section did not list flagged entries")
    return median_time(at.run, 3)


def measure_entries_rerun(bench: Bench) -> float:
    """Median seconds of 3 full reruns of Entries with a common word searched (the matching
    entries listed a page at a time, with highlighted excerpts)."""
    at = _trends_app(bench, "entries").run()
    at.text_input(key="en_query").input(SEARCH_WORDS[1])
    at = at.run()
    if at.exception or not [b for b in at.button if (b.key or "").startswith("en_open_")]:
        raise RuntimeError("the Entries page did not list matching entries")
    return median_time(at.run, 3)


def _up_to(limit: float, from_size: int = 0, to_size: int = 10**9):
    """A check: value <= limit for sizes in [from_size, to_size], no target elsewhere."""
    return lambda size, value: value <= limit if from_size <= size <= to_size else None


for _row in (
    Measurement(
        "create", "create demo journal", "s", measure_create, "aim 50k <= 60 s",
        lambda size, value: value <= 60 if size >= 50_000 else None,
    ),
    Measurement(
        "kdf", "key derivation (Argon2id, default)", "s", measure_kdf, "0.2-1.0 s",
        lambda size, value: 0.2 <= value <= 1.0,
    ),
    Measurement("floor", "crypto floor: AES-GCM + json.loads", "s", measure_floor),
    Measurement("open", "open after key derivation (median of 3)", "s", measure_open),
    Measurement(
        "ratio", "open / crypto floor", "x", measure_ratio, "<= 1.5x",
        lambda size, value: value <= 1.5,
    ),
    Measurement(
        "search", "search all text (median of 20)", "ms", measure_search, "<= 50 ms at 10k",
        _up_to(50, to_size=10_000),
    ),
    Measurement(
        "save", "save one reflection (median of 100)", "ms", measure_save,
        "<= 20 ms, flat 1k-50k", _up_to(20),
    ),
    Measurement(
        "draft", "autosave a draft (median of 100)", "ms", measure_draft, "<= 20 ms",
        _up_to(20),
    ),
    Measurement(
        "memory", "peak memory: unlock + search (fresh process, no server)", "MB",
        measure_peak_memory,
    ),
    Measurement(
        "browser_unlock", "in Chromium: unlock -> Home, key derivation included", "s",
        measure_browser_unlock, "<= 1.0 s at 10k, <= 3 s at 50k",
        lambda size, value: value <= (1.0 if size <= 10_000 else 3.0),
    ),
    Measurement(
        "browser_switch", "in Chromium: slowest page switch, first visits included", "s",
        measure_browser_switch, "<= 0.5 s at 10k", _up_to(0.5, to_size=10_000),
    ),
    Measurement(
        "browser_trends", "in Chromium: slowest Trends interaction (client, tab, toggle)", "s",
        measure_browser_trends, "<= 0.5 s at 10k", _up_to(0.5, to_size=10_000),
    ),
    Measurement(
        "browser_search", "in Chromium: slowest search on Entries", "s",
        measure_browser_search, "<= 0.3 s at 10k", _up_to(0.3, to_size=10_000),
    ),
    Measurement(
        "server_memory", "peak memory of the server, one unlocked journal (Chromium visit)",
        "MB", measure_server_memory, "<= 300 MB at 10k", _up_to(300, to_size=10_000),
    ),
    Measurement("size", "file size", "MB", measure_file_size),
    Measurement(
        "trends_first", "Trends page (Alliance tab): first render after unlock (AppTest)",
        "s", measure_trends_first, "<= 1 s at 10k", _up_to(1.0, to_size=10_000),
    ),
    Measurement(
        "trends_rerun", "Trends page (Alliance tab): full rerun (AppTest, median of 3)", "s",
        measure_trends_rerun, "<= 1 s at 10k", _up_to(1.0, to_size=10_000),
    ),
    Measurement(
        "trends_outcomes_first",
        "Trends → Outcomes, one client's chart and table: first render (AppTest)", "s",
        measure_trends_outcomes_first, "<= 1 s at 10k", _up_to(1.0, to_size=10_000),
    ),
    Measurement(
        "trends_outcomes_rerun",
        "Trends → Outcomes, one client: full rerun (AppTest, median of 3)", "s",
        measure_trends_outcomes_rerun, "<= 1 s at 10k", _up_to(1.0, to_size=10_000),
    ),
    Measurement(
        "supervision_rerun", "Supervision → Share: full rerun (AppTest, median of 3)", "s",
        measure_supervision_rerun,
    ),
):  # fmt: skip
    register(_row)
register(
    Measurement(
        "entries_rerun",
        "Entries page: full rerun (AppTest, median of 3)",
        "s",
        measure_entries_rerun,
        "<= 1 s at 10k",
        _up_to(1.0, to_size=10_000),
    )
)


def measure_rekey(bench: Bench) -> float:
    """Seconds of "I think my passphrase or recovery key was seen": a new data key, every
    row re-encrypted in one transaction, new slots (default Argon2id). Runs last: the
    journal is under another key afterwards."""
    if bench.journal is None:
        bench.journal = open_with_data_key(bench.path, bench.dek)
    start = time.perf_counter()
    keyslots.rekey(bench.journal, bench.passphrase)
    return time.perf_counter() - start


register(Measurement("rekey", "re-key: new data key, every row re-encrypted", "s", measure_rekey))


# ---- running and reporting ------------------------------------------------------------------


def run_size(size: int, root: Path, measurements: list[Measurement]) -> Bench:
    """Every measurement on one freshly built journal; its folder is removed afterwards."""
    bench = Bench(size, root / f"size-{size}")
    bench.folder.mkdir()
    try:
        for m in measurements:
            bench.results[m.key] = m.run(bench)
            print(f"  {size:>6} {m.label}: {fmt(bench.results[m.key], m.unit)}", file=sys.stderr)
    finally:
        if bench.journal is not None:
            bench.journal.lock()
        shutil.rmtree(bench.folder, ignore_errors=True)
    return bench


def fmt(value: float, unit: str) -> str:
    """A figure with sensible precision for its unit."""
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "x":
        return f"{value:.1f}x"
    return f"{value:.0f} {unit}"


def size_label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def table(benches: list[Bench], measurements: list[Measurement]) -> str:
    """The Markdown table: rows = measurements, columns = sizes."""
    head = ["figure", "target", *(f"{size_label(b.size)} sessions" for b in benches)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for m in measurements:
        cells = [m.label, m.target or "-"]
        for b in benches:
            value = b.results.get(m.key)
            if value is None:
                cells.append("-")
                continue
            verdict = m.check(b.size, value)
            mark = "" if verdict is None else " met" if verdict else " **MISSED**"
            cells.append(fmt(value, m.unit) + mark + floor_ratio(b, m, value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def floor_ratio(bench: Bench, m: Measurement, value: float) -> str:
    """A timed figure's ratio to this size's crypto floor, e.g. " (3.1x floor)"."""
    floor = bench.results.get("floor")
    if not floor or m.key == "floor" or m.unit not in ("s", "ms"):
        return ""
    seconds = value if m.unit == "s" else value / 1000
    return f" ({seconds / floor:.2g}x floor)"


def flatness(benches: list[Bench], key: str, label: str) -> str | None:
    """Does `key` stay flat from the smallest to the largest journal (within 1.5x + 2 ms)?"""
    values = [(b.size, b.results[key]) for b in benches if key in b.results]
    if len(values) < 2:
        return None
    (small, first), (large, last) = values[0], values[-1]
    ok = last <= 1.5 * first + 2
    return (
        f"{label} flat from {size_label(small)} to {size_label(large)}: {first:.1f} -> "
        f"{last:.1f} ms ({'met' if ok else 'MISSED'}; flat = within 1.5x + 2 ms)."
    )


def machine() -> str:
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, cryptography {cryptography.__version__}"
    )


def main(argv: list[str] | None = None, measurements: list[Measurement] | None = None) -> int:
    """Run the benchmark and print the Markdown report on stdout (progress on stderr)."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--peak-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.peak_child:
        peak_child(args.peak_child)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    rows = measurements if measurements is not None else MEASUREMENTS
    root = Path(tempfile.mkdtemp(prefix="journal-bench-"))
    try:
        benches = [run_size(size, root, rows) for size in sizes]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"Journal benchmark ({machine()})\n")
    print(table(benches, rows))
    notes = [flatness(benches, "save", "Save"), flatness(benches, "draft", "Autosave")] + [
        f"{size_label(b.size)}: " + "; ".join(b.notes) for b in benches if b.notes
    ]
    print("\n" + "\n".join(f"- {n}" for n in notes if n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
