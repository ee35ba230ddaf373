"""A small invented casebook for the Entries tests (search, edits, trash, exports):
two clients, three reflections on their sessions and one free reflection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from practice.entries import EntryEdit
from storage.journal import Journal
from storage.records import Answer, Client, Comment, Estimate, Feedback, Reflection, Session

SUPERVISOR = "Dr Marrowby"


@dataclass
class Casebook:
    """Three reflections on two invented clients, and one free reflection."""

    journal: Journal
    lighthouse: Reflection  # C-201 session 1: boundaries, helpless, flagged, tag "metaphor"
    harbour: Reflection  # C-201 session 2: a supervisor's comment and client feedback
    orchard: Reflection  # C-202 session 1: presence, positive, tag "ending"
    free: Reflection  # no session
    clients: dict[str, Client]


def write_casebook(journal: Journal) -> Casebook:
    """Save the casebook's clients, sessions, scores, reflections and comment in `journal`."""
    first, second = Client(code="C-201"), Client(code="C-202")
    s1 = Session(first.id, date(2026, 1, 5), 1, modality="video")
    s2 = Session(first.id, date(2026, 2, 2), 2)
    s3 = Session(second.id, date(2026, 3, 2), 1)
    lighthouse = Reflection(
        session_id=s1.id,
        client_id=first.id,
        framework="gibbs",
        focus_domains=["boundaries"],
        answers=[Answer("p-1", "What did I notice?", "The lighthouse image landed well.")],
        reactions={"helpless/inadequate": 2, "positive": 0},
        free_text="I offered extra time at the end.",
        next_step="Hold the ending time.",
        tags=["metaphor"],
        flagged_for_supervision=True,
    )
    harbour = Reflection(
        session_id=s2.id,
        client_id=first.id,
        focus_domains=["alliance"],
        free_text="We talked about the harbour walk.",
        next_step="Return to the walk.",
    )
    orchard = Reflection(
        session_id=s3.id,
        client_id=second.id,
        focus_domains=["presence"],
        reactions={"positive": 1},
        answers=[Answer("p-2", "What went well?", "Quiet minutes in the orchard story.")],
        tags=["ending"],
    )
    free = Reflection(free_text="A free thought about a lighthouse course I read about.")
    comment = Comment(
        entry_id=harbour.id,
        entry_revision=1,
        text="Notice the pull to rescue on the pier.",
        contact_fingerprint="f1f1",
        functions=["formative"],
        author=SUPERVISOR,
        received=True,
    )
    journal.save_all(
        [
            first,
            second,
            s1,
            s2,
            s3,
            Estimate(s1.id, "sac4", {"bond": 6, "goals": 7, "tasks": 5, "voice": 6}, presence=8),
            Feedback(s1.id, "sac4", {"bond": 9, "goals": 8, "tasks": 8, "voice": 9}),
            Estimate(s2.id, "sac4", {"bond": 5, "goals": 5, "tasks": 5, "voice": 5}),
            Feedback(
                s2.id, "sac4", {"bond": 7, "goals": 7, "tasks": 7, "voice": 7}, "too much homework"
            ),
            lighthouse,
            harbour,
            orchard,
            free,
            comment,
        ]
    )
    return Casebook(journal, lighthouse, harbour, orchard, free, {"C-201": first, "C-202": second})


def edit_of(reflection: Reflection, **changes: object) -> EntryEdit:
    """An edit of `reflection` as the screen sends it, with `changes` applied."""
    fields = {
        "answers": tuple(a.answer for a in reflection.answers),
        "free_text": reflection.free_text,
        "next_step": reflection.next_step,
        "tags": tuple(reflection.tags),
        "flagged": reflection.flagged_for_supervision,
    }
    return EntryEdit(**{**fields, **changes})
