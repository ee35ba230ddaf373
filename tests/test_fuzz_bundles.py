"""Fuzzing supervision bundles: whatever arrives imports whole, or nothing with a message.

Two journals that pinned each other (the supervisee's and the supervisor's) receive random
bytes, damaged copies of real bundles, ZIP archives rebuilt from mutated members, and
well-signed bundles from the pinned partner whose content is random JSON. The last kind is
the one that matters most: `Payload.from_json` and `exchange._check_comments` are the only
guard between a partner's content and the screen.

For every input: the import succeeds, or raises the `SharingError` the import screens
catch, with a readable message, and then nothing was written (the journal's version, its
stored rows and its bundles and comments are unchanged). A success imported exactly once:
importing the same bytes again changes nothing. Accepted entries render: the HTML report
(the same content the screen shows, chart included) is drawn from what was stored.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import pickle
import re
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, timedelta, timezone
from pathlib import Path
from typing import Any

import pyrage
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pyrage import x25519

from prompts.library import builtin_library
from sharing import bundle, exchange, keys, report, share
from sharing.bundle import bundle_id, open_bundle, write_bundle
from sharing.identity import Identity, PublicCard, SharingError
from sharing.payload import Payload
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import (
    PROCTOR_FUNCTIONS,
    Answer,
    Client,
    Comment,
    Estimate,
    Feedback,
    ReceivedBundle,
    Reflection,
    Session,
)
from tests import figures
from tests.conftest import JournalTemplate, count_rows

INSTRUMENTS = builtin_library().instruments
_NOISE = re.compile(r"Traceback|\w+(?:Error|Exception)\(|<\w[\w.]* object|\bb'|\bb\"")
SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


def assert_readable(message: str) -> None:
    """A sentence for the screen: not empty, not huge, no Python repr noise."""
    assert isinstance(message, str) and message.strip(), "the message is empty"
    assert len(message) <= 600, f"the message has {len(message)} characters"
    start = message[0]
    assert start.isupper() or start.isdigit() or start in "'\"", f"not a sentence: {message[:80]!r}"
    assert not _NOISE.search(message), f"Python noise in the message: {message[:200]!r}"


# ---- two journals that pinned each other ------------------------------------------------


def pin_each_other(supervisee: Journal, supervisor: Journal) -> None:
    a, b = keys.my_card(supervisee, "Sam Supervisee"), keys.my_card(supervisor, "Dr Vale")
    keys.pin_contact(supervisee, b.to_text(), b.fingerprint, "supervisor", "Dr Vale")
    keys.pin_contact(supervisor, a.to_text(), a.fingerprint, "supervisee", "Sam")


def write_session(journal: Journal, client: Client, number: int, answer: str) -> Reflection:
    session = Session(client_id=client.id, date=date(2026, 3, number), number=number)
    journal.save(session)
    journal.save(Estimate(session.id, "sac4", {"goals": 7, "tasks": 6, "bond": 8, "overall": 7}))
    journal.save(Feedback(session.id, "sac4", {"goals": 9, "tasks": 9, "bond": 9, "overall": 9}))
    reflection = Reflection(
        session_id=session.id,
        client_id=client.id,
        framework="gibbs",
        answers=[Answer("p-1", "What did I notice?", answer)],
        flagged_for_supervision=True,
    )
    journal.save(reflection)
    return reflection


def entries_bundle(journal: Journal, chosen: list[str]) -> bytes:
    """A bundle of entries made the way the Share screen makes it."""
    picked = [c for c in share.candidates(journal) if c.id in chosen]
    shared = share.review(journal, picked)
    decisions = {share.finding_key(p, f): "redact" for p, f in shared.findings()}
    content = share.payload(journal, shared, decisions, INSTRUMENTS)
    return exchange.send_entries(journal, content, to=keys.contacts(journal, "supervisor"))


@dataclass
class Pair:
    """The supervisee sends entries and receives comments; the supervisor the reverse."""

    supervisee: Journal
    supervisor: Journal
    entries: bytes  # a real bundle of entries for the supervisor, not imported yet
    comments: bytes  # a real bundle of comments for the supervisee, not imported yet
    shared: list[str]  # reflections shared with the supervisor
    unshared: str  # a reflection never shared

    def payload(self, data: bytes, reader: Journal) -> dict[str, Any]:
        me = keys.my_keys(reader)
        return open_bundle(data, me, keys.pinned_cards(reader)).payload


@pytest.fixture
def pair(tmp_path: Path, empty_template: JournalTemplate) -> Iterator[Pair]:
    supervisee = empty_template.open(empty_template.copy_to(tmp_path / "supervisee"))
    supervisor = empty_template.open(empty_template.copy_to(tmp_path / "supervisor"))
    pin_each_other(supervisee, supervisor)
    client = Client(code="C-101", alias="Wrenna")
    supervisee.save(client)
    first = write_session(supervisee, client, 2, "Wrenna went quiet at the fee.")
    second = write_session(supervisee, client, 9, "She asked about the silence.")
    unshared = write_session(supervisee, client, 16, "Not for supervision.")
    exchange.import_entries(supervisor, entries_bundle(supervisee, [first.id, second.id]))
    (fingerprint,) = exchange.shared_with_me(supervisor)
    exchange.add_comment(
        supervisor, fingerprint, first.id, "What was the fee about?", ["formative"]
    )
    exchange.add_comment(supervisor, fingerprint, second.id, "Good catch.", ["restorative"])
    yield Pair(
        supervisee=supervisee,
        supervisor=supervisor,
        entries=entries_bundle(supervisee, [first.id]),
        comments=exchange.export_comments(supervisor, fingerprint),
        shared=[first.id, second.id],
        unshared=unshared.id,
    )
    supervisee.lock()
    supervisor.lock()


# ---- one import, checked ------------------------------------------------------------------


Importer = Callable[[Journal, bytes], exchange.Imported]


def state(journal: Journal) -> tuple[int, int, int, int]:
    """What an import may change: version, stored rows, received bundles, comments."""
    rows = count_rows(journal.path)
    received = len(journal.all(ReceivedBundle, include_trash=True))
    return journal.version, rows, received, len(journal.all(Comment, include_trash=True))


def attempt(journal: Journal, importer: Importer, data: bytes) -> exchange.Imported | None:
    """Import once: success, imported exactly once, or refused with nothing written."""
    before = state(journal)
    try:
        done = importer(journal, data)
    except JournalError as error:
        assert isinstance(error, SharingError), (
            f"{type(error).__name__}: the import screens catch only SharingError"
        )
        assert_readable(str(error))
        assert state(journal) == before, "a refused bundle changed the journal"
        return None
    assert_readable(done.message)
    after = state(journal)
    assert (after == before) == done.already, "the import's message does not match what it did"
    again = importer(journal, data)
    assert again.already and state(journal) == after, "importing the same bytes again wrote"
    return done


def stored_payload(journal: Journal, data: bytes) -> dict[str, Any]:
    bid = bundle_id(data)
    (found,) = [b for b in journal.all(ReceivedBundle) if b.bundle_id == bid]
    return found.payload


_RENDERED: set[str] = set()


def check_renders(payload: dict[str, Any]) -> None:
    """What the supervisor's screen and printout draw from a stored bundle of entries.

    The chart is checked before it is drawn: a point beyond its axis's fixed maximum makes
    vl-convert's image grow with the value, and from about 10**6 the allocation fails and
    aborts the whole process (pytest included), so such a chart fails here, undrawn.
    Each distinct payload is drawn once: a chart takes a tenth of a second.
    """
    key = json.dumps(payload, sort_keys=True, default=repr)
    if key in _RENDERED:
        return
    assert exchange.latest_entries([ReceivedBundle("b", "entries", "Sam", "F", "", payload)])
    content = Payload.from_json(payload)
    if content.series:
        report.shared_alliance_chart(content.series).to_dict()  # what the screen hands to Altair
        frame, _, domain = report._chart_rows(content.series)
        beyond = frame[~frame["score"].between(*domain)] if domain else frame.iloc[:0]
        assert beyond.empty, (
            f"chart scores {list(beyond['score'])[:3]} lie beyond the axis 0-{domain[1]}: "
            "drawn, they grow the image with the value and abort the process from about 10**6"
        )
    html = report.html_report(content, sender="Sam", created="2026")
    assert isinstance(html, str) and html.endswith("</html>\n")
    _RENDERED.add(key)


def import_entries(journal: Journal, data: bytes) -> exchange.Imported:
    return exchange.import_entries(journal, data)


def targets(pair: Pair) -> list[tuple[str, Journal, Importer]]:
    """Where each kind of bundle goes: entries to the supervisor, comments to the supervisee."""
    return [
        ("entries", pair.supervisor, import_entries),
        ("comments", pair.supervisee, exchange.import_comments),
    ]


# ---- JSON of every shape ----------------------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, -1, 3, 4, 2**63, 10**400]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
ABSENT = object()  # a key left out


def rarely(common: st.SearchStrategy, rare: st.SearchStrategy) -> st.SearchStrategy:
    """`common` nine times in ten, `rare` otherwise."""
    return st.integers(0, 9).flatmap(lambda n: rare if n == 0 else common)


def record(
    spec: dict[str, st.SearchStrategy], wild: bool, required: frozenset[str] = frozenset()
) -> st.SearchStrategy:
    """A dict with each key of `spec` present or left out, plus unknown keys. Tame: every
    value from `spec`, the `required` keys always there; wild: any key may be missing and
    about a third of the values are any JSON instead."""

    def value(key: str, valid: st.SearchStrategy) -> st.SearchStrategy:
        def pick(n: int) -> st.SearchStrategy:
            if n < 2 and (wild or key not in required):
                return st.just(ABSENT)
            return JSON if wild and n >= 7 else valid

        return st.integers(0, 9).flatmap(pick)

    extras = st.dictionaries(st.text(max_size=8).filter(lambda k: k not in spec), JSON, max_size=2)
    values = st.fixed_dictionaries({k: value(k, v) for k, v in spec.items()})
    return st.tuples(values, extras).map(
        lambda t: {**t[1], **{k: v for k, v in t[0].items() if v is not ABSENT}}
    )


def tame_or_wild(spec: Any, required: frozenset[str] = frozenset()) -> st.SearchStrategy:
    """Three tame records in four: most content passes the checks, the rest probes them."""
    tame = record(spec(False), False, required)
    return st.one_of(tame, tame, tame, record(spec(True), True))


def text(wild: bool) -> st.SearchStrategy:
    tame = rarely(
        st.text(max_size=24),
        st.sampled_from(["", "  ", "<b>x</b>", "\u202eevil", "a\x00b", "x" * 200, "[name]"]),
    )
    return tame | st.sampled_from(["x" * 201, "x" * 20_001, "x" * 200_001]) if wild else tame


# counts the checks accept, big ones included (10**400 is a valid JSON integer)
COUNT = rarely(st.integers(0, 40), st.sampled_from([2**53 + 1, 2**64, 10**400]))


def scores(wild: bool) -> dict[str, st.SearchStrategy]:
    return {
        "name": text(wild),
        "instrument": st.sampled_from(["sac4", "srs", "other"]),
        "total": COUNT,
        "max": st.none() | COUNT,
        "items": st.dictionaries(st.text(max_size=10), COUNT, max_size=4),
    }


SCORES_REQUIRED = frozenset({"name", "total", "items"})


def entry(wild: bool) -> dict[str, st.SearchStrategy]:
    return {
        "client": st.none() | text(wild),
        "session": st.none() | text(wild),
        "year": st.none() | st.integers(1990, 2030),
        "framework": st.sampled_from(["gibbs", "free", "unknown"]) | text(wild),
        "flagged": st.booleans(),
        "focus": st.lists(text(wild), max_size=3),
        "tags": st.lists(text(wild), max_size=3),
        "answers": st.lists(
            st.fixed_dictionaries({"prompt": text(wild), "answer": text(wild)}), max_size=3
        ),
        "reactions": st.dictionaries(st.text(max_size=10), st.integers(0, 3), max_size=3),
        "text": text(wild),
        "next_step": text(wild),
        "estimate": st.none() | record(scores(wild), wild, SCORES_REQUIRED),
        "feedback": st.none() | record(scores(wild), wild, SCORES_REQUIRED),
    }


def series_row(wild: bool) -> dict[str, st.SearchStrategy]:
    """A chart row, field by field (wild rows are made from this)."""
    return {
        "client": st.sampled_from(["Client A", "Client B"]) | text(wild),
        "session": rarely(st.integers(1, 12), COUNT),
        "instrument": st.sampled_from(["sac4", "srs"]),
        "estimate": st.none() | COUNT,
        "feedback": st.none() | COUNT,
        "max": st.none() | st.sampled_from([10, 40]) | COUNT,
    }


@st.composite
def tame_series_row(draw: st.DrawFn) -> dict[str, Any]:
    """A chart row as the Share screen makes it: scores within the scale when it has one."""
    top = draw(st.none() | st.sampled_from([10, 40]) | COUNT.filter(bool))
    score = st.none() | (st.integers(0, top) if top else COUNT)
    row = {
        "client": draw(st.sampled_from(["Client A", "Client B"]) | text(False)),
        "session": draw(rarely(st.integers(1, 12), COUNT)),
        "instrument": draw(st.sampled_from(["sac4", "srs"])),
        "estimate": draw(score),
        "feedback": draw(score),
        "max": top,
    }
    absent = draw(st.sets(st.sampled_from(["instrument", "estimate", "feedback", "max"])))
    extras = draw(st.dictionaries(st.text(max_size=8).filter(lambda k: k not in row), JSON))
    return {**extras, **{k: v for k, v in row.items() if k not in absent}}


def with_ids(content: st.SearchStrategy) -> st.SearchStrategy:
    """Items of `content` with distinct (id, revision), as a manifest lists them."""
    keyed = st.tuples(st.text(min_size=1, max_size=12), st.integers(0, 5), content)
    return st.lists(keyed, min_size=1, max_size=3, unique_by=lambda t: (t[0], t[1])).map(
        lambda rows: [{**body, "id": i, "revision": r} for i, r, body in rows]
    )


def entries_payload(wild: bool) -> st.SearchStrategy:
    """Tame: every item and chart row as the checks want them; wild: some of them not."""
    items = tame_or_wild(entry) if wild else record(entry(False), False)
    tame_row = tame_series_row()
    rows = (
        st.one_of(tame_row, tame_row, tame_row, record(series_row(True), True))
        if wild
        else tame_row
    )
    series = rarely(st.lists(rows, max_size=4), JSON) if wild else st.lists(rows, max_size=4)
    return st.fixed_dictionaries(
        {"items": with_ids(items)},
        optional={
            "series": series,
            "include": st.lists(st.sampled_from(["answers", "text", "chart", "year"])) | JSON,
            "extra": JSON,
        },
    )


# two tame payloads in three, so that imports and rendering get as much fuzzing as refusals
ENTRIES_PAYLOAD = st.one_of(entries_payload(False), entries_payload(False), entries_payload(True))
# placeholders for ids known only at run time: reflections shared, not shared, unknown
SHARED_0, SHARED_1, UNSHARED, UNKNOWN = "<shared 0>", "<shared 1>", "<unshared>", "f" * 32
WHEN = st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-9))])).map(
    lambda d: d.isoformat()
)


def comment(wild: bool) -> dict[str, st.SearchStrategy]:
    if not wild:
        return {
            "entry_id": st.sampled_from([SHARED_0, SHARED_1]),
            "entry_revision": COUNT,
            "text": text(False).filter(str.strip),
            "functions": st.lists(st.sampled_from(PROCTOR_FUNCTIONS), max_size=3),
            "written_at": WHEN,
        }
    return {
        "entry_id": st.sampled_from([SHARED_0, UNSHARED, UNKNOWN]),
        "entry_revision": COUNT,
        "text": text(True) | st.just("   "),
        "functions": st.lists(st.sampled_from([*PROCTOR_FUNCTIONS, "supportive"]), max_size=3),
        "written_at": WHEN
        | st.sampled_from(
            ["2026-03-10T10:00:00Z", "2026-03-10T10:00:00", "2026-03-10", "yesterday", ""]
        ),
    }


def tame_comment() -> st.SearchStrategy:
    """A tame comment always has all its fields (they are required)."""
    spec = comment(False)
    extras = st.dictionaries(st.text(max_size=8).filter(lambda k: k not in spec), JSON, max_size=2)
    return st.tuples(st.fixed_dictionaries(spec), extras).map(lambda t: {**t[1], **t[0]})


COMMENTS_PAYLOAD = st.fixed_dictionaries(
    {"items": with_ids(st.one_of(*[tame_comment()] * 3, record(comment(True), True)))},
    optional={"extra": JSON},
)


def resolve(item: dict[str, Any], refs: dict[str, str]) -> dict[str, Any]:
    """The item with a placeholder entry id replaced by the real one."""
    value = item.get("entry_id")
    return {**item, "entry_id": refs[value]} if isinstance(value, str) and value in refs else item


def items_of(payload: dict[str, Any]) -> list[tuple[str, int]]:
    return [(item["id"], item["revision"]) for item in payload["items"]]


def forge(
    plaintext: bytes,
    kind: str,
    items: list[tuple[str, int]],
    sender: Identity,
    recipients: list[PublicCard],
) -> bytes:
    """`write_bundle` for content it would never write (any bytes as the payload): what a
    partner running another implementation, or a modified app, could send."""
    encrypted = pyrage.encrypt(
        plaintext, [x25519.Recipient.from_str(c.recipient) for c in recipients]
    )
    manifest = {
        "format": bundle.BUNDLE_FORMAT,
        "kind": kind,
        "created_at": "2026-03-10T10:00:00+00:00",
        "sender": {
            "recipient": sender.recipient,
            "signing_public": base64.b64encode(sender.signing_public).decode("ascii"),
            "fingerprint": sender.fingerprint,
        },
        "recipients": [card.fingerprint for card in recipients],
        "items": [{"id": i, "revision": r} for i, r in items],
        "payload_sha256": hashlib.sha256(encrypted).hexdigest(),
    }
    raw = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode("ascii")
    return bundle._zip(
        {bundle.MANIFEST: raw, bundle.PAYLOAD: encrypted, bundle.SIGNATURE: sender.sign(raw)}
    )


# ---- (a) random bytes ---------------------------------------------------------------------


def test_random_bytes_are_refused_with_a_message_and_import_nothing(pair: Pair) -> None:
    runs = {"cases": 0, "refused": 0}

    @settings(max_examples=150, **SETTINGS)
    @given(
        st.one_of(
            st.binary(max_size=512),
            st.binary(max_size=512).map(lambda b: b"PK\x03\x04" + b),
            st.binary(max_size=64).map(lambda b: b"PK\x05\x06" + b.ljust(18, b"\x00")),
        )
    )
    @example(b"")
    @example(b"PK\x05\x06" + bytes(18))  # an empty ZIP archive
    @example(rezip([(name, b"") for name in bundle.MEMBERS], deflate=False))  # empty members
    def run(data: bytes) -> None:
        runs["cases"] += 1
        for _, journal, importer in targets(pair):
            assert attempt(journal, importer, data) is None, "random bytes were imported"
            runs["refused"] += 1
        try:
            bundle_id(data)
        except SharingError as error:
            assert_readable(str(error))

    try:
        run()
    finally:
        figures.report(
            f"fuzz, bundle import (random bytes): {runs['cases']} cases, 0 imported, "
            f"{runs['refused']} imports refused with a message"
        )


# ---- (b) real bundles, damaged ------------------------------------------------------------

DAMAGE = st.lists(
    st.one_of(
        st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.integers(1, 255)),
        st.tuples(st.just("truncate"), st.integers(0, 1 << 20)),
        st.tuples(st.just("insert"), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=8)),
        st.tuples(st.just("delete"), st.integers(0, 1 << 20), st.integers(1, 64)),
        st.tuples(st.just("write"), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=8)),
    ),
    min_size=1,
    max_size=3,
)


def damage(data: bytes, ops: list[tuple[Any, ...]]) -> bytes:
    out = bytearray(data)
    for kind, at, *rest in ops:
        at %= len(out) + 1
        if kind == "flip" and at < len(out):
            out[at] ^= rest[0]
        elif kind == "truncate":
            del out[at:]
        elif kind == "insert":
            out[at:at] = rest[0]
        elif kind == "delete":
            del out[at : at + rest[0]]
        elif kind == "write":
            out[at : at + len(rest[0])] = rest[0]
    return bytes(out)


def test_a_damaged_bundle_is_refused_or_imports_exactly_what_was_signed(pair: Pair) -> None:
    runs = {"cases": 0, "imported": 0, "refused": 0}
    originals = {
        "entries": (pair.entries, pair.payload(pair.entries, pair.supervisor)),
        "comments": (pair.comments, pair.payload(pair.comments, pair.supervisee)),
    }

    @settings(max_examples=200, **SETTINGS)
    @given(st.sampled_from([0, 1]), DAMAGE)
    @example(0, [("truncate", 22)])
    @example(1, [("delete", 0, 4)])
    @example(0, [("flip", 0, 0xFF)])
    def run(which: int, ops: list[tuple[Any, ...]]) -> None:
        runs["cases"] += 1
        kind, journal, importer = targets(pair)[which]
        original, payload = originals[kind]
        data = damage(original, ops)
        done = attempt(journal, importer, data)
        if done is None:
            runs["refused"] += 1
            return
        runs["imported"] += 1  # only damage SQLite-like readers skip (e.g. in the ZIP comment)
        assert bundle_id(data) == bundle_id(original), "a different signature was accepted"
        if kind == "entries":
            assert stored_payload(journal, data) == payload
        else:
            texts = {c.text for c in journal.all(Comment) if c.received}
            assert texts >= {item["text"] for item in payload["items"]}

    try:
        run()
    finally:
        figures.report(
            f"fuzz, bundle import (damaged real bundles): {runs['cases']} cases, "
            f"{runs['imported']} imported as signed, {runs['refused']} refused with a message"
        )


# ---- (c) ZIP archives rebuilt from mutated members ---------------------------------------


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(entries: list[tuple[str, bytes]], deflate: bool) -> bytes:
    buffer = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(buffer, "w", compression=method) as archive:
            for name, content in entries:
                archive.writestr(name, content)
    return buffer.getvalue()


MANIFEST_KEYS = [
    "format",
    "kind",
    "created_at",
    "sender",
    "recipients",
    "items",
    "payload_sha256",
    "sender.recipient",
    "sender.signing_public",
    "sender.fingerprint",
]
MANIFEST_CHANGE = st.one_of(
    st.tuples(st.just("replace"), st.sampled_from(MANIFEST_KEYS), JSON),
    st.tuples(st.just("delete"), st.sampled_from(MANIFEST_KEYS)),
    st.tuples(st.just("add"), st.text(max_size=8), JSON),
    st.tuples(st.just("whole"), JSON),
    st.tuples(st.just("bytes"), st.binary(max_size=64)),
    st.tuples(
        st.just("value"),
        st.sampled_from(["kind", "created_at", "format"]),
        st.sampled_from(
            ["entries", "comments", "2026-01-01", "2026-13-01T00:00:00", "not a date", ""]
            + ["reflective-journal-bundle/3", "reflective-journal-bundle/1x", "\u00e9"]
        ),
    ),
    st.tuples(st.just("recipients"), st.lists(st.sampled_from(["me", "partner", "other"]))),
    st.tuples(st.just("items"), st.sampled_from(["drop", "twice", "revision", "reverse", "none"])),
)
# changes a sender may sign: they must import (re-signed by the pinned partner)
BENIGN = ("created_at", "another recipient", "spacing")
CHANGE = st.one_of(
    st.tuples(st.just("manifest"), MANIFEST_CHANGE),
    st.tuples(st.just("benign"), st.sampled_from(BENIGN)),
    st.tuples(st.just("resign")),
    st.tuples(st.just("signature"), st.sampled_from(["other", "random"]), st.binary(max_size=80)),
    st.tuples(
        st.just("payload"),
        st.sampled_from(["other", "random", "truncated"]),
        st.binary(max_size=200),
    ),
    st.tuples(st.just("layout"), st.sampled_from(["drop one", "twice", "extra", "renamed"])),
    st.tuples(st.just("layout"), st.just("reordered")),
    st.tuples(st.just("deflate")),
)


def change_manifest(raw: bytes, change: tuple[Any, ...], fingerprints: dict[str, str]) -> bytes:
    """The manifest with one change; unchanged when an earlier change left nothing to edit."""
    try:
        return _change_manifest(raw, change, fingerprints)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        return raw


def _change_manifest(raw: bytes, change: tuple[Any, ...], fingerprints: dict[str, str]) -> bytes:
    manifest = json.loads(raw)
    kind, args = change[0], change[1:]
    if kind in ("replace", "delete"):
        where, key = manifest, args[0]
        if key.startswith("sender."):
            where, key = manifest["sender"], key.removeprefix("sender.")
        if kind == "replace":
            where[key] = args[1]
        else:
            where.pop(key, None)
    elif kind == "add":
        manifest[args[0]] = args[1]
    elif kind == "whole":
        manifest = args[0]
    elif kind == "bytes":
        return args[0]
    elif kind == "value":
        manifest[args[0]] = args[1]
    elif kind == "recipients":
        manifest["recipients"] = [fingerprints[who] for who in args[0]]
    elif kind == "items":
        items = manifest["items"]
        manifest["items"] = {
            "drop": items[1:],
            "twice": items + items,
            "revision": [{**i, "revision": i["revision"] + 1} for i in items],
            "reverse": items[::-1],
            "none": [],
        }[args[0]]
    return json.dumps(manifest).encode("utf-8", "surrogatepass")


def benign(raw: bytes, change: str, fingerprints: dict[str, str]) -> bytes:
    try:
        manifest = json.loads(raw)
        if change == "created_at":
            manifest["created_at"] = "2027-01-01T09:30:00+01:00"
        elif change == "another recipient":
            manifest["recipients"].append(fingerprints["other"])
    except (ValueError, TypeError, KeyError, AttributeError):
        return raw
    return json.dumps(manifest, indent=1 if change == "spacing" else None).encode()


def rebuild(
    parts: dict[str, bytes],
    other: dict[str, bytes],
    changes: list[tuple[Any, ...]],
    sender: Identity,
    fingerprints: dict[str, str],
) -> bytes:
    """A bundle rebuilt from `parts` with each change applied; a re-signed manifest also
    gets the hash of a replaced payload, so the checks after the signature run too."""
    parts = dict(parts)
    layout, deflate, resign = "as made", False, False
    for kind, *args in changes:
        if kind == "manifest":
            parts[bundle.MANIFEST] = change_manifest(parts[bundle.MANIFEST], args[0], fingerprints)
        elif kind == "benign":
            parts[bundle.MANIFEST] = benign(parts[bundle.MANIFEST], args[0], fingerprints)
            resign = True
        elif kind == "resign":
            resign = True
        elif kind == "signature":
            parts[bundle.SIGNATURE] = other[bundle.SIGNATURE] if args[0] == "other" else args[1]
        elif kind == "payload":
            own = parts[bundle.PAYLOAD]
            replaced = {"other": other[bundle.PAYLOAD], "truncated": own[: len(args[1])]}
            parts[bundle.PAYLOAD] = replaced.get(args[0], args[1])
        elif kind == "layout":
            layout = args[0]
        else:
            deflate = True
    if resign:
        try:
            manifest = json.loads(parts[bundle.MANIFEST])
            manifest["payload_sha256"] = hashlib.sha256(parts[bundle.PAYLOAD]).hexdigest()
            parts[bundle.MANIFEST] = json.dumps(manifest).encode()
        except (ValueError, TypeError, KeyError):
            pass  # not a JSON object: signed as it is
        if not any(kind == "signature" for kind, *_ in changes):
            parts[bundle.SIGNATURE] = sender.sign(parts[bundle.MANIFEST])
    listed = list(parts.items())
    if layout == "drop one":
        listed = listed[1:]
    elif layout == "twice":
        listed.append(listed[0])
    elif layout == "extra":
        listed.append(("notes.txt", b"hello"))
    elif layout == "renamed":
        listed[0] = ("./" + listed[0][0], listed[0][1])
    elif layout == "reordered":
        listed.reverse()
    return rezip(listed, deflate)


def test_a_bundle_rebuilt_from_changed_parts_is_refused_or_imports_what_its_sender_signed(
    pair: Pair,
) -> None:
    runs = {"cases": 0, "imported": 0, "refused": 0}
    bundles = {"entries": members(pair.entries), "comments": members(pair.comments)}
    senders = {"entries": keys.my_keys(pair.supervisee), "comments": keys.my_keys(pair.supervisor)}
    known = [
        pair.payload(pair.entries, pair.supervisor),
        pair.payload(pair.comments, pair.supervisor),
    ]
    fingerprints = {
        "me": keys.my_keys(pair.supervisor).fingerprint,
        "partner": keys.my_keys(pair.supervisee).fingerprint,
        "other": "AAAAA-BBBBB-CCCCC-DDDDD",
    }

    @settings(max_examples=200, **SETTINGS)
    @given(
        st.sampled_from(["entries", "comments"]),
        st.lists(CHANGE, max_size=2),
        st.sampled_from(["own", "own", "own", "other"]),
    )
    @example("entries", [("payload", "other", b""), ("resign",)], "own")  # swapped content
    @example("comments", [("manifest", ("value", "kind", "entries")), ("resign",)], "own")
    @example("entries", [("manifest", ("recipients", [])), ("resign",)], "own")  # "passphrase"
    @example("entries", [("benign", "spacing")], "own")
    def run(which: str, changes: list[tuple[Any, ...]], to: str) -> None:
        runs["cases"] += 1
        other = bundles["comments" if which == "entries" else "entries"]
        data = rebuild(bundles[which], other, changes, senders[which], fingerprints)
        index = ["entries", "comments"].index(which)
        _, journal, importer = targets(pair)[index if to == "own" else 1 - index]
        done = attempt(journal, importer, data)
        if done is None:
            runs["refused"] += 1
            return
        runs["imported"] += 1
        kinds = {change[0] for change in changes}
        assert kinds <= {"benign", "resign", "layout", "manifest"}, f"imported despite {kinds}"
        layouts = [change[1] for change in changes if change[0] == "layout"]
        assert layouts[-1:] in ([], ["reordered"]), f"imported despite {layouts[-1]}"
        assert "manifest" not in kinds or "resign" in kinds or "benign" in kinds
        if importer is import_entries:
            assert stored_payload(journal, data) in known
            check_renders(stored_payload(journal, data))

    try:
        run()
    finally:
        figures.report(
            f"fuzz, bundle import (rebuilt from changed parts): {runs['cases']} cases, "
            f"{runs['imported']} imported, {runs['refused']} refused with a message"
        )


# ---- (d) well-signed bundles of random content --------------------------------------------

RAW_FORMS = st.sampled_from(["canonical", "canonical", "canonical", "nan", "surrogate", "bom"])


def raw_payload(payload: dict[str, Any], form: str) -> bytes | None:
    """The payload as bytes `write_bundle` would refuse to write, or None for its own."""
    if form == "canonical":
        return None
    if form == "nan":
        return json.dumps({**payload, "nan": float("nan")}).encode()
    if form == "surrogate":  # valid JSON for a lone UTF-16 surrogate; not Unicode text
        items = [{**payload["items"][0], "text": "\ud800"}, *payload["items"][1:]]
        return json.dumps({**payload, "items": items}).encode()
    return b"\xef\xbb\xbf" + json.dumps(payload).encode()


def send(
    payload: dict[str, Any], form: str, kind: str, sender: Identity, card: PublicCard
) -> bytes | None:
    """A well-signed bundle, or None when `write_bundle` refuses the content (checked)."""
    raw = raw_payload(payload, form)
    if raw is not None:
        return forge(raw, kind, items_of(payload), sender, [card])
    try:
        return write_bundle(payload, kind, items_of(payload), sender, [card])
    except SharingError as error:
        assert_readable(str(error))
        return None


@pytest.mark.slow  # draws a chart PNG for most of its 200 examples
def test_well_signed_entries_of_random_content_import_whole_or_not_at_all_and_render(
    pair: Pair,
) -> None:
    runs = {"cases": 0, "imported": 0, "refused": 0, "unwritable": 0, "charts": 0}
    sender, card = keys.my_keys(pair.supervisee), keys.my_card(pair.supervisor)

    @settings(max_examples=200, **SETTINGS)
    @given(ENTRIES_PAYLOAD, RAW_FORMS)
    @example({"items": [{"id": "e", "revision": 1}]}, "canonical")  # nothing but the ids
    @example({"items": [{"id": "e", "revision": 1, "text": "x" * 200_001}]}, "canonical")
    @example({"items": [{"id": "e", "revision": 1, "answers": [1]}]}, "canonical")
    @example({"items": [{"id": "e", "revision": 1, "reactions": {"a": 4}}]}, "canonical")
    @example({"items": [{"id": "e", "revision": 1}], "series": [{"client": "A"}]}, "canonical")
    @example({"items": [{"id": "e", "revision": 1}]}, "nan")
    @example({"items": [{"id": "e", "revision": 1}]}, "bom")
    def run(payload: dict[str, Any], form: str) -> None:
        runs["cases"] += 1
        data = send(payload, form, "entries", sender, card)
        if data is None:
            runs["unwritable"] += 1
            return
        done = attempt(pair.supervisor, import_entries, data)
        if done is None:
            runs["refused"] += 1
            return
        runs["imported"] += 1
        stored = stored_payload(pair.supervisor, data)
        if form == "canonical":
            assert stored == payload, "what was stored differs from what was sent"
        runs["charts"] += bool(stored.get("series"))
        check_renders(stored)

    try:
        run()
    finally:
        figures.report(
            f"fuzz, bundle import (well-signed entries, random content): {runs['cases']} "
            f"cases, {runs['imported']} imported and rendered ({runs['charts']} with a chart), "
            f"{runs['refused']} refused with a message, {runs['unwritable']} refused by "
            "write_bundle"
        )


def test_well_signed_comments_of_random_content_import_whole_or_not_at_all(pair: Pair) -> None:
    runs = {"cases": 0, "imported": 0, "refused": 0, "unwritable": 0}
    sender, card = keys.my_keys(pair.supervisor), keys.my_card(pair.supervisee)
    refs = {SHARED_0: pair.shared[0], SHARED_1: pair.shared[1], UNSHARED: pair.unshared}

    @settings(max_examples=200, **SETTINGS)
    @given(COMMENTS_PAYLOAD, RAW_FORMS)
    @example(
        {
            "items": [
                {
                    "id": "c",
                    "revision": 1,
                    "entry_id": SHARED_0,
                    "entry_revision": 1,
                    "text": "Seen.",
                    "functions": [],
                    "written_at": "2026-03-10T10:00:00+00:00",
                }
            ]
        },
        "canonical",
    )
    def run(payload: dict[str, Any], form: str) -> None:
        runs["cases"] += 1
        payload = {**payload, "items": [resolve(item, refs) for item in payload["items"]]}
        data = send(payload, form, "comments", sender, card)
        if data is None:
            runs["unwritable"] += 1
            return
        comments_before = len(pair.supervisee.all(Comment))
        done = attempt(pair.supervisee, exchange.import_comments, data)
        if done is None:
            runs["refused"] += 1
            return
        runs["imported"] += 1
        assert len(pair.supervisee.all(Comment)) == comments_before + done.added
        received = [c for c in pair.supervisee.all(Comment) if c.received]
        for item in payload["items"]:
            assert item["entry_id"] in pair.shared, "a comment on an entry never shared"
            assert any(
                c.remote_id == item["id"] and c.remote_revision >= item["revision"]
                for c in received
            )
        assert exchange.received_comments(pair.supervisee)  # the screen's grouping

    try:
        run()
    finally:
        figures.report(
            f"fuzz, comments import (well-signed, random content): {runs['cases']} cases, "
            f"{runs['imported']} imported, {runs['refused']} refused with a message, "
            f"{runs['unwritable']} refused by write_bundle"
        )


def test_any_comment_a_supervisor_can_write_arrives_intact(pair: Pair) -> None:
    """The real path, supervisor to supervisee, with any text and Proctor functions."""
    runs = {"cases": 0, "sent": 0}
    (fingerprint,) = exchange.shared_with_me(pair.supervisor)
    exchange.import_comments(pair.supervisee, pair.comments)  # the two written so far

    @settings(max_examples=60, **SETTINGS)
    @given(
        st.text(min_size=1, max_size=300),
        st.lists(st.sampled_from([*PROCTOR_FUNCTIONS, "supportive"]), max_size=3),
        st.sampled_from([0, 1]),
    )
    def run(text: str, functions: list[str], which: int) -> None:
        runs["cases"] += 1
        try:
            exchange.add_comment(pair.supervisor, fingerprint, pair.shared[which], text, functions)
        except ValueError as error:
            assert_readable(str(error))
            return
        data = exchange.export_comments(pair.supervisor, fingerprint)
        done = attempt(pair.supervisee, exchange.import_comments, data)
        assert done is not None and done.added == 1, "a comment written by the app was refused"
        runs["sent"] += 1
        arrived = [c.text for c in pair.supervisee.all(Comment) if c.received]
        assert text.strip() in arrived

    try:
        run()
    finally:
        figures.report(
            f"fuzz, comments round trip: {runs['cases']} cases, {runs['sent']} comments "
            "written, exported and imported intact"
        )


# ---- found by the fuzzing, pinned down ----------------------------------------------------


def entries_from_partner(pair: Pair, payload: dict[str, Any]) -> bytes:
    sender, card = keys.my_keys(pair.supervisee), keys.my_card(pair.supervisor)
    return write_bundle(payload, "entries", items_of(payload), sender, [card])


def comment_item(pair: Pair, **changes: Any) -> dict[str, Any]:
    item = {
        "id": "c1",
        "revision": 1,
        "entry_id": pair.shared[0],
        "entry_revision": 1,
        "text": "Seen.",
        "functions": [],
        "written_at": "2026-03-10T10:00:00+00:00",
    }
    return {**item, **changes}


def test_comments_whose_functions_hold_a_list_are_refused_with_a_message(pair: Pair) -> None:
    # `set(functions)` in exchange._check_comments raised TypeError: unhashable type 'list'
    payload = {"items": [comment_item(pair, functions=[["formative"]])]}
    sender, card = keys.my_keys(pair.supervisor), keys.my_card(pair.supervisee)
    data = write_bundle(payload, "comments", items_of(payload), sender, [card])
    assert attempt(pair.supervisee, exchange.import_comments, data) is None


@pytest.mark.parametrize("kind", ["entries", "comments"])
def test_content_that_is_not_unicode_text_is_refused_with_a_message(pair: Pair, kind: str) -> None:
    # "\ud800" is valid JSON but no Unicode text: journal.save raised UnicodeEncodeError
    # (after rolling back, so nothing was written, but the screen showed a crash)
    if kind == "entries":
        item = {"id": "e1", "revision": 1, "text": "\ud800"}
        sender, card, journal, importer = (
            keys.my_keys(pair.supervisee),
            keys.my_card(pair.supervisor),
            pair.supervisor,
            import_entries,
        )
    else:
        item = comment_item(pair, text="Seen \ud800")
        sender, card, journal, importer = (
            keys.my_keys(pair.supervisor),
            keys.my_card(pair.supervisee),
            pair.supervisee,
            exchange.import_comments,
        )
    raw = json.dumps({"items": [item]}).encode()
    data = forge(raw, kind, [(item["id"], 1)], sender, [card])
    assert attempt(journal, importer, data) is None


@pytest.mark.parametrize(
    "series",
    [
        [{"client": "A", "session": 1, "estimate": 3, "instrument": []}],
        [
            {"client": "A", "session": 1, "estimate": 10**400, "max": 1, "instrument": "a"},
            {"client": "A", "session": 2, "estimate": 1, "max": 2, "instrument": "b"},
        ],
        [{"client": "A", "session": 1, "estimate": 2**64, "instrument": "sac4"}],
    ],
    ids=["instrument a list", "score beyond a float", "score beyond 64 bits"],
)
def test_chart_data_from_a_partner_is_refused_or_renders(pair: Pair, series: list) -> None:
    # the entry checks (now Payload.from_json) accepted all three; report._chart_rows then
    # raised TypeError (a list in a set) and OverflowError (int / int beyond float), and
    # vl-convert ValueError ("invalid type: integer ... as u128"), so no printout was made
    data = entries_from_partner(pair, {"items": [{"id": "e1", "revision": 1}], "series": series})
    if attempt(pair.supervisor, import_entries, data) is not None:
        check_renders(stored_payload(pair.supervisor, data))


@pytest.mark.parametrize("text", [float("nan"), "\ud800"], ids=["NaN", "a lone surrogate"])
def test_write_bundle_refuses_content_json_cannot_carry_with_a_message(
    pair: Pair, text: object
) -> None:
    # _canonical_json catches json.dumps errors, but encodes to UTF-8 outside the try:
    # a lone surrogate raised UnicodeEncodeError instead of SharingError
    payload = {"items": [{"id": "e1", "revision": 1, "text": text}]}
    with pytest.raises(JournalError) as refused:
        entries_from_partner(pair, payload)
    assert isinstance(refused.value, SharingError)
    assert_readable(str(refused.value))


def render_elsewhere(payload: dict[str, Any]) -> subprocess.CompletedProcess:
    """`html_report` in a separate Python process, so an abort cannot take pytest down."""
    code = (
        "import pickle, sys\n"
        "from sharing import report\n"
        "from sharing.payload import Payload\n"
        "html = report.html_report(Payload.from_json(pickle.load(sys.stdin.buffer)))\n"
        "print(len(html))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        input=pickle.dumps(payload),
        capture_output=True,
        cwd=Path(__file__).resolve().parents[1],
        timeout=300,
        check=False,
    )


def test_a_chart_score_far_beyond_its_maximum_is_refused_or_drawn_without_aborting(
    pair: Pair,
) -> None:
    # accepted by the entry checks (a count); report.html_report then drew the point far
    # outside the axis 0-40 and vl-convert aborted the process: "memory allocation of
    # 40753222560 bytes failed" (SIGABRT), which would stop the app's server
    series = [{"client": "A", "session": 1, "estimate": 10**6, "instrument": "sac4", "max": 40}]
    data = entries_from_partner(pair, {"items": [{"id": "e1", "revision": 1}], "series": series})
    if attempt(pair.supervisor, import_entries, data) is None:
        return
    drawn = render_elsewhere(stored_payload(pair.supervisor, data))
    tail = drawn.stderr.decode(errors="replace").strip().splitlines()[-1:]
    assert drawn.returncode == 0, f"drawing the report ended the process: {tail}"
