"""DispatchService over a real store: authorised, audited, and writing through the log."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from watchkeeper.access.model import Actor, Role
from watchkeeper.bootstrap import build
from watchkeeper.dispatch.register import NewUnit, UnitChange
from watchkeeper.dispatch.units import UnitKind, UnitStatus
from watchkeeper.incidents.entries import CallSource, Location, ResourceAssigned
from watchkeeper.incidents.services import NewIncident
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.kernel.errors import DomainRuleViolation, InputError, PermissionDenied
from watchkeeper.kernel.geo import Point
from watchkeeper.persistence import schema
from watchkeeper.persistence.tables import audit_log
from watchkeeper.settings import Settings

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
HANDLER = Actor("handler", Role.CALL_HANDLER, "web")
DISPATCHER = Actor("dispatcher", Role.DISPATCHER, "web")
ANALYST = Actor("analyst", Role.ANALYST, "web")
CENTRE = Point(52.48, -1.89)


class FastHasher:
    def hash(self, password):
        return f"fake${password}"

    def verify(self, password_hash, password):
        return password_hash == f"fake${password}"


@pytest.fixture
def wired(database_url, tmp_path):
    schema.upgrade(database_url)
    clock = FixedClock(T0)
    settings = Settings(
        database_url=database_url,
        force_profile_path=None,
        audit_key_file=tmp_path / "audit.key",
        audit_head_file=tmp_path / "audit.head",
    )
    application = build(settings, clock, hasher=FastHasher())
    yield application, clock
    application.dispatch.cache.settle()
    application.close()


def car(call_sign="CE01", skills=("response",), **changes):
    base = NewUnit(
        call_sign=call_sign,
        kind=UnitKind.VEHICLE,
        skills=frozenset(skills),
        area="central",
        shift_end=T0 + timedelta(hours=8),
        position=Point(52.481, -1.891),
    )
    return replace(base, **changes)


def log(application, category="burglary", grade="P2", where=CENTRE):
    location = Location("1 High Street", "central", where.lat, where.lon)
    request = NewIncident(CallSource.EMERGENCY_999, location, category, grade)
    return application.incidents.log_incident(HANDLER, request)


def audit_rows(application):
    with application.engine.connect() as connection:
        return connection.execute(sa.select(audit_log).order_by(audit_log.c.seq)).all()


def test_a_dispatcher_registers_a_unit_and_the_write_is_audited(wired):
    application, _ = wired
    unit = application.dispatch.register(DISPATCHER, car())

    assert [u.call_sign for u in application.dispatch.units(DISPATCHER)] == ["CE01"]
    assert unit.status is UnitStatus.AVAILABLE
    row = audit_rows(application)[-1]
    assert (row.action, row.record_id, row.username, row.outcome) == (
        "unit.register",
        "CE01",
        "dispatcher",
        "ok",
    )


def test_a_call_handler_may_not_register_units_and_the_refusal_is_audited(wired):
    application, _ = wired
    with pytest.raises(PermissionDenied, match="units manage"):
        application.dispatch.register(HANDLER, car())

    assert application.dispatch.units(DISPATCHER) == []
    row = audit_rows(application)[-1]
    assert (row.action, row.outcome, row.username) == ("units.manage", "refused", "handler")


def test_a_unit_with_an_unknown_skill_or_area_is_refused_naming_it(wired):
    application, _ = wired
    with pytest.raises(InputError, match="jetpack"):
        application.dispatch.register(DISPATCHER, car(skills=("response", "jetpack")))
    with pytest.raises(InputError, match="atlantis"):
        application.dispatch.register(DISPATCHER, car(area="atlantis"))
    with pytest.raises(InputError, match="starts available or unavailable"):
        application.dispatch.register(DISPATCHER, car(status=UnitStatus.ON_SCENE))


def test_status_changes_follow_the_allowed_moves(wired):
    application, _ = wired
    application.dispatch.register(DISPATCHER, car())

    with pytest.raises(DomainRuleViolation, match="available to on-scene"):
        application.dispatch.update(DISPATCHER, "CE01", UnitChange(UnitStatus.ON_SCENE))
    with pytest.raises(DomainRuleViolation, match="recommendation or an override"):
        application.dispatch.update(DISPATCHER, "CE01", UnitChange(UnitStatus.ASSIGNED))
    moved = application.dispatch.update(DISPATCHER, "CE01", UnitChange(UnitStatus.UNAVAILABLE))

    assert (moved.status, moved.version) == (UnitStatus.UNAVAILABLE, 2)
    assert audit_rows(application)[-1].action == "unit.update.unavailable"


def test_the_recommendation_sends_the_unit_holding_the_required_skill(wired):
    application, clock = wired
    application.dispatch.register(DISPATCHER, car("CE01"))
    application.dispatch.register(DISPATCHER, car("CE02", ("response", "double-crewed")))
    domestic = log(application, "domestic-abuse")
    clock.advance(timedelta(minutes=5))

    recommendation = application.dispatch.recommend(DISPATCHER)
    (pick,) = recommendation.picks

    assert (pick.incident_id, pick.unit) == (domestic, "CE02")
    assert {"risk", "travel-estimate", "skill-match"} <= set(pick.codes)
    forecast = {f.incident_id: f for f in application.dispatch.forecast(DISPATCHER)}
    assert forecast[domestic].suitable_free == 1
    assert 0.0 <= forecast[domestic].p_breach_next_hour <= 1.0


def test_an_incident_nobody_can_attend_says_why(wired):
    application, clock = wired
    application.dispatch.register(DISPATCHER, car("CE01"))
    weapons = log(application, "weapons", "P1")
    clock.advance(timedelta(minutes=1))

    (shortfall,) = application.dispatch.recommend(DISPATCHER).shortfalls

    assert shortfall.incident_id == weapons
    assert shortfall.codes == ("no-unit-with-skill:arv",)


def test_reading_the_outlook_needs_the_dispatch_permission_and_is_audited(wired):
    application, _ = wired
    with pytest.raises(PermissionDenied):
        application.dispatch.outlook(ANALYST)
    application.dispatch.outlook(DISPATCHER)

    actions = [(r.action, r.username, r.outcome) for r in audit_rows(application)]
    assert ("dispatch.recommend", "analyst", "refused") in actions
    assert actions[-1] == ("dispatch.outlook", "dispatcher", "ok")


def test_accepting_a_pick_writes_its_reasons_to_the_log_and_claims_the_unit(wired):
    application, clock = wired
    application.dispatch.register(DISPATCHER, car())
    burglary = log(application)
    clock.advance(timedelta(minutes=2))

    entry = application.dispatch.accept(DISPATCHER, burglary, "CE01")

    assert isinstance(entry.payload, ResourceAssigned)
    assert entry.payload.unit == "CE01" and entry.payload.reason.startswith("recommended (risk")
    state = application.incidents.show(DISPATCHER, burglary).state
    assert state.units == ("CE01",)
    (unit,) = application.dispatch.units(DISPATCHER)
    assert (unit.status, unit.incident_id, unit.job_category) == (
        UnitStatus.ASSIGNED,
        burglary,
        "burglary",
    )
    assert "incident.append.resource-assigned" in [r.action for r in audit_rows(application)]


def test_accepting_a_unit_that_was_not_recommended_is_refused(wired):
    application, clock = wired
    application.dispatch.register(DISPATCHER, car())
    application.dispatch.register(DISPATCHER, car("CE09", position=Point(52.6, -1.7)))
    burglary = log(application)
    clock.advance(timedelta(minutes=2))

    with pytest.raises(DomainRuleViolation, match="override"):
        application.dispatch.accept(DISPATCHER, burglary, "CE09")
    assert application.incidents.show(DISPATCHER, burglary).state.units == ()


def test_an_override_needs_a_reason_and_records_it_in_the_log_and_the_audit(wired):
    application, clock = wired
    application.dispatch.register(DISPATCHER, car())
    application.dispatch.register(DISPATCHER, car("CE09", position=Point(52.6, -1.7)))
    burglary = log(application)
    clock.advance(timedelta(minutes=2))
    application.dispatch.outlook(DISPATCHER)  # the dispatcher saw CE01 recommended

    with pytest.raises(InputError, match="needs a reason"):
        application.dispatch.override(DISPATCHER, burglary, "CE09", "   ")
    entry = application.dispatch.override(DISPATCHER, burglary, "CE09", "CE09 knows the family")

    assert entry.payload.reason == (
        "dispatcher override instead of recommended CE01: CE09 knows the family"
    )
    last = audit_rows(application)[-1]
    assert (last.action, last.reason) == (
        "incident.append.resource-assigned",
        "CE09 knows the family",
    )
    assert application.dispatch.units(DISPATCHER)[1].status is UnitStatus.ASSIGNED


def test_an_override_to_a_unit_without_the_required_skill_changes_nothing(wired):
    application, clock = wired
    application.dispatch.register(DISPATCHER, car())
    domestic = log(application, "domestic-abuse")
    clock.advance(timedelta(minutes=2))

    with pytest.raises(DomainRuleViolation, match="double-crewed"):
        application.dispatch.override(DISPATCHER, domestic, "CE01", "nearest car")

    assert application.incidents.show(DISPATCHER, domestic).state.units == ()
    assert application.dispatch.units(DISPATCHER)[0].status is UnitStatus.AVAILABLE


def test_a_unit_already_sent_elsewhere_cannot_be_sent_again_and_the_log_is_untouched(wired):
    application, clock = wired
    application.dispatch.register(DISPATCHER, car())
    first, second = log(application), log(application, "theft")
    clock.advance(timedelta(minutes=2))
    application.dispatch.override(DISPATCHER, first, "CE01", "closest")

    with pytest.raises(DomainRuleViolation, match="assigned"):
        application.dispatch.override(DISPATCHER, second, "CE01", "also closest")
    assert application.incidents.show(DISPATCHER, second).state.units == ()


def test_a_call_handler_may_not_send_units(wired):
    application, _ = wired
    application.dispatch.register(DISPATCHER, car())
    burglary = log(application)

    with pytest.raises(PermissionDenied):
        application.dispatch.override(HANDLER, burglary, "CE01", "I know best")
    with pytest.raises(PermissionDenied):
        application.dispatch.accept(HANDLER, burglary, "CE01")


def test_the_outlook_is_computed_once_per_change_and_again_after_a_write(wired):
    application, clock = wired
    application.dispatch.register(DISPATCHER, car())
    burglary = log(application)
    first = application.dispatch.outlook(DISPATCHER)
    clock.advance(timedelta(seconds=2))
    assert application.dispatch.outlook(DISPATCHER) is first  # same markers, still fresh

    application.dispatch.accept(DISPATCHER, burglary, "CE01")
    after = application.dispatch.outlook(DISPATCHER)

    assert after is not first and after.picks_for(burglary) == ()
    clock.advance(application.dispatch.cache.max_age)
    assert application.dispatch.outlook(DISPATCHER) is not after  # too old: recomputed


def test_the_board_is_given_the_last_outlook_while_a_fresh_one_is_computed(wired):
    application, clock = wired
    application.dispatch.register(DISPATCHER, car())
    first = application.dispatch.outlook(DISPATCHER)
    log(application)

    moments_later = application.dispatch.outlook(DISPATCHER, wait=False)
    application.dispatch.cache.settle()
    assert moments_later is first  # within the interval: not even recomputed
    assert application.dispatch.cache.latest is first

    clock.advance(application.dispatch.cache.min_interval)
    stale = application.dispatch.outlook(DISPATCHER, wait=False)
    application.dispatch.cache.settle()

    assert stale is first
    assert application.dispatch.cache.latest is not first
