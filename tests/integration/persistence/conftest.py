"""Fixtures for the SQL store: a migrated database on each engine, and incident builders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from watchkeeper.incidents.entries import Caller, CallSource, Location, Opened
from watchkeeper.incidents.model import Incident
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.persistence import schema
from watchkeeper.persistence.engine import create_engine_for

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def at(minute: float) -> datetime:
    """An instant ``minute`` minutes after the test epoch."""
    return T0 + timedelta(minutes=minute)


@pytest.fixture
def migrated_url(database_url: str) -> str:
    """An empty store on each engine, migrated to head."""
    schema.upgrade(database_url)
    return database_url


@pytest.fixture
def engine(migrated_url: str) -> Iterator[sa.Engine]:
    built = create_engine_for(migrated_url)
    yield built
    built.dispose()


MakeIncident = Callable[..., Incident]


@pytest.fixture
def make_incident() -> MakeIncident:
    """Open an incident: ``make_incident("A", minute=5, address="1 High St", ref=("cad", "7"))``."""

    def build(
        name: str,
        minute: float = 0,
        address: str = "1 High Street, Town",
        ref: tuple[str, str] = ("", ""),
        person_ref: str = "",
    ) -> Incident:
        opened = Opened(
            source=CallSource.EMERGENCY_999,
            location=Location(address, area="central", lat=52.48, lon=-1.89),
            category="domestic",
            caller=Caller(name="A Caller", phone="0000", person_ref=person_ref),
            summary=f"incident {name}",
            source_system=ref[0],
            source_ref=ref[1],
        )
        return Incident.open(IncidentId(f"INC-{name}"), opened, at(minute), "handler-1", at(minute))

    return build
