"""What a subject sees: their own details, never another person's or an officer's name."""

from __future__ import annotations

from watchkeeper.information.subject_access import (
    OFFICER,
    THIRD_PARTY,
    WITHHELD,
    redact_entry_document,
    redact_row,
)


def test_a_register_row_keeps_the_subject_and_redacts_everyone_else():
    row = {
        "case_ref": "DA-1", "victim_ref": "P1", "perpetrator_ref": "P2", "assessed_by": "pc.smith",
        "judgement_rationale": "P2 threatened her", "risk_level": "high", "closed_at": None,
    }  # fmt: skip
    shown = redact_row("da_cases", row, "P1", frozenset({"judgement_rationale"}))
    assert shown == {
        "case_ref": "DA-1", "victim_ref": "P1", "perpetrator_ref": THIRD_PARTY,
        "assessed_by": OFFICER, "judgement_rationale": WITHHELD, "risk_level": "high",
        "closed_at": None,
    }  # fmt: skip


def test_the_subjects_own_index_entry_is_shown_in_full():
    row = {"person_ref": "P1", "given": "Sam", "family": "Subject"}
    assert redact_row("people", row, "P1", frozenset({"given", "family"})) == row


def test_a_caller_is_shown_only_when_the_caller_is_the_subject():
    opened = {
        "caller": {"name": "Olly Other", "phone": "0770", "person_ref": "P2"},
        "location": {"text": "1 Elm Row", "area": "north", "lat": 52.1, "lon": -1.0},
        "summary": "neighbour shouting", "category": "domestic-abuse",
    }  # fmt: skip
    shown = redact_entry_document("opened", opened, "P1")
    assert shown["caller"] == THIRD_PARTY
    assert shown["location"] == {"area": "north", "text": WITHHELD}
    assert shown["summary"] == WITHHELD and shown["category"] == "domestic-abuse"
    assert redact_entry_document("opened", opened, "P2")["caller"]["name"] == "Olly Other"
    assert redact_entry_document("opened", opened, "")["caller"] == THIRD_PARTY
