"""Subject access: one person's records, with what identifies anyone else taken out.

Rules (plain data, so they are tested without a database):
- another person's reference (victim, perpetrator, caller who is not the subject) is
  replaced by THIRD_PARTY;
- staff identities (authors, owners, reviewers) by OFFICER: the request is for the
  subject's data, and officers' names are released only on a decision (labelled policy);
- free text (notes, summaries, rationales, JSON answers) is WITHHELD: it may name third
  parties and needs a person to review it before release (UK GDPR Art. 15(4); DPA 2018
  Sch. 2 Part 3 para 16: another individual's data need not be disclosed);
- the subject's own index entries (name, aliases, addresses) are shown in full.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

THIRD_PARTY = "[redacted: third party]"
OFFICER = "[redacted: officer]"
WITHHELD = "[withheld: free text may name third parties; released only after review]"

# Columns that hold a reference to a person; a row is the subject's when one of the
# SUBJECT_COLUMNS holds the subject's reference.
SUBJECT_COLUMNS = ("person_ref", "victim_ref", "perpetrator_ref")
PERSON_COLUMNS = frozenset({*SUBJECT_COLUMNS, "left_ref", "right_ref"})
STAFF_COLUMNS = frozenset({
    "author", "by", "owner", "supervisor", "lro", "manager_ref", "monitoring_officer",
    "decided_by", "assessed_by", "signed_off_by", "judgement_by", "reported_by",
    "referred_by", "recorded_by", "submitted_by", "linked_by", "username",
})  # fmt: skip
# Tables that are the subject's own index entry: shown in full.
OWN_TABLES = frozenset({"people", "person_aliases", "person_keys", "person_addresses"})
# Keys of a log entry's document that hold free text.
FREE_TEXT_KEYS = frozenset({"note", "reason", "rationale", "summary", "outcome", "text"})


def redact_row(
    table: str, row: Mapping[str, Any], subject: str, free_text: frozenset[str]
) -> dict[str, Any]:
    """The row as the subject may see it."""
    if table in OWN_TABLES:
        return dict(row)
    shown: dict[str, Any] = {}
    for column, value in row.items():
        if value is None:
            shown[column] = None
        elif column in PERSON_COLUMNS:
            shown[column] = value if value == subject else THIRD_PARTY
        elif column in STAFF_COLUMNS:
            shown[column] = OFFICER
        elif column in free_text:
            shown[column] = WITHHELD
        else:
            shown[column] = value
    return shown


def redact_entry_document(kind: str, document: Mapping[str, Any], subject: str) -> dict[str, Any]:
    """A log entry's detail as the subject may see it (the caller shown only if it is them)."""
    shown: dict[str, Any] = {}
    for key, value in document.items():
        if key == "caller" and isinstance(value, Mapping):
            own = value.get("person_ref") == subject and bool(subject)
            shown[key] = dict(value) if own else THIRD_PARTY
        elif key == "location" and isinstance(value, Mapping):
            shown[key] = {"area": value.get("area"), "text": WITHHELD}
        elif key in FREE_TEXT_KEYS and isinstance(value, str) and value:
            shown[key] = WITHHELD
        elif kind == "thrive-assessed":
            shown[key] = WITHHELD  # ratings carry rationales in free text
        else:
            shown[key] = value
    return shown
