"""The Journal: the golden file, round trips, revisions, trash, drafts, batches, search,
backups and two sessions on one file (key slots: test_keyslots.py)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import crypto, keyslots, vault
from storage import journal as journal_module
from storage.errors import (
    BackupError,
    InvalidRecord,
    RecordNotFound,
)
from storage.journal import Journal
from storage.records import (
    Answer,
    Client,
    Draft,
    Estimate,
    Feedback,
    Reflection,
    Session,
    Settings,
)
from tests.conftest import (
    JournalTemplate,
    current_entries,
    data_key,
    make_template,
    record_rows,
)

# ---- the golden journal (tests/golden/make_golden.py made it once; never regenerate) ------

GOLDEN = Path(__file__).parent / "golden" / "golden-v1.journal"
GOLDEN_SHA256 = "2db000b91e7cb52c57417c87d3f53ddf7ca229ca0176e11a5f4fc71135d889ae"
GOLDEN_PASSPHRASE = "golden journal \u00e9t\u00e9 passphrase \u2713"
GOLDEN_RECOVERY_KEY = "EDYE-D5H5-WECW-KVGJ-BAYB-CGAV-P3PE-FST7-IHAL-6NCA-MBMN-KKV6-BZOQ"
AWKWARD = (
    "Felt \U0001f62c then \U0001f469\U0001f3fd\u200d\u2695\ufe0f calm \U0001f1f3\U0001f1f4;"
    " NUL[\x00] CRLF[\r\n] CR[\r] TAB[\t];"
    " \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u0639\u0631\u0628\u064a"
    " / \u05e2\u05d1\u05e8\u05d9\u05ea \u05e9\u05dc\u05d5\u05dd\u200f;"
    " cafe\u0301 \ufeffBOM \u2028LS"
)
AT = datetime(2025, 3, 4, 17, 30, tzinfo=UTC)
ID_CLIENT = "0000000000000000000000000000c014"
ID_SESSION = "00000000000000000000000000005e51"
ID_REFLECTION = "000000000000000000000000000000f1"
ID_TRASHED = "000000000000000000000000000000f2"
GOLDEN_RECORDS = [
    Settings(
        profession="physiotherapy",
        idle_minutes=15,
        hidden_prompts=["p-1"],
        id="0000000000000000000000000000a001",
    ),
    Client(
        code="C-014",
        alias="\u0633\u0627\u0631\u0629 / \u05e9\u05e8\u05d4 \U0001f33f",
        started_on=date(2024, 1, 15),
        goals="Walk again\r\nSleep\x00through",
        id=ID_CLIENT,
    ),
    Session(
        client_id=ID_CLIENT,
        date=date(2025, 3, 4),
        number=7,
        modality="video",
        duration_minutes=45,
        id=ID_SESSION,
    ),
    Estimate(
        session_id=ID_SESSION,
        instrument="sac4",
        items={"bond": 3, "goals": 2},
        presence=8,
        withdrawal_markers=["silence"],
        recorded_at=AT,
        id="00000000000000000000000000000e57",
    ),
    Feedback(
        session_id=ID_SESSION,
        instrument="sac4",
        items={"bond": 4, "goals": 3},
        comment="\u0634\u0643\u0631\u0627\u064b \U0001f64f \u05ea\u05d5\u05d3\u05d4\r\n",
        source="kiosk",
        recorded_at=AT,
        id="00000000000000000000000000000fb1",
    ),
    Reflection(
        session_id=ID_SESSION,
        client_id=ID_CLIENT,
        framework="gibbs",
        focus_domains=["alliance", "presence"],
        answers=[Answer("p-what", "What happened? \u2014 \u00bfQu\u00e9?", AWKWARD)],
        reactions={"helpless/inadequate": 2, "positive": 1},
        free_text=AWKWARD,
        next_step="\u05dc\u05e9\u05d0\u05d5\u05dc \u0627\u0633\u0623\u0644\r\n\x00",
        tags=["rupture", "\U0001f3f7\ufe0f", "\u05e2\u05d1\u05e8\u05d9\u05ea"],
        flagged_for_supervision=True,
        written_at=AT,
        id=ID_REFLECTION,
    ),
]


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Journal:
    """The golden journal, unlocked from a copy (the committed file is never opened)."""
    copy = tmp_path_factory.mktemp("golden") / "golden.journal"
    shutil.copy(GOLDEN, copy)
    journal = keyslots.unlock(copy, GOLDEN_PASSPHRASE)
    yield journal
    journal.lock()


def test_the_committed_golden_journal_is_the_original_file() -> None:
    """Never regenerate it: a new format gets a new golden file beside this one."""
    assert hashlib.sha256(GOLDEN.read_bytes()).hexdigest() == GOLDEN_SHA256
    assert not Path(f"{GOLDEN}-wal").exists() and not Path(f"{GOLDEN}-shm").exists()


def test_the_golden_journal_was_made_with_kdf_parameters_at_the_floor(golden: Journal) -> None:
    slot = keyslots.read_slot(golden.path, vault.PASSPHRASE_SLOT)
    params = crypto.KdfParams.from_json(slot.params)
    assert (params.memory_kib, params.iterations, params.lanes) == (65536, 3, 4)


def test_the_golden_journal_opens_cleanly(golden: Journal) -> None:
    assert golden.report.clean


@pytest.mark.parametrize("expected", GOLDEN_RECORDS, ids=lambda r: r.KIND)
def test_the_golden_journal_yields_its_exact_records(golden: Journal, expected) -> None:
    assert golden.get(expected.id) == expected
    assert golden.all(type(expected)) == [expected]


def test_the_golden_reflection_keeps_emoji_nul_crlf_and_right_to_left_text(
    golden: Journal,
) -> None:
    text = golden.get(ID_REFLECTION).free_text
    for piece in (
        "\U0001f469\U0001f3fd\u200d\u2695\ufe0f",
        "\x00",
        "\r\n",
        "\u05e2\u05d1",
        "\u0627",
    ):
        assert piece in text
    assert text == AWKWARD


def test_the_golden_journal_keeps_the_first_revision_of_the_edited_reflection(
    golden: Journal,
) -> None:
    history = golden.history(ID_REFLECTION)
    assert [e.revision for e in history] == [1, 2]
    first = history[0].record
    assert first.free_text == "revision one"
    assert first.answers == [Answer("p-what", "What happened?", "first draft of the answer")]


def test_the_golden_journal_has_one_reflection_in_the_trash(golden: Journal) -> None:
    trash = golden.trash()
    assert [e.record.id for e in trash] == [ID_TRASHED]
    assert trash[0].record.free_text == "to the trash \U0001f5d1"
    assert trash[0].revision == 2


def test_the_golden_journal_keeps_its_draft(golden: Journal) -> None:
    draft = golden.draft("reflect")
    assert draft is not None
    assert draft.fields == {"free_text": "half-written \u2026\r\n\x00", "rating": 7}


def test_the_golden_journal_opens_with_its_recovery_key(tmp_path: Path) -> None:
    copy = tmp_path / "golden.journal"
    shutil.copy(GOLDEN, copy)
    journal = keyslots.unlock_with_recovery_key(copy, GOLDEN_RECOVERY_KEY.lower())
    try:
        assert journal.get(ID_REFLECTION) == GOLDEN_RECORDS[-1]
        assert journal.needs_new_passphrase
    finally:
        journal.lock()


# ---- format 1 is read, and upgraded to format 2 on unlock --------------------------------


def _golden_copy(folder: Path) -> Path:
    copy = folder / "golden.journal"
    shutil.copy(GOLDEN, copy)
    return copy


def _meta(path: Path) -> dict[str, bytes]:
    conn = sqlite3.connect(str(path))
    try:
        return {name: bytes(value) for name, value in conn.execute("SELECT name, value FROM meta")}
    finally:
        conn.close()


def test_the_golden_version_1_journal_is_version_2_after_unlock_and_passes_verify(
    tmp_path: Path,
) -> None:
    copy = _golden_copy(tmp_path)
    rows_before = record_rows(copy)
    journal = keyslots.unlock(copy, GOLDEN_PASSPHRASE)
    try:
        assert journal.report.clean and journal.verify().ok
        meta = _meta(copy)
        assert meta["format_version"] == b"2"
        assert vault.SET_HASH_V1 not in meta  # the raw sum is gone, sealed instead
        assert {vault.INTEGRITY, vault.KEY_ID} <= set(meta)
        assert record_rows(copy) == rows_before  # rows are not touched by the upgrade
        journal.save(Reflection(free_text="written in format 2"))
    finally:
        journal.lock()
    again = keyslots.unlock_with_recovery_key(copy, GOLDEN_RECOVERY_KEY)
    try:
        assert again.report.clean and again.verify().ok
        assert again.get(ID_REFLECTION) == GOLDEN_RECORDS[-1]
    finally:
        again.lock()


def test_a_version_1_journal_opened_without_unlocking_is_read_and_written_as_version_1(
    tmp_path: Path,
) -> None:
    """A backup checked or restored with the current key is not upgraded with that key
    (it may be another journal's): it stays version 1 until it is unlocked itself."""
    copy = _golden_copy(tmp_path)
    dek = data_key(copy, GOLDEN_PASSPHRASE)
    journal = journal_module.open_with_data_key(copy, dek)
    try:
        assert journal.report.clean and journal.verify().ok
        journal.save(Reflection(free_text="written into a version 1 file"))
        assert journal.verify().ok
    finally:
        journal.lock()
    assert _meta(copy)["format_version"] == b"1"
    reopened = keyslots.unlock(copy, GOLDEN_PASSPHRASE)
    try:
        assert reopened.report.clean and reopened.verify().ok
    finally:
        reopened.lock()
    assert _meta(copy)["format_version"] == b"2"


def test_a_version_1_journal_with_a_deleted_row_stays_reported_after_the_upgrade(
    tmp_path: Path,
) -> None:
    copy = _golden_copy(tmp_path)
    conn = sqlite3.connect(str(copy))
    with conn:
        conn.execute("DELETE FROM records WHERE id = ? AND revision = 2", [ID_REFLECTION])
    conn.close()
    journal = keyslots.unlock(copy, GOLDEN_PASSPHRASE)
    try:
        assert not journal.report.set_hash_ok
        journal.save(Reflection(free_text="a later write does not heal it"))
    finally:
        journal.lock()
    assert _meta(copy)["format_version"] == b"2"
    reopened = keyslots.unlock(copy, GOLDEN_PASSPHRASE)
    try:
        assert not reopened.report.set_hash_ok and not reopened.verify().ok
    finally:
        reopened.lock()


# ---- round trips ---------------------------------------------------------------------------

TEXT = st.text(max_size=300)
REFLECTIONS = st.builds(
    Reflection,
    answers=st.lists(st.builds(Answer, TEXT, TEXT, TEXT), max_size=4),
    free_text=TEXT,
    next_step=TEXT,
    tags=st.lists(st.text(min_size=1, max_size=30), max_size=6),
    focus_domains=st.lists(TEXT, max_size=3),
    reactions=st.dictionaries(TEXT, st.integers(0, 3), max_size=4),
    flagged_for_supervision=st.booleans(),
)


@pytest.fixture(scope="module")
def roundtrip_template(tmp_path_factory: pytest.TempPathFactory) -> JournalTemplate:
    return make_template(tmp_path_factory.mktemp("roundtrip"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reflection=REFLECTIONS)
def test_a_reflection_with_arbitrary_unicode_survives_save_lock_and_reopen(
    reflection: Reflection, roundtrip_template: JournalTemplate, tmp_path_factory
) -> None:
    """Through the disk and the record cipher; the KDF is covered by the next test."""
    path = roundtrip_template.copy_to(tmp_path_factory.mktemp("example"))
    journal = roundtrip_template.open(path)
    journal.save(reflection)
    journal.lock()
    reopened = roundtrip_template.open(path)
    try:
        assert reopened.get(reflection.id) == reflection
        assert reopened.report.clean
    finally:
        reopened.lock()


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reflection=REFLECTIONS)
def test_a_reflection_with_arbitrary_unicode_survives_a_real_passphrase_unlock(
    reflection: Reflection, roundtrip_template: JournalTemplate, tmp_path_factory
) -> None:
    path = roundtrip_template.copy_to(tmp_path_factory.mktemp("example"))
    journal = roundtrip_template.open(path)
    journal.save(reflection)
    journal.lock()
    reopened = keyslots.unlock(path, roundtrip_template.passphrase)
    try:
        assert reopened.get(reflection.id) == reflection
    finally:
        reopened.lock()


@pytest.mark.parametrize(
    "reflection",
    [
        Reflection(),
        Reflection(free_text="\U0001f600" * 250_000),  # 1 MB of UTF-8
        Reflection(
            answers=[Answer("p", "prompt", "a" * 1_000_000)],
            next_step="\u05e9" * 10,
            tags=[""],
        ),
    ],
    ids=["empty", "1MB-emoji-free-text", "1MB-answer"],
)
def test_empty_and_one_megabyte_reflections_survive_save_lock_and_unlock(
    reflection: Reflection, journal_path: Path, empty_template: JournalTemplate
) -> None:
    journal = empty_template.open(journal_path)
    journal.save(reflection)
    journal.lock()
    reopened = empty_template.unlock(journal_path)
    try:
        assert reopened.get(reflection.id) == reflection
        assert reopened.report.clean
    finally:
        reopened.lock()


@pytest.mark.parametrize(
    "record",
    [
        Client(code="C-\u0661\u0662", alias="\u05e9\u05e8\u05d4", goals="\x00\r\n"),
        Feedback(session_id="s", instrument="srs", items={"\u00e9": 1}, comment="\U0001f64f"),
        Draft(key="reflect", fields={"nested": {"list": [1, "\x00", None, True]}}),
        Settings(custom_prompts=[{"id": "p-\u00e9", "text": "\u0645\u0631\u062d\u0628\u0627"}]),
    ],
    ids=lambda r: r.KIND,
)
def test_other_kinds_of_record_survive_save_lock_and_reopen(
    record, journal_path: Path, empty_template: JournalTemplate
) -> None:
    journal = empty_template.open(journal_path)
    journal.save(record)
    journal.lock()
    reopened = empty_template.open(journal_path)
    try:
        assert reopened.get(record.id) == record
    finally:
        reopened.lock()


# ---- locking -------------------------------------------------------------------------------


def test_locking_closes_the_file_and_forgets_keys_and_records(sample_journal: Journal) -> None:
    sample_journal.lock()
    assert not sample_journal.is_open
    assert sample_journal.all(Reflection, include_trash=True) == []
    assert not sample_journal.holds_keys
    assert sorted(p.name for p in sample_journal.path.parent.iterdir()) == [
        sample_journal.path.name
    ]
    with pytest.raises(InvalidRecord, match="locked"):
        sample_journal.save(Reflection(free_text="after the lock"))


# ---- revisions -----------------------------------------------------------------------------


def test_editing_a_record_keeps_the_earlier_revision_in_its_history(
    journal: Journal, journal_path: Path, empty_template: JournalTemplate
) -> None:
    reflection = Reflection(free_text="before")
    journal.save(reflection)
    reflection.free_text = "after"
    assert journal.save(reflection).revision == 2
    journal.lock()
    reopened = empty_template.open(journal_path)
    assert reopened.get(reflection.id).free_text == "after"
    assert [(e.revision, e.record.free_text) for e in reopened.history(reflection.id)] == [
        (1, "before"),
        (2, "after"),
    ]
    reopened.lock()


def test_restoring_a_revision_makes_it_current_as_a_new_revision(journal: Journal) -> None:
    reflection = Reflection(free_text="one")
    journal.save(reflection)
    reflection.free_text = "two"
    journal.save(reflection)
    entry = journal.restore_revision(reflection.id, 1)
    assert entry.revision == 3 and journal.get(reflection.id).free_text == "one"
    assert [e.record.free_text for e in journal.history(reflection.id)] == ["one", "two", "one"]


def test_restoring_a_revision_that_does_not_exist_raises_record_not_found(
    journal: Journal,
) -> None:
    reflection = Reflection(free_text="one")
    journal.save(reflection)
    with pytest.raises(RecordNotFound):
        journal.restore_revision(reflection.id, 7)


def test_saving_a_record_under_an_id_of_another_kind_is_refused(journal: Journal) -> None:
    client = Client(code="C-001")
    journal.save(client)
    with pytest.raises(InvalidRecord):
        journal.save(Reflection(free_text="same id", id=client.id))
    assert journal.get(client.id) == client
    assert [e.revision for e in journal.history(client.id)] == [1]


# ---- trash ---------------------------------------------------------------------------------


def test_a_deleted_record_leaves_all_and_appears_in_the_trash(
    sample_journal: Journal, sample_template: JournalTemplate
) -> None:
    plain = sample_template.ids["plain"]
    sample_journal.delete(plain)
    assert plain not in [r.id for r in sample_journal.all(Reflection)]
    assert plain in [r.id for r in sample_journal.all(Reflection, include_trash=True)]
    assert [e.record.id for e in sample_journal.trash()][0] == plain


def test_the_trash_lists_the_most_recently_deleted_first(journal: Journal) -> None:
    first, second = Reflection(free_text="first"), Reflection(free_text="second")
    journal.save(first)
    journal.save(second)
    journal.delete(first.id)
    journal.delete(second.id)
    assert [e.record.id for e in journal.trash()] == [second.id, first.id]


def test_restoring_from_the_trash_brings_the_record_back_after_reopening(
    sample_journal: Journal, sample_path: Path, sample_template: JournalTemplate
) -> None:
    trashed = sample_template.ids["trashed"]
    assert trashed not in [r.id for r in sample_journal.all(Reflection)]
    sample_journal.restore(trashed)
    sample_journal.lock()
    reopened = sample_template.open(sample_path)
    assert trashed in [r.id for r in reopened.all(Reflection)]
    assert trashed not in [e.record.id for e in reopened.trash()]
    assert reopened.get(trashed).free_text == "this one goes to the trash"
    reopened.lock()


def test_a_deleted_record_stays_in_the_trash_after_reopening(
    sample_journal: Journal, sample_path: Path, sample_template: JournalTemplate
) -> None:
    plain = sample_template.ids["plain"]
    sample_journal.delete(plain)
    sample_journal.lock()
    reopened = sample_template.open(sample_path)
    assert plain in [e.record.id for e in reopened.trash()]
    assert reopened.entry(plain).deleted_at is not None
    reopened.lock()


# ---- drafts --------------------------------------------------------------------------------


def test_a_draft_is_replaced_in_place_keeping_one_row(
    journal: Journal, journal_path: Path, empty_template: JournalTemplate
) -> None:
    for text in ("a", "ab", "abc"):
        draft = journal.save_draft("reflect", {"free_text": text})
    journal.lock()
    rows = [key for key in record_rows(journal_path) if key[0] == draft.id]
    assert rows == [(draft.id, 3)]
    reopened = empty_template.open(journal_path)
    assert reopened.draft("reflect").fields == {"free_text": "abc"}
    assert reopened.report.set_hash_ok
    reopened.lock()


def test_discarding_a_draft_erases_its_rows(
    journal: Journal, journal_path: Path, empty_template: JournalTemplate
) -> None:
    draft = journal.save_draft("reflect", {"free_text": "gone soon"})
    journal.save_draft("feedback", {"comment": "stays"})
    journal.discard_draft("reflect")
    assert journal.draft("reflect") is None
    journal.lock()
    assert not [key for key in record_rows(journal_path) if key[0] == draft.id]
    reopened = empty_template.open(journal_path)
    assert reopened.draft("reflect") is None
    assert reopened.draft("feedback").fields == {"comment": "stays"}
    assert reopened.report.clean
    reopened.lock()


def test_drafts_of_different_screens_are_kept_apart(journal: Journal) -> None:
    journal.save_draft("reflect", {"free_text": "one"})
    journal.save_draft("feedback", {"comment": "two"})
    assert journal.draft("reflect").fields == {"free_text": "one"}
    assert journal.draft("feedback").fields == {"comment": "two"}
    assert journal.draft("settings") is None


# ---- add_many ------------------------------------------------------------------------------


def test_add_many_saves_every_record_in_one_go(
    journal: Journal, journal_path: Path, empty_template: JournalTemplate
) -> None:
    records = [Reflection(free_text=f"imported {i}") for i in range(50)]
    journal.add_many(records)
    journal.lock()
    reopened = empty_template.open(journal_path)
    assert {r.id for r in reopened.all(Reflection)} == {r.id for r in records}
    assert reopened.report.clean
    reopened.lock()


def test_add_many_failing_inside_its_transaction_writes_nothing(
    sample_journal: Journal,
    sample_path: Path,
    sample_template: JournalTemplate,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows_before = record_rows(sample_path)

    def fail(self, delta: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Journal, "_adjust_set_hash", fail)
    records = [Reflection(free_text=f"imported {i}") for i in range(20)]
    with pytest.raises(OSError, match="disk full"):
        sample_journal.add_many(records)
    monkeypatch.undo()
    assert not {r.id for r in records} & {r.id for r in sample_journal.all(Reflection)}
    sample_journal.lock()
    assert record_rows(sample_path) == rows_before
    reopened = sample_template.open(sample_path)
    assert reopened.report.clean
    reopened.lock()


@pytest.mark.parametrize("clash", ["existing-id", "repeated-id"])
def test_add_many_refuses_records_that_are_not_new_and_writes_nothing(
    clash: str, sample_journal: Journal, sample_path: Path, sample_template: JournalTemplate
) -> None:
    rows_before = record_rows(sample_path)
    fresh = Reflection(free_text="new")
    other = (
        Reflection(free_text="clash", id=sample_template.ids["plain"])
        if clash == "existing-id"
        else Reflection(free_text="clash", id=fresh.id)
    )
    with pytest.raises(InvalidRecord):
        sample_journal.add_many([fresh, other])
    with pytest.raises(RecordNotFound):
        sample_journal.get(fresh.id)
    sample_journal.lock()
    assert record_rows(sample_path) == rows_before


# ---- search --------------------------------------------------------------------------------


def test_search_ignores_case(journal: Journal) -> None:
    reflection = Reflection(free_text="A Rupture and a REPAIR")
    journal.save(reflection)
    hits = journal.search("rupture")
    assert [h.record.id for h in hits] == [reflection.id]
    assert [hits[0].text[a:b] for a, b in hits[0].spans] == ["Rupture"]
    assert [h.record.id for h in journal.search("  repair ")] == [reflection.id]


def test_search_ignores_case_beyond_ascii(journal: Journal) -> None:
    reflection = Reflection(
        free_text="\u00c9T\u00c9 \u0394\u0399\u0391\u039b\u039f\u0393\u039f\u03a3"
    )
    journal.save(reflection)
    assert [h.record.id for h in journal.search("\u00e9t\u00e9")] == [reflection.id]


@pytest.mark.parametrize(
    ("record", "query"),
    [
        (Reflection(answers=[Answer("p", "prompt", "felt helpless today")]), "helpless"),
        (Reflection(next_step="Ask about sleep"), "sleep"),
        (Client(code="C-101", alias="Morgan", goals="return to running"), "running"),
        (Feedback(session_id="s", instrument="srs", items={}, comment="Too rushed"), "rushed"),
    ],
    ids=["answer", "next-step", "client-goals", "feedback-comment"],
)
def test_search_looks_into_every_written_field(journal: Journal, record, query: str) -> None:
    journal.save(record)
    assert [h.record.id for h in journal.search(query)] == [record.id]


def test_search_leaves_out_the_trash_unless_asked(journal: Journal) -> None:
    kept, trashed = Reflection(free_text="boundary kept"), Reflection(free_text="boundary binned")
    journal.save(kept)
    journal.save(trashed)
    journal.search("boundary")  # build the index before the delete
    journal.delete(trashed.id)
    assert [h.record.id for h in journal.search("boundary")] == [kept.id]
    found = {h.record.id for h in journal.search("boundary", include_trash=True)}
    assert found == {kept.id, trashed.id}


def test_search_sees_edits_and_new_records_made_after_the_first_search(journal: Journal) -> None:
    reflection = Reflection(free_text="old words")
    journal.save(reflection)
    assert journal.search("new words") == []
    reflection.free_text = "new words"
    journal.save(reflection)
    journal.add_many([Reflection(free_text="more new words")])
    assert len(journal.search("new words")) == 2
    assert journal.search("old words") == []


def test_an_index_built_on_another_thread_finds_what_a_first_search_would(
    journal: Journal,
) -> None:
    """The app builds the search index on a thread while a page is read; a save made
    meanwhile and a search racing it still see every record."""
    import threading

    journal.add_many([Reflection(free_text=f"quiet session {n}") for n in range(300)])
    builder = threading.Thread(target=journal.prepare_search)
    builder.start()
    journal.save(Reflection(free_text="a quiet ending"))
    hits = journal.search("quiet")
    builder.join()
    assert len(hits) == 301
    assert len(journal.search("quiet")) == 301
    journal.lock()
    journal.prepare_search()  # a locked journal has nothing to index, and says nothing


def test_open_records_are_kept_out_of_the_collectors_walks_until_the_lock(
    sample_journal: Journal,
) -> None:
    """Every full collection would walk the decrypted records (0.2-0.4 s at 10k sessions,
    after every click): open freezes them, and the lock hands them back to be freed."""
    import gc

    record = sample_journal.all(Reflection)[0]
    assert gc.get_freeze_count() > 0
    # frozen: in none of the collector's generations (unfrozen, it is in one of them)
    for generation in (0, 1, 2):
        assert all(found is not record for found in gc.get_objects(generation=generation))
    sample_journal.lock()
    assert gc.get_freeze_count() == 0


def test_an_empty_search_finds_nothing(sample_journal: Journal) -> None:
    assert sample_journal.search("   ") == []


def found(journal: Journal, query: str) -> set[str]:
    return {h.record.id for h in journal.search(query)}


def test_search_finds_every_word_in_any_order(journal: Journal) -> None:
    both = Reflection(free_text="The patient sat with me in silence.")
    one = Reflection(free_text="A long silence.")
    journal.save_all([both, one])
    assert found(journal, "silence patient") == {both.id}
    assert found(journal, "silence") == {both.id, one.id}


def test_search_matches_whole_words_only(journal: Journal) -> None:
    inside = Reflection(free_text="Rather than them, whether or not.")
    whole = Reflection(free_text="Rather the other way.")
    journal.save_all([inside, whole])
    assert found(journal, "the") == {whole.id}
    (hit,) = journal.search("the")
    assert [hit.text[a:b] for a, b in hit.spans] == ["the"]


def test_a_quoted_phrase_matches_only_its_words_in_order(journal: Journal) -> None:
    in_order = Reflection(free_text="I noticed the pull, to rescue her.")
    reversed_ = Reflection(free_text="To rescue was the pull I felt.")
    journal.save_all([in_order, reversed_])
    assert found(journal, '"pull to rescue"') == {in_order.id}
    assert found(journal, "pull to rescue") == {in_order.id, reversed_.id}


def test_search_finds_a_reflection_by_its_tags(journal: Journal) -> None:
    tagged = Reflection(free_text="Hard session.", tags=["rupture", "alliance repair"])
    journal.save(tagged)
    assert found(journal, "rupture") == {tagged.id}
    assert found(journal, '"alliance repair" session') == {tagged.id}


def test_search_ignores_accents(journal: Journal) -> None:
    reflection = Reflection(free_text="We met at the caf\u00e9.")
    journal.save(reflection)
    assert found(journal, "cafe") == found(journal, "CAF\u00c9") == {reflection.id}


def test_a_hit_counts_each_term(journal: Journal) -> None:
    journal.save(Reflection(free_text="Silence. The patient, then silence again."))
    (hit,) = journal.search('silence "the patient"')
    assert hit.counts == (2, 1)


# ---- backups -------------------------------------------------------------------------------


def test_a_backup_opens_alone_in_a_fresh_data_folder_with_the_same_records(
    sample_journal: Journal, sample_template: JournalTemplate, tmp_path: Path
) -> None:
    sample_journal.save(Reflection(free_text="written just before the backup"))
    backup = sample_journal.backup(tmp_path / "backups")
    expected = {
        entry_id: (e.revision, e.record, e.deleted_at)
        for entry_id, e in current_entries(sample_journal).items()
    }
    sample_journal.lock()
    fresh = tmp_path / "fresh-data"
    fresh.mkdir()
    shutil.copy(backup, fresh / "restored.journal")
    restored = keyslots.unlock(fresh / "restored.journal", sample_template.passphrase)
    try:
        assert restored.report.clean
        assert {
            entry_id: (e.revision, e.record, e.deleted_at)
            for entry_id, e in current_entries(restored).items()
        } == expected
        assert len(restored.history(sample_template.ids["edited"])) == 2
    finally:
        restored.lock()


def test_a_backup_never_overwrites_an_existing_file(
    sample_journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_module, "now", lambda: datetime(2025, 5, 6, 7, 8, 9, tzinfo=UTC))
    first = sample_journal.backup(tmp_path)
    content = first.read_bytes()
    with pytest.raises(BackupError):
        sample_journal.backup(tmp_path)
    assert first.read_bytes() == content


def test_a_backup_is_a_single_self_contained_file(sample_journal: Journal, tmp_path: Path) -> None:
    sample_journal.save(Reflection(free_text="in the WAL only"))
    backup = sample_journal.backup(tmp_path / "b")
    assert sorted(p.name for p in backup.parent.iterdir()) == [backup.name]
    assert backup.read_bytes()[18:20] == b"\x01\x01"  # rollback journal mode: no -wal needed


# ---- two sessions on one journal (two browser tabs) ----------------------------------------


def test_two_sessions_writing_the_same_journal_at_once_lose_nothing(
    journal_path: Path, empty_template: JournalTemplate
) -> None:
    sessions = [empty_template.open(journal_path) for _ in range(2)]
    errors: list[BaseException] = []
    saved: list[list[str]] = [[], []]
    start = threading.Barrier(2)

    def write(index: int) -> None:
        try:
            start.wait()
            for i in range(60):
                reflection = Reflection(free_text=f"tab {index} entry {i}")
                sessions[index].save(reflection)
                saved[index].append(reflection.id)
                if i % 10 == 0:
                    sessions[index].save_draft(f"tab-{index}", {"i": i})
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for session in sessions:
        session.lock()
    assert errors == []
    reopened = empty_template.open(journal_path)
    try:
        assert reopened.report.clean
        assert {r.id for r in reopened.all(Reflection)} == set(saved[0] + saved[1])
    finally:
        reopened.lock()


def test_sync_takes_in_what_another_window_saved(
    journal: Journal, journal_path: Path, empty_template: JournalTemplate
) -> None:
    other = empty_template.open(journal_path)
    try:
        assert other.sync() is False  # nothing new
        journal.save(Reflection(free_text="Written in the first window."))
        assert other.search("first window") == []  # not seen yet
        version = other.version
        assert other.sync() is True
        assert [h.record.free_text for h in other.search("first window")] == [
            "Written in the first window."
        ]
        assert other.version > version and other.report.set_hash_ok
        assert journal.sync() is False  # its own saves are not news to it
    finally:
        other.lock()
