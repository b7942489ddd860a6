"""Fuzz the simulation scenario loader (``simulation.scenario.load_scenario``).

Input: the bytes of a scenario file. Contract: a validated scenario, or an ``InputError``
naming the file or the key; nothing else may escape. Seeds: the scenarios shipped in
``scenarios/``.
"""

from __future__ import annotations

import atheris  # type: ignore[import-untyped,unused-ignore]
from common import ROOT, Scratch, main, refusal, require

with atheris.instrument_imports(include=["watchkeeper"]):
    from watchkeeper.kernel.errors import InputError
    from watchkeeper.simulation.scenario import load_scenario

SCRATCH = Scratch("scenario.toml")


def test_one_input(data: bytes) -> None:
    path = SCRATCH.holding(data)
    try:
        scenario = load_scenario(path)
    except InputError as exc:
        refusal(exc, "scenario")
        return
    require(scenario.replications >= 1, "fewer than one replication")
    require(bool(scenario.policies), "no dispatch policy")


if __name__ == "__main__":
    main("scenario_toml", test_one_input, [p.read_bytes() for p in ROOT.glob("scenarios/*.toml")])
