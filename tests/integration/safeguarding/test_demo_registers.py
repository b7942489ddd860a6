"""The demo registers: seeded through the services, calibrated, linked to a demo incident."""

from __future__ import annotations

from datetime import timedelta

from tests.integration.safeguarding.conftest import HANDLER, SUPERVISOR

from watchkeeper.access.model import Actor, Role
from watchkeeper.incidents.entries import Caller, CallSource, Location
from watchkeeper.incidents.services import NewIncident
from watchkeeper.synthetic.register_config import load_register_calibration
from watchkeeper.synthetic.registers import Showcase, register_history, seed_registers

ACTORS = {"ppo": Actor("ppo", Role.PUBLIC_PROTECTION, "cli"),
          "supervisor": Actor("supervisor", Role.SUPERVISOR, "cli")}  # fmt: skip


def test_counts_follow_the_cited_national_figures_scaled_to_the_force():
    cal = load_register_calibration()

    # 52,000 RSOs nationally x (2.8 m / 57.4 m) ~ 2,537 for the force; the demo bounds it.
    assert round(cal.rso_national * cal.force_share) == 2537
    assert cal.offenders(0.01) == 25
    assert cal.da_cases(0.01) == 16  # 29.8 per 1,000 a year, 7 days of history
    assert all(source.strip() for source in cal.sources.values())


def test_the_same_seed_gives_the_same_history(clock):
    cal = load_register_calibration()
    one = register_history(cal, clock.now(), 7, 0.01, None)
    two = register_history(cal, clock.now(), 7, 0.01, None)

    assert [s.at for s in one] == [s.at for s in two] and len(one) > 50


def test_the_showcase_address_shows_all_three_registers_at_intake_and_work_is_overdue(app, clock):
    clock.advance(timedelta(days=400))  # leaves room for the histories before 'now'
    request = NewIncident(CallSource.EMERGENCY_999, Location("7 Larch Grove", "north"),
                          "domestic-abuse", "P1", caller=Caller(person_ref="syn-p-000001"),
                          markers=("domestic-abuse",))  # fmt: skip
    incident_id = app.incidents.log_incident(HANDLER, request)
    show = Showcase(incident_id, "7 Larch Grove", "syn-p-000001", clock.now())
    clock.advance(timedelta(hours=2))
    steps = register_history(load_register_calibration(), clock.now(), 3, 0.01, show)

    seed_registers(app.safeguarding, ACTORS, steps)

    known = app.incidents.show(HANDLER, incident_id).known
    assert {k.register for k in known} == {
        "domestic-abuse",
        "missing-person",
        "registered-offender",
    }
    assert app.safeguarding.duties.overdue(SUPERVISOR)  # the demo has late work to push
    # Three people recorded a second time (a typed name, a swapped date, an apparent age at
    # their home) wait as suggested duplicates, each naming why.
    pending = app.safeguarding.people.pending_suggestions(ACTORS["ppo"])
    assert len(pending) >= 3
    reasons = {r for s in pending for r in s.reasons}
    assert "date of birth matches with day and month transposed" in reasons
    assert "known at the same address" in reasons
    assert any(r.startswith("apparent age fits") for r in reasons)
