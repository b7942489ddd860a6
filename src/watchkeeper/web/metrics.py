"""``/metrics`` in the Prometheus text exposition format (version 0.0.4).

What is exposed is counts and timings only, never a record: the open backlog and its
breaches, overdue duties by kind (when the duties register is present), and a request
latency histogram labelled by method, route template and status class.

Who may read it: counts of a force's open incidents are operational information, so the
endpoint is not public. With ``WATCHKEEPER_METRICS_TOKEN`` set, a scraper must send
``Authorization: Bearer <token>``; without it, only loopback clients are answered (a
scraper on the same host, or through an SSH tunnel). Everyone else gets 403.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping

from fastapi import Request, Response

from watchkeeper.bootstrap import Application
from watchkeeper.persistence.operations_metrics import overdue_duties

METRICS_TOKEN_ENV = "WATCHKEEPER_METRICS_TOKEN"  # noqa: S105 (a variable's name, no secret)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Seconds. Chosen around the surge figures in docs/RELIABILITY.md and the board's 1 s
# refresh: most requests finish in milliseconds, a slow board build in about a second.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class RequestLatency:
    """A thread-safe latency histogram per (method, route template, status class)."""

    def __init__(self, buckets: tuple[float, ...] = LATENCY_BUCKETS) -> None:
        self._buckets = buckets
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str, str], list[int]] = defaultdict(
            lambda: [0] * (len(buckets) + 1)
        )
        self._sums: dict[tuple[str, str, str], float] = defaultdict(float)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, f"{status // 100}xx")
        slot = next((i for i, le in enumerate(self._buckets) if seconds <= le), len(self._buckets))
        with self._lock:
            self._counts[key][slot] += 1
            self._sums[key] += seconds

    def lines(self) -> Iterable[str]:
        name = "watchkeeper_http_request_duration_seconds"
        yield f"# HELP {name} Time to answer an HTTP request, by route template."
        yield f"# TYPE {name} histogram"
        with self._lock:
            snapshot = {key: (list(c), self._sums[key]) for key, c in self._counts.items()}
        for (method, route, status), (counts, total) in sorted(snapshot.items()):
            labels = f'method="{method}",route="{_escape(route)}",status="{status}"'
            running = 0
            for le, count in zip(self._buckets, counts, strict=False):
                running += count
                yield f'{name}_bucket{{{labels},le="{le}"}} {running}'
            running += counts[-1]
            yield f'{name}_bucket{{{labels},le="+Inf"}} {running}'
            yield f"{name}_sum{{{labels}}} {total:.6f}"
            yield f"{name}_count{{{labels}}} {running}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def gauge(
    name: str, help_text: str, values: Mapping[str, float] | float, label: str = "kind"
) -> list[str]:
    """A gauge's lines; a mapping gives one sample per value of ``label``."""
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    if isinstance(values, Mapping):
        lines += [f'{name}{{{label}="{_escape(k)}"}} {v:g}' for k, v in sorted(values.items())]
    else:
        lines.append(f"{name} {values:g}")
    return lines


def may_scrape(request: Request, token: str | None = None) -> bool:
    """The bearer token when one is configured; otherwise a loopback client only."""
    token = os.environ.get(METRICS_TOKEN_ENV, "") if token is None else token
    if token:
        sent = request.headers.get("authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def metrics_response(lines: Iterable[str]) -> Response:
    return Response("\n".join(lines) + "\n", media_type=CONTENT_TYPE)


def operational_lines(application: Application, latency: RequestLatency) -> list[str]:
    """Every metric: the live backlog's totals, overdue duties, request latency."""
    summary = application.backlog.live_summary()
    lines = gauge("watchkeeper_backlog_open", "Open incidents on the backlog.", summary.total_open)
    lines += gauge(
        "watchkeeper_backlog_breached",
        "Open incidents past their grade's attendance target.",
        summary.breached,
    )
    lines += gauge(
        "watchkeeper_backlog_vulnerable",
        "Open incidents with a vulnerable person.",
        summary.vulnerable,
    )
    lines += gauge(
        "watchkeeper_backlog_no_contact",
        "Open incidents waiting with no contact beyond the configured time.",
        summary.no_contact,
    )
    lines += gauge(
        "watchkeeper_backlog_open_by_band", "Open incidents by risk band.", summary.by_band, "band"
    )
    overdue = overdue_duties(application.engine, application.clock.now())
    if overdue is not None:  # the duties register is present in this build
        lines += gauge("watchkeeper_duties_overdue", "Open duties past due, by kind.", overdue)
        lines += gauge(
            "watchkeeper_duties_overdue_total", "Open duties past due.", sum(overdue.values())
        )
    return [*lines, *latency.lines()]
