"""``watchkeeper serve``: run the web app under uvicorn (the database from WATCHKEEPER_*)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from watchkeeper.kernel.errors import InputError

# The factory lives in the web package; the CLI names it without importing it (layers).
APP_FACTORY = "watchkeeper.web.app:serve_app"
INSECURE_COOKIES_ENV = "WATCHKEEPER_INSECURE_COOKIES"  # read by serve_app in each worker


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    insecure_cookies: Annotated[
        bool,
        typer.Option(
            "--insecure-cookies",
            help="Send the session cookie over plain HTTP (local demo only; use TLS otherwise).",
        ),
    ] = False,
) -> None:
    """Serve the web app and API; prints the URL. Health at /health, readiness at /ready."""
    import uvicorn

    if not host.strip():
        raise InputError("--host must not be empty")
    if insecure_cookies:
        os.environ[INSECURE_COOKIES_ENV] = "1"
    typer.echo(f"Watchkeeper is serving at http://{host}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # the app writes its own request log, without query strings
        log_level="info",
    )
