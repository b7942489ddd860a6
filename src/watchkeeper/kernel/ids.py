"""Identifiers: opaque, sortable by creation, safe to show."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import NewType

IncidentId = NewType("IncidentId", str)

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def _base32(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, rem = divmod(value, 32)
        chars.append(_ALPHABET[rem])
    return "".join(reversed(chars))


def new_incident_id(at: datetime, entropy: int | None = None) -> IncidentId:
    """An id like ``INC-01JBX8...`` whose prefix sorts by the time it was logged."""
    millis = int(at.timestamp() * 1000)
    rand = secrets.randbits(40) if entropy is None else entropy % (1 << 40)
    return IncidentId(f"INC-{_base32(millis, 9)}{_base32(rand, 8)}")
