"""The alliance chart's frames: each session's ratings in long form (one row per whose
rating), per period for a large caseload, item by item, and the rupture markers."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from insights.chart_data.periods import Period, period_start
from insights.ruptures import rule_in_words
from prompts.library import builtin_library

ESTIMATE = "Your estimate"
# what a supervisor reads where the estimate is their supervisee's, not their own
SUPERVISEE_ESTIMATE = "Supervisee's estimate"
FEEDBACK = "Client's feedback"
STATUS_LABELS = {
    "repaired": "Repaired",
    "unrepaired": "Unrepaired",
    "open": "Open",
    "repaired late": "Repaired late",
    "deepened": "Deepened",
}

_SESSION_COLUMNS = [
    "session_id",
    "client",
    "date",
    "number",
    "instrument",
    "instrument_name",
    "seen_first",
    "estimate",
    "feedback",
    "estimate_pct",
    "feedback_pct",
    "total_min",
    "total_max",
    "cutoff",
]
_ITEM_COLUMNS = ["session_id", "instrument", "label", "item", "estimate", "feedback"]
_ITEM_COLUMNS += ["min_score", "max_score"]


_NAME_AND_REMARK = re.compile(r"^(?P<name>.*?)\s*\((?P<remark>[^()]*)\)\s*$")


def instrument_label(name: str) -> str:
    """An instrument's display name as a chart shows it: the abbreviation it ends with
    ("Session Alliance Check (SAC-4)" -> "SAC-4"), else the name without a closing remark
    of several words ("Session Rating Scale (scores only)" -> "Session Rating Scale")."""
    name = name.strip()
    found = _NAME_AND_REMARK.match(name)
    if found is None or not found["name"]:
        return name
    remark = found["remark"].strip()
    if re.search(r"\s", remark):
        return found["name"]
    return remark if re.search(r"[A-Z]", remark) else name


def instrument_labels(s: pd.DataFrame) -> dict[str, str]:
    """{instrument id: its label} for the instruments of the sessions in `s`, from their
    display name (`instrument_name`, else the built-in library's); an id neither knows
    is a name the caller chose and is shown as it is."""
    if "instrument" not in s:
        return {}
    ids = [str(i) for i in s["instrument"].dropna().unique()]
    names = {i: _library_name(i) or i for i in ids}
    if "instrument_name" in s:
        given = s[["instrument", "instrument_name"]].dropna().drop_duplicates("instrument")
        for i, name in zip(given["instrument"], given["instrument_name"], strict=True):
            if str(name).strip():
                names[str(i)] = str(name)
    return {i: instrument_label(name) for i, name in names.items()}


def _library_name(instrument_id: str) -> str:
    known = builtin_library().instruments.get(instrument_id)
    return known.name if known is not None else ""


def with_instrument_names(frame: pd.DataFrame, instruments: Mapping[str, Any]) -> pd.DataFrame:
    """`frame` with `instrument_name`: the display name of each row's instrument (`.name`
    of the `instruments` mapping), empty for an instrument the mapping does not know."""
    names = {key: str(getattr(value, "name", "") or "") for key, value in instruments.items()}
    return frame.assign(instrument_name=frame["instrument"].map(names).fillna("").astype(str))


def first_valid(values: pd.Series) -> Any:
    """The first value that is not missing, or None."""
    valid = values.dropna()
    return valid.iloc[0] if len(valid) else None


def alliance_sessions(sessions: pd.DataFrame) -> pd.DataFrame:
    """The session columns the alliance chart uses, with dates parsed, `seen_first` as a
    bool and the client code as text."""
    s = sessions[[c for c in _SESSION_COLUMNS if c in sessions.columns]].copy()
    s["date"] = pd.to_datetime(s["date"], errors="coerce")
    s["seen_first"] = s["seen_first"].eq(True) if "seen_first" in s else False
    s["client"] = s["client"].astype(str)
    return s


def by_whose_rating(frame: pd.DataFrame, keep: list[str], est: str, fb: str) -> pd.DataFrame:
    """Long form: one row per rating, `who` naming whose it is and `score` its value."""
    return pd.concat(
        [
            frame[keep].assign(who=ESTIMATE, score=frame[est]),
            frame[keep].assign(who=FEEDBACK, score=frame[fb]),
        ],
        ignore_index=True,
    ).dropna(subset=["score"])


def rules_by_session(flags: Iterable[Any] | None) -> dict[Any, str]:
    """Session id -> the rules that fired on it, in words, in the order they fired."""
    fired: dict[Any, list[str]] = {}
    for flag in flags or ():
        words = rule_in_words(flag.rule)
        if words not in fired.setdefault(flag.session_id, []):
            fired[flag.session_id].append(words)
    return {session: ", ".join(rules) for session, rules in fired.items()}


def ratings_per_session(
    s: pd.DataFrame, flags: Iterable[Any] | None, est: str, fb: str
) -> pd.DataFrame:
    """Each session's two ratings in long form, with every rule that fired on it in words
    (also inside a rupture already under way; "none" without)."""
    fired = rules_by_session(flags)
    named = s.assign(flags=[fired.get(session, "none") for session in s["session_id"]])
    return by_whose_rating(named, ["client", "date", "number", "seen_first", "flags"], est, fb)


def ratings_per_period(s: pd.DataFrame, est: str, fb: str, period: Period) -> pd.DataFrame:
    """The mean of each rating per period in long form, with the number of sessions, of
    clients and of sessions whose feedback was seen first."""
    grouped = s.assign(period=period_start(s["date"], period.freq)).groupby("period", sort=True)
    summary = grouped.agg(
        sessions=("number", "size"),
        clients=("client", "nunique"),
        seen_first=("seen_first", "sum"),
    )
    level = pd.concat(
        [
            grouped[est].mean().rename("score").to_frame().assign(who=ESTIMATE),
            grouped[fb].mean().rename("score").to_frame().assign(who=FEEDBACK),
        ]
    )
    data = level.join(summary).reset_index().dropna(subset=["score"])
    data["seen_first"] = data["seen_first"].astype(int)
    return data


def cutoff_line(s: pd.DataFrame, instrument: str | None, use_pct: bool) -> pd.DataFrame | None:
    """The instrument's cutoff as one row (`cutoff` on the chart's scale, `label` in words,
    naming the `instrument` by its label when given), or None without a cutoff (or a range
    to convert it with)."""
    cutoff = first_valid(s["cutoff"]) if "cutoff" in s else None
    if cutoff is None:
        return None
    value = float(cutoff)
    if use_pct:
        lo, hi = first_valid(s["total_min"]), first_valid(s["total_max"])
        if lo is None or hi is None or hi == lo:
            return None
        value = (value - float(lo)) / (float(hi) - float(lo)) * 100
    which = f"{instrument} cutoff" if instrument else "Cutoff"
    label = f"{which} ({float(cutoff):g}): at or below, consider checking in"
    return pd.DataFrame({"cutoff": [value], "label": [label]})


# ---- items -------------------------------------------------------------------------------


def item_scores(s: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """The item scores of the sessions in `s`, each labelled (its item id without a label)."""
    it = items[[c for c in _ITEM_COLUMNS if c in items.columns]]
    it = it.merge(
        s[["session_id", "client", "date", "number", "seen_first"]], on="session_id", how="inner"
    )
    if "label" not in it:
        it["label"] = it["item"]
    it["label"] = it["label"].fillna(it["item"]).astype(str)
    return it


def items_as_percent(it: pd.DataFrame) -> pd.DataFrame:
    """Both ratings as a percentage of each item's range, so instruments mix."""
    it = it.copy()
    span = (it["max_score"] - it["min_score"]).where(lambda v: v > 0)
    for col in ("estimate", "feedback"):
        it[col] = (it[col] - it["min_score"]) / span * 100
    return it


def item_ratings_per_session(it: pd.DataFrame) -> pd.DataFrame:
    """Each item's two ratings in long form."""
    keep = ["client", "date", "number", "seen_first", "label"]
    return by_whose_rating(it, keep, "estimate", "feedback")


def item_ratings_per_period(it: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The mean of each item's ratings per period in long form, with the number of
    sessions behind each mean."""
    it = it.assign(period=period_start(it["date"], period.freq))
    parts = []
    for who, col in ((ESTIMATE, "estimate"), (FEEDBACK, "feedback")):
        part = it.groupby(["period", "label"], sort=True).agg(
            score=(col, "mean"), sessions=(col, "count")
        )
        parts.append(part.reset_index().assign(who=who))
    return pd.concat(parts, ignore_index=True).dropna(subset=["score"])


# ---- ruptures ----------------------------------------------------------------------------


def rupture_markers(
    ruptures: Iterable[Any] | None, flags: Iterable[Any] | None, s: pd.DataFrame
) -> pd.DataFrame:
    """One row per rupture on a session in ``s``: rules fired, sentence, status, the
    session it came back at and the pre-drop mean, with the session's columns."""
    sentences: dict[Any, list[tuple[str, str, str]]] = {}
    for flag in flags or ():
        sentences.setdefault(flag.session_id, []).append(
            (str(flag.rule), str(flag.kind), str(flag.sentence))
        )
    number_of = dict(zip(s["session_id"], s["number"], strict=False))
    rows = []
    for rupture in ruptures or ():
        rows.append(_marker(rupture, sentences.get(rupture.session_id, []), number_of))
        rows += [
            _deepened(rupture, sid, sentences.get(sid, []), number_of)
            for sid in getattr(rupture, "deepened_session_ids", ())
        ]
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows)
    for column in ("pre_mean", "pre_mean_pct"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame["resolved_at"] = pd.to_numeric(frame["resolved_at"], errors="coerce").astype("Int64")
    return frame.merge(s, on="session_id", how="inner")


def _marker(
    rupture: Any, session_flags: list[tuple[str, str, str]], number_of: dict[Any, Any]
) -> dict[str, Any]:
    """One rupture's row: its rules (else the session's rupture flags) and their sentences
    (else those of its alerts)."""
    rules = tuple(str(r) for r in (rupture.rules or ()))
    if not rules:
        rules = tuple(rule for rule, kind, _ in session_flags if kind == "rupture")
    said = [text for rule, _, text in session_flags if rule in rules] or [
        text for _, kind, text in session_flags if kind in ("rupture", "possible")
    ]
    status = str(rupture.status)
    resolved = number_of.get(getattr(rupture, "resolved_session_id", None))
    return {
        "session_id": rupture.session_id,
        "rules": ", ".join(rule_in_words(rule) for rule in rules),
        "sentence": " ".join(dict.fromkeys(said)),
        "status": STATUS_LABELS.get(status, status.capitalize()),
        "outcome": outcome_in_words(status, resolved),
        "resolved_at": None if resolved is None else int(resolved),
        "pre_mean": getattr(rupture, "pre_mean", None),
        "pre_mean_pct": getattr(rupture, "pre_mean_pct", None),
    }


def _deepened(
    rupture: Any, session_id: str, session_flags: list[tuple[str, str, str]], number_of: dict
) -> dict[str, Any]:
    """A further fall inside an open episode: its own marker, part of that rupture."""
    said = [text for _, kind, text in session_flags if kind == "rupture"]
    began = number_of.get(rupture.session_id)
    rules = {rule for rule, kind, _ in session_flags if kind == "rupture"}
    return {
        "session_id": session_id,
        "rules": ", ".join(rule_in_words(rule) for rule in sorted(rules)),
        "sentence": " ".join(dict.fromkeys(said)),
        "status": STATUS_LABELS["deepened"],
        "outcome": "A further fall inside the rupture that began"
        + (f" at session {int(began)}" if began is not None else " earlier"),
        "resolved_at": None,
        "pre_mean": getattr(rupture, "pre_mean", None),
        "pre_mean_pct": getattr(rupture, "pre_mean_pct", None),
    }


def outcome_in_words(status: str, resolved_at: Any) -> str:
    """What became of a rupture, in words (never a bare number or "null")."""
    at = f" at session {int(resolved_at)}" if resolved_at is not None else ""
    return {
        "repaired": f"Back to usual{at}",
        "repaired late": f"Back to usual{at}, after staying below for a while",
        "unrepaired": "Still below the client's usual: worth taking to supervision",
    }.get(status, "Not back to the client's usual yet")


def ruptures_on_feedback(rup: pd.DataFrame, est: str, fb: str, low: float) -> pd.DataFrame:
    """Markers placed on the session's feedback total (its estimate without one, else the
    bottom of the scale)."""
    return rup.assign(score=rup[fb].fillna(rup[est]).fillna(low))


def ruptures_on_lowest_item(rup: pd.DataFrame, it: pd.DataFrame, low: float) -> pd.DataFrame:
    """Markers placed on the lowest item the client rated in the session (else `low`)."""
    feedback = it.dropna(subset=["feedback"])
    level = feedback.groupby("session_id")["feedback"].min().rename("score")
    placed = rup.merge(level, on="session_id", how="left")
    placed["score"] = placed["score"].fillna(low)
    return placed


def ruptures_per_period(rup: pd.DataFrame, level: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Ruptures counted per period and status, placed on the period's `score` in `level`
    (one row per period)."""
    rup = rup.assign(period=period_start(rup["date"], period.freq))
    grouped = [
        _period_group(p, status, part)
        for (p, status), part in rup.groupby(["period", "status"], sort=True)
    ]
    frame = pd.DataFrame(grouped)
    frame = frame.merge(level[["period", "score"]], on=["period"], how="left")
    frame["score"] = frame["score"].fillna(0.0)
    return frame


def _period_group(period: Any, status: str, part: pd.DataFrame) -> dict[str, Any]:
    """The ruptures of one status in one period: how many, rules with counts, clients and
    the first sentence."""
    counts = Counter(r for text in part["rules"] for r in text.split(", ") if r)
    sentences = [t for t in part["sentence"] if t]
    sentence = sentences[0] if sentences else ""
    if len(sentences) > 1:
        sentence += f" (and {len(sentences) - 1} more)"
    return {
        "period": period,
        "status": status,
        "ruptures": len(part),
        "rules": ", ".join(f"{rule} ×{n}" if n > 1 else rule for rule, n in counts.most_common()),
        "clients": _join_limited(part["client"].astype(str)),
        "sentence": sentence,
    }


def _join_limited(values: Iterable[str], limit: int = 6) -> str:
    items = [v for v in dict.fromkeys(values) if v]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return ", ".join(items)


def lowest_item_per_period(data: pd.DataFrame) -> pd.DataFrame:
    """The lowest mean item feedback of each period (where its ruptures are placed)."""
    return data[data["who"] == FEEDBACK].groupby("period")["score"].min().reset_index()


def feedback_per_period(data: pd.DataFrame) -> pd.DataFrame:
    """The mean feedback of each period (where its ruptures are placed)."""
    return data.loc[data["who"] == FEEDBACK, ["period", "score"]]
