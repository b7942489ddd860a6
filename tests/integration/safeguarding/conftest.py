"""A wired application on each engine with a fixed clock, the register actors and builders.

Test modules import the builders from ``tests.integration.safeguarding.conftest`` (loaded by
pytest before them).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from watchkeeper.access.model import Actor, Role
from watchkeeper.bootstrap import build
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.people.addresses import Address
from watchkeeper.people.model import Person, PersonName
from watchkeeper.persistence import schema
from watchkeeper.persistence.tables import audit_log
from watchkeeper.settings import Settings

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PPO = Actor("ppo", Role.PUBLIC_PROTECTION, "web")
PPO2 = Actor("ppo2", Role.PUBLIC_PROTECTION, "web")
SUPERVISOR = Actor("sgt", Role.SUPERVISOR, "web")
HANDLER = Actor("handler", Role.CALL_HANDLER, "web")
DISPATCHER = Actor("dispatcher", Role.DISPATCHER, "web")
ADMIN = Actor("admin", Role.ADMINISTRATOR, "web")

ALL_NO = {
    "current-injury", "very-frightened", "afraid-of-what", "isolated", "depressed-suicidal",
    "separation", "child-contact-conflict", "stalking-harassment", "pregnant-recent-birth",
    "children-in-household", "children-hurt", "children-threatened", "abuse-more-often",
    "abuse-getting-worse", "controlling-jealous", "weapons-used", "threats-to-kill",
    "strangulation", "sexual-abuse", "other-person-feared", "abuser-hurt-others",
    "animal-abuse", "financial-issues", "abuser-substances-mental-health", "abuser-suicide",
    "breached-bail-or-order", "criminal-history",
}  # fmt: skip
MISSING_KEYS = (
    "out-of-character", "contact-and-return", "intended-actions", "who-with",
    "danger-to-self-or-others", "medical-needs", "self-harm", "likely-victim-of-crime",
    "abuse-or-cse", "supported-by-services", "unusual-behaviour", "other-concerns",
)  # fmt: skip


def dash_answers(yes: int) -> dict[str, str]:
    """Main-section answers with the first ``yes`` questions (form order) answered yes."""
    keys = sorted(ALL_NO, key=_order)
    return {k: ("yes" if i < yes else "no") for i, k in enumerate(keys)}


def _order(key: str) -> int:
    from watchkeeper.safeguarding.forms import bundled_form

    return bundled_form("dash-police-2009.toml").question(key).number


def call_answers() -> dict[str, str]:
    return {k: "no" for k in MISSING_KEYS}


class FastHasher:
    def hash(self, password: str) -> str:
        return f"fake${password}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"fake${password}"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def app(database_url, tmp_path, clock):
    schema.upgrade(database_url)
    settings = Settings(database_url=database_url, force_profile_path=None,
                        audit_key_file=tmp_path / "audit.key",
                        audit_head_file=tmp_path / "audit.head")  # fmt: skip
    application = build(settings, clock, hasher=FastHasher())
    yield application
    application.close()


@pytest.fixture
def sg(app):
    return app.safeguarding


def audit_actions(app) -> list[tuple[str, str, str]]:
    with app.engine.connect() as c:
        rows = c.execute(
            sa.select(audit_log.c.username, audit_log.c.action, audit_log.c.outcome).order_by(
                audit_log.c.seq
            )
        )
        return [tuple(r) for r in rows]


def person(ref: str, given: str = "Ann", family: str = "Example", dob: date | None = date(1990, 5, 17),
           markers: frozenset[str] = frozenset()) -> Person:  # fmt: skip
    return Person(ref, (PersonName(given, family),), dob, markers)


def address(ref: str, line: str = "12 Canal Street", town: str = "Town") -> Address:
    return Address(ref, (line, town), "")
