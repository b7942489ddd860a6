"""``watchkeeper import PROFILE FILE...`` end to end: real exports, bad rows, profiles by path."""

from __future__ import annotations

import csv
import re
from importlib import resources
from pathlib import Path

import pytest

SUMMARY_KEYS = {
    "rows_read",
    "imported",
    "already_present",
    "conflicting",
    "rejected",
    "rejects_file",
}

# Two real Seattle records (db_call_data_2010-2023.csv, rows 2 and 3), byte for byte.
SEATTLE_HEADER = (
    "CAD Event Number,Event Clearance Description,Call Type,Priority,Initial Call Type,"
    "Final Call Type,Original Time Queued,Arrived Time,Precinct,Sector,Beat,Blurred_Longitude,"
    "Blurred_Latitude"
)
SEATTLE_ROWS = (
    "2011000272829,ASSISTANCE RENDERED,ONVIEW,7,TRAFFIC STOP - OFFICER INITIATED ONVIEW,"
    "--SUSPICIOUS CIRCUM. - SUSPICIOUS PERSON,08/19/2011 09:16:27 PM,08/19/2011 09:16:27 PM,"
    "EAST,CHARLIE,C2,-122.28749063,47.62937069",
    "2014000063173,REPORT WRITTEN (NO ARREST),911,3,THEFT (DOES NOT INCLUDE SHOPLIFT OR SVCS),"
    "--THEFT - CAR PROWL,02/28/2014 09:14:05 AM,02/28/2014 09:36:59 AM,EAST,CHARLIE,C2,"
    "-122.28798073,47.62983275",
)

REAL_EXPORTS = {
    "san-diego": ("sandiego-pd-cfs", "pd_calls_for_service_*.csv"),
    "san-luis-obispo": ("slo-pd-call-log", "SLOPD_report_*.csv"),
    "seattle": ("seattle-spd-call-data-extract", "db_call_data_*.csv"),
}


def _records(paths: list[Path]) -> int:
    """Data records in the files, counted by a real CSV parser (the header excluded)."""
    total = 0
    for path in paths:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            total += sum(1 for row in csv.reader(stream) if row) - 1
    return total


def _rejects(path: str) -> list[dict[str, str]]:
    with Path(path).open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _bundled_profile(name: str) -> str:
    return resources.files("watchkeeper.resources.profiles").joinpath(f"{name}.toml").read_text()


def _every_row_in_one_bucket(summary: dict) -> None:
    assert set(summary) == SUMMARY_KEYS
    buckets = ("imported", "already_present", "conflicting", "rejected")
    assert sum(summary[k] for k in buckets) == summary["rows_read"], summary


# --- the real exports ------------------------------------------------------------------------


@pytest.mark.realdata
@pytest.mark.parametrize("profile", sorted(REAL_EXPORTS))
def test_a_bundled_profile_imports_its_real_exports_and_a_second_run_changes_nothing(
    profile, shared_data, cli
):
    folder, pattern = REAL_EXPORTS[profile]
    files = sorted((shared_data / folder).glob(pattern))
    assert files, f"no {pattern} in {shared_data / folder}"

    first = cli.ok("import", profile, *map(str, files), "--json").json()
    _every_row_in_one_bucket(first)
    assert first["rows_read"] == _records(files)  # no record silently skipped
    assert first["imported"] > 0
    assert cli.count("incidents") == first["imported"]
    if first["rejected"]:
        assert len(_rejects(str(cli.cwd / first["rejects_file"]))) == first["rejected"]
    else:
        assert first["rejects_file"] is None
    incidents, entries = cli.count("incidents"), cli.count("incident_entries")

    again = cli.ok("import", profile, *map(str, files), "--json").json()
    _every_row_in_one_bucket(again)
    assert again["rows_read"] == first["rows_read"]
    assert again["imported"] == 0
    assert again["conflicting"] == 0
    assert again["rejected"] == first["rejected"]
    assert (cli.count("incidents"), cli.count("incident_entries")) == (
        incidents,
        entries,
    )


@pytest.mark.realdata
def test_the_crafted_exports_use_the_real_headers(shared_data, slo_header):
    slo = shared_data / "slo-pd-call-log" / "SLOPD_report_2021-10.csv"
    seattle = shared_data / "seattle-spd-call-data-extract" / "db_call_data_2010-2023.csv"
    for path, header in ((slo, slo_header), (seattle, SEATTLE_HEADER)):
        with path.open(encoding="utf-8-sig", newline="") as stream:
            assert next(csv.reader(stream)) == header.split(",")


# --- bad rows --------------------------------------------------------------------------------


def test_bad_rows_are_rejected_with_file_record_line_field_and_reason_and_stored_incidents_stay(
    slo_sample, slo_header, slo_rows, write_export
):
    cli = slo_sample
    before = cli.ok("incident", "show", "211001002", "--json").json()
    stored = cli.count("incident_entries")
    unknown_type = (
        '219999001,10/02/21,10:15,,10:20,,ZEBRA STAMPEDE,PN5,"K-09",768 HIGUERA;,,"Lichty, S",'
        '"COM1",incid#=219999001,"FIRST LINE\nSECOND LINE",No Report'
    )  # its quoted comment spans two physical lines (2 and 3)
    malformed = slo_rows[1].rsplit(",", 1)[0]  # 211001002 again, one field short
    good = slo_rows[2].replace("211001006", "219999002")
    bad = write_export(cli.cwd / "bad.csv", slo_header, [unknown_type, malformed, good])

    out = cli.ok("import", "san-luis-obispo", str(bad)).stdout
    assert re.search(r"rows read 3\b.*imported 2\b.*conflicting 0\b.*rejected 1\b", out), out
    assert "ZEBRA STAMPEDE" in out  # the unknown code is reported...
    match = re.search(r"rejects: (\S+)", out)
    assert match, out
    [reject] = _rejects(str(cli.cwd / match.group(1)))
    assert Path(reject["file"]).name == "bad.csv"
    assert (reject["record_number"], reject["line"]) == ("2", "4")
    assert "field count" in reject["reason"]
    assert "field" in reject  # the column exists; a whole-record fault names no single field

    unknown = cli.ok("incident", "show", "219999001", "--json").json()
    assert unknown["entries"][0]["detail"]["category"] == "unknown"  # ...and imported, not lost
    assert cli.ok("incident", "show", "211001002", "--json").json() == before
    assert cli.count("incident_entries") > stored  # the two good rows did land


def test_an_arrival_before_the_call_was_queued_is_rejected_naming_the_field(cli, write_export):
    """Seattle times carry their date, so no midnight wrap can explain an earlier arrival.

    (San Luis Obispo's time-only columns always wrap to the next day, so there an arrival
    clock-time before received is read as after midnight, never as impossible.)
    """
    sample = write_export(cli.cwd / "seattle.csv", SEATTLE_HEADER, SEATTLE_ROWS)
    assert cli.ok("import", "seattle", str(sample), "--json").json()["imported"] == 2
    before = cli.ok("incident", "show", "2014000063173", "--json").json()

    # The same CAD number re-exported with arrival 14 minutes before the call was queued.
    impossible = SEATTLE_ROWS[1].replace("02/28/2014 09:36:59 AM", "02/28/2014 09:00:00 AM")
    bad = write_export(cli.cwd / "seattle-bad.csv", SEATTLE_HEADER, [impossible])
    summary = cli.ok("import", "seattle", str(bad), "--json").json()
    _every_row_in_one_bucket(summary)
    assert (summary["rejected"], summary["conflicting"], summary["imported"]) == (1, 0, 0)
    [reject] = _rejects(str(cli.cwd / summary["rejects_file"]))
    assert (reject["record_number"], reject["line"], reject["field"]) == ("1", "2", "Arrived Time")
    assert "impossible" in reject["reason"]
    assert cli.ok("incident", "show", "2014000063173", "--json").json() == before


def test_two_imports_started_together_keep_every_rejected_row(cli, write_export):
    short = SEATTLE_ROWS[0].split(",", 3)[:3]  # three fields where thirteen are expected
    one = write_export(cli.cwd / "one.csv", SEATTLE_HEADER, [",".join(short)])
    two = write_export(cli.cwd / "two.csv", SEATTLE_HEADER, [",".join(short)] * 2)
    for _ in range(3):  # each attempt very likely lands both runs in the same second
        outcomes = cli.together(
            ("import", "seattle", str(one), "--json"), ("import", "seattle", str(two), "--json")
        )
        if any(outcome.returncode != 0 for outcome in outcomes):
            pytest.fail(f"an import failed: {[o.stderr for o in outcomes]}", pytrace=False)
        files = {cli.cwd / outcome.json()["rejects_file"] for outcome in outcomes}
        rejected = [row for path in files for row in _rejects(str(path))]
        assert sorted(Path(r["file"]).name for r in rejected) == ["one.csv", "two.csv", "two.csv"]
        for path in files:
            path.unlink()


# --- profiles --------------------------------------------------------------------------------


def test_a_profile_file_given_by_path_imports_like_the_bundled_one(cli, write_export):
    profile = cli.cwd / "our-force.toml"
    profile.write_text(_bundled_profile("seattle"), encoding="utf-8")
    sample = write_export(cli.cwd / "seattle.csv", SEATTLE_HEADER, SEATTLE_ROWS)

    summary = cli.ok("import", str(profile), str(sample), "--json").json()
    assert (summary["imported"], summary["rejected"]) == (2, 0)
    shown = cli.ok("incident", "show", "2011000272829", "--json").json()
    assert shown["entries"][0]["detail"]["source_system"] == "spd-call-data"


@pytest.mark.parametrize(
    ("line_start", "key"),
    [("reference_column =", "reference_column"), ("format =", "received.format")],
)
def test_a_profile_file_missing_a_key_is_refused_naming_the_key(
    shared_sample, write_export, line_start, key
):
    cli = shared_sample
    stored = cli.count("incident_entries")
    text = _bundled_profile("seattle").splitlines()
    first = next(i for i, line in enumerate(text) if line.startswith(line_start))
    profile = cli.cwd / "broken.toml"
    profile.write_text("\n".join(text[:first] + text[first + 1 :]), encoding="utf-8")
    sample = write_export(cli.cwd / "seattle.csv", SEATTLE_HEADER, SEATTLE_ROWS)

    [line] = cli.fails("import", str(profile), str(sample)).error_lines()
    assert f"'{key}'" in line and "missing" in line
    assert "broken.toml" in line
    assert cli.count("incident_entries") == stored


def test_an_unknown_profile_name_is_refused_listing_the_bundled_ones(shared_sample, write_export):
    cli = shared_sample
    sample = write_export(cli.cwd / "seattle.csv", SEATTLE_HEADER, SEATTLE_ROWS)
    [line] = cli.fails("import", "atlantis", str(sample)).error_lines()
    assert "atlantis" in line
    assert all(name in line for name in REAL_EXPORTS)
