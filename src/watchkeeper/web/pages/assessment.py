"""The effectiveness assessment in the app: the graded report for a force and period.

The page shows the same report body as the HTML and PDF files (``reporting.html``), in the
app's frame; ``/assessment/pdf`` downloads the PDF of exactly that report.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from watchkeeper.access.model import Permission, authorise
from watchkeeper.assessment.assess import AssessmentRequest
from watchkeeper.assessment.findings import known_forces
from watchkeeper.assessment.framework import BUNDLED, load_framework
from watchkeeper.assessment.indicators import IndicatorValue, registry
from watchkeeper.assessment.periods import Period, last_complete_quarter, parse_period
from watchkeeper.assessment.report_model import Report
from watchkeeper.kernel.clock import Clock
from watchkeeper.kernel.errors import InputError, WatchkeeperError
from watchkeeper.reporting.html import render_body, stylesheet
from watchkeeper.reporting.pdf import render_pdf
from watchkeeper.web.pages.context import Page, open_get_page, refusal
from watchkeeper.web.pages.rendering import render

router = APIRouter()

DEFAULT_FORCE = "west-midlands"  # the worked example; a deployment passes ?force=
PAGE_TREND_MONTHS = 3  # shorter than the CLI's 6: the page computes while the reader waits


def _report(page: Page, force: str, period: str, framework: str) -> Report:
    application = page.application
    zone = application.profile.timezone
    forces = known_forces()
    if force not in forces:
        raise InputError(f"unknown force '{force}'")
    if framework not in BUNDLED:
        raise InputError(f"unknown framework '{framework}': choose one of {list(BUNDLED)}")
    chosen = (
        parse_period(period, zone)
        if period
        else last_complete_quarter(application.clock.now(), zone)
    )
    request = AssessmentRequest(
        load_framework(framework, registry()), registry(), force, forces[force], chosen, zone,
        PAGE_TREND_MONTHS,
    )  # fmt: skip

    cache = _cache_of(page)

    def values(p: Period, keys: Iterable[str] | None) -> Mapping[str, IndicatorValue]:
        return cache.get(p, keys, application.indicator_values)

    return application.findings_register().assess(page.actor, request, values)


class _ValuesCache:
    """Indicator values by (period, keys), kept for a minute: the page, its PDF and a
    reload within the minute share one computation (authorisation and audit still run on
    every request, in the register's use case)."""

    TTL = timedelta(seconds=60)

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._held: dict[
            tuple[datetime, datetime, tuple[str, ...] | None],
            tuple[datetime, dict[str, IndicatorValue]],
        ] = {}

    def get(
        self,
        period: Period,
        keys: Iterable[str] | None,
        compute: Callable[[datetime, datetime, Iterable[str] | None], dict[str, IndicatorValue]],
    ) -> dict[str, IndicatorValue]:
        wanted = tuple(keys) if keys is not None else None
        key = (period.start, period.end, wanted)
        now = self._clock.now()
        with self._lock:
            held = self._held.get(key)
            if held is not None and now - held[0] < self.TTL:
                return held[1]
        values = compute(period.start, period.end, wanted)
        with self._lock:
            self._held = {k: v for k, v in self._held.items() if now - v[0] < self.TTL}
            self._held[key] = (now, values)
        return values


_CACHE_LOCK = threading.Lock()


def _cache_of(page: Page) -> _ValuesCache:
    state = page.application
    with _CACHE_LOCK:
        cache = getattr(state, "_assessment_values", None)
        if not isinstance(cache, _ValuesCache):
            cache = _ValuesCache(state.clock)
            state._assessment_values = cache  # type: ignore[attr-defined]  # per application
    return cache


@router.get("/assessment")
def assessment(
    request: Request, force: str = DEFAULT_FORCE, period: str = "", framework: str = BUNDLED[0]
) -> Response:
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        report = _report(page, force, period, framework)
    except WatchkeeperError as exc:
        return refusal(request, page, exc, back_url="/assessment")
    context = page.context(
        "assessment",
        report=report,
        body=render_body(report),
        forces=known_forces(),
        frameworks=BUNDLED,
        chosen={"force": force, "period": report.judgement.period.label, "framework": framework},
    )
    return render(request, "assessment.html", context)


@router.get("/assessment/pdf")
def assessment_pdf(
    request: Request, force: str = DEFAULT_FORCE, period: str = "", framework: str = BUNDLED[0]
) -> Response:
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        report = _report(page, force, period, framework)
    except WatchkeeperError as exc:
        return refusal(request, page, exc, back_url="/assessment")
    name = f"effectiveness-{force}-{report.judgement.period.label}.pdf"
    return Response(
        render_pdf(report),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/assessment/report.css")
def report_css(request: Request) -> Response:
    """The report's stylesheet (the app's CSP forbids inline styles)."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        authorise(page.actor, Permission.ASSESSMENT_READ)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    return Response(stylesheet(), media_type="text/css", headers={"Cache-Control": "no-store"})
