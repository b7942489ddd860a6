"""Where a configured real-world value comes from: every context's configuration uses it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Provenance:
    """A cited source, or 'assumed: <why>' when no published source exists."""

    source: str

    @property
    def assumed(self) -> bool:
        return self.source.startswith("assumed")
