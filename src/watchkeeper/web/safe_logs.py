"""Error log lines that say where and what kind, never the data involved.

An exception's message can carry personal data (a database error quotes the row it
refused, with the caller's name in it) or secrets (a connection error quotes the database
URL). So an error line holds the exception's type and its frames (file, line, function),
never its message or arguments; the request's route template, never its path or query.
"""

from __future__ import annotations

import json
import traceback
from pathlib import Path


def error_line(event: str, route: str, exc: BaseException) -> str:
    """One JSON line: event, route template, exception types and frames (innermost last)."""
    chain: list[dict[str, object]] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 5:
        frames = [
            f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"
            for frame in traceback.extract_tb(current.__traceback__)[-8:]
        ]
        chain.append({"type": type(current).__name__, "frames": frames})
        current = current.__cause__ or current.__context__
    return json.dumps({"event": event, "path": route, "errors": chain})
