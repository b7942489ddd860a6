"""The incident-log indicators written plainly in pandas: the benchmark's baseline.

Same rules as ``analytics/incident_facts.py`` and ``indicator_queries.py`` (struck entries
dropped, latest marker entry wins, clock from logging, targets by grade and area class,
half-open period, open set at the end), written the way an analyst would in a notebook.
Its results are compared with the engines' in the benchmark, so it doubles as a check.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from watchkeeper.incidents.policy import ForceProfile


def _secs(col: pd.Series) -> pd.Series:
    return (col - pd.Timestamp(0, tz="UTC")).dt.total_seconds().floordiv(1)


def facts(folder: Path, profile: ForceProfile) -> pd.DataFrame:
    inc = pd.read_parquet(folder / "incidents.parquet")
    ent = pd.read_parquet(folder / "entry_facts.parquet")
    strikes = ent.loc[ent.kind == "struck", ["incident_id", "target_seq"]].rename(
        columns={"target_seq": "seq"}
    )
    strikes["struck"] = True
    ent = ent.merge(strikes.astype({"seq": "int64"}), on=["incident_id", "seq"], how="left")
    live = ent[ent.struck.isna()].copy()
    live["at_s"] = _secs(live["at"])
    kinds = {"arrived": "arrived_s", "contact-made": "contact_s", "backlog-reviewed": "review_s"}
    times = live[live.kind.isin(list(kinds))].groupby(["incident_id", "kind"]).at_s.min().unstack()
    times = times.rename(columns=kinds)
    marks = live[live.kind == "vulnerability-marked"].sort_values("seq")
    latest = marks.groupby(["incident_id", "marker"]).tail(1)
    latest = latest[latest.present == True]  # noqa: E712 - pandas mask
    vulnerable = set(latest.loc[latest.marker.isin(list(profile.markers)), "incident_id"])
    f = inc.set_index("id").join(times)
    for col in kinds.values():
        if col not in f:
            f[col] = np.nan
    f["logged_s"] = _secs(f.logged_at)
    f["closed_s"] = _secs(f.closed_at)
    area_class = f.area.map(profile.areas).fillna(profile.default_area_class)
    target = pd.Series(np.nan, index=f.index)
    for grade, policy in profile.grades.items():
        for cls, minutes in policy.target_minutes.items():
            if minutes is not None and grade.value in ("emergency", "priority"):
                target[(f.grade == grade.value) & (area_class == cls)] = minutes
    f["deadline_s"] = f.logged_s + target * 60
    f["vulnerable"] = f.index.isin(vulnerable)
    return f


def indicators(f: pd.DataFrame, start_s: int, end_s: int) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    in_period = (f.logged_s >= start_s) & (f.logged_s < end_s)
    for grade in ("emergency", "priority"):
        rows = f[in_period & (f.grade == grade) & f.deadline_s.notna()]
        for suffix, sel in (("", rows), ("_vulnerable", rows[rows.vulnerable])):
            att = sel[sel.arrived_s.notna()]
            ok = (att.arrived_s <= att.deadline_s).sum()
            out[f"{grade}_attendance_within_target{suffix}"] = (
                100.0 * ok / len(att) if len(att) else None
            )
        att = rows[rows.arrived_s.notna()]
        minutes = (att.arrived_s - att.logged_s) / 60.0
        out[f"{grade}_attendance_median_minutes"] = (
            float(np.quantile(minutes, 0.5)) if len(att) else None
        )
    open_end = (f.logged_s <= end_s) & (f.closed_s.isna() | (f.closed_s > end_s))
    known = (f.logged_s <= end_s).sum()
    out["backlog_open_count"] = float(open_end.sum()) if known else None
    ages = (end_s - f.logged_s[open_end]) / 60.0
    out["backlog_age_p50_minutes"] = float(np.quantile(ages, 0.5)) if len(ages) else None
    out["backlog_age_p90_minutes"] = float(np.quantile(ages, 0.9)) if len(ages) else None
    op = f[open_end]
    never = op.review_s.isna() | (op.review_s > end_s)
    out["backlog_unreviewed_share"] = 100.0 * never.sum() / len(op) if len(op) else None
    timed = f[
        in_period
        & f.grade.isin(["emergency", "priority"])
        & f.deadline_s.notna()
        & (f.deadline_s < end_s)
    ]
    due = timed.deadline_s
    wait = (
        (timed.arrived_s.isna() | (timed.arrived_s > due))
        & (timed.contact_s.isna() | (timed.contact_s > due))
        & (timed.closed_s.isna() | (timed.closed_s > due))
    )
    out["no_contact_wait_share"] = 100.0 * wait.sum() / len(timed) if len(timed) else None
    return out
