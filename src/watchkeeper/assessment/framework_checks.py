"""Checks that make a framework refuse to load: contradictory thresholds, circular criteria."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from watchkeeper.kernel.errors import ConfigurationError

if TYPE_CHECKING:
    from watchkeeper.assessment.framework import Criterion


def check_thresholds(criteria: Sequence[Criterion], scale: Sequence[str]) -> None:
    """Thresholds must run strictly one way from the best grade down; raises must nest.

    For a higher-is-better indicator the threshold for a better grade must be higher than
    the one for a worse grade (lower-is-better: lower). Equal or reversed thresholds would
    make a grade unreachable or let a worse value earn a better grade: a contradiction.
    """
    for c in criteria:
        for (better, high), (worse, low) in zip(c.thresholds, c.thresholds[1:], strict=False):
            ordered = high > low if c.higher_is_better else high < low
            if not ordered:
                word = "above" if c.higher_is_better else "below"
                raise ConfigurationError(
                    f"framework: criterion '{c.id}' is contradictory: the '{better}' threshold "
                    f"({high:g}) must be strictly {word} the '{worse}' threshold ({low:g})"
                )
        by_kind = {r.kind: r for r in c.raises}
        concern, afi = by_kind.get("cause-of-concern"), by_kind.get("area-for-improvement")
        if concern and afi and list(scale).index(concern.at) < list(scale).index(afi.at):
            raise ConfigurationError(
                f"framework: criterion '{c.id}' is contradictory: its cause of concern "
                f"('{concern.at}') would trigger at a better grade than its area for "
                f"improvement ('{afi.at}')"
            )
        if not c.composite and c.raises and not c.thresholds:
            raise ConfigurationError(f"framework: criterion '{c.id}' raises but has no thresholds")


def check_composites(criteria: Sequence[Criterion], scale: Sequence[str]) -> None:
    """Composite criteria name existing criteria of their own question, without a cycle."""
    by_id = {c.id: c for c in criteria}
    for c in criteria:
        for ref in c.all_of:
            if ref not in by_id:
                raise ConfigurationError(
                    f"framework: criterion '{c.id}': unknown criterion '{ref}'"
                )
            if by_id[ref].question != c.question:
                raise ConfigurationError(
                    f"framework: criterion '{c.id}': '{ref}' belongs to another question"
                )
        if c.composite and not c.raises:
            raise ConfigurationError(f"framework: criterion '{c.id}': a composite must raise")
        if c.composite and c.at == scale[0]:
            raise ConfigurationError(
                f"framework: criterion '{c.id}' is contradictory: it would trigger at the "
                f"best grade '{scale[0]}'"
            )
    for c in criteria:
        _walk(c.id, by_id, [])


def _walk(cid: str, by_id: dict[str, Criterion], path: list[str]) -> None:
    if cid in path:
        cycle = " -> ".join([*path[path.index(cid) :], cid])
        raise ConfigurationError(f"framework: circular criteria: {cycle}")
    for ref in by_id[cid].all_of:
        _walk(ref, by_id, [*path, cid])
