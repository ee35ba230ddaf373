"""Entries → one entry: read it, edit it, look back through its history, move it to the
trash. Actions run as button callbacks, so the run they start already shows their result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from pages import ui
from prompts.library import library_for
from storage import entries
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import Reflection

OPEN = "en_open"
MODE = "en_mode"
NOTICE = "en_notice"
PROBLEM = "en_problem"
ERROR = "en_error"
MODES = ("View", "Edit", "History", "Delete")


def _local(moment: Any) -> str:
    return f"{moment.astimezone():%d %b %Y, %H:%M}"


# ---- actions (button callbacks) ------------------------------------------------------------


def attempt(action: Callable[[], str]) -> bool:
    """Run a button's action: its notice, or what went wrong in plain words, shows at the
    top of the next run. True when it worked."""
    try:
        st.session_state[NOTICE] = action()
    except JournalError as error:  # e.g. the entry changed in another tab
        st.session_state[PROBLEM] = str(error)
        return False
    return True


def close() -> None:
    """Back to the list."""
    st.session_state.pop(OPEN, None)
    st.session_state.pop(ERROR, None)


def restore_from_trash(journal: Journal, reflection_id: str) -> None:
    """Take an entry out of the trash."""

    def restore() -> str:
        journal.restore(reflection_id)
        return "Restored from the trash."

    attempt(restore)


def _save(journal: Journal, reflection_id: str, prefix: str, answers: int) -> None:
    state = st.session_state
    edit = entries.EntryEdit(
        answers=tuple(state[f"{prefix}_answer_{i}"] for i in range(answers)),
        free_text=state[f"{prefix}_free_text"],
        next_step=state[f"{prefix}_next_step"],
        tags=tuple(state[f"{prefix}_tags"]),
        flagged=bool(state[f"{prefix}_flagged"]),
    )
    try:
        changed = entries.save_edit(journal, reflection_id, edit)
    except JournalError as error:  # shown under the form, which keeps what was typed
        state[ERROR] = str(error)
        return
    state[NOTICE] = (
        "Changes saved. The earlier version is kept under History."
        if changed
        else "Nothing was changed, so nothing was saved."
    )
    state[MODE] = "View"


def _restore_revision(journal: Journal, reflection_id: str, revision: int) -> None:
    def restore() -> str:
        restored = journal.restore_revision(reflection_id, revision)
        return (
            f"Revision {revision} restored as revision {restored.revision}. "
            "The text it replaced is kept in the history."
        )

    if attempt(restore):
        st.session_state[MODE] = "View"


def _delete(journal: Journal, reflection_id: str) -> None:
    def delete() -> str:
        journal.delete(reflection_id)
        return "Moved to the trash. You can restore it from Trash."

    if attempt(delete):
        close()


# ---- drawing -------------------------------------------------------------------------------


def reflection_text(reflection: Reflection) -> None:
    """The words of a reflection: prompts and answers, reactions, free text, next step, tags."""
    for answer in reflection.answers:
        st.markdown(f"**{ui.plain(answer.prompt_text or answer.prompt_id)}**")
        st.markdown(ui.plain(answer.answer) if answer.answer else "_(no answer)_")
    reactions = entries.reactions_in_words(reflection.reactions)
    if reactions:
        st.markdown("**Reactions:** " + ui.plain(", ".join(reactions)))
    if reflection.free_text:
        st.markdown("**Free text**")
        st.markdown(ui.plain(reflection.free_text))
    if reflection.next_step:
        st.markdown("**Next step**")
        st.markdown(ui.plain(reflection.next_step))
    facts = []
    if reflection.tags:
        facts.append("Tags: " + ", ".join(reflection.tags))
    if reflection.flagged_for_supervision:
        facts.append("flagged for supervision")
    if facts:
        st.caption(ui.plain(" · ".join(facts)))


def _scores(view: entries.EntryView, instruments: dict[str, Any]) -> None:
    row = view.row
    scored = row.estimate or row.feedback
    if scored is None:
        return
    instrument = instruments.get(scored.instrument)
    out_of = f" / {instrument.total_max}" if instrument else ""
    left, right = st.columns(2)
    left.metric("Your estimate", f"{row.estimate.total}{out_of}" if row.estimate else "—")
    right.metric("Client's feedback", f"{row.feedback.total}{out_of}" if row.feedback else "—")
    labels = {i.id: i.label for i in instrument.items} if instrument else {}
    st.table(
        [
            {"Item": labels.get(item, item), "Your estimate": mine, "Client's feedback": theirs}
            for item, mine, theirs in view.item_scores()
        ]
    )
    if row.estimate is not None and row.estimate.presence is not None:
        st.caption(f"Your own presence: {row.estimate.presence} of 10")
    if row.feedback is not None and row.feedback.comment:
        st.markdown("**Your client wrote:** " + ui.plain(row.feedback.comment))


def read(journal: Journal, view: entries.EntryView) -> None:
    """The whole entry, as written, with its session, scores and supervisors' comments."""
    library = library_for(journal.settings)
    row, reflection = view.row, view.reflection
    try:
        framework = library.framework(reflection.framework).name
    except KeyError:  # a framework removed since the entry was written
        framework = reflection.framework
    facts = [row.session_line(), f"Framework: {framework}"]
    if reflection.focus_domains:
        facts.append("Focus: " + ", ".join(reflection.focus_domains))
    st.caption(ui.plain(" · ".join(facts)))
    _scores(view, library.instruments)
    reflection_text(reflection)
    if view.comments:
        st.markdown("**Supervisor's comments**")
        for comment in view.comments:
            about = [comment.author or "Supervisor", f"{comment.written_at.astimezone():%d %b %Y}"]
            if comment.functions:
                about.append(", ".join(comment.functions))
            with st.container(border=True):
                st.caption(ui.plain(" · ".join(about)))
                st.markdown(ui.plain(comment.text))


def _edit(journal: Journal, view: entries.EntryView, known_tags: list[str]) -> None:
    reflection = view.reflection
    prefix = f"en_edit_{reflection.id}_{view.row.revision}"  # a new revision starts fresh
    with st.form(f"{prefix}_form"):
        for i, answer in enumerate(reflection.answers):
            st.text_area(
                ui.plain(answer.prompt_text or answer.prompt_id),
                value=answer.answer,
                key=f"{prefix}_answer_{i}",
            )
        st.text_area("Free text", value=reflection.free_text, key=f"{prefix}_free_text")
        st.text_area("Next step", value=reflection.next_step, key=f"{prefix}_next_step")
        st.multiselect(
            "Tags",
            sorted(set(known_tags) | set(reflection.tags), key=str.casefold),
            default=reflection.tags,
            accept_new_options=True,
            key=f"{prefix}_tags",
        )
        st.checkbox(
            "Flag for supervision",
            value=reflection.flagged_for_supervision,
            key=f"{prefix}_flagged",
        )
        st.form_submit_button(
            "Save changes",
            type="primary",
            on_click=_save,
            args=(journal, reflection.id, prefix, len(reflection.answers)),
        )
    st.caption("Saving keeps the earlier version: you can see it and restore it under History.")
    if error := st.session_state.pop(ERROR, None):
        st.error(error)


def _history(journal: Journal, view: entries.EntryView) -> None:
    found = entries.revisions(journal, view.row.id)
    st.dataframe(
        [
            {
                "Revision": r.revision,
                "Saved": _local(r.saved_at),
                "What changed": "; ".join(r.changes) + (" (current)" if r.current else ""),
            }
            for r in found
        ],
        hide_index=True,
    )
    by_number = {r.revision: r for r in found}
    number = st.selectbox(
        "Revision",
        list(by_number),
        format_func=lambda n: (
            f"Revision {n} · {_local(by_number[n].saved_at)}"
            + (" (current)" if by_number[n].current else "")
        ),
        key=f"en_revision_{view.row.id}",
    )
    chosen, current = by_number[number], found[0]
    with st.container(border=True):
        st.caption(ui.plain("What changed from the revision before: " + "; ".join(chosen.changes)))
        reflection_text(chosen.reflection)
    same = not entries.revision_changes(chosen.reflection, current.reflection)
    st.button(
        "Restore this revision",
        key="en_restore_revision",
        disabled=same,
        on_click=_restore_revision,
        args=(journal, view.row.id, number),
        help="Its text becomes the current one, as a new revision: nothing is lost.",
    )
    if same:
        st.caption("This revision has the same text as the entry now.")


def _trash(journal: Journal, view: entries.EntryView) -> None:
    st.warning(
        "Move this entry to the trash? It stays there, with its history, until you delete "
        "it for good under Trash; until then you can restore it.",
        icon=":material/delete:",
    )
    st.button(
        "Move to trash",
        type="primary",
        key="en_delete",
        on_click=_delete,
        args=(journal, view.row.id),
    )


def show(journal: Journal, index: entries.EntryIndex, reflection_id: str) -> None:
    """The open entry with View / Edit / History / Delete."""
    st.button("Back to the list", icon=":material/arrow_back:", key="en_back", on_click=close)
    view = entries.entry_view(journal, reflection_id, index)
    st.subheader(ui.plain(view.row.label()))
    if view.row.deleted_at is not None:
        st.warning(
            f"In the trash since {_local(view.row.deleted_at)}. Restore it to edit it.",
            icon=":material/delete:",
        )
        st.button(
            "Restore",
            key="en_restore_open",
            on_click=restore_from_trash,
            args=(journal, reflection_id),
        )
        read(journal, view)
        return
    st.session_state.setdefault(MODE, "View")
    mode = st.segmented_control(
        "What to do with this entry",
        MODES,
        required=True,
        key=MODE,
        label_visibility="collapsed",
    )
    if mode == "Edit":
        _edit(journal, view, index.tags)
    elif mode == "History":
        _history(journal, view)
    elif mode == "Delete":
        _trash(journal, view)
    else:
        read(journal, view)
