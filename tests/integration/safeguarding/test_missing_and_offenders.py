"""Missing-person and offender registers on each engine: clocks, rules and refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from tests.integration.safeguarding.conftest import (
    PPO,
    SUPERVISOR,
    address,
    call_answers,
    person,
)

from watchkeeper.kernel.errors import DomainRuleViolation, InputError, NotFound
from watchkeeper.safeguarding.missing_service import NewMissingReport
from watchkeeper.safeguarding.offender_records import NewOffender
from watchkeeper.safeguarding.service_core import Assignment

WHO = Assignment("ppo", "sgt")


def _duties(sg, subject):
    with sg.context.uow() as uow:
        return {d.kind: d.due_at for d in uow.duties.open_for_subject(subject)}


def _report(sg, clock, risk="medium", **extra):
    sg.people.record_person(PPO, person("C-1", "Chloe", "Holloway", date(2012, 6, 1)))
    request = NewMissingReport("MP-1", "C-1", clock.now() - timedelta(hours=2), risk,
                               call_answers(), WHO, **extra)  # fmt: skip
    return sg.missing.report(PPO, request)


def test_a_date_of_birth_in_the_future_is_refused_and_nothing_is_written(sg):
    with pytest.raises(InputError, match="date_of_birth"):
        sg.people.record_person(PPO, person("P-9", dob=date(2030, 1, 1)))
    with pytest.raises(NotFound):
        sg.people.show_person(PPO, "P-9")


def test_a_looked_after_child_cannot_be_no_apparent_risk_without_a_rationale(sg, clock):
    with pytest.raises(DomainRuleViolation, match="categorisation rule"):
        _report(sg, clock, risk="no-apparent-risk", looked_after=True)
    with pytest.raises(NotFound):
        sg.missing.show(PPO, "MP-1")


def test_the_first_review_falls_due_at_the_configured_interval_after_the_report(sg, clock):
    record = _report(sg, clock)

    assert record.episode.is_child
    assert _duties(sg, "MP-1") == {"supervisory-review": clock.now() + timedelta(hours=2)}


def test_a_review_dated_before_the_episode_began_is_refused(sg, clock):
    _report(sg, clock)

    with pytest.raises(InputError, match="before the episode began"):
        sg.missing.record_review(
            SUPERVISOR, "MP-1", "high", "new info", at=clock.now() - timedelta(hours=3)
        )

    assert sg.missing.show(SUPERVISOR, "MP-1").record.episode.reviews == ()


def test_a_review_regrades_and_moves_the_next_review(sg, clock):
    _report(sg, clock)

    sg.missing.record_review(SUPERVISOR, "MP-1", "high", "seen with older men")

    assert _duties(sg, "MP-1") == {"supervisory-review": clock.now() + timedelta(hours=1)}


def test_a_found_child_is_owed_a_safe_and_well_check_and_an_rhi_within_72_hours(sg, clock):
    _report(sg, clock)
    found = clock.now() - timedelta(minutes=30)

    sg.missing.record_found(PPO, "MP-1", at=found)

    assert _duties(sg, "MP-1") == {
        "safe-and-well-check": found + timedelta(hours=24),
        "return-home-interview": found + timedelta(hours=72),
    }
    sg.missing.record_safe_and_well(PPO, "MP-1")
    sg.missing.record_rhi_offered(PPO, "MP-1")
    assert _duties(sg, "MP-1") == {}
    assert not sg.missing.show(PPO, "MP-1").record.episode.is_open


def _register(sg, registered_on, ref="RSO-1"):
    sg.people.record_address(PPO, address("A-1"))
    sg.people.record_person(PPO, person("O-1", "Owen", "Marston", date(1970, 1, 4)))
    sg.offenders.register(PPO, NewOffender(ref, "O-1", registered_on, "medium", 1, 1, "sgt", "ppo",
                                           address_ref="A-1"))  # fmt: skip


def test_annual_notification_from_29_february_falls_due_on_28_february(sg):
    _register(sg, date(2024, 2, 29))

    due = _duties(sg, "RSO-1")["rso-notification"]

    assert due == datetime(2025, 2, 28, 23, 59, 59, 999999, tzinfo=UTC)


def test_a_due_date_in_summer_ends_at_midnight_british_summer_time(sg):
    _register(sg, date(2025, 6, 15))

    assert _duties(sg, "RSO-1")["rso-notification"] == datetime(
        2026, 6, 15, 22, 59, 59, 999999, tzinfo=UTC
    )


def test_the_medium_risk_template_plans_a_visit_six_months_on(sg):
    _register(sg, date(2025, 12, 1))

    assert _duties(sg, "RSO-1")["rso-visit"] == datetime(2026, 6, 1, 22, 59, 59, 999999, tzinfo=UTC)


def test_a_visit_while_in_custody_is_refused_and_nothing_is_written(sg):
    _register(sg, date(2025, 12, 1))
    sg.offenders.record_custody(PPO, "RSO-1", date(2026, 2, 1))

    with pytest.raises(DomainRuleViolation, match="in custody"):
        sg.offenders.record_visit(PPO, "RSO-1", date(2026, 2, 20), "home visit")

    view = sg.offenders.show(PPO, "RSO-1")
    assert view.file.visits == ()
    assert "rso-visit" not in _duties(sg, "RSO-1")  # no home visit is owed while in custody


def test_a_change_notification_restarts_the_annual_clock(sg):
    _register(sg, date(2025, 6, 15))

    sg.offenders.record_notification(PPO, "RSO-1", "change", date(2026, 3, 1))

    assert _duties(sg, "RSO-1")["rso-notification"] == datetime(
        2027, 3, 1, 23, 59, 59, 999999, tzinfo=UTC
    )


def test_reactive_management_is_refused_without_three_years_assessed_low(sg):
    _register(sg, date(2025, 6, 15))
    sg.offenders.record_assessment(PPO, "RSO-1", date(2025, 7, 1), "ARMS 2.1", "low")

    with pytest.raises(DomainRuleViolation, match="reactive-management"):
        sg.offenders.set_reactive(PPO, "RSO-1", True)


def test_a_managers_caseload_is_counted_against_the_configured_warning(sg):
    _register(sg, date(2025, 12, 1))

    status = sg.offenders.caseload(PPO, "ppo")

    assert (status.count, status.warning_at, status.warning) == (1, 50, False)
    assert status.source.startswith("assumed")  # no national cap (ANCHORS.md section 10)


def test_an_undated_new_offender_is_suggested_as_the_namesake_known_at_their_address(sg):
    # Two namesakes on the index, one known at the offender's address. The name alone cannot
    # tell them apart (each is half the share), so only the address can make the suggestion.
    sg.people.record_address(PPO, address("A-1"))
    sg.people.record_address(PPO, address("A-2", "3 Mill Road"))
    sg.people.record_person(PPO, person("N-1", "Owen", "Marston", date(1970, 1, 4)))
    sg.people.record_person(PPO, person("N-2", "Owen", "Marston", date(1984, 9, 30)))
    sg.people.link_address(PPO, "N-1", "A-1", "lives-at")
    sg.people.link_address(PPO, "N-2", "A-2", "lives-at")
    newcomer = person("P-RSO-1", "Owen", "Marston", dob=None)
    request = NewOffender("RSO-1", "P-RSO-1", date(2025, 6, 15), "medium", 1, 1, "sgt", "ppo",
                          address_ref="A-1")  # fmt: skip

    sg.offenders.register(PPO, request, new_person=newcomer)

    pending = sg.people.pending_suggestions(SUPERVISOR)
    assert [{s.left_ref, s.right_ref} for s in pending] == [{"P-RSO-1", "N-1"}]
    assert "known at the same address" in pending[0].reasons
