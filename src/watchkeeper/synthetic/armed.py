"""Firearms incidents with an armed response, written into the demo's incident log.

A weapons call that gets an armed response is logged like any other incident (999, graded an
emergency, THRIVE, the weapons marker), and then its log shows what the armed-response
analysis derives deployments from (``armed_policing.derivation``):

- an armed response vehicle assigned by a dispatcher, often before the authority is given;
- a firearms authorisation by a tactical firearms commander (``firearms-authorised``);
- the ARV en route and arrived; the incident closed after time on scene.

The ARVs are the units with the ``arv`` skill on the demo roster (``dispatch.roster``), so the
derivation recognises them from the unit register. An ARV still busy at an earlier incident
is not sent twice: the call waits for the first ARV to come free.

How many (``[armed]`` in ``resources/synthetic/demo.toml``, STANDARDS.md 8): WMP's 2,421 armed
operations in 2017/18 times the national 91% with an ARV involved (2019/20), about 6 a day at
full scale. Every time (dispatch, authorisation, travel, area and night effects, time on
scene) is assumed and labelled so: no national ARV attendance standard exists (§8).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from watchkeeper.dispatch.roster import RosterShape
from watchkeeper.incidents.entries import (
    Arrived,
    Closed,
    EnRoute,
    FirearmsAuthorised,
    ResourceAssigned,
)
from watchkeeper.synthetic.config import ArmedDemand, Weights
from watchkeeper.synthetic.lifecycle import Staff, Step

ARV_SKILL = "arv"  # the skill code armed-policing.toml's derivation.arv_skill names
WEAPONS = "weapons"  # the force profile category of a weapons / firearms call
AUTHORISERS = ("tfc-4001", "tfc-4002", "tfc-4003")  # invented tactical firearms commanders
BASES = (
    "NDM: firearm seen by caller; threat to life",
    "NDM: shots heard; armed suspect believed present",
    "NDM: person with a bladed weapon threatening others; armed containment",
    "NDM: intelligence that a firearm is held at the address",
)
DISPATCH_SIGMA = 0.5  # assumed: spread of the time to assign an ARV
AUTHORISE_SIGMA = 0.5  # assumed: spread of the time to a firearms authority
ON_SCENE_SIGMA = 0.4  # assumed: spread of the time on scene
NIGHT_END_HOUR = 6  # local hours 0-5 are the night for night_extra_minutes


def roster_arvs(shape: RosterShape | None = None, skill: str = ARV_SKILL) -> tuple[str, ...]:
    """Call signs of the demo roster's armed response vehicles (``ARV1``, ``ARV2``...)."""
    shape = shape or RosterShape()
    return tuple(
        f"{code}{n}"
        for code, skills, count in shape.force_wide
        if skill in skills
        for n in range(1, count + 1)
    )


class ArmedResponse:
    """Draws the armed part of a firearms incident's log, in logging order for one run."""

    def __init__(
        self,
        armed: ArmedDemand,
        arvs: tuple[str, ...],
        staff: Staff,
        closing: Weights,
        timezone: ZoneInfo,
        *,
        rng: np.random.Generator,
    ) -> None:
        if not arvs:
            raise ValueError("an armed response needs at least one ARV call sign")
        self._armed, self._arvs, self._staff = armed, arvs, staff
        self._closing, self._tz, self._rng = closing, timezone, rng
        self._free_at: dict[str, datetime] = {}

    def _lognormal(self, median: float, sigma: float) -> float:
        return float(median * math.exp(sigma * self._rng.standard_normal()))

    def _pick(self, names: tuple[str, ...]) -> str:
        return names[int(self._rng.integers(len(names)))]

    def _arv(self, logged: datetime, wanted: float) -> tuple[str, float]:
        """A free ARV (at random), else the first to come free; and when it can be assigned."""
        at = logged + timedelta(minutes=wanted)
        free = [u for u in self._arvs if self._free_at.get(u, at) <= at]
        if free:
            return self._pick(tuple(free)), wanted
        arv = min(self._arvs, key=lambda u: (self._free_at[u], self._arvs.index(u)))
        return arv, (self._free_at[arv] - logged).total_seconds() / 60.0

    def plan(self, logged: datetime, area: str, start: float) -> list[Step]:
        """Steps after the intake entries (which end ``start`` minutes after ``logged``)."""
        a = self._armed
        wanted = start + self._lognormal(a.dispatch_median_minutes.value, DISPATCH_SIGMA)
        arv, assigned = self._arv(logged, wanted)
        authorised = start + self._lognormal(a.authorisation_median_minutes.value, AUTHORISE_SIGMA)
        en_route = assigned + float(self._rng.uniform(0.2, 1.0))
        travel = self._lognormal(a.travel_median_minutes.value, a.travel_log_sigma.value)
        extra = a.area_extra_minutes.get(area)
        travel += extra.value if extra is not None else 0.0
        if logged.astimezone(self._tz).hour < NIGHT_END_HOUR:
            travel += a.night_extra_minutes.value
        arrived = en_route + max(travel, 1.0)
        closed = arrived + self._lognormal(a.on_scene_median_minutes.value, ON_SCENE_SIGMA)
        self._free_at[arv] = logged + timedelta(minutes=closed)
        commander = self._pick(AUTHORISERS)
        shares = self._closing.shares
        category = str(self._rng.choice(list(shares), p=list(shares.values())))
        return [
            Step(assigned, self._pick(self._staff.dispatchers),
                 ResourceAssigned(arv, "armed response vehicle")),
            Step(authorised, commander, FirearmsAuthorised(commander, self._pick(BASES))),
            Step(en_route, arv, EnRoute(arv)),
            Step(arrived, arv, Arrived(arv)),
            Step(closed, arv, Closed(category, "armed containment stood down")),
        ]  # fmt: skip
