"""Entries → one entry: read it, edit it, look back through its history, move it to the
trash. Actions run as button callbacks, so the run they start already shows their result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from pages.ui import when, widgets
from pages.ui.notice import set_notice
from practice import entries
from prompts.library import library_for
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import Reflection

OPEN = "en_open"
MODE = "en_mode"
NOTICE = "en_notice"
PROBLEM = "en_problem"
ERROR = "en_error"
MODES = ("View", "Edit", "History", "Delete")
# an entry being edited, and what was typed, survive a visit to another page
KEEP = "session"


def _local(moment: Any) -> str:
    return when.moment(moment)


# ---- actions (button callbacks) ------------------------------------------------------------


def attempt(action: Callable[[], str]) -> bool:
    """Run a button's action: its notice, or what went wrong in plain words, shows at the
    top of the next run. True when it worked."""
    try:
        set_notice(NOTICE, action())
    except JournalError as error:  # e.g. the entry changed in another tab
        set_notice(PROBLEM, str(error), ok=False)
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
    journal.discard_draft(entries.EDIT_DRAFT)
    set_notice(
        NOTICE,
        "Changes saved. The earlier version is kept under History."
        if changed
        else "Nothing was changed, so nothing was saved.",
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
        st.markdown(f"**{widgets.plain(answer.prompt_text or answer.prompt_id)}**")
        st.markdown(widgets.plain(answer.answer) if answer.answer else "_(no answer)_")
    reactions = entries.reactions_in_words(reflection.reactions)
    if reactions:
        st.markdown("**Reactions:** " + widgets.plain(", ".join(reactions)))
    if reflection.free_text:
        st.markdown("**Free text**")
        st.markdown(widgets.plain(reflection.free_text))
    if reflection.next_step:
        st.markdown("**Next step**")
        st.markdown(widgets.plain(reflection.next_step))
    facts = []
    if reflection.tags:
        facts.append("Tags: " + ", ".join(reflection.tags))
    if reflection.flagged_for_supervision:
        facts.append("flagged for supervision")
    if facts:
        st.caption(widgets.plain(" · ".join(facts)))


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
        st.markdown("**Your client wrote:** " + widgets.plain(row.feedback.comment))


def read(journal: Journal, view: entries.EntryView) -> None:
    """The whole entry, as written, with its session, scores and supervisors' comments."""
    library = library_for(journal.settings)
    row, reflection = view.row, view.reflection
    try:
        framework = library.framework(reflection.framework).name
    except KeyError:  # a framework removed since the entry was written
        framework = reflection.framework
    facts = [row.session_line(when.day), f"Framework: {framework}"]
    if reflection.focus_domains:
        facts.append("Focus: " + ", ".join(reflection.focus_domains))
    st.caption(widgets.plain(" · ".join(facts)))
    _scores(view, library.instruments)
    reflection_text(reflection)
    if view.comments:
        st.markdown("**Supervisor's comments**")
        for comment in view.comments:
            about = [comment.author or "Supervisor", when.moment(comment.written_at)]
            if comment.functions:
                about.append(", ".join(comment.functions))
            with st.container(border=True):
                st.caption(widgets.plain(" · ".join(about)))
                st.markdown(widgets.plain(comment.text))


def _edit(journal: Journal, view: entries.EntryView, known_tags: list[str]) -> None:
    reflection = view.reflection
    prefix = f"en_edit_{reflection.id}_{view.row.revision}"  # a new revision starts fresh
    keys = _edit_keys(prefix, len(reflection.answers))
    restored = _restore_draft(journal, reflection.id, view.row.revision, keys)
    _start_from(reflection, keys)
    # plain widgets, not a form: typing then counts as activity and autosaves a draft
    widgets.commit_text_while_typing()
    for i, answer in enumerate(reflection.answers):
        st.text_area(
            widgets.label(answer.prompt_text or answer.prompt_id),
            key=keys["answers"][i],
            persist_state=KEEP,
        )
    st.text_area("Free text", key=keys["free_text"], persist_state=KEEP)
    st.text_area("Next step", key=keys["next_step"], persist_state=KEEP)
    chosen_tags = st.session_state[keys["tags"]]
    st.multiselect(
        "Tags",
        sorted(set(known_tags) | set(reflection.tags) | set(chosen_tags), key=str.casefold),
        accept_new_options=True,
        key=keys["tags"],
        persist_state=KEEP,
    )
    st.checkbox("Flag for supervision", key=keys["flagged"], persist_state=KEEP)
    save, discard = st.columns(2)
    save.button(
        "Save changes",
        type="primary",
        on_click=_save,
        args=(journal, reflection.id, prefix, len(reflection.answers)),
    )
    if restored:
        st.info(f"Your unsaved changes from {restored} are back.", icon=":material/restore:")
        discard.button(
            "Discard changes", on_click=_discard_changes, args=(journal, list(_keys_of(keys)))
        )
    st.caption("Saving keeps the earlier version: you can see it and restore it under History.")
    if error := st.session_state.pop(ERROR, None):
        st.error(error)
    _autosave(journal, reflection, view.row.revision, keys)


def _edit_keys(prefix: str, answers: int) -> dict[str, Any]:
    return {
        "answers": [f"{prefix}_answer_{i}" for i in range(answers)],
        "free_text": f"{prefix}_free_text",
        "next_step": f"{prefix}_next_step",
        "tags": f"{prefix}_tags",
        "flagged": f"{prefix}_flagged",
    }


def _keys_of(keys: dict[str, Any]) -> list[str]:
    return [*keys["answers"], keys["free_text"], keys["next_step"], keys["tags"], keys["flagged"]]


def _start_from(reflection: Reflection, keys: dict[str, Any]) -> None:
    """Widgets start from the entry as saved (set once; they then keep what is typed)."""
    state = st.session_state
    for key, answer in zip(keys["answers"], reflection.answers, strict=True):
        state.setdefault(key, answer.answer)
    state.setdefault(keys["free_text"], reflection.free_text)
    state.setdefault(keys["next_step"], reflection.next_step)
    state.setdefault(keys["tags"], list(reflection.tags))
    state.setdefault(keys["flagged"], reflection.flagged_for_supervision)


def _typed(keys: dict[str, Any]) -> dict[str, Any] | None:
    """What the widgets hold now (None before they were drawn)."""
    state = st.session_state
    if not all(k in state for k in _keys_of(keys)):
        return None
    return {
        "answers": [state[k] for k in keys["answers"]],
        "free_text": state[keys["free_text"]],
        "next_step": state[keys["next_step"]],
        "tags": list(state[keys["tags"]]),
        "flagged": bool(state[keys["flagged"]]),
    }


def _restore_draft(journal: Journal, entry_id: str, revision: int, keys: dict[str, Any]) -> str:
    """Put back unsaved changes to this revision kept from before a lock; when, or ""."""
    state = st.session_state
    draft = journal.draft(entries.EDIT_DRAFT)
    if draft is None or any(k in state for k in _keys_of(keys)):
        return state.get(f"{keys['free_text']}_restored", "")
    fields = draft.fields
    if fields.get("entry_id") != entry_id or fields.get("revision") != revision:
        return ""
    answers = fields.get("answers", [])
    if len(answers) == len(keys["answers"]):
        for key, value in zip(keys["answers"], answers, strict=True):
            state[key] = value
    for name in ("free_text", "next_step", "tags", "flagged"):
        if name in fields:
            state[keys[name]] = fields[name]
    saved = when.moment(draft.saved_at)
    state[f"{keys['free_text']}_restored"] = saved
    return saved


def _autosave(journal: Journal, reflection: Reflection, revision: int, keys: dict) -> None:
    """Keep typed changes as an encrypted draft, so a lock or a closed tab loses nothing."""
    typed = _typed(keys)
    if typed is None:
        return
    stored = {
        "answers": [a.answer for a in reflection.answers],
        "free_text": reflection.free_text,
        "next_step": reflection.next_step,
        "tags": list(reflection.tags),
        "flagged": reflection.flagged_for_supervision,
    }
    draft = journal.draft(entries.EDIT_DRAFT)
    if typed == stored:
        return
    fields = {"entry_id": reflection.id, "revision": revision, **typed}
    if draft is None or draft.fields != fields:
        journal.save_draft(entries.EDIT_DRAFT, fields)


def _discard_changes(journal: Journal, widget_keys: list[str]) -> None:
    journal.discard_draft(entries.EDIT_DRAFT)
    for key in widget_keys:
        st.session_state.pop(key, None)
    set_notice(NOTICE, "Unsaved changes discarded.")
    st.session_state[MODE] = "View"


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
        st.caption(
            widgets.plain("What changed from the revision before: " + "; ".join(chosen.changes))
        )
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
    st.header(widgets.plain(view.row.label(when.day)))
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
        persist_state=KEEP,
    )
    if mode == "Edit":
        _edit(journal, view, index.tags)
    elif mode == "History":
        _history(journal, view)
    elif mode == "Delete":
        _trash(journal, view)
    else:
        read(journal, view)
