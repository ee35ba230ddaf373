"""Entries: finding, reading, editing and trashing your reflections.

Pure helpers over an unlocked Journal for the Entries screen. `EntryIndex` gathers what
the list shows about every reflection (client code, session, scores, supervisors'
comments) in one pass over the journal; the screen keeps it until the journal changes,
so a search or a filter costs one pass over the reflections, never one per reflection.

Search looks at the words of reflections (answers, free text, next step, tags), at what
clients wrote with their feedback, and at supervisors' comments: a match in feedback or
a comment leads to the reflection on that session, or the one the comment is about.
Every word and "quoted phrase" of the search must occur, as whole words, in one of these
records (storage.search): "silence rupture" does not join "silence" in a reflection to
"rupture" in a comment on it, so each excerpt shown holds the whole search. Entries
found are listed by relevance (`FoundEntry.relevance`), then newest first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from practice.dates import medium_day
from storage.errors import InvalidRecord, RecordNotFound
from storage.journal import Entry, Journal, SearchHit
from storage.records import (
    REACTIONS,
    Answer,
    Client,
    Comment,
    Estimate,
    Feedback,
    Reflection,
    Session,
    now,
)

EDIT_DRAFT = "entries-edit"  # the draft key of unsaved changes to an entry
INTENSITY_WORDS: dict[int, str] = {0: "none", 1: "mild", 2: "moderate", 3: "strong"}
TRASH_DAYS = 30
EXCERPT_WIDTH = 160
GIST_WORDS = 20
# How much an occurrence of a search term weighs: your own words count more than what
# others wrote, and a phrase counts once per word in it.
OWN_WORDS_WEIGHT = 2
OTHERS_WORDS_WEIGHT = 1
ELLIPSIS = "…"
# Newlines and tabs become spaces one for one, so match positions stay valid.
_FLATTEN = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\f": " ", "\v": " "})


@dataclass(frozen=True)
class EntryFilter:
    """What the list is narrowed to. Several choices in one filter mean "any of them";
    different filters must all hold."""

    client_ids: frozenset[str] = frozenset()
    start: date | None = None
    end: date | None = None
    domains: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    reactions: frozenset[str] = frozenset()
    flagged_only: bool = False

    def admits(self, row: EntryRow) -> bool:
        """True when the reflection passes every filter."""
        reflection = row.reflection
        if self.client_ids and row.client_id not in self.client_ids:
            return False
        if (self.start and row.day < self.start) or (self.end and row.day > self.end):
            return False
        if self.domains and self.domains.isdisjoint(reflection.focus_domains):
            return False
        if self.tags and self.tags.isdisjoint(reflection.tags):
            return False
        if self.reactions and not any(
            reflection.reactions.get(name, 0) >= 1 for name in self.reactions
        ):
            return False
        return not (self.flagged_only and not reflection.flagged_for_supervision)


@dataclass(frozen=True, slots=True)
class EntryRow:
    """What the screen knows about one reflection: its session, client and scores."""

    reflection: Reflection
    revision: int
    saved_at: datetime
    deleted_at: datetime | None
    day: date  # the session's date, or the day a free reflection was written
    client_id: str | None
    client_code: str
    session: Session | None
    estimate: Estimate | None
    feedback: Feedback | None

    @property
    def id(self) -> str:
        return self.reflection.id

    @property
    def session_number(self) -> int | None:
        return self.session.number if self.session else None

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None

    def label(self, day: Callable[[date], str] = medium_day) -> str:
        """How lists name the entry: "C-014 · session 6 · 9 Mar 2026" (as on Supervision);
        `day` writes the date (the screen passes the browser's locale)."""
        who = self.client_code or "No client"
        what = f"session {self.session.number}" if self.session else "free reflection"
        return f"{who} · {what} · {day(self.day)}"

    def session_line(self, day: Callable[[date], str] = medium_day) -> str:
        """ "Session 6 · 9 Mar 2026 · video · 50 minutes", or when a free reflection was made."""
        if self.session is None:
            return f"Free reflection, written {day(self.reflection.written_at.date())}"
        session = self.session
        return (
            f"Session {session.number} · {day(session.date)} · {session.modality} · "
            f"{session.duration_minutes} minutes"
        )

    def notes(self) -> list[str]:
        """Short facts for the list: flagged, in the trash, the two totals."""
        notes = []
        if self.reflection.flagged_for_supervision:
            notes.append("flagged for supervision")
        if self.deleted_at is not None:
            notes.append("in the trash")
        if self.estimate is not None:
            notes.append(f"your estimate {self.estimate.total}")
        if self.feedback is not None:
            notes.append(f"client's feedback {self.feedback.total}")
        return notes

    def gist(self, words: int = GIST_WORDS) -> str:
        """The first words of the reflection, for a list without a search."""
        found = self.reflection.text().split()
        return " ".join(found[:words]) + (f" {ELLIPSIS}" if len(found) > words else "")


@dataclass
class EntryIndex:
    """Every reflection (trash included) with its context, newest first; build it once per
    journal change with `build_index`."""

    rows: list[EntryRow]
    by_id: dict[str, EntryRow]
    by_session: dict[str, list[str]]
    comments: dict[str, list[Comment]]
    clients: list[Client]
    tags: list[str]


def build_index(journal: Journal) -> EntryIndex:
    """One pass over sessions, clients, scores, comments and reflections."""
    sessions = {s.id: s for s in journal.all(Session, include_trash=True)}
    clients = {c.id: c for c in journal.all(Client, include_trash=True)}
    estimates = {e.session_id: e for e in journal.all(Estimate)}
    feedback = {f.session_id: f for f in journal.all(Feedback)}
    comments: dict[str, list[Comment]] = {}
    for comment in sorted(journal.all(Comment), key=lambda c: c.written_at):
        if comment.received and comment.deleted_at is None:  # deleted by its author
            comments.setdefault(comment.entry_id, []).append(comment)
    rows, by_session, tags = [], {}, set()
    for reflection in journal.all(Reflection, include_trash=True):
        stored = journal.entry(reflection.id)
        session = sessions.get(reflection.session_id or "")
        client_id = session.client_id if session else reflection.client_id
        client = clients.get(client_id or "")
        rows.append(
            EntryRow(
                reflection=reflection,
                revision=stored.revision,
                saved_at=stored.saved_at,
                deleted_at=stored.deleted_at,
                day=session.date if session else reflection.written_at.date(),
                client_id=client_id if client else None,
                client_code=client.code if client else "",
                session=session,
                estimate=estimates.get(session.id) if session else None,
                feedback=feedback.get(session.id) if session else None,
            )
        )
        if session:
            by_session.setdefault(session.id, []).append(reflection.id)
        if stored.deleted_at is None:
            tags.update(reflection.tags)
    rows.sort(key=lambda r: (r.day, r.reflection.written_at), reverse=True)
    return EntryIndex(
        rows=rows,
        by_id={r.id: r for r in rows},
        by_session=by_session,
        comments=comments,
        clients=sorted(
            (c for c in clients.values() if journal.entry(c.id).deleted_at is None),
            key=lambda c: c.code.casefold(),
        ),
        tags=sorted(tags, key=str.casefold),
    )


# ---- search ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Excerpt:
    """A short passage around a match: `parts` are (text, is_match) in reading order."""

    where: str
    parts: tuple[tuple[str, bool], ...]
    matches: int

    def text(self) -> str:
        return "".join(part for part, _ in self.parts)


def excerpt(
    text: str, spans: Iterable[tuple[int, int]], width: int = EXCERPT_WIDTH, where: str = ""
) -> Excerpt:
    """About `width` characters around the first match, cut at spaces, on one line, with
    every match inside the window marked and "…" where the text goes on."""
    flat = text.translate(_FLATTEN)
    spans = sorted(spans)
    if spans:
        first_start, first_end = spans[0]
        start = max(0, first_start - width // 3)
        end = max(min(len(flat), start + width), first_end)
        start = max(0, min(start, end - width))
    else:
        first_start, first_end, start, end = 0, 0, 0, min(len(flat), width)
    # cut at a space, unless that would cut into the match
    if start > 0 and (space := flat.find(" ", start, first_start)) != -1:
        start = space + 1
    if end < len(flat) and (space := flat.rfind(" ", max(first_end, start), end)) != -1:
        end = space
    parts: list[tuple[str, bool]] = [(ELLIPSIS, False)] if start > 0 else []
    cursor = start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, cursor), min(span_end, end)
        if span_start >= span_end:
            continue
        parts += [(flat[cursor:span_start], False), (flat[span_start:span_end], True)]
        cursor = span_end
    parts.append((flat[cursor:end], False))
    if end < len(flat):
        parts.append((ELLIPSIS, False))
    return Excerpt(where, tuple(p for p in parts if p[0]), len(spans))


def _where(record: object) -> str:
    if isinstance(record, Feedback):
        return "Your client's feedback"
    if isinstance(record, Comment):
        return f"Comment from {record.author}" if record.author else "Supervisor's comment"
    return "Your reflection"


@dataclass(frozen=True, slots=True)
class FoundEntry:
    """One reflection in the list, with the records where the search matched."""

    row: EntryRow
    hits: tuple[SearchHit, ...] = ()

    @property
    def id(self) -> str:
        return self.row.id

    def excerpts(self, width: int = EXCERPT_WIDTH) -> list[Excerpt]:
        """An excerpt per matching record (the reflection first); computed when shown."""
        return [excerpt(hit.text, hit.spans, width, _where(hit.record)) for hit in self.hits]

    @property
    def relevance(self) -> int:
        """How well the entry matches the search: every occurrence of a term, weighted by
        the term's words and by whose words they are (see OWN_WORDS_WEIGHT); 0 without."""
        return sum(_relevance(hit) for hit in self.hits)


def _relevance(hit: SearchHit) -> int:
    weight = OWN_WORDS_WEIGHT if isinstance(hit.record, Reflection) else OTHERS_WORDS_WEIGHT
    return weight * sum(
        count * len(term.words) for term, count in zip(hit.terms, hit.counts, strict=True)
    )


def _hits_by_reflection(hits: list[SearchHit], index: EntryIndex) -> dict[str, list[SearchHit]]:
    """Each hit under the reflection it leads to (feedback: its session's reflection)."""
    found: dict[str, list[SearchHit]] = {}
    for hit in hits:
        record = hit.record
        if isinstance(record, Reflection):
            targets = [record.id]
        elif isinstance(record, Feedback):
            targets = index.by_session.get(record.session_id, [])
        elif isinstance(record, Comment) and record.received:
            targets = [record.entry_id]
        else:
            continue  # clients and other records are not entries
        for target in targets:
            if target in index.by_id:
                found.setdefault(target, []).append(hit)
    for listed in found.values():  # the reflection's own words first
        listed.sort(key=lambda h: not isinstance(h.record, Reflection))
    return found


def find_entries(
    journal: Journal,
    query: str = "",
    chosen_filter: EntryFilter | None = None,
    include_trash: bool = False,
    index: EntryIndex | None = None,
) -> list[FoundEntry]:
    """Reflections matching the search (when `query` has words) and every filter: the
    best matches first, then the newest; without a search, newest first. The trash only
    when `include_trash`."""
    index = index or build_index(journal)
    chosen_filter = chosen_filter or EntryFilter()
    hits = None
    if query.strip():
        hits = _hits_by_reflection(journal.search(query, include_trash=include_trash), index)
    found = []
    for row in index.rows:
        if row.in_trash and not include_trash:
            continue
        if hits is not None and row.id not in hits:
            continue
        if chosen_filter.admits(row):
            found.append(FoundEntry(row, tuple(hits[row.id]) if hits is not None else ()))
    if hits is not None:  # a stable sort: equally relevant entries stay newest first
        found.sort(key=lambda f: f.relevance, reverse=True)
    return found


def page_of(items: list, page: int, size: int) -> list:
    """Page `page` (from 1) of `items`, `size` to a page; clamped to the pages there are."""
    pages = max(1, -(-len(items) // size))
    page = min(max(page, 1), pages)
    return items[(page - 1) * size : page * size]


# ---- reading one entry ---------------------------------------------------------------------


@dataclass(frozen=True)
class EntryView:
    """Everything the screen shows about one reflection."""

    row: EntryRow
    comments: tuple[Comment, ...]

    @property
    def reflection(self) -> Reflection:
        return self.row.reflection

    def reactions(self) -> list[str]:
        """Reactions felt (intensity 1 or more), in words: "helpless/inadequate (moderate)"."""
        return reactions_in_words(self.reflection.reactions)

    def item_scores(self) -> list[tuple[str, int | None, int | None]]:
        """(item id, your estimate, the client's feedback) for every item either has."""
        estimate = self.row.estimate.items if self.row.estimate else {}
        feedback = self.row.feedback.items if self.row.feedback else {}
        items = list(estimate) + [i for i in feedback if i not in estimate]
        return [(i, estimate.get(i), feedback.get(i)) for i in items]


def reactions_in_words(reactions: dict[str, int]) -> list[str]:
    """Reactions with intensity 1 or more, in REACTIONS order, intensity in words."""
    names = [r for r in REACTIONS if r in reactions] + [r for r in reactions if r not in REACTIONS]
    return [
        f"{name} ({INTENSITY_WORDS.get(reactions[name], reactions[name])})"
        for name in names
        if reactions[name] >= 1
    ]


def entry_view(journal: Journal, reflection_id: str, index: EntryIndex | None = None) -> EntryView:
    """One reflection with its session, scores and supervisors' comments (received).

    Raises RecordNotFound when there is no such reflection."""
    index = index or build_index(journal)
    row = index.by_id.get(reflection_id)
    if row is None:
        raise RecordNotFound(reflection_id)
    return EntryView(row, tuple(index.comments.get(reflection_id, ())))


def entry_views(
    journal: Journal, reflection_ids: Iterable[str], index: EntryIndex | None = None
) -> list[EntryView]:
    """The views of several reflections in the order given; ids no longer there are skipped."""
    index = index or build_index(journal)
    return [
        EntryView(index.by_id[i], tuple(index.comments.get(i, ())))
        for i in reflection_ids
        if i in index.by_id
    ]


# ---- editing and history -------------------------------------------------------------------


@dataclass(frozen=True)
class EntryEdit:
    """What the Edit form sends: the answers in the reflection's order, and the rest."""

    answers: tuple[str, ...]
    free_text: str
    next_step: str
    tags: tuple[str, ...]
    flagged: bool


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags trimmed, blanks dropped, repeats (ignoring case) dropped, order kept."""
    seen, kept = set(), []
    for tag in (t.strip() for t in tags):
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            kept.append(tag)
    return kept


def edited(reflection: Reflection, edit: EntryEdit) -> Reflection:
    """A copy of `reflection` with the edit applied (answers left empty are dropped, as on
    Reflect). Raises InvalidRecord, naming what is wrong, when the edit cannot be saved."""
    if len(edit.answers) != len(reflection.answers):
        raise InvalidRecord("Answers", "the entry changed while you edited it; open it again")
    answers = [
        Answer(a.prompt_id, a.prompt_text, text)
        for a, text in zip(reflection.answers, edit.answers, strict=True)
        if text.strip()
    ]
    changed = dataclasses.replace(
        reflection,
        answers=answers,
        free_text=edit.free_text,
        next_step=edit.next_step,
        tags=clean_tags(edit.tags),
        flagged_for_supervision=bool(edit.flagged),
    )
    if not changed.text().strip():
        raise InvalidRecord(
            "Entry",
            "it would be empty; keep an answer, some free writing or a next step "
            "(to remove the entry, delete it instead)",
        )
    return changed


def save_edit(journal: Journal, reflection_id: str, edit: EntryEdit) -> bool:
    """Store the edited reflection as its next revision (the earlier one stays in the
    history). Returns False, writing nothing, when nothing changed."""
    stored = journal.entry(reflection_id)
    if not isinstance(stored.record, Reflection):
        raise InvalidRecord("Entry", "only reflections can be edited here")
    if stored.deleted_at is not None:
        raise InvalidRecord("Entry", "it is in the trash; restore it before editing")
    changed = edited(stored.record, edit)
    if not revision_changes(stored.record, changed):
        return False
    journal.save(changed)
    return True


def _answer_map(reflection: Reflection) -> dict[str, Answer]:
    return {a.prompt_id: a for a in reflection.answers}


def revision_changes(old: Reflection, new: Reflection) -> list[str]:
    """What differs between two revisions of a reflection, in words, in reading order."""
    changes = []
    before, after = _answer_map(old), _answer_map(new)
    for prompt_id in list(before) + [p for p in after if p not in before]:
        was, becomes = before.get(prompt_id), after.get(prompt_id)
        prompt = (becomes or was).prompt_text or prompt_id
        if was is None:
            changes.append(f"Answer to “{prompt}” added")
        elif becomes is None:
            changes.append(f"Answer to “{prompt}” removed")
        elif was.answer != becomes.answer:
            changes.append(f"Answer to “{prompt}”")
    for label, field in (
        ("Free text", "free_text"),
        ("Next step", "next_step"),
        ("Tags", "tags"),
        ("Flag for supervision", "flagged_for_supervision"),
        ("Reactions", "reactions"),
        ("Focus", "focus_domains"),
        ("Framework", "framework"),
        ("Session", "session_id"),
        ("Client", "client_id"),
    ):
        if getattr(old, field) != getattr(new, field):
            changes.append(label)
    return changes


@dataclass(frozen=True)
class Revision:
    """One kept revision of a reflection, and what changed from the one before."""

    revision: int
    saved_at: datetime
    reflection: Reflection
    in_trash: bool
    changes: tuple[str, ...]
    current: bool


def _change_words(earlier: list[Entry], entry: Entry) -> tuple[str, ...]:
    if not earlier:
        return ("First saved",)
    before = earlier[-1]
    changes = revision_changes(before.record, entry.record)
    if not changes:
        if entry.deleted_at is not None and before.deleted_at is None:
            return ("Moved to the trash",)
        if entry.deleted_at is None and before.deleted_at is not None:
            return ("Restored from the trash",)
        return ("Saved again, no change",)
    same_as = next(
        (
            e.revision
            for e in reversed(earlier[:-1])
            if not revision_changes(e.record, entry.record)
        ),
        None,
    )
    if same_as is not None:
        return (f"Back to the text of revision {same_as}", *changes)
    return tuple(changes)


def revisions(journal: Journal, reflection_id: str) -> list[Revision]:
    """Every kept revision of the reflection, newest first, each with what changed."""
    history = journal.history(reflection_id)
    found = []
    for position, entry in enumerate(history):
        found.append(
            Revision(
                revision=entry.revision,
                saved_at=entry.saved_at,
                reflection=entry.record,
                in_trash=entry.deleted_at is not None,
                changes=_change_words(history[:position], entry),
                current=position == len(history) - 1,
            )
        )
    return found[::-1]


# ---- the trash -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrashedEntry:
    """A reflection in the trash; `due` once it has been there more than TRASH_DAYS."""

    row: EntryRow
    deleted_at: datetime
    due: bool


def trashed_entries(
    journal: Journal,
    at: datetime | None = None,
    index: EntryIndex | None = None,
    days: int = TRASH_DAYS,
) -> list[TrashedEntry]:
    """Reflections in the trash, most recently deleted first."""
    index = index or build_index(journal)
    at = at or now()
    trashed = [
        TrashedEntry(row, row.deleted_at, at - row.deleted_at > timedelta(days=days))
        for row in index.rows
        if row.deleted_at is not None
    ]
    return sorted(trashed, key=lambda t: t.deleted_at, reverse=True)


def purge_entry(journal: Journal, reflection_id: str) -> None:
    """Delete a trashed reflection for good, every revision, and empty the write-ahead
    log so its text leaves the file. Refuses an entry that is not in the trash."""
    stored = journal.entry(reflection_id)
    if not isinstance(stored.record, Reflection) or stored.deleted_at is None:
        raise InvalidRecord("Entry", "only an entry in the trash can be deleted for good")
    journal.purge_many([reflection_id, *_comments_on(journal, [reflection_id])])
    draft = journal.draft(EDIT_DRAFT)
    if draft is not None and draft.fields.get("entry_id") == reflection_id:
        journal.discard_draft(EDIT_DRAFT)  # unsaved changes to it would keep its words
    journal.checkpoint()


def _comments_on(journal: Journal, reflection_ids: list[str]) -> list[str]:
    """Supervisors' comments about these reflections: they go with them."""
    wanted = set(reflection_ids)
    return [c.id for c in journal.all(Comment, include_trash=True) if c.entry_id in wanted]


def empty_old_trash(journal: Journal, at: datetime | None = None, days: int = TRASH_DAYS) -> int:
    """Delete for good, in one transaction, the reflections in the trash for more than
    `days` days; returns how many. Only ever called when the user asks."""
    due = [t.row.id for t in trashed_entries(journal, at, days=days) if t.due]
    if due:
        journal.purge_many([*due, *_comments_on(journal, due)])
        draft = journal.draft(EDIT_DRAFT)
        if draft is not None and draft.fields.get("entry_id") in due:
            journal.discard_draft(EDIT_DRAFT)
        journal.checkpoint()
    return len(due)
