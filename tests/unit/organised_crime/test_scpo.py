from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.organised_crime.flags import FlagKind, order_flags
from watchkeeper.organised_crime.indicators import (
    breaches_enforced,
    orders_checked_on_schedule,
    scpo_consideration_rate,
)
from watchkeeper.organised_crime.scpo import (
    Breach,
    ComplianceCheck,
    ScpoOrder,
    Term,
    decide,
    flag_for_consideration,
    latest_end,
    make_order,
    next_check_due,
    record_breach,
    record_breach_outcome,
    record_check,
    refer_breach,
)

from .conftest import T0

START = date(2026, 3, 1)


def _order(starts=START, ends=date(2031, 2, 28), terms=None, **kw) -> ScpoOrder:
    terms = terms or (
        Term("T1", "no more than one mobile phone", starts, ends),
        Term("T2", "notify any new bank account", starts, ends, notification_days=3),
    )
    return ScpoOrder(
        "SCPO-1",
        "P-100",
        kw.get("court", "crown-court"),
        date(2026, 2, 20),
        starts,
        ends,
        kw.get("officer", "dc.shaw"),
        28,
        tuple(terms),
    )


def test_a_schedule_1_offence_is_flagged_for_consideration(policy) -> None:
    case = flag_for_consideration(
        "CASE-1", "P-100", "MDA1971-s5(3)", "charged", at=T0, policy=policy.scpo
    )
    assert case is not None and case.heading == "drug-trafficking"
    assert (
        flag_for_consideration(
            "CASE-2", "P-100", "common-assault", "charged", at=T0, policy=policy.scpo
        )
        is None
    )
    decided = decide(case, "apply", "supplies firearms network", by="dc.shaw", at=T0)
    assert decided.decided and decided.reason == "supplies firearms network"
    with pytest.raises(DomainRuleViolation, match=r"already decided"):
        decide(decided, "do-not-apply", "changed mind", by="x", at=T0)
    with pytest.raises(InputError, match=r"field: reason"):
        decide(case, "do-not-apply", "", by="x", at=T0)
    assert scpo_consideration_rate([case, decided]).numerator == 1


def test_the_five_year_limit_counts_beginning_with_the_day_of_coming_into_force(policy) -> None:
    assert latest_end(date(2026, 3, 1), 5) == date(2031, 2, 28)
    make_order(_order(ends=date(2031, 2, 28)), policy.scpo)
    with pytest.raises(DomainRuleViolation, match=r"longer than the 5-year maximum.*2031-02-28"):
        make_order(
            _order(ends=date(2031, 3, 1), terms=(Term("T1", "x", START, START),)), policy.scpo
        )


def test_an_order_starting_on_29_february_may_run_to_28_february(policy) -> None:
    assert latest_end(date(2028, 2, 29), 5) == date(2033, 2, 28)
    assert latest_end(date(2028, 2, 29), 4) == date(2032, 2, 28)


def test_each_term_must_sit_within_the_order_dates(policy) -> None:
    inside = Term("T1", "curfew", START + timedelta(days=10), START + timedelta(days=400))
    make_order(_order(terms=(inside,)), policy.scpo)
    edge = Term("T1", "curfew", START, date(2031, 2, 28))
    make_order(_order(terms=(edge,)), policy.scpo)
    early = Term("T1", "curfew", START - timedelta(days=1), START + timedelta(days=10))
    with pytest.raises(InputError, match=r"term T1 runs 2026-02-28..*outside the order"):
        make_order(_order(terms=(early,)), policy.scpo)
    late = Term("T1", "curfew", START, date(2031, 3, 1))
    with pytest.raises(InputError, match=r"outside the order"):
        make_order(_order(terms=(late,)), policy.scpo)
    backwards = Term("T1", "curfew", START + timedelta(days=5), START)
    with pytest.raises(InputError, match=r"ends before it starts"):
        make_order(_order(terms=(backwards,)), policy.scpo)


def test_orders_need_a_court_and_a_monitoring_officer(policy) -> None:
    with pytest.raises(InputError, match=r"field: court"):
        make_order(_order(court="magistrates"), policy.scpo)
    with pytest.raises(InputError, match=r"monitoring officer"):
        make_order(_order(officer=" "), policy.scpo)


def test_checks_follow_the_schedule_and_overdue_checks_are_flagged(policy) -> None:
    order = make_order(_order(), policy.scpo)
    assert next_check_due(order) == START + timedelta(days=28)
    due = START + timedelta(days=28)
    on_time = due + timedelta(days=policy.scpo.check_grace_days)
    assert not order_flags(order, on_time, T0, policy.scpo)
    late = on_time + timedelta(days=1)
    assert [f.kind for f in order_flags(order, late, T0, policy.scpo)] == [FlagKind.CHECK_OVERDUE]
    assert orders_checked_on_schedule([order], late, policy).value == 0.0
    checked = record_check(order, ComplianceCheck("C1", late, "dc.shaw", "compliant"))
    assert next_check_due(checked) == late + timedelta(days=28)
    assert orders_checked_on_schedule([checked], late, policy).value == 1.0
    with pytest.raises(DomainRuleViolation, match=r"not in force"):
        record_check(order, ComplianceCheck("C0", START - timedelta(days=1), "x", "compliant"))


def test_orders_nearing_expiry_are_flagged(policy) -> None:
    order = make_order(_order(), policy.scpo)
    near = date(2031, 2, 28) - timedelta(days=policy.scpo.expiry_warning_days)
    checked = dataclasses.replace(order, checks=(ComplianceCheck("C", near, "x", "compliant"),))
    kinds = [f.kind for f in order_flags(checked, near, T0, policy.scpo)]
    assert kinds == [FlagKind.ORDER_NEARING_EXPIRY]
    assert not order_flags(checked, near - timedelta(days=1), T0, policy.scpo)


def test_a_breach_is_recorded_referred_and_given_an_outcome(policy) -> None:
    order = make_order(_order(), policy.scpo)
    breach = Breach("B1", "T1", START + timedelta(days=40), T0, "dc.shaw", "second phone found")
    order = record_breach(order, breach)
    with pytest.raises(DomainRuleViolation, match=r"must be referred before"):
        record_breach_outcome(order, "B1", "charged", at=T0)
    later = T0 + timedelta(days=policy.scpo.breach_action_days, seconds=1)
    flags = order_flags(order, START + timedelta(days=41), later, policy.scpo)
    assert FlagKind.BREACH_NOT_ACTED_ON in [f.kind for f in flags]
    assert breaches_enforced([order]).value == 0.0
    order = refer_breach(order, "B1", to="CPS", at=T0 + timedelta(days=2))
    with pytest.raises(DomainRuleViolation, match=r"already referred"):
        refer_breach(order, "B1", to="CPS", at=T0 + timedelta(days=3))
    order = record_breach_outcome(order, "B1", "charged", at=T0 + timedelta(days=9))
    assert order.breaches[0].outcome == "charged"
    assert breaches_enforced([order]).value == 1.0
    assert FlagKind.BREACH_NOT_ACTED_ON not in [
        f.kind for f in order_flags(order, START + timedelta(days=41), later, policy.scpo)
    ]


def test_a_breach_of_a_term_not_in_force_is_refused(policy) -> None:
    short = Term("T1", "curfew", START, START + timedelta(days=10))
    order = make_order(_order(terms=(short,)), policy.scpo)
    with pytest.raises(DomainRuleViolation, match=r"not in force on 2026-03-12"):
        record_breach(order, Breach("B1", "T1", START + timedelta(days=11), T0, "x", "out late"))


def test_indicators_are_none_without_data(policy) -> None:
    assert scpo_consideration_rate([]) is None
    assert breaches_enforced([]) is None
    assert orders_checked_on_schedule([], START, policy) is None


@given(st.dates(date(2000, 1, 1), date(2090, 12, 31)), st.integers(0, 5 * 366 + 5))
def test_an_order_is_accepted_exactly_when_it_ends_before_its_fifth_anniversary(
    policy, start, days
) -> None:
    ends = start + timedelta(days=days)
    order = dataclasses.replace(_order(starts=start, ends=ends), made_on=start)
    try:
        anniversary = start.replace(year=start.year + 5)
    except ValueError:
        anniversary = date(start.year + 5, 3, 1)
    if ends < anniversary:
        assert make_order(order, policy.scpo) == order
    else:
        with pytest.raises(DomainRuleViolation, match="5-year maximum"):
            make_order(order, policy.scpo)
