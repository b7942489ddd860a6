"""Seeded replications of every policy on the same trace and roster.

Replication ``i`` of every policy uses seed ``seed + i``, so the policies see the same
travel and on-scene noise (common random numbers) and their difference is sharper.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.config import SimConfig
from watchkeeper.simulation.engine import check_inputs, simulate
from watchkeeper.simulation.results import Estimate, RunSummary, estimate, summarise
from watchkeeper.simulation.roster import Roster
from watchkeeper.simulation.trace import Trace

Progress = Callable[[str, int, RunSummary], None]


@dataclass(frozen=True, slots=True)
class Replications:
    """Every (policy, replication) summary, in run order."""

    policies: tuple[str, ...]
    summaries: list[RunSummary] = field(default_factory=list)
    events: int = 0
    wall_seconds: float = 0.0

    def of(self, policy: str) -> list[RunSummary]:
        return [s for s in self.summaries if s.policy == policy]

    def estimates(self) -> dict[str, dict[str, Estimate]]:
        """policy -> measure -> mean and 95 % t-interval over the replications."""
        out: dict[str, dict[str, Estimate]] = {}
        for policy in self.policies:
            runs = self.of(policy)
            names = sorted({name for s in runs for name in s.measures})
            out[policy] = {
                name: estimate([s.measures.get(name, float("nan")) for s in runs]) for name in names
            }
        return out


def run_replications(
    trace: Trace,
    roster: Roster,
    policies: Sequence[str],
    *,
    replications: int,
    seed: int,
    config: SimConfig,
    progress: Progress | None = None,
) -> Replications:
    """Run ``replications`` seeded replications of each policy; summaries only are kept.

    Every input is checked before the first run, so a bad policy name or roster fails at
    once rather than after hours of work.
    """
    if replications < 1:
        raise InputError(f"replications must be at least 1, got {replications}")
    if not policies:
        raise InputError("name at least one policy to compare")
    for policy in policies:
        check_inputs(trace, roster, policy)
    summaries: list[RunSummary] = []
    events, wall = 0, 0.0
    for i in range(replications):
        for policy in policies:
            result = simulate(trace, roster, policy, seed=seed + i, config=config)
            summary = summarise(trace, result, config.backlog_step_minutes)
            summaries.append(summary)
            events += result.events
            wall += result.wall_seconds
            if progress is not None:
                progress(policy, i, summary)
    return Replications(tuple(policies), summaries, events, wall)
