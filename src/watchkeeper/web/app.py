"""Builds the web app: the API under ``/api``, the pages, errors as JSON, headers, request logs.

Nothing is built at import time: ``create_app`` is called by ``watchkeeper serve``'s factory
(and by tests) with an already wired :class:`~watchkeeper.bootstrap.Application`.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from watchkeeper.bootstrap import Application, build
from watchkeeper.kernel import errors
from watchkeeper.kernel.errors import ConfigurationError, WatchkeeperError
from watchkeeper.web.api import include_api
from watchkeeper.web.head_export import export_interval, exporting_head
from watchkeeper.web.heap import settle_heap
from watchkeeper.web.metrics import (
    RequestLatency,
    may_scrape,
    metrics_response,
    operational_lines,
)
from watchkeeper.web.safe_logs import error_line
from watchkeeper.web.security import (
    Accounts,
    CsrfRefused,
    SignInThrottle,
    TooManyAttempts,
    WebOptions,
)

REQUEST_LOG = logging.getLogger("watchkeeper.web.requests")
INSECURE_COOKIES_ENV = "WATCHKEEPER_INSECURE_COOKIES"
SWITCH_INTERVAL_ENV = "WATCHKEEPER_SWITCH_INTERVAL_MS"
# How long a thread may hold the interpreter before one waiting is let in. Python's default
# is 5 ms; docs/PERFORMANCE.md (control-room load, eighth round) records that 1 ms made the
# board slower, so the default is Python's own.
DEFAULT_SWITCH_INTERVAL_MS: float | None = None


def switch_interval(environ: dict[str, str] | None = None) -> float | None:
    """Seconds for ``sys.setswitchinterval`` from the environment (None: Python's own)."""
    value = (environ if environ is not None else dict(os.environ)).get(SWITCH_INTERVAL_ENV)
    if not value:
        ms = DEFAULT_SWITCH_INTERVAL_MS
        return None if ms is None else ms / 1000.0
    try:
        ms = float(value)
    except ValueError:
        raise ConfigurationError(
            f"{SWITCH_INTERVAL_ENV}={value!r} is not a number of milliseconds"
        ) from None
    if not 0.1 <= ms <= 100.0:
        raise ConfigurationError(f"{SWITCH_INTERVAL_ENV}={value!r}: use 0.1 to 100 ms")
    return ms / 1000.0


PAGES_MODULE = "watchkeeper.web.pages.routes"
STATIC_DIR = Path(__file__).resolve().parent / "static"

# Most specific first: the first class an error is an instance of decides its status.
STATUS_BY_ERROR: tuple[tuple[type[WatchkeeperError], int], ...] = (
    (errors.Unauthenticated, 401),
    (CsrfRefused, 403),
    (errors.PermissionDenied, 403),
    (errors.NotFound, 404),
    (errors.ConcurrencyConflict, 409),
    (errors.DomainRuleViolation, 409),
    (errors.InputError, 422),
    (errors.ConfigurationError, 422),  # e.g. a grade label the force profile does not map
    (TooManyAttempts, 429),
)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


async def _watchkeeper_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WatchkeeperError)
    status = next((s for cls, s in STATUS_BY_ERROR if isinstance(exc, cls)), 400)
    return error_response(status, exc.code, exc.message)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    # Where and why, never the input itself: it may be personal data.
    problems = [
        f"{'.'.join(str(part) for part in error.get('loc', ()))}: {error.get('msg', 'invalid')}"
        for error in exc.errors()[:5]
    ]
    return error_response(422, "bad_input", "; ".join(problems) or "invalid request")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail))


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    route = getattr(request.scope.get("route"), "path", "<unmatched>")
    REQUEST_LOG.error(error_line("unhandled_error", route, exc))  # no message: it may be personal
    return error_response(500, "internal", "internal error; the request was not completed")


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413 before any route reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:  # a chunked body that lied or said nothing
                await self._refuse(scope, receive, send)
                return
        await self.app(scope, _replay(bytes(body), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = f"{self.max_bytes // 1024} KiB"
        response = error_response(413, "too_large", f"request body is larger than {limit}")
        await response(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class HeadersAndLog:
    """Security headers on every response; one JSON log line per request, no personal data.

    Plain ASGI rather than ``BaseHTTPMiddleware``: no extra task and stream per request,
    which matters when fifty screens poll the board each second.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = scope.setdefault("state", {})
        state["username"] = None
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                names = {name for name, _ in self._headers}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + self._headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            self._log(scope, state, status, started)

    @staticmethod
    def _log(scope: Scope, state: dict[str, Any], status: int, started: float) -> None:
        record = {
            "event": "request",
            "method": scope["method"],
            # The route's template (/api/incidents/{ref}), never the raw path or query.
            "path": getattr(scope.get("route"), "path", "<unmatched>"),
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "username": state.get("username"),
        }
        REQUEST_LOG.info(json.dumps(record))
        app = scope.get("app")
        latency: RequestLatency | None = getattr(getattr(app, "state", None), "latency", None)
        if latency is not None:
            latency.observe(scope["method"], record["path"], status, time.perf_counter() - started)


def _accounts_of(application: Application) -> Accounts:
    found: Any = getattr(application, "accounts", None)
    if found is None:
        raise ConfigurationError("no accounts service is wired into the application")
    accounts: Accounts = found
    return accounts


def _include_pages(app: FastAPI) -> None:
    """The server-rendered pages and their static files, when this build has them."""
    if importlib.util.find_spec(PAGES_MODULE) is not None:
        app.include_router(importlib.import_module(PAGES_MODULE).router)
    if STATIC_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


def _add_operational_routes(app: FastAPI, application: Application) -> None:
    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/ready", include_in_schema=False)
    def ready() -> Response:
        """Readiness: the store answers a query (and is migrated)."""
        try:
            with application.uow() as uow:
                uow.incidents.count()
        except Exception as exc:  # any failure means not ready; the reason goes to the log
            REQUEST_LOG.error(error_line("not_ready", "/ready", exc))  # no URL, no message
            return error_response(503, "not_ready", "the database is not reachable")
        return JSONResponse({"status": "ready"})

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        """Prometheus metrics: counts and latencies only (see ``web.metrics`` for access)."""
        if not may_scrape(request):
            return error_response(403, "forbidden", "metrics: loopback or bearer token only")
        return metrics_response(operational_lines(application, app.state.latency))


def create_app(
    application: Application,
    accounts: Accounts | None = None,
    *,
    options: WebOptions | None = None,
) -> FastAPI:
    """The web app over a wired application (accounts default to ``application.accounts``)."""
    options = options or WebOptions()
    app = FastAPI(
        title="Watchkeeper",
        version="0.1.0",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI loads from a CDN; police networks are closed
        redoc_url=None,
    )
    app.state.application = application
    app.state.accounts = accounts if accounts is not None else _accounts_of(application)
    app.state.web_options = options
    app.state.latency = RequestLatency()
    app.state.sign_in_throttle = SignInThrottle(
        options.sign_in_attempts, options.sign_in_window_seconds
    )
    app.add_exception_handler(WatchkeeperError, _watchkeeper_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_middleware(BodyLimit, max_bytes=options.max_body_bytes)
    app.add_middleware(HeadersAndLog)
    include_api(app)
    _add_operational_routes(app, application)
    _include_pages(app)
    return app


def _log_requests_as_json_lines() -> None:
    """Request log lines are already JSON: write them to stderr as they are."""
    logger = logging.getLogger("watchkeeper.web")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def serve_app() -> FastAPI:
    """Uvicorn's app factory (``factory=True``): wires the application in each worker."""
    _log_requests_as_json_lines()
    interval = switch_interval()
    if interval is not None:
        sys.setswitchinterval(interval)
    application = build()
    application.backlog.warm()  # the first screens should not wait for the cold load
    secure = os.environ.get(INSECURE_COOKIES_ENV) != "1"
    app = create_app(application, application.accounts, options=WebOptions(secure_cookies=secure))
    app.router.lifespan_context = exporting_head(application, export_interval())
    settle_heap()  # after the warm start: full collections skip the loaded open set
    return app
