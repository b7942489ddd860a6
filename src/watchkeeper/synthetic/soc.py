"""Seeded synthetic SOC registers for the demo.

Figures used (STANDARDS.md), each scaled by the demo's ``scale``:
- about 6,000 OCGs and 50,000 mapped offenders nationally around 2015/16 (Police Foundation,
  §6), over 43 forces (§6): about 140 groups per force and 8 members per group.
Everything else is assumed and says so: the LRO pool, SCPO numbers and the member references
(synthetic references, not entries on the nominal index). Armed deployments are not made here:
the demo logs firearms incidents (``synthetic.armed``) and derives them from the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.organised_crime import groups as g
from watchkeeper.organised_crime import plans as p
from watchkeeper.organised_crime import scpo as s
from watchkeeper.organised_crime.config import OrganisedCrimePolicy
from watchkeeper.organised_crime.lro import assign_lro
from watchkeeper.organised_crime.scoring import ThreatInput

NATIONAL_OCGS = 6000  # §6, Police Foundation (2016)
NATIONAL_MAPPED_OFFENDERS = 50000  # §6, same source
FORCES = 43  # §6: 43 forces in England and Wales
AREAS = ("central", "north", "south", "east", "west")  # the demo geography (synthetic/demo.toml)
ACTIVITIES = ("drug-supply", "firearms-supply", "money-laundering", "fraud", "modern-slavery",
              "organised-acquisitive-crime", "child-sexual-exploitation")  # fmt: skip
LEVELS = ("none", "low", "medium", "high")


@dataclass(frozen=True, slots=True)
class SocDemo:
    groups: tuple[g.OrganisedCrimeGroup, ...]
    plans: tuple[p.FourPPlan, ...]
    considerations: tuple[s.Consideration, ...]
    orders: tuple[s.ScpoOrder, ...]


def _threat(rng: np.random.Generator, policy: OrganisedCrimePolicy) -> ThreatInput:
    m = policy.scoring

    def pick() -> str:
        return LEVELS[int(rng.choice(4, p=[0.1, 0.35, 0.35, 0.2]))]

    return ThreatInput({k: pick() for k in m.ocgm}, {k: pick() for k in m.harm}, pick(),
                       {k: pick() for k in m.position})  # fmt: skip


def _group(i: int, rng: np.random.Generator, now: datetime, *, lros: list[str],
           owned: list[g.OrganisedCrimeGroup], policy: OrganisedCrimePolicy) -> g.OrganisedCrimeGroup:  # fmt: skip
    born = now - timedelta(days=int(rng.integers(120, 900)))
    area = AREAS[int(rng.integers(len(AREAS)))]
    grp = g.new_group(f"OCG-{i:04d}", f"Synthetic group {i}", activities=(str(rng.choice(ACTIVITIES)),),
                      reach=(area,), at=born, by="soc", policy=policy)  # fmt: skip
    members = max(2, int(rng.poisson(NATIONAL_MAPPED_OFFENDERS / NATIONAL_OCGS)))
    for k in range(members):
        grp = g.add_member(grp, f"SYN-P-{i:04d}-{k:02d}", "principal" if k == 0 else "member",
                           at=born, by="soc", policy=policy)  # fmt: skip
    grp = g.rescore(grp, _threat(rng, policy), at=born, by="analyst", policy=policy)
    grp = g.change_state(
        grp, "mapped", at=born + timedelta(days=7), by="soc", reason="mapped", policy=policy
    )
    fate = rng.random()
    if fate < 0.1:  # assumed: a tenth of the register is archived
        return g.change_state(grp, "archived", at=born + timedelta(days=30), by="soc",
                              reason="dismantled", policy=policy)  # fmt: skip
    officer = lros[int(rng.integers(len(lros)))]
    grp = assign_lro(grp, officer, others=owned, at=born + timedelta(days=8), by="soc", reason="tasking",
                     policy=policy, override_reason="demo: historic allocation").group  # fmt: skip
    state = "dormant" if fate < 0.2 else "active"
    grp = g.change_state(
        grp, "active", at=born + timedelta(days=9), by="soc", reason="tasked", policy=policy
    )
    if state == "dormant":
        grp = g.change_state(grp, "dormant", at=born + timedelta(days=60), by="soc", reason="quiet",
                             policy=policy)  # fmt: skip
    for k in range(int(rng.poisson(3))):
        when = now - timedelta(days=int(rng.integers(1, 200)))
        if when > grp.states[-1].at:
            kind = str(rng.choice(sorted(policy.disruption_types)))
            impact = str(rng.choice(policy.disruption_impacts))
            grp = g.record_disruption(grp, g.Disruption(f"DSR-{i:04d}-{k}", when, kind, impact, "pursue",
                                                        "synthetic disruption", "soc"), policy)  # fmt: skip
    return grp


def _plan(grp: g.OrganisedCrimeGroup, rng: np.random.Generator, now: datetime,
          policy: OrganisedCrimePolicy) -> p.FourPPlan:  # fmt: skip
    made = now - timedelta(days=int(rng.integers(5, 150)))  # some are past their review date
    plan = p.new_plan(f"PLAN-{grp.group_id}", grp.group_id,
                      {"pursue": "disrupt supply and arrest principals", "prevent": "divert young associates",
                       "protect": "safeguard exploited people", "prepare": "plan for retaliation"},
                      at=made, by=grp.lro or "soc", policy=policy)  # fmt: skip
    for k, strand in enumerate(policy.strands):
        plan = p.add_action(plan, f"ACT-{grp.group_id}-{k}", strand, f"{strand} action", owner=grp.lro or "soc",
                            supervisor="soc", due_at=made + timedelta(days=int(rng.integers(7, 60))),
                            at=made, by=grp.lro or "soc", policy=policy)  # fmt: skip
    return plan


def _orders(
    rng: np.random.Generator, today: date, n: int, policy: OrganisedCrimePolicy
) -> list[s.ScpoOrder]:
    orders = []
    for i in range(n):
        start = today - timedelta(days=int(rng.integers(10, 1700)))
        end = s.latest_end(start, policy.scpo.max_years) - timedelta(days=int(rng.integers(0, 400)))
        terms = (s.Term("T1", "no more than one mobile phone, declared to police", start, end),
                 s.Term("T2", "notify any new bank account within 3 days", start, end, notification_days=3))  # fmt: skip
        order = s.ScpoOrder(f"SCPO-{i:03d}", f"SYN-P-{i:04d}-00", "crown-court", start, start, end, "soc",
                            policy.scpo.default_check_interval_days, terms)  # fmt: skip
        last = min(today, end) - timedelta(days=int(rng.integers(0, 45)))
        if last >= start:
            order = s.record_check(order, s.ComplianceCheck(f"CHK-{i}", last, "soc", "compliant"))
        orders.append(s.make_order(order, policy.scpo))
    return orders


def generate_soc_demo(
    policy: OrganisedCrimePolicy, now: datetime, seed: int, scale: float = 0.25
) -> SocDemo:
    """The demo registers ending at ``now``; same (policy, now, seed, scale) -> same output."""
    now = ensure_utc(now)
    # Two of the original three streams: the registers stay as they were for a seed.
    soc_rng, scpo_rng = (np.random.default_rng(x) for x in np.random.SeedSequence(seed).spawn(2))
    n_groups = max(3, round(NATIONAL_OCGS / FORCES * scale))
    lros = [f"di.lro{k:02d}" for k in range(max(2, n_groups // 5))]  # assumed pool size
    groups: list[g.OrganisedCrimeGroup] = []
    for i in range(n_groups):
        groups.append(_group(i, soc_rng, now, lros=lros, owned=groups, policy=policy))
    plans = [_plan(x, soc_rng, now, policy) for x in groups
             if x.state == "active" and soc_rng.random() < 0.8]  # fmt: skip
    cases = []
    for i in range(max(2, n_groups // 3)):
        offence = "MDA1971-s5(3)" if i % 2 else "POCA2002-s327"
        case = s.flag_for_consideration(f"CASE-{i:04d}", f"SYN-P-{i:04d}-00", offence, "charged",
                                        at=now - timedelta(days=int(scpo_rng.integers(1, 90))), policy=policy.scpo)  # fmt: skip
        if case is not None and scpo_rng.random() < 0.6:
            case = s.decide(case, "apply" if scpo_rng.random() < 0.5 else "do-not-apply",
                            "synthetic decision", by="soc", at=case.flagged_at + timedelta(days=2))  # fmt: skip
        if case is not None:
            cases.append(case)
    today = now.astimezone(policy.timezone).date()
    orders = _orders(scpo_rng, today, max(2, n_groups // 6), policy)
    return SocDemo(tuple(groups), tuple(plans), tuple(cases), tuple(orders))
