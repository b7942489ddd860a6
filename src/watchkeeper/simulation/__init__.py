"""Demand versus capacity: replay a demand trace against a roster under a dispatch policy.

Public API (stable; other packages code against it)::

    from watchkeeper.simulation.trace import Trace, build_trace
    from watchkeeper.simulation.roster import Roster, UnitGroup, build_roster
    from watchkeeper.simulation.config import SimConfig, RiskClock
    from watchkeeper.simulation.engine import simulate, RunResult
    from watchkeeper.simulation.replicate import run_replications, Replications
    from watchkeeper.simulation.results import summarise, RunSummary, Estimate
    from watchkeeper.simulation.scenario import Scenario, load_scenario, parse_scenario

- ``Trace``: column arrays sorted by receipt, one row per incident that needs attendance.
  Times are float **minutes after** ``trace.origin`` (an aware UTC datetime). Columns:
  ``received``, ``x_km``/``y_km`` (planar km, NaN when unknown), ``area`` (int code into
  ``trace.areas``), ``urban`` (bool: the area class sets the travel speed), ``grade`` (int
  code into ``GRADE_CODES``: 0 emergency, 1 priority, 2 scheduled), ``target`` (attendance
  target minutes, ``inf`` when none), ``category`` (int code into ``trace.categories``),
  ``vulnerable`` (bool), ``risk`` (the risk engine's time-independent points),
  ``skills`` (uint32 bit mask over ``trace.skill_names``), ``service`` (on-scene minutes),
  ``travel`` (observed travel minutes, NaN to estimate from the positions) and ``crew``
  (officers needed before attendance counts; 1 by default).
  ``build_trace(...)`` validates but never re-orders: out-of-order times, negative durations
  and bad codes raise ``InputError`` naming the record index and the column.
- ``Roster``: units (call sign, area, position, skills bit mask over the trace's skill
  vocabulary, daily shift start/length in minutes, ``officers`` on board). ``build_roster(groups, skill_names,
  centres)`` expands ``UnitGroup`` rows ("12 response units in north, 07:00 for 10 h").
- ``SimConfig``: travel (circuity, speed by area class, turnout, fallback minutes when a
  position is unknown), noise (coefficients of variation for travel and on-scene time;
  0 = deterministic), backlog sampling step, the Watchkeeper policy's risk clock and
  recommender weights (defaults read from the force profile / dispatch configuration).
- ``simulate(trace, roster, policy, *, seed, config) -> RunResult``: one replication.
  ``policy`` is ``"status-quo"`` or ``"watchkeeper"`` (``policies.POLICIES``); anything
  else raises ``InputError``. ``RunResult`` holds per-incident ``dispatched``, ``arrived``
  (minutes after origin, NaN when never dispatched), ``unit`` (-1 when none), ``travel``,
  and per-unit ``busy_minutes`` / ``duty_minutes``, plus ``events`` and ``wall_seconds``.
  Crewing: an incident needing more officers than one unit carries is sent a complete crew
  at once (one double-crewed unit or two singles, ``state.complete_crew``); ``arrived`` is
  when the crew is complete, ``unit`` the unit that completed it, ``crews`` every unit
  sent where there were several (``result.units_of(i)``, ``result.officers_sent(...)``).
  Waits are ``result.waits`` (dispatched - received). Same inputs and seed -> same result.
- ``run_replications(trace, roster, policies, *, replications, seed, config, progress=None)``:
  replication ``i`` uses seed ``seed + i``; returns a ``Replications`` with one
  ``RunSummary`` per (policy, replication) and ``estimates()``: mean and 95 % t-interval of
  every headline measure per policy.
- ``incident_trace.trace_from_states(states, profile, dispatch, *, origin, centre, seed)``:
  incident states (imported from the store, or synthetic) -> ``TraceBuild`` (the trace and
  the incidents left out, counted by reason); ``incident_trace.scenario_inputs`` adds the
  roster and configuration for a scenario. ``cli.simulate_inputs`` feeds it synthetic demand;
  ``demand.StoreDemand`` the store's own (incidents logged in a window, read through the
  role check and audited; the trace keeps no personal data). ``crewing.CrewRules``: officers
  needed by grade, category and marker (``resources/simulation-crewing.toml``, local
  defaults, or a scenario's ``[crewing]``).

This package imports only the domain below it (dispatch, incidents, access, kernel).
"""
