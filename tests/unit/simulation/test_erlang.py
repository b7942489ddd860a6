"""Erlang-B / Erlang-C against hand-computed values, and stability at hundreds of servers."""

from __future__ import annotations

import math

import pytest

from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.erlang import MMc, erlang_b, erlang_c, minimum_servers


def _erlang_c_closed_form(c: int, a: float) -> float:
    """The textbook formula in log space (lgamma), as an independent check."""
    top = c * math.log(a) - math.lgamma(c + 1) + math.log(c / (c - a))
    terms = [k * math.log(a) - math.lgamma(k + 1) for k in range(c)]
    peak = max([*terms, top])
    total = sum(math.exp(t - peak) for t in terms) + math.exp(top - peak)
    return math.exp(top - peak) / total


def test_one_server_reduces_to_mm1_where_the_wait_probability_is_rho():
    for rho in (0.1, 0.5, 0.9):
        assert erlang_c(1, rho) == pytest.approx(rho)


def test_erlang_b_with_one_server_is_a_over_one_plus_a():
    assert erlang_b(1, 3.0) == pytest.approx(0.75)


def test_two_servers_at_one_erlang_match_the_hand_computation():
    # B(2,1) = (1/2) / (1 + 1 + 1/2) = 0.2; C = 2*0.2 / (2 - 1*0.8) = 1/3
    assert erlang_b(2, 1.0) == pytest.approx(0.2)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)


def test_mm1_wait_within_t_is_one_minus_rho_times_the_exponential_tail():
    queue = MMc(arrivals_per_minute=0.5, mean_service_minutes=1.0, servers=1)
    assert queue.probability_wait_within(2.0) == pytest.approx(1 - 0.5 * math.exp(-0.5 * 2.0))
    assert queue.mean_wait() == pytest.approx(0.5 / 0.5)  # rho / (mu - lambda)


@pytest.mark.parametrize(("c", "a"), [(50, 40.0), (300, 280.0), (800, 760.0)])
def test_hundreds_of_servers_stay_finite_and_match_the_log_space_closed_form(c, a):
    value = erlang_c(c, a)
    assert 0.0 < value < 1.0
    if c <= 300:
        assert value == pytest.approx(_erlang_c_closed_form(c, a), rel=1e-9)


def test_an_overloaded_queue_always_waits_and_never_meets_a_time():
    queue = MMc(arrivals_per_minute=2.0, mean_service_minutes=1.0, servers=2)
    assert queue.probability_of_wait() == 1.0
    assert queue.probability_wait_within(60) == 0.0
    assert queue.mean_wait() == math.inf


def test_minimum_servers_is_the_first_count_meeting_the_share():
    n = minimum_servers(1.0, 5.0, within_minutes=1.0, share=0.9)
    assert MMc(1.0, 5.0, n).probability_wait_within(1.0) >= 0.9
    assert MMc(1.0, 5.0, n - 1).probability_wait_within(1.0) < 0.9


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: MMc(-1.0, 5.0, 2), "arrivals_per_minute"),
        (lambda: MMc(1.0, 0.0, 2), "mean_service_minutes"),
        (lambda: MMc(1.0, 1.0, 0), "servers"),
        (lambda: erlang_b(3, -1.0), "load"),
        (lambda: minimum_servers(1.0, 1.0, 1.0, 1.5), "share"),
    ],
)
def test_bad_input_is_refused_naming_the_field(call, field):
    with pytest.raises(InputError, match=field):
        call()
