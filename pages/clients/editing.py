"""Clients → add a client, and change a client's alias, goals, instrument and outcome
measure."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from pages.clients import NOTICE
from pages.clients.outcome_measure import measure_choice
from pages.ui import widgets
from pages.ui.notice import rerun_with_notice
from practice import caseload
from prompts.library import Library
from prompts.outcomes import OutcomeMeasure
from sharing import deidentify
from storage.errors import JournalError
from storage.journal import Journal
from storage.records import Client

_NAME_WARNING = (
    "That looks like a person's full name. Use a code (e.g. C-014) and keep names out of "
    "the journal: reflections can be ordered by a court."
)
# the Add a client widgets, emptied once the client is added
_NEW = ("cl_new_code", "cl_new_alias", "cl_new_goals", "cl_new_instrument", "cl_new_measure")


def add_client(journal: Journal, library: Library, measures: Mapping[str, OutcomeMeasure]) -> None:
    """An "Add a client" section: code, private alias, goals, instrument, outcome measure."""
    # plain widgets, not a form: the note under the outcome measure follows the choice
    with st.expander("Add a client", expanded=not journal.all(Client)):
        code = st.text_input("Client code", placeholder="e.g. C-014", key="cl_new_code")
        alias = st.text_input("Private alias (optional)", key="cl_new_alias")
        goals = st.text_area("Goals (optional)", key="cl_new_goals", height=80)
        instrument = _instrument_choice(library, "sac4", "cl_new_instrument")
        measure = measure_choice(measures, journal.settings.profession, "", "cl_new_measure")
        if st.button("Add client"):
            if caseload.looks_like_full_name(code) or caseload.looks_like_full_name(alias):
                st.warning(_NAME_WARNING)
            try:
                added = caseload.add_client(
                    journal, code, alias, instrument, outcome_measure=measure
                )
                if goals.strip():
                    caseload.update_client(
                        journal, added.id, alias, goals, instrument, library.instruments
                    )
            except JournalError as error:
                st.error(str(error))
            else:
                for key in _NEW:
                    st.session_state.pop(key, None)
                rerun_with_notice(NOTICE, f"{added.code} added.")


def edit_client(
    journal: Journal, client: Client, library: Library, measures: Mapping[str, OutcomeMeasure]
) -> None:
    """The fields to change `client`'s alias, goals, instrument and outcome measure."""
    st.header("Details")
    with st.container(border=True):
        alias = st.text_input("Private alias", value=client.alias, key=f"cl_alias_{client.id}")
        goals = st.text_area("Goals", value=client.goals, key=f"cl_goals_{client.id}", height=100)
        instrument = _instrument_choice(library, client.instrument, f"cl_instrument_{client.id}")
        st.caption("Sessions already rated keep the instrument they were rated with.")
        measure = measure_choice(
            measures, journal.settings.profession, client.outcome_measure, f"cl_measure_{client.id}"
        )
        if client.outcome_measure and measure != client.outcome_measure:
            st.caption(
                "Scores already recorded keep their measure; progress is read against the "
                "first score on the measure this client started with."
            )
        if st.button("Save changes", key=f"cl_save_{client.id}"):
            try:
                caseload.update_client(
                    journal,
                    client.id,
                    alias,
                    goals,
                    instrument,
                    library.instruments,
                    outcome_measure=measure,
                    known_measures=measures,
                )
            except JournalError as error:
                st.error(str(error))
            else:
                rerun_with_notice(NOTICE, f"{client.code} saved.")
    if client.alias and deidentify.ordinary_words([client.alias]):
        st.caption(
            f"“{widgets.plain(client.alias)}” is also an ordinary word: when you share "
            "entries, every use of it as a word is flagged as this client's alias."
        )


def _instrument_choice(library: Library, current: str, key: str) -> str:
    ids = list(library.instruments)
    return st.selectbox(
        "Instrument",
        ids,
        index=ids.index(current) if current in ids else 0,
        format_func=lambda i: library.instruments[i].name,
        key=key,
    )
