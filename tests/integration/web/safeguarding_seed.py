"""Shared seeding for the safeguarding web tests: one address where a victim lives, a
looked-after child has gone missing and a registered offender is registered."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from watchkeeper.access.model import Role
from watchkeeper.safeguarding.forms import bundled_form

PPO = Role.PUBLIC_PROTECTION.value  # the seeded users are named after their roles
SUPERVISOR = Role.SUPERVISOR.value
ADDRESS_TEXT = "14 Canal Street, Town"
DASH = bundled_form("dash-police-2009.toml")
MAIN = [q.key for q in DASH.sections[0].questions]
CALL_KEYS = [q.key for q in bundled_form("missing-call-handler-wmp.toml").questions]


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def refused(response: Any, status: int, *words: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message"}
    for word in words:
        assert word in body["message"], body
    return body


def dash_answers(yes: int) -> dict[str, str]:
    """The 27 main questions, the first ``yes`` answered yes (no contradiction among them)."""
    return {key: ("yes" if i < yes else "no") for i, key in enumerate(MAIN)}


def seed_one_address(ppo: Any, today: date) -> None:
    """A victim, a looked-after child missing and a registered offender, all at one address."""
    ok(
        ppo.post(
            "/api/addresses", json={"address_ref": "A-1", "lines": ["14 Canal Street", "Town"]}
        ),
        201,
    )
    people = [
        ("V-1", "Dana", "Hughes", today.replace(year=today.year - 34)),
        ("C-1", "Kai", "Hughes", today.replace(year=today.year - 13)),
        ("O-1", "Rob", "Marsh", today.replace(year=today.year - 51)),
    ]
    for ref, given, family, born in people:
        body = {"person_ref": ref, "names": [{"given": given, "family": family}],
                "date_of_birth": born.isoformat()}  # fmt: skip
        ok(ppo.post("/api/people", json=body), 201)
        ok(
            ppo.post(
                f"/api/people/{ref}/addresses", json={"address_ref": "A-1", "relation": "lives-at"}
            ),
            201,
        )
    ok(ppo.post("/api/offenders", json={
        "offender_ref": "RSO-1", "person_ref": "O-1", "registered_on": (today - timedelta(days=30)).isoformat(),
        "risk": "high", "mappa_category": 1, "mappa_level": 2, "manager_ref": PPO,
        "supervisor": SUPERVISOR, "address_ref": "A-1"}), 201)  # fmt: skip


def report_child_missing(ppo: Any, reported_at: str) -> dict[str, Any]:
    return ok(ppo.post("/api/missing", json={
        "episode_ref": "MP-1", "person_ref": "C-1", "reported_at": reported_at, "risk": "medium",
        "call_answers": dict.fromkeys(CALL_KEYS, "no"), "supervisor": SUPERVISOR,
        "looked_after": True, "address_ref": "A-1"}), 201)  # fmt: skip
