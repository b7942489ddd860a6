"""The incident page's firearms authorisation form: who may, CSRF, errors shown, logged."""

from __future__ import annotations

import re

from watchkeeper.access.model import Actor, Role
from watchkeeper.dispatch.register import NewUnit
from watchkeeper.dispatch.units import UnitKind
from watchkeeper.incidents.entries import FirearmsAuthorised
from watchkeeper.kernel.geo import Point
from watchkeeper.web.security import CSRF_HEADER


def hidden_fields(html, action):
    form = re.search(rf'<form[^>]* action="{re.escape(action)}".*?</form>', html, re.S)
    assert form is not None, f"no form posting to {action}"
    return dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)))


def _authorisations(application, ref):
    view = application.incidents.show(Actor("x", Role.SUPERVISOR), ref)
    return [e.payload for e in view.incident.entries if isinstance(e.payload, FirearmsAuthorised)]


def test_a_dispatcher_records_the_authority_and_the_log_shows_it(
    application, signed_in, supervisor, log_incident
):
    ref = log_incident(supervisor)["incident_id"]
    dispatcher = signed_in(Role.DISPATCHER)
    action = f"/incidents/{ref}/firearms"
    page = dispatcher.get(f"/incidents/{ref}").text
    assert 'id="firearms-form"' in page and "may not record a firearms" not in page

    data = hidden_fields(page, action) | {
        "authorised_by": "Insp 4521, tactical firearms commander",
        "basis": "NDM: firearm seen; threat to life",
    }
    done = dispatcher.post(action, data=data)

    assert done.status_code == 200 and "Firearms authorisation recorded." in done.text
    assert _authorisations(application, ref) == [
        FirearmsAuthorised("Insp 4521, tactical firearms commander",
                           "NDM: firearm seen; threat to life")
    ]  # fmt: skip


def test_a_missing_authoriser_is_refused_on_the_page_and_nothing_is_logged(
    application, signed_in, supervisor, log_incident
):
    ref = log_incident(supervisor)["incident_id"]
    dispatcher = signed_in(Role.DISPATCHER)
    action = f"/incidents/{ref}/firearms"
    data = hidden_fields(dispatcher.get(f"/incidents/{ref}").text, action) | {
        "authorised_by": "  ",
        "basis": "x",
    }
    refused = dispatcher.post(action, data=data)
    assert refused.status_code == 400
    assert 'role="alert"' in refused.text and "Authorised by" in refused.text
    assert _authorisations(application, ref) == []


def test_a_role_without_the_assign_permission_is_told_and_refused(
    application, signed_in, supervisor, log_incident
):
    ref = log_incident(supervisor)["incident_id"]
    handler = signed_in(Role.CALL_HANDLER)
    action = f"/incidents/{ref}/firearms"
    page = handler.get(f"/incidents/{ref}").text
    assert "Your role may not record a firearms authorisation." in page
    refused = handler.post(action, data=hidden_fields(page, action) | {"authorised_by": "TFC"})
    assert refused.status_code == 403
    assert _authorisations(application, ref) == []


def test_a_post_without_the_csrf_token_is_refused(application, signed_in, supervisor, log_incident):
    ref = log_incident(supervisor)["incident_id"]
    dispatcher = signed_in(Role.DISPATCHER)
    action = f"/incidents/{ref}/firearms"
    fields = hidden_fields(dispatcher.get(f"/incidents/{ref}").text, action)
    fields.pop("csrf_token", None)
    dispatcher.headers.pop(CSRF_HEADER, None)
    refused = dispatcher.post(action, data=fields | {"authorised_by": "TFC"})
    assert refused.status_code in (400, 403)
    assert _authorisations(application, ref) == []


def test_the_authority_from_the_page_and_an_arv_give_a_derived_deployment(
    application, signed_in, supervisor, log_incident
):
    setup = Actor("setup", Role.SUPERVISOR, "cli")
    arv = NewUnit("ARV1", UnitKind.VEHICLE, frozenset({"response", "arv"}), "central", 2,
                  position=Point(52.481, -1.891))  # fmt: skip
    application.dispatch.register(setup, arv)
    ref = log_incident(supervisor)["incident_id"]
    dispatcher = signed_in(Role.DISPATCHER)
    for action, fields in (("firearms", {"authorised_by": "TFC"}),
                           ("assign", {"unit": "ARV1", "reason": "armed response"})):  # fmt: skip
        url = f"/incidents/{ref}/{action}"
        data = hidden_fields(dispatcher.get(f"/incidents/{ref}").text, url) | fields
        assert dispatcher.post(url, data=data).status_code == 200

    commander = Actor("ch.insp.ward", Role.FIREARMS_COMMANDER, "web")
    done = application.soc.armed.derive_from_log(commander)
    assert (done.armed_incidents, done.added, done.skipped) == (1, 1, ())
    analysis = application.soc.armed.analyse(commander)
    assert analysis.deployments == 1 and analysis.attended == 0  # sent, not yet arrived
