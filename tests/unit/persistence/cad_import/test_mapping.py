"""One source row -> an incident log (or a rejection), through the bundled profiles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.incidents.entries import (
    Arrived,
    CallSource,
    Closed,
    Grade,
    Graded,
    ResourceAssigned,
    VulnerabilityMarked,
)
from watchkeeper.incidents.model import Status
from watchkeeper.persistence.cad_import.mapping import (
    ImportRun,
    Mapped,
    Rejection,
    content_hash,
    map_record,
)
from watchkeeper.persistence.cad_import.profile import ImportProfile, load_profile
from watchkeeper.persistence.cad_import.reader import SourceRecord

IMPORTED_AT = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
SLO_HEADER = [
    "case_number",
    "date",
    "received",
    "dispatched",
    "arrived",
    "cleared",
    "type",
    "grid_location",
    "location",
    "address",
    "observed_crime",
    "responsible_officer",
    "units",
    "description",
    "call_comments",
    "clearance_code",
]
SEATTLE_HEADER = [
    "CAD Event Number", "Event Clearance Description", "Call Type", "Priority",
    "Initial Call Type", "Final Call Type", "Original Time Queued", "Arrived Time",
    "Precinct", "Sector", "Beat", "Blurred_Longitude", "Blurred_Latitude",
]  # fmt: skip
SD_HEADER = [
    "incident_num",
    "date_time",
    "day_of_week",
    "address_number_primary",
    "address_dir_primary",
    "address_road_primary",
    "address_sfx_primary",
    "address_dir_intersecting",
    "address_road_intersecting",
    "address_sfx_intersecting",
    "call_type",
    "disposition",
    "beat",
    "priority",
]


def _record(header: list[str], **values: str) -> SourceRecord:
    row = {column: "" for column in header} | values
    raw = tuple(row[c] for c in header)
    return SourceRecord(7, 9, row, raw, 0)


def _slo(**values: str) -> SourceRecord:
    base = {"case_number": "211101003", "date": "11/01/21", "received": "00:15",
            "type": "Disorderly", "grid_location": "PN11", "address": "1095 FULLER;",
            "units": "4265,4261,4257\r", "clearance_code": "Report Filed in"}  # fmt: skip
    return _record(SLO_HEADER, **(base | values))


def _seattle(**values: str) -> SourceRecord:
    base = {"CAD Event Number": "2014000063173", "Call Type": "911", "Priority": "3",
            "Initial Call Type": "THEFT (DOES NOT INCLUDE SHOPLIFT OR SVCS)",
            "Final Call Type": "--THEFT - CAR PROWL", "Original Time Queued": "02/28/2014 09:14:05 AM",
            "Arrived Time": "02/28/2014 09:36:59 AM", "Precinct": "EAST", "Sector": "CHARLIE",
            "Beat": "C2", "Blurred_Longitude": "-122.28798073", "Blurred_Latitude": "47.62983275",
            "Event Clearance Description": "REPORT WRITTEN (NO ARREST)"}  # fmt: skip
    return _record(SEATTLE_HEADER, **(base | values))


def _map(profile_name: str, record: SourceRecord, after: datetime | None = None) -> Mapped:
    result = map_record(_run(load_profile(profile_name)), record, "export.csv", after)
    assert isinstance(result, Mapped), result
    return result


def _run(profile: ImportProfile) -> ImportRun:
    return ImportRun(profile, "import:tester", IMPORTED_AT)


def _reject(profile_name: str, record: SourceRecord) -> Rejection:
    result = map_record(_run(load_profile(profile_name)), record, "export.csv")
    assert isinstance(result, Rejection), result
    return result


def _pacific(*args: int, fold: int = 0) -> datetime:
    from zoneinfo import ZoneInfo

    local = datetime(*args, tzinfo=ZoneInfo("America/Los_Angeles"), fold=fold)  # type: ignore[misc]
    return local.astimezone(UTC)


def test_a_slo_row_becomes_a_log_of_opened_graded_assigned_arrived_and_closed() -> None:
    mapped = _map("san-luis-obispo", _slo(dispatched="00:20", arrived="00:30"))
    incident = mapped.imported.incident
    kinds = [e.payload.kind for e in incident.entries]
    assert kinds == ["opened", "graded", "resource-assigned", "arrived", "closed"]
    state = incident.state
    assert state.logged_at == _pacific(2021, 11, 1, 0, 15)
    assert state.first_assigned_at == _pacific(2021, 11, 1, 0, 20)
    assert state.arrived_at == _pacific(2021, 11, 1, 0, 30)
    assert state.closed_at == state.arrived_at  # no clearance time: closed at the last event
    assert state.closing_category == "report-taken"
    assert state.opened.category == "public-order"
    assert state.opened.source_ref == "211101003"
    assert state.opened.location.area == "south"
    assert state.units == ("4265",)
    assert all(
        e.author == "import:tester" and e.recorded_at == IMPORTED_AT for e in incident.entries
    )


def test_a_call_received_before_midnight_and_arriving_after_it_wraps_to_the_next_day() -> None:
    mapped = _map(
        "san-luis-obispo",
        _slo(date="10/31/21", received="23:52", dispatched="23:58", arrived="00:07"),
    )
    state = mapped.imported.incident.state
    assert state.arrived_at == _pacific(2021, 11, 1, 0, 7)
    assert state.arrived_at - state.logged_at == timedelta(minutes=15)


def test_in_the_repeated_autumn_hour_an_earlier_clock_time_is_the_second_occurrence() -> None:
    # 211107013 in the real log: received 01:57, dispatched 01:59, arrived 01:05 on 7 Nov 2021.
    mapped = _map(
        "san-luis-obispo",
        _slo(date="11/07/21", received="01:57", dispatched="01:59", arrived="01:05"),
    )
    state = mapped.imported.incident.state
    assert state.logged_at == _pacific(2021, 11, 7, 1, 57)  # first occurrence (PDT)
    assert state.arrived_at == _pacific(2021, 11, 7, 1, 5, fold=1)  # second occurrence (PST)
    assert state.arrived_at - state.logged_at == timedelta(minutes=8)


def test_a_received_time_in_the_repeated_hour_takes_the_fold_that_follows_the_previous_row() -> (
    None
):
    after = _pacific(2021, 11, 7, 1, 57)
    first = _map("san-luis-obispo", _slo(date="11/07/21", received="01:39"))
    later = _map("san-luis-obispo", _slo(date="11/07/21", received="01:39"), after=after)
    assert first.imported.incident.state.logged_at == _pacific(2021, 11, 7, 1, 39)
    assert later.imported.incident.state.logged_at == _pacific(2021, 11, 7, 1, 39, fold=1)


def test_a_row_with_no_arrival_or_clearance_closes_at_the_profile_horizon() -> None:
    mapped = _map("san-luis-obispo", _slo(dispatched="00:20", units=""))
    state = mapped.imported.incident.state
    assert state.closed_at == state.logged_at + timedelta(hours=1)
    assigned = [
        e.payload
        for e in mapped.imported.incident.entries
        if isinstance(e.payload, ResourceAssigned)
    ]
    assert assigned == [ResourceAssigned("unrecorded", reason="imported dispatch")]


def test_a_slo_grade_comes_from_the_call_type_and_says_it_is_an_assumption() -> None:
    mapped = _map("san-luis-obispo", _slo(type="Domestic Viol"))
    graded = next(
        e.payload for e in mapped.imported.incident.entries if isinstance(e.payload, Graded)
    )
    assert (graded.grade, graded.force_label) == (Grade.EMERGENCY, "P1")
    assert graded.reason == "imported: type=Domestic Viol (profile assumption)"
    markers = [
        e.payload
        for e in mapped.imported.incident.entries
        if isinstance(e.payload, VulnerabilityMarked)
    ]
    assert [m.marker for m in markers] == ["domestic-abuse"]


def test_an_unknown_call_type_is_imported_as_unknown_and_flagged_not_rejected() -> None:
    mapped = _map("san-luis-obispo", _slo(type="IN PROGRESS"))
    state = mapped.imported.incident.state
    assert state.opened.category == "unknown"
    assert state.grade is not None and state.grade.force_label == "P3"
    assert mapped.unknown_codes == ("type=IN PROGRESS",)


def test_an_unknown_priority_takes_the_unknown_grade_label_and_is_flagged() -> None:
    record = _record(SD_HEADER, incident_num="E1", date_time="2023-01-01 00:00:05", call_type="415", beat="523", priority="7", disposition="K")  # fmt: skip
    mapped = _map("san-diego", record)
    state = mapped.imported.incident.state
    assert state.grade is not None
    assert (state.grade.grade, state.grade.force_label) == (Grade.SCHEDULED, "P3")
    assert "not in the profile" in state.grade.reason
    assert mapped.unknown_codes == ("priority=7",)


def test_a_san_diego_flag_down_is_officer_initiated_and_its_intersection_is_joined() -> None:
    record = _record(SD_HEADER, incident_num="E23010000001", date_time="2023-01-01 00:00:05", address_number_primary="0", address_road_primary="05TH", address_sfx_primary="AVE", address_road_intersecting="G", call_type="FD", disposition="CAN", beat="523", priority="2")  # fmt: skip
    state = _map("san-diego", record).imported.incident.state
    assert state.opened.source is CallSource.OFFICER_INITIATED
    assert state.opened.location.text == "05TH AVE & G"
    assert state.opened.summary == "FLAG DOWN/FIELD INITIATED"
    assert state.closing_category == "cancelled"
    assert (
        state.grade is not None
        and state.grade.reason == "imported: priority=2 (profile assumption)"
    )


def test_seattle_maps_its_call_source_and_coordinates() -> None:
    state = _map("seattle", _seattle()).imported.incident.state
    assert state.opened.source is CallSource.EMERGENCY_999
    assert (state.opened.location.lat, state.opened.location.lon) == (47.62983275, -122.28798073)
    assert state.opened.location.text == "EAST CHARLIE C2"
    assert state.arrived_at == _pacific(2014, 2, 28, 9, 36, 59)


def test_a_seattle_call_type_naming_dv_is_domestic_abuse_with_the_marker() -> None:
    dv = _map(
        "seattle", _seattle(**{"Final Call Type": "--DV - ARGUMENTS, DISTURBANCE (NO ARREST)"})
    )
    assert dv.imported.incident.state.opened.category == "domestic-abuse"
    assert dv.imported.incident.state.markers == frozenset({"domestic-abuse"})
    not_dv = _map(
        "seattle",
        _seattle(
            **{
                "Final Call Type": "",
                "Initial Call Type": "ALARM - DURESS/PANIC,BUS/TAXI/CAR/PRSN - NOT DV",
            }
        ),
    )
    assert not_dv.imported.incident.state.opened.category == "unknown"
    assert not_dv.unknown_codes == (
        "Initial Call Type=ALARM - DURESS/PANIC,BUS/TAXI/CAR/PRSN - NOT DV",
    )


def test_a_seattle_arrival_before_the_call_was_queued_is_rejected_as_impossible() -> None:
    rejection = _reject("seattle", _seattle(**{"Arrived Time": "02/28/2014 09:00:00 AM"}))
    assert rejection.field == "Arrived Time"
    assert rejection.reason.startswith("impossible times")
    assert (rejection.file, rejection.record_number, rejection.line) == ("export.csv", 7, 9)


def test_a_missing_reference_or_received_time_is_rejected_naming_the_field() -> None:
    assert _reject("san-luis-obispo", _slo(case_number=" ")).field == "case_number"
    missing = _reject("san-luis-obispo", _slo(received=""))
    assert (missing.field, missing.reason) == ("received", "missing received time")


def test_an_unparseable_time_is_rejected_naming_the_field_and_the_value() -> None:
    rejection = _reject("san-luis-obispo", _slo(arrived="25:99"))
    assert rejection.field == "arrived"
    assert rejection.reason == "unparseable arrived '25:99' (expected %H:%M)"


def test_an_unparseable_coordinate_is_rejected() -> None:
    rejection = _reject("seattle", _seattle(Blurred_Latitude="north-ish"))
    assert rejection.field == "Blurred_Latitude"


def test_source_fields_hold_the_mapped_values_as_text() -> None:
    fields = _map(
        "san-luis-obispo", _slo(dispatched="00:20", arrived="00:30")
    ).imported.source_fields
    assert fields == {
        "received": "2021-11-01T07:15:00+00:00",
        "dispatched": "2021-11-01T07:20:00+00:00",
        "arrived": "2021-11-01T07:30:00+00:00",
        "cleared": "",
        "type": "Disorderly",
        "priority": "",
        "location": "1095 FULLER;",
        "units": "4265,4261,4257",
        "disposition": "Report Filed in",
    }


def test_the_content_hash_ignores_edge_whitespace_but_not_a_changed_value() -> None:
    assert content_hash(("a", "b\r")) == content_hash(("a ", "b"))
    assert content_hash(("a", "b")) != content_hash(("a", "c"))
    assert content_hash(("a,b",)) != content_hash(("a", "b"))


def test_the_same_row_always_gets_the_same_incident_id() -> None:
    first = _map("san-luis-obispo", _slo()).imported.incident.incident_id
    again = _map("san-luis-obispo", _slo()).imported.incident.incident_id
    other = _map("san-luis-obispo", _slo(case_number="211101004")).imported.incident.incident_id
    assert first == again != other


@pytest.mark.parametrize("clearance", ["", "Something New"])
def test_an_unmapped_or_empty_clearance_closes_as_not_recorded(clearance: str) -> None:
    mapped = _map("san-luis-obispo", _slo(clearance_code=clearance))
    assert mapped.imported.incident.state.closing_category == "not-recorded"
    assert mapped.unknown_codes == (("clearance_code=Something New",) if clearance else ())


def test_the_still_open_rule_leaves_an_incident_open() -> None:
    from dataclasses import replace

    profile = replace(
        load_profile("seattle"),
        still_open_column="Event Clearance Description",
        still_open_values=frozenset({""}),
    )
    record = _seattle(**{"Event Clearance Description": "", "Arrived Time": ""})
    result = map_record(_run(profile), record, "export.csv")
    assert isinstance(result, Mapped)
    assert result.imported.incident.state.status is Status.OPEN
    assert not any(
        isinstance(e.payload, Closed | Arrived) for e in result.imported.incident.entries
    )
