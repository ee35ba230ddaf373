"""Settings: profession, idle lock, prompts, instruments, outcome measures, thresholds,
remote feedback forms, keys, backups, verify."""

from __future__ import annotations

import streamlit as st

from pages.settings import NOTICE, safety
from pages.settings.instruments import your_own_instruments
from pages.settings.outcome_measures import outcome_measures
from pages.settings.own_prompts import built_in_prompts_to_hide, your_own_prompts
from pages.settings.profile import you_and_this_journal
from pages.settings.rekey import rekey_section
from pages.settings.remote_forms import remote_forms
from pages.settings.rupture_flags import rupture_flags
from pages.ui import journal_session
from pages.ui.notice import show_notice

journal = journal_session.require_journal()

st.title("Settings")
show_notice(NOTICE)
you_and_this_journal(journal)
your_own_prompts(journal)
built_in_prompts_to_hide(journal)
your_own_instruments(journal)
outcome_measures(journal)
rupture_flags(journal)
remote_forms(journal)
rekey_section(journal)
safety.show(journal)
