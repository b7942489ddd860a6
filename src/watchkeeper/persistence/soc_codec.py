"""Domain dataclasses to JSON documents and back, driven by their type hints.

Instants are stored as ISO text in UTC, dates as ISO dates, durations as seconds; tuples,
mappings, optional values, string enums and nested dataclasses are rebuilt from the hints, so
a document reads back equal to what was written (a storage test proves it per aggregate).
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, TypeVar

from watchkeeper.kernel.clock import ensure_utc

T = TypeVar("T")


def encode(value: Any) -> Any:  # noqa: PLR0911 - one return per kind of value
    """A JSON-ready form of a dataclass (or of any value inside one)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return ensure_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, tuple | list | frozenset | set):
        return [encode(v) for v in value]
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def decode(cls: type[T], document: Any) -> T:
    """Rebuild an instance of dataclass ``cls`` from ``encode``'s output."""
    return typing.cast(T, _build(cls, document))


def _build(hint: Any, value: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _build(inner[0], value)
    if origin in (tuple, frozenset):
        item = typing.get_args(hint)[0]
        return origin(_build(item, v) for v in value)
    if origin in (dict, Mapping):
        item = typing.get_args(hint)[1]
        return {k: _build(item, v) for k, v in value.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        names = {f.name for f in dataclasses.fields(hint) if f.init}
        return hint(**{k: _build(hints[k], v) for k, v in value.items() if k in names})
    return _scalar(hint, value)


def _scalar(hint: Any, value: Any) -> Any:
    if hint is datetime:
        return ensure_utc(datetime.fromisoformat(value))
    if hint is date:
        return date.fromisoformat(value)
    if hint is timedelta:
        return timedelta(seconds=value)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    if hint is float:
        return float(value)
    return value
