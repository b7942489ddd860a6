"""The served app freezes its warm-started heap out of the cyclic collector (``web.heap``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.web.heap import GC_FREEZE_ENV, settle_heap


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # leave the test process's collector as it found it


def test_the_heap_is_frozen_by_default_and_can_be_left_alone(unfrozen) -> None:
    kept = [[object()] for _ in range(1000)]  # tracked containers that survive the collection
    assert settle_heap({}) is True
    assert gc.get_freeze_count() >= len(kept)
    gc.unfreeze()
    assert settle_heap({GC_FREEZE_ENV: "0"}) is False
    assert gc.get_freeze_count() == 0


def test_a_bad_setting_is_refused_naming_the_variable(unfrozen) -> None:
    with pytest.raises(ConfigurationError, match=GC_FREEZE_ENV):
        settle_heap({GC_FREEZE_ENV: "yes"})
    assert gc.get_freeze_count() == 0
