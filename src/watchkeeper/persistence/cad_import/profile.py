"""Declarative mapping profiles: how one force's CAD export maps onto Watchkeeper's log.

A profile is a TOML file, bundled (``san-diego``) or given by path. Every table that maps a
local code onto a UK grade, category, marker, source or area is an assumption and must say so
in its ``assumption`` text. Invalid profiles are refused naming the file and the key.
"""

from __future__ import annotations

import codecs
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from watchkeeper.incidents.entries import CallSource, Grade
from watchkeeper.incidents.policy import ForceProfile, parse_force_profile
from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.persistence.cad_import.timestamps import TimeSpec

BUNDLED = ("san-diego", "san-luis-obispo", "seattle")


@dataclass(frozen=True, slots=True)
class TypeRule:
    """What a call type means here: category, optional grade label, markers, source."""

    category: str
    name: str = ""
    grade_label: str = ""
    markers: tuple[str, ...] = ()
    source: CallSource | None = None


@dataclass(frozen=True, slots=True)
class TypePattern:
    pattern: re.Pattern[str]
    rule: TypeRule


@dataclass(frozen=True, slots=True)
class CodeMap:
    """A column whose values map onto Watchkeeper codes, with a fallback."""

    column: str
    mapping: dict[str, str]
    default: str
    assumption: str


@dataclass(frozen=True, slots=True)
class ImportProfile:
    name: str
    path: str
    source_system: str
    timezone: ZoneInfo
    encoding: str
    reference_column: str
    received: TimeSpec
    events: dict[str, TimeSpec]  # dispatched / arrived / cleared, when the export has them
    grades: dict[str, Grade]  # force label -> canonical grade, from the force profile
    priority: CodeMap | None  # column value -> force grade label
    unknown_grade_label: str
    type_columns: tuple[str, ...]
    types: dict[str, TypeRule]
    type_patterns: tuple[TypePattern, ...]
    unknown_category: str
    source: CodeMap
    area: CodeMap
    lat_column: str
    lon_column: str
    location_parts: tuple[tuple[str, ...], ...]
    location_separator: str
    location_ignore: frozenset[str]
    units_column: str
    closing: CodeMap
    still_open_column: str
    still_open_values: frozenset[str]
    closing_horizon_hours: float

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Every column the profile reads; a file without them is refused."""
        cols = [self.reference_column, *self.received.columns, *self.type_columns]
        for spec in self.events.values():
            cols.extend(spec.columns)
        maps = (self.priority, self.source, self.area, self.closing)
        cols.extend(m.column for m in maps if m is not None and m.column)
        cols.extend(c for part in self.location_parts for c in part)
        extra = (self.lat_column, self.lon_column, self.units_column, self.still_open_column)
        cols.extend(c for c in extra if c)
        return tuple(dict.fromkeys(cols))


class _Doc:
    """A TOML table with the file and key path it came from, for error messages."""

    def __init__(self, body: Any, path: str, where: str = "") -> None:
        if not isinstance(body, dict):
            raise ConfigurationError(f"import profile {path}: '{where}' must be a table")
        self.body, self.path, self.where = body, path, where

    def fail(self, key: str, why: str) -> ConfigurationError:
        return ConfigurationError(f"import profile {self.path}: '{self.where}{key}' {why}")

    def has(self, key: str) -> bool:
        return key in self.body

    def text(self, key: str, default: str | None = None) -> str:
        if key not in self.body:
            if default is None:
                raise self.fail(key, "is missing")
            return default
        value = self.body[key]
        if not isinstance(value, str):
            raise self.fail(key, f"must be text, got {value!r}")
        return value

    def texts(self, key: str, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
        if key not in self.body and default is not None:
            return default
        value = self.body.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f"must be a list of text, got {value!r}")
        return tuple(value)

    def maybe(self, key: str) -> _Doc:
        """An optional table: empty when absent."""
        return self.table(key) if key in self.body else _Doc({}, self.path, f"{self.where}{key}.")

    def table(self, key: str) -> _Doc:
        if key not in self.body:
            raise self.fail(key, "is missing")
        return _Doc(self.body[key], self.path, f"{self.where}{key}.")

    def assumption(self) -> str:
        text = self.text("assumption", "")
        if not text.strip():
            raise self.fail("assumption", "must say why this mapping is assumed")
        return text


def _time_spec(doc: _Doc, received: bool) -> TimeSpec:
    if doc.has("column"):
        return TimeSpec(column=doc.text("column"), format=doc.text("format"))
    spec = TimeSpec(time_column=doc.text("time_column"), time_format=doc.text("time_format"))
    if received:
        return TimeSpec(
            date_column=doc.text("date_column"),
            date_format=doc.text("date_format"),
            time_column=spec.time_column,
            time_format=spec.time_format,
        )
    return spec


def _check(doc: _Doc, key: str, value: str, allowed: Any, what: str) -> str:
    if value not in allowed:
        raise doc.fail(key, f"names {what} {value!r}, which the force profile does not have")
    return value


def _code_map(doc: _Doc, allowed: Any, what: str, column_required: bool = True) -> CodeMap:
    column = doc.text("column") if column_required else doc.text("column", "")
    default = _check(doc, "default", doc.text("default"), allowed, what)
    table = doc.table("map") if doc.has("map") else _Doc({}, doc.path, f"{doc.where}map.")
    mapping = {k: _check(table, k, table.text(k), allowed, what) for k in table.body}
    return CodeMap(column, mapping, default, doc.assumption())


def _type_rule(doc: _Doc, force: ForceProfile) -> TypeRule:
    source = doc.text("source", "")
    if source and source not in {s.value for s in CallSource}:
        raise doc.fail("source", f"{source!r} is not a call source")
    label = doc.text("grade", "")
    return TypeRule(
        category=_check(doc, "category", doc.text("category"), force.categories, "category"),
        name=doc.text("name", ""),
        grade_label=_check(doc, "grade", label, force_labels(force), "grade label")
        if label
        else "",
        markers=tuple(
            _check(doc, "markers", m, force.markers, "marker") for m in doc.texts("markers", ())
        ),
        source=CallSource(source) if source else None,
    )


def _types(doc: _Doc, force: ForceProfile) -> tuple[dict[str, TypeRule], tuple[TypePattern, ...]]:
    doc.assumption()
    table = doc.table("map")
    rules = {code: _type_rule(table.table(code), force) for code in table.body}
    patterns = []
    for i, body in enumerate(doc.body.get("patterns", [])):
        item = _Doc(body, doc.path, f"{doc.where}patterns[{i}].")
        try:
            regex = re.compile(item.text("regex"))
        except re.error as exc:
            raise item.fail("regex", f"is not a valid regular expression ({exc})") from None
        patterns.append(TypePattern(regex, _type_rule(item, force)))
    return rules, tuple(patterns)


def force_labels(force: ForceProfile) -> dict[str, Grade]:
    """Every grade label the force uses, with the canonical grade it stands for."""
    return {label: p.grade for p in force.grades.values() for label in p.labels}


def _encoding(doc: _Doc) -> str:
    name = doc.text("encoding", "utf-8-sig")
    try:
        decoder = codecs.getincrementaldecoder(name)()
    except LookupError:
        raise doc.fail("encoding", f"{name!r} is not a known encoding") from None
    try:
        ascii_compatible = decoder.decode(b'a,"\r\n\n', final=True) == 'a,"\r\n\n'
    except UnicodeError:
        ascii_compatible = False
    if not ascii_compatible:
        raise doc.fail("encoding", f"{name!r} must be ASCII-compatible (utf-8, latin-1, ...)")
    return name


def _timezone(doc: _Doc) -> ZoneInfo:
    name = doc.text("timezone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise doc.fail("timezone", f"{name!r} is not a known time zone") from None


def _horizon(doc: _Doc) -> float:
    value = doc.body.get("closing_horizon_hours")
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise doc.fail("closing_horizon_hours", f"must be a positive number, got {value!r}")
    return float(value)


def _location(doc: _Doc) -> tuple[tuple[tuple[str, ...], ...], str, frozenset[str]]:
    parts = doc.body.get("parts")
    if not isinstance(parts, list) or not all(
        isinstance(p, list) and all(isinstance(c, str) for c in p) for p in parts
    ):
        raise doc.fail("parts", "must be a list of lists of column names")
    ignore = frozenset(doc.texts("ignore", ()))
    return tuple(tuple(p) for p in parts), doc.text("separator", " & "), ignore


def _times(doc: _Doc) -> dict[str, Any]:
    events = ("dispatched", "arrived", "cleared")
    return {
        "received": _time_spec(doc.table("received"), True),
        "events": {e: _time_spec(doc.table(e), False) for e in events if doc.has(e)},
    }


def _columns(doc: _Doc) -> dict[str, Any]:
    coords, still_open = doc.maybe("coordinates"), doc.maybe("still_open")
    parts, separator, ignore = _location(doc.table("location"))
    return {
        "reference_column": doc.text("reference_column"),
        "lat_column": coords.text("lat_column", ""),
        "lon_column": coords.text("lon_column", ""),
        "location_parts": parts,
        "location_separator": separator,
        "location_ignore": ignore,
        "units_column": doc.maybe("units").text("column", ""),
        "still_open_column": still_open.text("column", ""),
        "still_open_values": frozenset(still_open.texts("values", ())),
    }


def _codes(doc: _Doc, force: ForceProfile) -> dict[str, Any]:
    labels = force_labels(force)
    types, patterns = _types(doc.table("types"), force)
    unknown_label = doc.text("unknown_grade_label")
    return {
        "grades": labels,
        "priority": _code_map(doc.table("priority"), labels, "grade label")
        if doc.has("priority")
        else None,
        "unknown_grade_label": _check(
            doc, "unknown_grade_label", unknown_label, labels, "grade label"
        ),
        "type_columns": doc.table("types").texts("columns"),
        "types": types,
        "type_patterns": patterns,
        "unknown_category": force.unknown_category,
        "source": _code_map(
            doc.table("source"), {s.value for s in CallSource}, "call source", False
        ),
        "area": _code_map(doc.table("area"), force.areas, "area"),
        "closing": _code_map(doc.table("closing"), _AnyText(), "closing category", False),
    }


def parse_profile(body: dict[str, Any], path: str, name: str, force: ForceProfile) -> ImportProfile:
    """Validate a profile document against the force profile it maps onto."""
    doc = _Doc(body, path)
    return ImportProfile(
        name=name,
        path=path,
        source_system=doc.text("source_system"),
        timezone=_timezone(doc),
        encoding=_encoding(doc),
        closing_horizon_hours=_horizon(doc),
        **_times(doc),
        **_columns(doc),
        **_codes(doc, force),
    )


class _AnyText:
    """Closing categories are free text in the force profile: any non-empty value will do."""

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and bool(value.strip())


def _default_force() -> ForceProfile:
    text = resources.files("watchkeeper.resources").joinpath("force-default.toml").read_text()
    return parse_force_profile(tomllib.loads(text))


def load_profile(name_or_path: str | Path, force: ForceProfile | None = None) -> ImportProfile:
    """A bundled profile by name, or a profile file; checked against ``force``.

    ``force`` defaults to the bundled default force profile; pass the configured one so the
    grade labels, categories, markers and areas are checked against what the force really uses.
    """
    force = force or _default_force()
    name = str(name_or_path)
    try:
        if name in BUNDLED:
            where = f"{name} (bundled)"
            res = resources.files("watchkeeper.resources.profiles").joinpath(f"{name}.toml")
            text = res.read_text(encoding="utf-8")
        else:
            where, text = name, Path(name).read_text(encoding="utf-8")
            name = Path(name).stem
        body = tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigurationError(
            f"import profile {name_or_path}: no such file, and not one of the bundled "
            f"profiles ({', '.join(BUNDLED)})"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"import profile {where}: not valid TOML ({exc})") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ConfigurationError(
            f"import profile {name_or_path} line {line}: not UTF-8 text"
        ) from None
    except RecursionError:
        raise ConfigurationError(f"import profile {where}: nested too deeply") from None
    return parse_profile(body, where, name, force)
