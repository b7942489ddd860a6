from __future__ import annotations

import pytest

from watchkeeper.kernel.errors import InputError
from watchkeeper.kernel.geo import Point
from watchkeeper.people.addresses import Address, normalise_line, normalise_postcode


def test_two_spellings_of_one_address_share_a_key() -> None:
    a = Address("A1", ("Flat 2,", "12 High St."), "b5  4lp")
    b = Address("A2", ("FLAT 2", "12  HIGH STREET"), "B54LP", Point(52.47, -1.89))
    assert a.key == b.key == "FLAT 2|12 HIGH STREET|B5 4LP"


def test_road_and_avenue_abbreviations_are_spelt_out() -> None:
    assert normalise_line("4 Acacia Ave") == "4 ACACIA AVENUE"
    assert normalise_line("9 Mill Rd") == "9 MILL ROAD"


def test_st_before_a_name_is_saint_and_at_the_end_is_street() -> None:
    assert normalise_line("St. John's Rd") == "SAINT JOHNS ROAD"
    assert normalise_line("Church St") == "CHURCH STREET"


def test_a_postcode_gets_one_space_before_the_inward_code() -> None:
    assert normalise_postcode(" sw1a2aa ") == "SW1A 2AA"
    assert normalise_postcode("9210") == "9210"


def test_an_address_with_only_blank_lines_is_refused() -> None:
    with pytest.raises(InputError, match="lines"):
        Address("A1", (" ", ",,"), "B5 4LP")
