"""Fuzz the inspection framework loader (``assessment.framework.load_framework``).

Input: the bytes of a framework file. Contract: a validated framework (every criterion's
question and indicator known, its grades on the scale), or a ``ConfigurationError`` naming
the file or the entry; nothing else may escape. Seeds: the bundled frameworks.
"""

from __future__ import annotations

from importlib import resources

import atheris  # type: ignore[import-untyped,unused-ignore]
from common import Scratch, main, refusal, require

with atheris.instrument_imports(include=["watchkeeper"]):
    from watchkeeper.assessment.framework import BUNDLED, load_framework
    from watchkeeper.assessment.indicators import registry
    from watchkeeper.kernel.errors import ConfigurationError

INDICATORS = registry()
SCRATCH = Scratch("framework.toml")


def test_one_input(data: bytes) -> None:
    path = SCRATCH.holding(data)
    try:
        framework = load_framework(path, INDICATORS)
    except ConfigurationError as exc:
        refusal(exc, "framework")
        return
    questions = {q.key for q in framework.questions}
    for criterion in framework.criteria:
        require(criterion.question in questions, f"{criterion.id}: unknown question")
        require(criterion.indicator is None or criterion.indicator in INDICATORS, criterion.id)
        require(all(g in framework.scale for g, _ in criterion.thresholds), criterion.id)


def seeds() -> list[bytes]:
    files = resources.files("watchkeeper.resources.frameworks")
    return [files.joinpath(f"{name}.toml").read_bytes() for name in BUNDLED]


if __name__ == "__main__":
    main("framework_toml", test_one_input, seeds())
