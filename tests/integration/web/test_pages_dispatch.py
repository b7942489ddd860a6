"""Dispatch on the pages: the board's outlook columns, the incident page's Accept / Override,
and the unit register page with its status changes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from watchkeeper.access.model import Actor, Role
from watchkeeper.dispatch.register import NewUnit
from watchkeeper.dispatch.units import UnitKind
from watchkeeper.kernel.geo import Point


@pytest.fixture
def roster(application):
    actor = Actor("setup", Role.SUPERVISOR, "cli")
    for call_sign, skills, where in (
        ("CE02", {"response", "double-crewed"}, Point(52.481, -1.891)),
        ("CE09", {"response", "double-crewed"}, Point(52.60, -1.70)),
    ):
        unit = NewUnit(call_sign, UnitKind.VEHICLE, frozenset(skills), "central", 2, position=where)
        application.dispatch.register(actor, unit)


@pytest.fixture
def dispatcher(signed_in):
    return signed_in(Role.DISPATCHER)


def hidden_fields(html, action):
    form = re.search(rf'<form[^>]* action="{re.escape(action)}".*?</form>', html, re.S)
    assert form is not None, f"no form posting to {action}"
    return dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)))


def test_the_board_shows_the_breach_outlook_and_the_unit_to_send_with_its_reasons(
    application, roster, dispatcher, supervisor, log_incident, clock
):
    ref = log_incident(supervisor)["incident_id"]
    clock.advance(timedelta(minutes=5))
    application.dispatch.outlook(Actor("setup", Role.SUPERVISOR))  # the board never waits

    html = dispatcher.get("/board").text

    assert "Breach outlook" in html and "Unit to send" in html
    row = re.search(rf'data-incident="{ref}".*?</tr>', html, re.S).group(0)
    assert 'class="unit-pick">CE02<' in row
    assert 'data-code="travel-estimate"' in row and 'data-p-breach="' in row
    assert "dispatch outlook" in dispatcher.get("/board/live").text


def test_roles_without_the_dispatch_permission_see_the_board_without_the_outlook(
    application, roster, signed_in, supervisor, log_incident
):
    log_incident(supervisor)
    html = signed_in(Role.CALL_HANDLER).get("/board").text
    assert "Breach outlook" not in html and "Unit to send" not in html


def test_a_dispatcher_accepts_the_recommended_unit_from_the_incident_page(
    application, roster, dispatcher, supervisor, log_incident
):
    ref = log_incident(supervisor)["incident_id"]
    page = dispatcher.get(f"/incidents/{ref}").text
    assert "Recommended unit" in page and 'data-code="skill-match"' in page

    action = f"/incidents/{ref}/dispatch/accept"
    done = dispatcher.post(action, data=hidden_fields(page, action))

    assert done.status_code == 200 and "Recommended unit sent." in done.text
    assert "recommended (risk, travel-estimate, skill-match" in done.text  # in the timeline
    units = {u.call_sign: u for u in application.dispatch.units(Actor("x", Role.DISPATCHER))}
    assert units["CE02"].incident_id == ref


def test_an_override_without_a_reason_is_refused_and_with_one_is_logged(
    application, roster, dispatcher, supervisor, log_incident
):
    ref = log_incident(supervisor)["incident_id"]
    action = f"/incidents/{ref}/dispatch/override"
    fields = hidden_fields(dispatcher.get(f"/incidents/{ref}").text, action)

    refused = dispatcher.post(action, data=fields | {"unit": "CE09", "reason": " "})
    done = dispatcher.post(action, data=fields | {"unit": "CE09", "reason": "knows the family"})

    assert refused.status_code == 400 and "Reason for the override is required" in refused.text
    assert "Nothing was recorded." in refused.text
    assert done.status_code == 200
    assert "dispatcher override instead of recommended CE02: knows the family" in done.text


def test_the_units_page_lists_the_register_and_changes_a_status(application, roster, dispatcher):
    page = dispatcher.get("/units").text
    assert 'data-unit="CE02"' in page and "double-crewed" in page and "52.4810" in page

    action = "/units/CE02/status"
    done = dispatcher.post(action, data=hidden_fields(page, action) | {"status": "unavailable"})
    stale = dispatcher.post(action, data=hidden_fields(page, action) | {"status": "unavailable"})

    assert done.status_code == 200 and "Status changed." in done.text
    assert re.search(r'data-unit="CE02".*?unavailable', done.text, re.S)
    assert stale.status_code == 409  # the form's version is out of date: nothing changed


def test_an_analyst_sees_the_units_but_no_status_controls(application, roster, signed_in):
    page = signed_in(Role.ANALYST).get("/units").text
    assert 'data-unit="CE02"' in page and "/units/CE02/status" not in page


def test_closing_an_incident_on_its_page_frees_the_unit_on_the_units_page(
    application, roster, dispatcher, supervisor, log_incident
):
    ref = log_incident(supervisor, category="burglary")["incident_id"]
    application.dispatch.override(Actor("setup", Role.DISPATCHER), ref, "CE02", "nearest")
    assert re.search(r'data-unit="CE02".*?assigned', dispatcher.get("/units").text, re.S)

    action = f"/incidents/{ref}/close"
    fields = hidden_fields(supervisor.get(f"/incidents/{ref}").text, action)
    closed = supervisor.post(action, data=fields | {"closing_category": "advice-given"})

    assert closed.status_code == 200, closed.text
    row = re.search(r'<tr[^>]*data-unit="CE02".*?</tr>', dispatcher.get("/units").text, re.S)
    assert row is not None and "available" in row.group(0) and ref not in row.group(0)
