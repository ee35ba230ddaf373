"""Settings: profession, idle lock, prompts, instruments, thresholds, keys, backups, verify."""

from __future__ import annotations

import dataclasses

import streamlit as st

from insights import ruptures
from pages.ui import journal_session
from pages.settings import safety as settings_safety
from prompts.authoring import instrument_from_form
from prompts.library import (
    PHASES,
    LibraryError,
    builtin_library,
    custom_prompt,
    library_for,
    new_custom_prompt_id,
)
from storage.records import DOMAINS, PROFESSIONS

PROFESSION_GROUPS = {
    "all": "everyone",
    "psychological": "talking therapies",
    "physical": "hands-on",
}

journal = journal_session.require_journal()
settings = journal.settings
builtin = builtin_library()

NOTICE = "settings_notice"
st.title("Settings")
if NOTICE in st.session_state:
    st.success(st.session_state.pop(NOTICE))


def _saved(message: str) -> None:
    st.session_state[NOTICE] = message
    st.rerun()


st.subheader("You and this journal")
with st.form("settings_form"):
    profession = st.selectbox(
        "Profession",
        PROFESSIONS,
        index=PROFESSIONS.index(settings.profession),
        key="settings_profession",
    )
    idle_minutes = st.number_input(
        "Lock after this many idle minutes",
        min_value=1,
        max_value=240,
        value=settings.idle_minutes,
        step=1,
    )
    if st.form_submit_button("Save settings", type="primary"):
        journal.save_settings(
            dataclasses.replace(settings, profession=profession, idle_minutes=int(idle_minutes))
        )
        _saved("Settings saved.")


def _prompt_fields(prefix: str, current: dict | None = None) -> dict:
    """Widgets for one prompt; returns the values as a custom-prompt dict."""
    current = current or {}
    text = st.text_area("Prompt", value=current.get("text", ""), key=f"{prefix}_text")
    left, middle, right = st.columns(3)
    domain = left.selectbox(
        "Domain",
        DOMAINS,
        index=DOMAINS.index(current.get("domain", DOMAINS[0])),
        key=f"{prefix}_domain",
    )
    phase = middle.selectbox(
        "Phase",
        PHASES,
        index=PHASES.index(current.get("phase", PHASES[0])),
        key=f"{prefix}_phase",
        format_func=lambda p: p.replace("_", " "),
    )
    group = right.selectbox(
        "For",
        list(PROFESSION_GROUPS),
        index=list(PROFESSION_GROUPS).index((current.get("professions") or ["all"])[0]),
        format_func=PROFESSION_GROUPS.get,
        key=f"{prefix}_group",
    )
    return {
        "id": current.get("id", ""),
        "domain": domain,
        "text": text.strip(),
        "phase": phase,
        "professions": [group],
        "proctor": current.get("proctor", ["formative"]),
        "follow_ups": current.get("follow_ups", []),
    }


def _save_prompts(prompts: list[dict], message: str) -> None:
    """Validate every custom prompt, then store them; nothing is saved on an error."""
    try:
        for data in prompts:
            custom_prompt(data)
    except LibraryError as error:
        st.error(str(error))
        return
    journal.save_settings(dataclasses.replace(settings, custom_prompts=prompts))
    _saved(message)


st.subheader("Your own prompts")
st.caption("Added to the prompts Reflect chooses from. Stored encrypted in this journal.")
custom = list(settings.custom_prompts)
for position, data in enumerate(custom):
    title = f"{data['domain']}: {data['text'][:80]}"
    with st.expander(title), st.form(f"edit_prompt_{data['id']}"):
        edited = _prompt_fields(f"edit_{data['id']}", data)
        save, delete = st.columns(2)
        if save.form_submit_button("Save changes"):
            _save_prompts(custom[:position] + [edited] + custom[position + 1 :], "Saved.")
        if delete.form_submit_button("Delete prompt"):
            _save_prompts(custom[:position] + custom[position + 1 :], "Prompt deleted.")

with st.form("add_prompt_form", clear_on_submit=True):
    new = _prompt_fields("new")
    if st.form_submit_button("Add prompt"):
        existing = set(builtin.prompts) | {p["id"] for p in custom}
        new["id"] = new_custom_prompt_id(new["text"], existing)
        _save_prompts([*custom, new], "Prompt added.")

st.subheader("Built-in prompts to hide")
hidden = st.multiselect(
    "Hidden prompts",
    sorted(builtin.prompts),
    default=[p for p in settings.hidden_prompts if p in builtin.prompts],
    format_func=lambda pid: f"{builtin.prompts[pid].domain}: {builtin.prompts[pid].text}",
)
if st.button("Save hidden prompts"):
    journal.save_settings(dataclasses.replace(settings, hidden_prompts=list(hidden)))
    _saved(f"{len(hidden)} built-in prompt(s) hidden.")

st.subheader("Your own instruments")
st.caption(
    "Add a scale you use (for example one you hold a licence for: type only its item "
    "labels, never its wording). Clients can then be rated on it in Reflect."
)
for data in settings.custom_instruments:
    st.markdown(
        f"- **{data['name']}**: {len(data['items'])} items, "
        f"{data['min_score']}-{data['max_score']} each"
    )
with st.form("add_instrument_form"):
    name = st.text_input("Instrument name", key="instrument_name")
    low, high, cutoff_column = st.columns(3)
    min_score = low.number_input("Lowest score", 0, 100, 0, key="instrument_min")
    max_score = high.number_input("Highest score", 1, 100, 10, key="instrument_max")
    cutoff = cutoff_column.number_input(
        "Total cutoff (optional)", 0, 4000, None, key="instrument_cutoff"
    )
    items_text = st.text_area(
        "Items, one a line: `label` or `label | your wording | client's wording`",
        key="instrument_items",
    )
    if st.form_submit_button("Add instrument"):
        existing = set(library_for(settings).instruments)
        try:
            data = instrument_from_form(
                name, int(min_score), int(max_score), items_text, existing, cutoff
            )
        except LibraryError as error:
            st.error(str(error))
        else:
            instruments = [*settings.custom_instruments, data]
            journal.save_settings(dataclasses.replace(settings, custom_instruments=instruments))
            _saved(f"Instrument '{data['name']}' added.")

st.subheader("Rupture flags")
st.caption(
    "When Reflect and Trends flag a possible rupture. Defaults follow the published rules "
    "on the SAC-4 scale (items 0-10, total 0-40); other instruments use the same share of "
    "their range. Flags prompt reflection; they never diagnose."
)
current = ruptures.Thresholds.from_settings(
    settings.rupture_thresholds, settings.srs_cutoff_inclusive
).as_dict()
with st.form("thresholds_form"):
    chosen = {}
    columns = st.columns(2)
    for position, (name, help_text) in enumerate(ruptures.THRESHOLD_HELP.items()):
        whole = float(current[name]).is_integer()
        chosen[name] = columns[position % 2].number_input(
            help_text,
            value=int(current[name]) if whole else float(current[name]),
            step=1 if whole else 0.5,
            key=f"threshold_{name}",
        )
    inclusive = st.checkbox(
        "SRS cutoff: a total at the cutoff (36) counts as low (sources differ: <= 36 or < 36)",
        value=settings.srs_cutoff_inclusive,
        key="threshold_srs_inclusive",
    )
    save_col, reset_col = st.columns(2)
    if save_col.form_submit_button("Save rupture settings"):
        try:
            ruptures.Thresholds.from_settings(chosen, inclusive)
        except ValueError as error:
            st.error(f"{error}. Nothing was saved.")
        else:
            journal.save_settings(
                dataclasses.replace(
                    settings, rupture_thresholds=chosen, srs_cutoff_inclusive=inclusive
                )
            )
            _saved("Rupture settings saved.")
    if reset_col.form_submit_button("Back to the defaults"):
        journal.save_settings(
            dataclasses.replace(settings, rupture_thresholds={}, srs_cutoff_inclusive=True)
        )
        _saved("Rupture settings back to the defaults.")

settings_safety.show(journal)
