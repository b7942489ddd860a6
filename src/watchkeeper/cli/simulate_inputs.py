"""Synthetic demand for a scenario: the generator's incidents over the scenario's period.

Composition only (the CLI may import both the generator and the simulator, which sit on
different rows): generate, then hand the incident states to ``simulation.incident_trace``.
"""

from __future__ import annotations

from datetime import timedelta

from watchkeeper.dispatch.config import DispatchConfig
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.simulation.incident_trace import ScenarioInputs, scenario_inputs
from watchkeeper.simulation.scenario import Scenario
from watchkeeper.synthetic.calibration import Calibration
from watchkeeper.synthetic.config import SyntheticConfig
from watchkeeper.synthetic.generator import generate_incidents
from watchkeeper.synthetic.places import AREA_OFFSETS


def synthetic_centres(config: SyntheticConfig) -> dict[str, tuple[float, float]]:
    """Planar km centre of each made-up synthetic area (``synthetic/places.py``)."""
    km = config.geography.area_km.value
    return {area: (east * km, north * km) for area, (north, east) in AREA_OFFSETS.items()}


def synthetic_inputs(
    scenario: Scenario,
    profile: ForceProfile,
    dispatch: DispatchConfig,
    synthetic: tuple[SyntheticConfig, Calibration],
) -> ScenarioInputs:
    """Trace, roster and configuration for a scenario whose trace source is synthetic."""
    source = scenario.trace
    config, calibration = synthetic
    end = source.start + timedelta(hours=source.hours)
    incidents = generate_incidents(
        config, calibration, profile, end, source.hours, scenario.seed, source.scale
    )
    return scenario_inputs(
        scenario,
        [incident.state for incident in incidents],
        (profile, dispatch),
        centre=(config.geography.centre_lat.value, config.geography.centre_lon.value),
        area_centres=synthetic_centres(config),
    )
