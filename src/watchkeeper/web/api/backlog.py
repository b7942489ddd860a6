"""``/api/backlog``: the risk-ranked open incidents, their summary, and its trend."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response

from watchkeeper.incidents.backlog import Backlog, BacklogFilters, BacklogRow, BacklogSummary
from watchkeeper.incidents.entries import Grade
from watchkeeper.incidents.policy import BANDS, ForceProfile
from watchkeeper.kernel.errors import InputError
from watchkeeper.web.api.context import App, SignedIn
from watchkeeper.web.api.schemas import (
    ActionRead,
    BacklogRead,
    BacklogRowRead,
    BacklogSummaryRead,
    Moment,
    OldestRead,
    RiskFactorRead,
)

router = APIRouter(prefix="/api/backlog", tags=["backlog"])

FilterText = Annotated[str | None, Query(min_length=1, max_length=64)]


def parse_filters(
    profile: ForceProfile,
    grade: Grade | None,
    band: str | None,
    area: str | None,
    marker: str | None,
) -> BacklogFilters:
    """Filters checked against the force profile, so a typo is refused rather than empty."""
    known = {"band": BANDS, "area": tuple(profile.areas), "marker": tuple(profile.markers)}
    for name, value in (("band", band), ("area", area), ("marker", marker)):
        if value is not None and value not in known[name]:
            allowed = ", ".join(sorted(known[name]))
            raise InputError(f"unknown {name} {value!r} (known: {allowed})")
    return BacklogFilters(grade, band, area, marker)


def present_summary(summary: BacklogSummary) -> BacklogSummaryRead:
    oldest = summary.oldest
    return BacklogSummaryRead(
        as_of=summary.as_of,
        total_open=summary.total_open,
        by_grade=summary.by_grade,
        by_band=summary.by_band,
        oldest=OldestRead(incident_id=oldest.incident_id, waited_minutes=oldest.waited_minutes)
        if oldest
        else None,
        breached=summary.breached,
        vulnerable=summary.vulnerable,
        no_contact=summary.no_contact,
        unreviewed=summary.unreviewed,
    )


def _present_row(backlog: Backlog, row: BacklogRow, rank: int) -> BacklogRowRead:
    factors = backlog.explain(row.incident_id).factors
    return BacklogRowRead(
        rank=rank,
        incident_id=row.incident_id,
        score=row.score,
        band=row.band,
        grade=row.grade,
        grade_label=row.grade_label,
        status=row.status.value,
        area=row.area,
        category=row.category,
        waited_minutes=row.waited_minutes,
        minutes_to_breach=row.minutes_to_breach,
        deadline=row.deadline,
        markers=list(row.markers),
        has_contact=row.has_contact,
        last_review_at=row.last_review_at,
        actions=[ActionRead(rule=a.rule, action=a.action, reason=a.reason) for a in row.actions],
        factors=[RiskFactorRead(name=f.name, points=f.points, detail=f.detail) for f in factors],
    )


def present_page(backlog: Backlog, page: int, page_size: int) -> BacklogRead:
    """One page of ranked rows, with the factors built only for the rows on it."""
    start = (page - 1) * page_size
    shown = backlog.rows[start : start + page_size]
    return BacklogRead(
        as_of=backlog.as_of,
        page=page,
        page_size=page_size,
        total_rows=len(backlog.rows),
        rows=[_present_row(backlog, row, start + i + 1) for i, row in enumerate(shown)],
        summary=present_summary(backlog.summary),
    )


class PageCache:
    """Serialised pages of shared live boards.

    Readers within a second of each other share one board object (BacklogService); the
    same board, page and page size give the same bytes, so they are built once. Entries are
    keyed by the board's identity and checked against it, so a new board is never served
    an old page.
    """

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._pages: OrderedDict[tuple[int, int, int], tuple[Backlog, bytes]] = OrderedDict()

    def page(self, backlog: Backlog, page: int, page_size: int) -> bytes:
        key = (id(backlog), page, page_size)
        with self._lock:
            found = self._pages.get(key)
        if found is not None and found[0] is backlog:
            return found[1]
        body = present_page(backlog, page, page_size).model_dump_json().encode()
        with self._lock:
            self._pages[key] = (backlog, body)
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)
        return body


PAGES = PageCache()


@router.get("", response_model=BacklogRead)
def ranked(  # noqa: PLR0917 - one query parameter each
    application: App,
    actor: SignedIn,
    grade: Grade | None = None,
    band: FilterText = None,
    area: FilterText = None,
    marker: FilterText = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 25,
    as_of: Moment | None = None,
) -> Response:
    """Open incidents ranked by risk (top of the queue first), filterable; summary of all."""
    filters = parse_filters(application.profile, grade, band, area, marker)
    backlog = application.backlog.current(actor, as_of, filters)
    if as_of is not None:  # a reconstruction is built for this reader alone
        body = present_page(backlog, page, page_size).model_dump_json().encode()
    else:
        body = PAGES.page(backlog, page, page_size)
    return Response(content=body, media_type="application/json")


@router.get("/summary")
def summary(application: App, actor: SignedIn) -> BacklogSummaryRead:
    """The duty inspector's totals over every open incident."""
    return present_summary(application.backlog.current(actor).summary)


@router.get("/trend")
def trend(
    application: App,
    actor: SignedIn,
    hours: Annotated[float, Query(gt=0, le=24)] = 8,
    step_minutes: Annotated[int, Query(ge=5, le=240)] = 30,
) -> list[BacklogSummaryRead]:
    """The summary at each step over the last ``hours``, rebuilt from the log."""
    end = application.clock.now()
    start = end - timedelta(hours=hours)
    points = application.backlog.trend(actor, start, end, timedelta(minutes=step_minutes))
    return [present_summary(point) for point in points]
