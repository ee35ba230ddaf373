"""The demo generator: a journal that reopens, has the promised shape, and is repeatable."""

from __future__ import annotations

import hashlib
import os
import re
import statistics
import string
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from insights import outcomes as rules
from practice import caseload, demo, demo_course, demo_outcomes, demo_text
from practice import outcomes as practice_outcomes
from prompts.library import builtin_library
from prompts.outcomes import builtin_measures
from storage import crypto, keyslots
from storage.errors import JournalExists, KdfBelowFloor
from storage.journal import Journal
from storage.keyslots import passphrase_problem
from storage.records import (
    DOMAINS,
    OUTCOME_SOURCES,
    PREDICTIONS,
    REACTIONS,
    RECORD_TYPES,
    Client,
    Estimate,
    Feedback,
    Outcome,
    Prediction,
    Reflection,
    Session,
    Settings,
    to_plain,
)

ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "copper kettle under moss"
SESSIONS = 200
TODAY = date(2026, 6, 15)


def floor_params() -> crypto.KdfParams:
    """The weakest Argon2id the app accepts: quick enough for tests, never lower."""
    return crypto.KdfParams(salt=os.urandom(16), memory_kib=65536, iterations=3, lanes=4)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A 200-session demo written, locked, and its path and recovery key."""
    path = tmp_path_factory.mktemp("demo") / "demo.journal"
    journal, recovery = demo.build_demo(path, PASSPHRASE, SESSIONS, seed=7, params=floor_params())
    journal.lock()
    return path, recovery


@pytest.fixture(scope="module")
def journal(built: tuple[Path, str]):
    """The demo reopened from disk with its passphrase (not the object that wrote it)."""
    opened = keyslots.unlock(built[0], PASSPHRASE)
    yield opened
    opened.lock()


@pytest.fixture(scope="module")
def large() -> dict[type, list]:
    """A bigger caseload straight from the generator (no crypto) for distribution checks."""
    found: dict[type, list] = defaultdict(list)
    for record in demo.generate(2000, seed=1, today=TODAY):
        found[type(record)].append(record)
    return found


def by_session(records: list) -> dict[str, object]:
    return {r.session_id: r for r in records}


def patient_totals(sessions: list[Session], feedback: dict[str, Feedback]) -> dict[str, list]:
    """Per client, the patient totals in date order (sessions without feedback skipped)."""
    out: dict[str, list[int]] = defaultdict(list)
    for s in sorted(sessions, key=lambda s: (s.client_id, s.date)):
        if s.id in feedback:
            out[s.client_id].append(feedback[s.id].total)
    return out


def v_shapes(totals: list[int]) -> tuple[int, int]:
    """(drops that return, drops that stay low for 2+ sessions): drop = >= 5 below the
    mean of the previous 3 totals; return = a later total back within 1 of that mean."""
    repaired = unrepaired = 0
    for j in range(3, len(totals)):
        before = statistics.mean(totals[j - 3 : j])
        if before - totals[j] < 5:
            continue
        after = totals[j + 1 :]
        if any(t >= before - 1 for t in after):
            repaired += 1
        if len(after) >= 2 and all(t <= before - 4 for t in after[:2]):
            unrepaired += 1
    return repaired, unrepaired


# ---- the written journal --------------------------------------------------------------


def test_reopens_with_passphrase_and_recovery_key_and_is_clean(built, journal) -> None:
    assert journal.report.clean
    again = keyslots.unlock_with_recovery_key(built[0], built[1])
    try:
        assert len(again.all(Session)) == SESSIONS
    finally:
        again.lock()


def test_has_the_promised_caseload(journal) -> None:
    clients = journal.all(Client)
    sessions = journal.all(Session)
    assert 10 <= len(clients) <= 40
    assert len(sessions) == SESSIONS
    assert {s.client_id for s in sessions} <= {c.id for c in clients}
    assert all(re.fullmatch(r"C-\d{3}", c.code) for c in clients)
    assert len({c.code for c in clients}) == len(clients)
    assert {c.status for c in clients} == {"active", "ended"}
    assert all(c.instrument == "sac4" for c in clients)


def test_every_held_session_has_an_estimate_and_most_have_feedback(journal) -> None:
    sessions = journal.all(Session)
    held = {s.id for s in sessions if not s.late_cancellation}
    cancelled = len(sessions) - len(held)
    estimates = by_session(journal.all(Estimate))
    feedback = by_session(journal.all(Feedback))
    assert 1 <= cancelled <= len(sessions) * 0.1
    assert set(estimates) == held
    assert set(feedback) <= held
    assert 0.8 * len(held) <= len(feedback) < len(held)  # most, not all


def test_scores_stay_on_the_scale_and_patients_rate_higher(journal) -> None:
    estimates = journal.all(Estimate)
    feedback = journal.all(Feedback)
    for record in estimates + feedback:
        assert record.instrument == "sac4"
        assert set(record.items) == {"bond", "goals", "tasks", "voice"}
        assert all(isinstance(v, int) and 0 <= v <= 10 for v in record.items.values())
    for e in estimates:
        assert e.presence is not None and 0 <= e.presence <= 10
        assert set(e.withdrawal_markers) <= set(demo.WITHDRAWAL_MARKERS)
        assert set(e.confrontation_markers) <= set(demo.CONFRONTATION_MARKERS)
    assert statistics.mean(f.total for f in feedback) > statistics.mean(e.total for e in estimates)
    assert statistics.median(f.total for f in feedback) >= 33  # bunched near the top
    assert any(e.withdrawal_markers or e.confrontation_markers for e in estimates)
    assert any(f.comment for f in feedback)


def test_estimate_is_recorded_before_feedback_with_a_few_exceptions(large) -> None:
    estimates = by_session(large[Estimate])
    pairs = [(estimates[f.session_id], f) for f in large[Feedback]]
    first = sum(e.recorded_at < f.recorded_at for e, f in pairs)
    assert 0.95 * len(pairs) <= first < len(pairs)


def test_reflections_are_150_to_400_words_with_prompts_reactions_and_tags(journal) -> None:
    reflections = journal.all(Reflection)
    assert len(reflections) == len(journal.all(Estimate))
    for r in reflections:
        assert 150 <= len(r.text().split()) <= 400, r.id
        assert 3 <= len(r.answers) <= 4
        for a in r.answers:
            domain = re.fullmatch(r"demo-([a-z]+)-\d+", a.prompt_id)
            assert domain and domain.group(1) in DOMAINS
            assert a.prompt_text.endswith("?") and a.answer
        assert set(r.focus_domains) <= set(DOMAINS)
        assert set(r.reactions) <= set(REACTIONS)
        assert all(v in (0, 1, 2, 3) for v in r.reactions.values())
        assert r.next_step and "{" not in r.text()
    tags = {t for r in reflections for t in r.tags}
    assert {"rupture", "touch-consent"} <= tags
    assert any(r.flagged_for_supervision for r in reflections)
    assert not all(r.flagged_for_supervision for r in reflections)
    # the demo writes about the six first domains; the newer ones are left to real use
    assert {d for r in reflections for d in r.focus_domains} == set(demo_text.PROMPTS)


def test_reflections_cover_hands_on_work(journal) -> None:
    text = " ".join(r.text() for r in journal.all(Reflection))
    assert "consent" in text
    assert re.search(r"pain estimate|out of 10", text)


def test_has_v_shaped_drops_that_return(journal) -> None:
    feedback = by_session(journal.all(Feedback))
    totals = patient_totals(journal.all(Session), feedback)
    assert sum(v_shapes(t)[0] for t in totals.values()) >= 1


def test_a_bigger_caseload_has_repairs_and_a_few_unrepaired_ruptures(large) -> None:
    totals = patient_totals(large[Session], by_session(large[Feedback]))
    repaired = sum(v_shapes(t)[0] for t in totals.values())
    unrepaired = sum(v_shapes(t)[1] for t in totals.values())
    assert repaired > unrepaired >= 1


def test_dates_are_realistic(journal) -> None:
    today = datetime.now(UTC).date()
    sessions = journal.all(Session)
    dates = [s.date for s in sessions]
    assert max(dates) < today
    assert (today - max(dates)).days <= 14
    assert (max(dates) - min(dates)).days >= 365  # spread over years, not weeks
    assert all(d.weekday() < 5 for d in dates)
    for client in journal.all(Client):
        own = sorted((s for s in sessions if s.client_id == client.id), key=lambda s: s.date)
        assert [s.number for s in own] == list(range(1, len(own) + 1))
        assert len({s.date for s in own}) == len(own)
        if own:
            assert client.started_on <= own[0].date
    horizon = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(days=1)
    stamps = [e.recorded_at for e in journal.all(Estimate)] + [
        r.written_at for r in journal.all(Reflection)
    ]
    assert max(stamps) < horizon


# ---- only what the app offers: markers, frameworks, items ----------------------------------

# the slots `demo_sentences.toml` may use (its header lists them)
SLOTS = {"moment", "feeling", "topic", "part", "pain_p", "pain_t", "marker", "arrival", "n", "code"}


def test_every_marker_the_demo_writes_is_one_the_reflect_screen_offers(large) -> None:
    withdrawal = {m for e in large[Estimate] for m in e.withdrawal_markers}
    confrontation = {m for e in large[Estimate] for m in e.confrontation_markers}
    assert withdrawal and confrontation
    assert withdrawal <= set(caseload.WITHDRAWAL_MARKERS)
    assert confrontation <= set(caseload.CONFRONTATION_MARKERS)


def test_every_marker_the_reflect_screen_offers_has_words_in_the_demo_text() -> None:
    offered = [*caseload.WITHDRAWAL_MARKERS, *caseload.CONFRONTATION_MARKERS]
    assert list(demo_text.MARKER_TEXT) == offered
    assert all(words.strip() for words in demo_text.MARKER_TEXT.values())


def test_every_framework_the_demo_writes_is_one_the_library_offers(large) -> None:
    offered = {f.id for f in builtin_library().framework_choices()}
    assert {r.framework for r in large[Reflection]} == offered


def test_scores_use_the_items_and_range_of_the_library_instrument(large) -> None:
    instrument = builtin_library().instruments[demo_course.INSTRUMENT]
    items = {item.id for item in instrument.items}
    assert {c.instrument for c in large[Client]} == {instrument.id}
    for record in large[Estimate] + large[Feedback]:
        assert record.instrument == instrument.id
        assert set(record.items) == items
        low, high = instrument.min_score, instrument.max_score
        assert all(low <= v <= high for v in record.items.values())
    assert set(demo_course.DROP_WEIGHTS) <= items


def test_the_demo_text_covers_every_domain_and_fills_only_known_slots() -> None:
    assert set(demo_text.PROMPTS) == set(demo_text.SENTENCES) == set(DOMAINS[:6])
    assert set(demo_text.PHYSICAL_PROMPTS) | set(demo_text.PHYSICAL_SENTENCES) <= set(DOMAINS)
    tables = (
        demo_text.SENTENCES,
        demo_text.PHYSICAL_SENTENCES,
        demo_text.EVENT_SENTENCES,
        demo_text.OPENERS,
    )
    templates = [t for table in tables for ts in table.values() for t in ts]
    templates += [
        *demo_text.NEXT_STEPS,
        *demo_text.PHYSICAL_NEXT_STEPS,
        *demo_text.ENDING_NEXT_STEPS,
    ]
    for template in templates:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
        assert fields <= SLOTS, template


# ---- outcome measures, scores and calls ------------------------------------------------------

MEASURES = builtin_measures()
APP_DEMO = demo.APP_DEMO_SESSIONS


class Records:
    """Generated records behind the two methods the outcome courses read (no crypto)."""

    def __init__(self, found: dict[type, list]) -> None:
        self.found = found
        self.settings = Settings()

    def all(self, kind: type) -> list:
        return self.found.get(kind, [])


def generated(sessions: int, seed: int, today: date = TODAY) -> dict[type, list]:
    found: dict[type, list] = defaultdict(list)
    for record in demo.generate(sessions, seed=seed, today=today):
        found[type(record)].append(record)
    return found


def whose(found: dict[type, list]) -> tuple[rules.WhoseRead | None, list]:
    records = Records(found)
    courses = practice_outcomes.courses(records, MEASURES)
    spans = {k: (i.total_min, i.total_max) for k, i in builtin_library().instruments.items()}
    reads = practice_outcomes.early_reads(records, spans, courses)
    return rules.whose_read(reads), courses


def test_clients_take_a_measure_that_fits_their_work_and_a_few_take_none(large) -> None:
    minutes = {s.client_id: s.duration_minutes for s in large[Session]}
    chosen = {c.id: c.outcome_measure for c in large[Client]}
    talk = {m for cid, m in chosen.items() if minutes[cid] == 50}
    hands_on = {m for cid, m in chosen.items() if minutes[cid] != 50}
    assert talk - {"", "ors"} == {"phq9", "gad7", "core10"}
    assert hands_on - {"", "ors"} == {"pain_nrs", "psfs"}
    values = list(chosen.values())
    assert values.count("ors") == 1
    assert 1 <= values.count("") <= len(values) // 5


def test_every_held_session_of_a_measured_client_has_one_valid_outcome(large) -> None:
    measure_of = {c.id: c.outcome_measure for c in large[Client]}
    held = {s.id: s for s in large[Session] if not s.late_cancellation}
    estimated = {e.session_id for e in large[Estimate]}
    expected = {sid for sid, s in held.items() if measure_of[s.client_id] and sid in estimated}
    outcomes = large[Outcome]
    assert sorted(o.session_id for o in outcomes) == sorted(expected)
    for outcome in outcomes:
        measure = MEASURES[outcome.measure]
        assert outcome.measure == measure_of[held[outcome.session_id].client_id]
        assert outcome.source in OUTCOME_SOURCES and outcome.source != "csv"
        assert practice_outcomes.answer_problems(measure, outcome.items, outcome.activities) == []
        assert outcome.total == measure.total(outcome.items)
        assert measure.total_min <= outcome.total <= measure.total_max
    assert {o.source for o in outcomes} == {"kiosk", "paper"}
    named = [o.activities for o in outcomes if o.measure == "psfs"]
    assert named and all(2 <= len(a) <= 3 and all(a.values()) for a in named)


def test_one_risk_item_long_since_acknowledged_and_none_open(large) -> None:
    risky = [o for o in large[Outcome] if o.risk_items]
    assert len(risky) == 1
    (outcome,) = risky
    assert outcome.risk_items == list(MEASURES[outcome.measure].risk_items)
    assert outcome.risk_acknowledged_at is not None
    latest = max(s.date for s in large[Session])
    assert (latest - outcome.risk_acknowledged_at.date()).days > 60
    assert all(
        o.items.get("q9", 0) == 0
        for o in large[Outcome]
        if o.measure == "phq9" and not o.risk_items
    )


def test_a_few_blind_calls_each_after_your_read(large) -> None:
    calls = large[Prediction]
    estimates = {e.session_id: e for e in large[Estimate]}
    outcomes = {o.session_id for o in large[Outcome]}
    assert 0.03 * len(outcomes) <= len(calls) <= 0.2 * len(outcomes)
    assert {c.expected for c in calls} == set(PREDICTIONS)
    for call in calls:
        assert call.session_id in outcomes
        assert call.recorded_at > estimates[call.session_id].recorded_at


@pytest.mark.parametrize("seed", [0, 1, 2, 5])
def test_the_app_demo_shows_whose_early_read_goes_with_progress(seed: int) -> None:
    found, courses = whose(generated(APP_DEMO, seed))
    assert found is not None and found.clients >= 12
    assert 0.4 <= found.client.r <= 0.6
    assert 0.05 <= found.practitioner.r <= 0.25
    assert found.client.n == found.practitioner.n == found.clients
    reasons = [c for c in courses if c.reason and c.client.status == "active"]
    assert 1 <= len(reasons) <= 4  # a couple of clients not on track, not a crowd
    statuses = {p.status for c in courses for p in c.points}
    assert statuses == {rules.BASELINE, *rules.STATUSES}
    assert rules.prediction_calibration([p for c in courses for p in c.calls]).deteriorations


def test_outcomes_leave_the_rest_of_a_seeds_journal_as_it_was(monkeypatch) -> None:
    def plain(found: dict[type, list]) -> list:
        return sorted(
            (r.KIND, r.id, to_plain(r))
            for kind, records in found.items()
            if kind not in (Outcome, Prediction, Client)
            for r in records
        )

    with_outcomes = generated(300, 4)
    monkeypatch.setattr(demo_outcomes.OutcomePlan, "records", lambda self, limit: iter(()))
    without = generated(300, 4)
    assert plain(with_outcomes) == plain(without)
    assert [c.code for c in with_outcomes[Client]] == [c.code for c in without[Client]]


# ---- repeatability, refusal, command line -------------------------------------------------


def content(journal: Journal) -> list[tuple[str, str, dict]]:
    """Every record's kind, id and encrypted content, in a stable order."""
    records = [r for cls in RECORD_TYPES.values() for r in journal.all(cls, include_trash=True)]
    return sorted((r.KIND, r.id, to_plain(r)) for r in records)


def test_same_seed_gives_the_same_journal_and_another_seed_does_not(tmp_path: Path) -> None:
    built = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        path = tmp_path / f"{name}.journal"
        journal, _ = demo.build_demo(
            path, PASSPHRASE, 60, seed=seed, params=floor_params(), today=TODAY
        )
        built.append(content(journal))
        journal.lock()
    assert built[0] == built[1]
    assert built[0] != built[2]
    assert {kind for kind, _, _ in built[0]} >= {"client", "session", "reflection"}


def test_refuses_an_existing_journal_and_leaves_it_untouched(built) -> None:
    path = built[0]
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(JournalExists):
        demo.build_demo(path, "another four word phrase", 60, params=floor_params())
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    keyslots.unlock(path, PASSPHRASE).lock()


def test_key_settings_below_the_floor_are_refused_before_writing(tmp_path: Path) -> None:
    weak = crypto.KdfParams(salt=os.urandom(16), memory_kib=32768, iterations=3, lanes=4)
    with pytest.raises(KdfBelowFloor):
        demo.build_demo(tmp_path / "weak.journal", PASSPHRASE, 60, params=weak)
    assert list(tmp_path.iterdir()) == []


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "practice.demo", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_cli_writes_a_demo_and_prints_a_passphrase_that_opens_it(tmp_path: Path) -> None:
    done = run_cli("--data-dir", str(tmp_path), "--sessions", "60", "--seed", "2")
    assert done.returncode == 0, done.stderr
    found = re.search(r"^Passphrase: (.+)$", done.stdout, re.MULTILINE)
    assert found
    passphrase = found.group(1)
    assert len(passphrase.split()) == 4
    journal = keyslots.unlock(tmp_path / "demo.journal", passphrase)
    try:
        assert len(journal.all(Session)) == 60
    finally:
        journal.lock()
    again = run_cli("--data-dir", str(tmp_path), "--sessions", "60", "--passphrase", PASSPHRASE)
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert PASSPHRASE not in again.stdout


def test_cli_honours_name_and_passphrase(tmp_path: Path) -> None:
    done = run_cli(
        "--data-dir", str(tmp_path), "--name", "practice demo", "--sessions", "12",
        "--passphrase", PASSPHRASE,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    keyslots.unlock(tmp_path / "practice demo.journal", PASSPHRASE).lock()


# ---- helpers the app uses -------------------------------------------------------------------


def test_memorable_passphrase_is_four_words_the_journal_accepts() -> None:
    phrases = {demo.memorable_passphrase() for _ in range(20)}
    assert len(phrases) == 20
    for phrase in phrases:
        assert len(phrase.split()) == 4
        assert passphrase_problem(phrase) is None


def test_free_demo_name_never_picks_an_existing_journal(tmp_path: Path) -> None:
    assert demo.free_demo_name(tmp_path) == "demo"
    (tmp_path / "demo.journal").write_bytes(b"")
    (tmp_path / "demo-2.journal").write_bytes(b"")
    assert demo.free_demo_name(tmp_path) == "demo-3"


def test_client_count_stays_between_10_and_40() -> None:
    assert [demo_course.client_count(n) for n in (1, 60, 400, 1000, 50_000)] == [10, 10, 16, 40, 40]
