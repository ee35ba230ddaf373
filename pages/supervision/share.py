"""Supervision → Share: choose entries, review identifiers, export a bundle or a report."""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from pages.supervision import redaction, selection
from pages.ui import when, widgets
from practice import outcomes
from prompts.library import library_for
from prompts.outcomes import measures_for
from sharing import exchange, keys, report, share
from sharing.payload import Payload
from storage.errors import JournalError
from storage.journal import Journal
from storage.keyslots import PASSPHRASE_RULE, passphrase_problem
from storage.records import Client, Reflection

BUNDLE = "sv_bundle"
BUNDLE_REQUEST = "sv_bundle_request"  # what the bundle on offer was made from
SHOWN_AT_MOST = 60
NOT_RECALLABLE = (
    "A bundle cannot be recalled once it is sent: whoever holds it and its key or "
    "passphrase can read it for as long as they keep it. Share only what supervision needs."
)
CHECKED = (
    "Checked: names (first names and surnames from open name lists, and the words around "
    "them), towns and named institutions, addresses and postcodes, dates, ages over 89 and "
    "exact ages, phone and fax numbers, email and web addresses, national, record, "
    "licence, vehicle, device and account numbers, mentions of fingerprints, voice "
    "recordings and photos, your clients' aliases and your always-redact list."
)
NARRATIVE_WARNING = (
    "No rule can see everything. It misses a rare occupation, a distinctive event, a "
    "family set-up, a school or clinic it does not know, a name it has never met. Read the "
    "text once more with those in mind, and add any words it missed under the passage."
)
OUTCOMES_HELP = (
    "For each client of the chosen sessions: the outcome measure's name, each score by "
    "session number with its status, up to the last session shared, whether the client is "
    "not on track, and how your predictions compared. No dates go, and never the "
    "activities a client names on the PSFS."
)
REPORT_WARNING = (
    "The report is not encrypted: print it or keep it as safely as your paper notes, "
    "and delete the file after the meeting."
)


def show(journal: Journal) -> None:
    """Draw the Share section."""
    chosen = _choose(journal)
    if not chosen:
        return
    include, keep_year = _include()
    st.header("3. De-identification review")
    redaction.always_redact_editor(journal)
    shared = share.review(journal, chosen, include, keep_year, redaction.picked_phrases())
    decisions = _review(shared)
    waiting = share.undecided(shared, decisions)
    instruments = library_for(journal.settings).instruments
    content = None
    if waiting == 0:
        courses = (
            outcomes.courses(journal, measures_for(journal.settings))
            if "outcomes" in include
            else ()
        )
        content = share.payload(journal, shared, decisions, instruments, courses)
    _export(journal, content, waiting)
    _sent(journal)


def _filter(journal: Journal) -> share.ShareFilter:
    clients = sorted(journal.all(Client), key=lambda c: c.code.casefold())
    tags = sorted({t for r in journal.all(Reflection) for t in r.tags}, key=str.casefold)
    flagged = st.toggle("Only entries flagged for supervision", value=True, key="sv_flagged")
    left, middle, right = st.columns(3)
    period = left.date_input(
        "Sessions between", value=(), key="sv_period", format=when.input_format()
    )
    picked_clients = middle.multiselect(
        "Clients", [c.id for c in clients], format_func=_code_of(clients), key="sv_clients"
    )
    picked_tags = right.multiselect("Tags", tags, key="sv_tags")
    start = period[0] if len(period) > 0 else None
    end = period[1] if len(period) > 1 else None
    return share.ShareFilter(
        flagged_only=flagged,
        start=start,
        end=end,
        client_ids=frozenset(picked_clients),
        tags=frozenset(picked_tags),
    )


def _code_of(clients: list[Client]):
    codes = {c.id: c.code for c in clients}
    return lambda client_id: codes.get(client_id, "?")


def _choose(journal: Journal) -> list[share.Candidate]:
    st.header("1. Choose entries")
    found = share.candidates(journal, _filter(journal))
    if not found:
        st.info(
            "No reflections match. Flag a reflection for supervision when you save it on "
            "Reflect, or turn off “Only entries flagged for supervision”."
        )
        return []
    if len(found) > SHOWN_AT_MOST:
        st.caption(
            f"{len(found)} entries match; the newest {SHOWN_AT_MOST} are listed. "
            "Narrow the dates, clients or tags to see others."
        )
    chosen = [
        candidate
        for candidate in found[:SHOWN_AT_MOST]
        if st.checkbox(widgets.label(share.describe(candidate, 12)), key=f"sv_pick_{candidate.id}")
    ]
    if not chosen:
        st.caption("Tick the entries to share.")
    return chosen


def _include() -> tuple[set[str], bool]:
    st.header("2. What to include")
    columns = st.columns(3)
    include = {
        option
        for n, (option, label) in enumerate(share.SHOWN_OPTIONS.items())
        if columns[n % 3].checkbox(
            label,
            value=option in share.DEFAULT_INCLUDE,
            key=f"sv_include_{option}",
            help=OUTCOMES_HELP if option in share.COURSE_OPTIONS else None,
        )
    }
    keep_year = st.checkbox(
        "Keep the year of each session",
        key="sv_keep_year",
        help="Dates always become “session N”. Tick to add the year, e.g. “session 6 (2026)”.",
    )
    return include, keep_year


def _decision_key(passage: share.Passage, finding) -> str:
    return f"sv_decide_{share.finding_key(passage, finding)}"


def _review(shared: share.Review) -> dict[str, str]:
    st.caption(
        "Client codes become “Client A”, “Client B”; dates become “session N”. "
        "Each possible identifier found in the text is highlighted: choose Redact (it is "
        "replaced by a placeholder such as [name]) or Keep. Warnings are details to "
        "consider; redact them if they could single someone out."
    )
    st.info(CHECKED, icon=":material/fact_check:")
    st.warning(NARRATIVE_WARNING, icon=":material/visibility:")
    findings = shared.findings()
    if not findings:
        st.caption("Nothing in the chosen text matched those checks. Read it once more.")
    elif st.button("Redact all undecided", key="sv_redact_all"):
        for passage, finding in findings:
            if st.session_state.get(_decision_key(passage, finding)) is None:
                st.session_state[_decision_key(passage, finding)] = "Redact"
    labels = {c.id: share.describe(c) for c in shared.chosen}
    decisions: dict[str, str] = {}
    current = None
    for passage in shared.passages:
        if passage.entry_id != current:
            current = passage.entry_id
            st.markdown(f"**{widgets.plain(labels[current])}**")
        with st.container(border=True):
            st.caption(passage.part.capitalize())
            selection.selectable(
                passage,
                lambda words, passage=passage: redaction.add_phrase(passage, words),
                key=f"sv_select_{passage.entry_id}|{passage.part}",
            )
            decisions |= _decide(passage)
            redaction.manual_box(passage)
    needed = [(p, f) for p, f in findings if share.decision(p, f, {}) is None]
    decided = sum(share.finding_key(p, f) in decisions for p, f in needed)
    if needed:
        st.progress(decided / len(needed), text=f"{decided} of {len(needed)} decided")
    return decisions


def _decide(passage: share.Passage) -> dict[str, str]:
    """One Redact/Keep choice per finding; a warning or the user's own phrase starts decided."""
    decisions = {}
    for finding in passage.findings:
        label = widgets.label(f"“{finding.text}”: {finding.reason}")
        default = share.decision(passage, finding, {})
        if finding.warning:
            label = f"Consider {label}"
        choice = st.radio(
            label,
            ["Redact", "Keep"],
            index=None if default is None else ["redact", "keep"].index(default),
            horizontal=True,
            key=_decision_key(passage, finding),
        )
        if choice:
            decisions[share.finding_key(passage, finding)] = choice.lower()
    return decisions


def _export(journal: Journal, content: Payload | None, waiting: int) -> None:
    st.header("4. Export")
    if content is None:
        st.info(
            f"Decide every highlighted item first: {waiting} still to decide. "
            "Export stays off until then."
        )
    st.warning(NOT_RECALLABLE, icon=":material/send:")
    supervisors = keys.contacts(journal, "supervisor")
    how = st.radio(
        "Send to",
        ["A pinned supervisor", "Anyone with a passphrase"],
        horizontal=True,
        key="sv_how",
        help="A pinned supervisor opens it with their own key. A passphrase suits a "
        "supervisor without this app: they unzip it and open `payload.age` with the free "
        "`age` tool (`age -d -o shared.html payload.age`), which gives a page to read in "
        "any browser; this app imports the same file too.",
    )
    to, passphrase, problem = [], None, None
    if how == "A pinned supervisor":
        if not supervisors:
            problem = "Pin your supervisor's key card first (Supervision → Keys)."
            st.caption(problem)
        names = {c.id: c.name for c in supervisors}
        picked = st.multiselect(
            "Supervisor(s)",
            list(names),
            format_func=names.get,
            key="sv_to",
            default=list(names)[:1],
        )
        to = [c for c in supervisors if c.id in picked]
        if supervisors and not to:
            problem = "Choose at least one supervisor."
    else:
        left, right = st.columns(2)
        passphrase = left.text_input("Bundle passphrase", type="password", key="sv_phrase")
        again = right.text_input("Confirm bundle passphrase", type="password", key="sv_phrase2")
        # the journal's own rule: a bundle sits in mail and on drives as long as a journal
        problem = passphrase_problem(passphrase, again)
        st.caption(
            "Give the passphrase by another route than the file (phone, in person). "
            + PASSPHRASE_RULE
        )
    if content is not None and problem and (passphrase or how == "A pinned supervisor"):
        st.caption(problem)
    request = None
    if content is not None:
        request = share.bundle_request(content, [c.id for c in to] if passphrase is None else None)
    if st.session_state.get(BUNDLE_REQUEST) != request:
        _withdraw_bundle()  # made for other entries, decisions or recipients
    if st.button(
        "Make bundle",
        type="primary",
        disabled=content is None or problem is not None,
        key="sv_make",
    ):
        try:
            data = exchange.send_entries(journal, content, to=to, passphrase=passphrase)
        except JournalError as error:
            st.error(str(error))
        else:
            st.session_state[BUNDLE] = (share.bundle_file_name(datetime.now(), data), data)
            st.session_state[BUNDLE_REQUEST] = request
            for key in ("sv_phrase", "sv_phrase2"):
                st.session_state.pop(key, None)
    if BUNDLE in st.session_state:
        name, data = st.session_state[BUNDLE]
        st.success("Bundle made and encrypted. Download it and send it as you usually would.")
        st.download_button(
            "Download bundle",
            data,
            name,
            "application/octet-stream",
            key="sv_download",
            on_click="ignore",
        )
    _reports(journal, content)


def _withdraw_bundle() -> None:
    st.session_state.pop(BUNDLE, None)
    st.session_state.pop(BUNDLE_REQUEST, None)


def _reports(journal: Journal, content: Payload | None) -> None:
    st.markdown("**Printable report** (for a supervision meeting or CPD evidence)")
    st.caption(REPORT_WARNING)
    sender = exchange.my_keys_name(journal)
    created = f"{date.today():%B %Y}"
    left, right = st.columns(2)
    left.download_button(
        "Download HTML report",
        (lambda: report.html_report(content, sender=sender, created=created)) if content else "",
        "supervision-report.html",
        "text/html",
        disabled=content is None,
        key="sv_html",
        on_click="ignore",
    )
    right.download_button(
        "Download PDF report",
        (lambda: report.pdf_report(content, sender=sender, created=created)) if content else b"",
        "supervision-report.pdf",
        "application/pdf",
        disabled=content is None,
        key="sv_pdf",
        on_click="ignore",
    )


def _sent(journal: Journal) -> None:
    done = exchange.sent(journal)
    if not done:
        return
    with st.expander(f"Bundles you have made ({len(done)})"):
        st.dataframe(
            [
                {
                    "Made on": when.moment(s.sent_at),
                    "To": ", ".join(s.recipient_names) or "passphrase",
                    "Entries": len(s.items),
                    "Included": ", ".join(s.include),
                }
                for s in done
            ],
            hide_index=True,
        )
