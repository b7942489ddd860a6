"""Fuzz the published-findings reader (``assessment.findings.read_findings_file``).

Input: the bytes of a findings YAML file. Contract: findings whose every question, indicator
and parent is known, or an ``InputError`` naming the file; nothing else may escape. Seeds:
the bundled findings file.
"""

from __future__ import annotations

import atheris  # type: ignore[import-untyped,unused-ignore]
from common import Scratch, main, refusal, require

with atheris.instrument_imports(include=["watchkeeper"]):
    from watchkeeper.assessment.findings import (
        bundled_findings_path,
        known_forces,
        read_findings_file,
    )
    from watchkeeper.assessment.framework import load_framework
    from watchkeeper.assessment.indicators import registry
    from watchkeeper.kernel.errors import InputError

FORCES = known_forces()
INDICATORS = registry()
QUESTIONS = [q.key for q in load_framework("peel-2017-effectiveness", INDICATORS).questions]
SCRATCH = Scratch("findings.yaml")


def test_one_input(data: bytes) -> None:
    path = SCRATCH.holding(data)
    try:
        found = read_findings_file(path, FORCES, INDICATORS, QUESTIONS)
    except InputError as exc:
        refusal(exc, str(path))
        return
    refs = [f.ref for f in found]
    require(len(set(refs)) == len(refs), "a finding ref appears twice")
    for finding in found:
        require(finding.question in QUESTIONS, f"{finding.ref}: unknown question")
        require(all(k in INDICATORS for k in finding.indicators), f"{finding.ref}: indicator")
        require(finding.parent is None or finding.parent in refs, f"{finding.ref}: parent")


if __name__ == "__main__":
    main("findings_yaml", test_one_input, [bundled_findings_path().read_bytes()])
