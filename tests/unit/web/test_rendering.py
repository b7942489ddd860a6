"""How durations read on the pages: minutes, then hours, then days."""

from __future__ import annotations

import pytest

from watchkeeper.web.pages.rendering import breach_text, minutes_text


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (None, "—"),
        (12, "12 min"),
        (65, "1 h 05 min"),
        (47 * 60 + 59, "47 h 59 min"),
        (48 * 60, "2 days 0 h"),
        (-(400 * 24 + 5) * 60 - 30, "400 days 5 h"),  # a breach long ago reads the same
    ],
)
def test_a_duration_reads_in_the_unit_a_reader_needs(minutes: float | None, words: str) -> None:
    assert minutes_text(minutes) == words


def test_a_breach_says_whether_it_is_coming_or_past() -> None:
    assert breach_text(12) == "breaches in 12 min"
    assert breach_text(-3 * 24 * 60) == "breached 3 days 0 h ago"
    assert breach_text(None) == "no timed target"
