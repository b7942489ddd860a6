from __future__ import annotations

from datetime import UTC, datetime

import pytest

from watchkeeper.organised_crime.config import OrganisedCrimePolicy, load_policy
from watchkeeper.organised_crime.scoring import ThreatInput

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def policy() -> OrganisedCrimePolicy:
    return load_policy()


def levels(level: str = "low", likelihood: str = "medium") -> ThreatInput:
    """Every dimension at one level (the default matrix's dimensions)."""
    return ThreatInput(
        ocgm={
            k: level
            for k in (
                "individuals",
                "criminal_activity",
                "geographic_reach",
                "network",
                "capability",
            )
        },
        harm={
            k: level for k in ("physical", "financial", "community_environment", "geographic_scope")
        },
        likelihood=likelihood,
        position={"capacity_gap": level, "capability_gap": level},
    )
