"""Addresses and the normalised key that lets two spellings of one place meet."""

from __future__ import annotations

import re
from dataclasses import dataclass

from watchkeeper.kernel.errors import InputError
from watchkeeper.kernel.geo import Point

# Royal Mail / BS 7666 street-type abbreviations, unified to the full word so "12 High St."
# and "12 HIGH STREET" share a key. "ST" is handled separately (street or saint).
_ABBREVIATIONS = {
    "RD": "ROAD",
    "AVE": "AVENUE",
    "AV": "AVENUE",
    "LN": "LANE",
    "DR": "DRIVE",
    "CRES": "CRESCENT",
    "CL": "CLOSE",
    "CT": "COURT",
    "PL": "PLACE",
    "SQ": "SQUARE",
    "GDNS": "GARDENS",
    "GRN": "GREEN",
    "GR": "GROVE",
    "TER": "TERRACE",
    "TERR": "TERRACE",
    "PK": "PARK",
    "HSE": "HOUSE",
    "APT": "FLAT",
    "APARTMENT": "FLAT",
    "NTH": "NORTH",
    "STH": "SOUTH",
}
_NOT_WORD = re.compile(r"[^A-Z0-9]+")


def _normalise_tokens(tokens: list[str]) -> list[str]:
    out = []
    for i, word in enumerate(tokens):
        if word == "ST":
            # "ST" last on a line is a street type; before another word it is a saint's name
            # ("ST JOHNS ROAD"), as in Royal Mail's Postcode Address File conventions.
            out.append("STREET" if i == len(tokens) - 1 else "SAINT")
        else:
            out.append(_ABBREVIATIONS.get(word, word))
    return out


def normalise_line(line: str) -> str:
    """Uppercase, punctuation and runs of whitespace collapsed, abbreviations spelt out."""
    tokens = [t for t in _NOT_WORD.split(line.upper().replace("'", "")) if t]
    return " ".join(_normalise_tokens(tokens))


def normalise_postcode(postcode: str) -> str:
    """Uppercase, no inner spaces except the one before the inward code (``B5 4LP``)."""
    compact = _NOT_WORD.sub("", postcode.upper())
    if len(compact) < 5:  # not a UK postcode shape; keep it as given, compacted
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


@dataclass(frozen=True, slots=True)
class Address:
    """A place: free-text lines as given, a postcode and (when geocoded) a point."""

    address_ref: str
    lines: tuple[str, ...]
    postcode: str = ""
    point: Point | None = None

    def __post_init__(self) -> None:
        if not self.address_ref.strip():
            raise InputError("an address needs a reference (field: address_ref)")
        if not any(normalise_line(line) for line in self.lines):
            raise InputError("an address needs at least one non-blank line (field: lines)")

    @property
    def key(self) -> str:
        """The normalised key two spellings of the same address share."""
        lines = [n for n in (normalise_line(line) for line in self.lines) if n]
        return "|".join([*lines, normalise_postcode(self.postcode)])
