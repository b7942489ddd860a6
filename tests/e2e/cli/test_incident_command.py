"""``watchkeeper incident show REF``: one incident's full log, by id or by CAD reference."""

from __future__ import annotations


def test_an_incident_is_shown_alike_by_its_own_id_and_by_its_cad_reference(
    any_engine_slo_sample,
):
    cli = any_engine_slo_sample
    by_ref = cli.ok("incident", "show", "211001006", "--json").json()
    by_id = cli.ok("incident", "show", by_ref["incident_id"], "--json").json()
    assert by_id == by_ref
    opened = by_ref["entries"][0]
    assert opened["kind"] == "opened"
    assert opened["detail"]["source_ref"] == "211001006"
    # Received 00:55, dispatched 01:40, arrived 01:47 (PDT): the full log, closed at arrival.
    kinds = [e["kind"] for e in by_ref["entries"]]
    assert kinds[-3:] == ["resource-assigned", "arrived", "closed"]
    assert by_ref["status"] == "closed"


def test_the_log_is_listed_in_sequence_order_and_the_table_names_the_incident(shared_sample):
    doc = shared_sample.ok("incident", "show", "211001002", "--json").json()
    seqs = [e["seq"] for e in doc["entries"]]
    assert seqs == list(range(1, len(seqs) + 1))
    assert [e["at"] for e in doc["entries"]] == sorted(e["at"] for e in doc["entries"])

    table = shared_sample.ok("incident", "show", "211001002").stdout
    assert doc["incident_id"] in table
    assert "HIGUERA & GARDEN" in table


def test_an_unknown_incident_is_one_error_line_naming_it(shared_sample):
    outcome = shared_sample.fails("incident", "show", "INC-NO-SUCH-THING")
    assert "INC-NO-SUCH-THING" in outcome.error_lines()[0]
    assert outcome.stdout == ""
