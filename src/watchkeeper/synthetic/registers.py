"""Synthetic safeguarding registers for the demo: people, DA cases, missing episodes, RSOs.

Counts come from ``register_config`` (national and WMP figures, cited there). The history is
a list of steps, each replayed through the real register services with the clock set to the
step's time (``seed_registers``), so every rule, duty and audit row is the services' own:
cases opened days ago whose DASH never came in are overdue today, as at WMP. One showcase
address (an open domestic incident from the demo log) gets a DA case, a registered offender
and a missing looked-after child, so intake shows all three.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from watchkeeper.access.model import Actor
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.people.addresses import Address
from watchkeeper.people.model import BirthYears, Person, PersonName
from watchkeeper.safeguarding.da_records import NewDaCase
from watchkeeper.safeguarding.forms import bundled_form
from watchkeeper.safeguarding.missing_service import NewMissingReport
from watchkeeper.safeguarding.offender_records import NewOffender
from watchkeeper.safeguarding.policy import default_policy
from watchkeeper.safeguarding.service_core import Assignment
from watchkeeper.safeguarding.services import Safeguarding
from watchkeeper.synthetic.places import FIRST_NAMES, STREET_STEMS, STREET_SUFFIXES, SURNAMES
from watchkeeper.synthetic.register_config import RSO_LEVELS, RegisterCalibration

PPO, SUPERVISOR = "ppo", "supervisor"  # the demo accounts that act (cli/demo_commands.py)
DASH_FORM = "dash-police-2009"
TEAM = Assignment(PPO, SUPERVISOR)
MISSING_RISKS = ("high", "medium", "low", "no-apparent-risk")
MISSING_RISK_P = (0.1, 0.5, 0.3, 0.1)  # assumed: no published split of risk levels
Action = Callable[[Safeguarding, Actor], object]


@dataclass(frozen=True, slots=True)
class SeedStep:
    at: datetime
    who: str
    action: Action


@dataclass(frozen=True, slots=True)
class Showcase:
    """An open domestic incident from the demo log, to hang all three registers on."""

    incident_id: str
    location_text: str
    caller_ref: str
    logged_at: datetime


class _History:
    def __init__(self, cal: RegisterCalibration, now: datetime, seed: int) -> None:
        self.cal, self.now = cal, now
        self.rng = np.random.default_rng(np.random.SeedSequence([seed, 5]))
        self.steps: list[SeedStep] = []
        self.people: list[tuple[Person, Address]] = []  # everyone recorded, with their home
        self.count = 0
        form = bundled_form("dash-police-2009.toml")
        self.dash_keys = [q.key for sec in form.sections if sec.scored for q in sec.questions]

    def ref(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}-{self.count:05d}"

    def add(self, at: datetime, who: str, action: Action) -> datetime:
        self.steps.append(SeedStep(at, who, action))
        return at + timedelta(seconds=1)

    def ago(self, days: float) -> datetime:
        return self.now - timedelta(days=float(self.rng.uniform(0, days)))

    def person(self, at: datetime, age: tuple[int, int], home: Address) -> tuple[str, datetime]:
        ref = self.ref("demo-p")
        years = int(self.rng.integers(*age))
        dob = self.now.date() - timedelta(days=365 * years + int(self.rng.integers(1, 360)))
        name = PersonName(str(self.rng.choice(FIRST_NAMES)), str(self.rng.choice(SURNAMES)))
        p = Person(ref, (name,), dob)
        self.people.append((p, home))
        at = self.add(at, PPO, lambda sg, a: sg.people.record_person(a, p))
        return ref, self.add(
            at, PPO, lambda sg, a: sg.people.link_address(a, ref, home.address_ref, "lives-at")
        )

    def address(self, at: datetime, text: str | None = None) -> tuple[Address, datetime]:
        if text is None:
            stem, suffix = self.rng.choice(STREET_STEMS), self.rng.choice(STREET_SUFFIXES)
            text = f"{int(self.rng.integers(1, 240))} {stem} {suffix}"
        place = Address(self.ref("demo-a"), (text,), "")
        return place, self.add(at, PPO, lambda sg, a: sg.people.record_address(a, place))

    def dash(self, yes: int) -> dict[str, str]:
        keys = self.dash_keys
        chosen = set(self.rng.choice(len(keys), size=yes, replace=False).tolist())
        answers = {k: "yes" if i in chosen else "no" for i, k in enumerate(keys)}
        if answers["children-hurt"] == "yes":  # keep the form's contradiction rule
            answers["children-in-household"] = "yes"
        return answers


def _yes_count(rng: np.random.Generator) -> int:
    # assumed: no published distribution of DASH yes-counts; ~15% high, ~25% medium.
    band = rng.choice(3, p=(0.6, 0.25, 0.15))
    low, high = ((0, 10), (10, 14), (14, 23))[int(band)]
    return int(rng.integers(low, high))


def _da_case(
    h: _History, opened: datetime, victim: str, place: Address, incident: str | None
) -> None:
    case = h.ref("demo-da")
    request = NewDaCase(case, victim, TEAM, incident_id=incident, address_ref=place.address_ref)
    at = h.add(opened, PPO, lambda sg, a: sg.domestic_abuse.open_case(a, request))
    roll, cal = h.rng.random(), h.cal
    at += timedelta(hours=float(h.rng.uniform(1, 30)))
    if at >= h.now or roll >= cal.dash_completed_share + cal.refusal_share:
        return  # the DASH never came in: its duty is owed, perhaps overdue
    if roll < cal.dash_completed_share:
        answers, raise_ = h.dash(_yes_count(h.rng)), h.rng.random() < cal.judgement_raise_share
        judgement = (
            ("high", "professional judgement: separation, coercive control and threats")
            if raise_
            else None
        )
        at = h.add(
            at,
            PPO,
            lambda sg, a: sg.domestic_abuse.submit_dash(a, case, DASH_FORM, answers, judgement),
        )
    else:
        at = h.add(
            at,
            PPO,
            lambda sg, a: sg.domestic_abuse.record_refusal(a, case, "victim declined the DASH"),
        )
    at += timedelta(hours=float(h.rng.uniform(1, 20)))
    if at < h.now and h.rng.random() < cal.signed_off_share / cal.dash_completed_share:
        h.add(at, SUPERVISOR, lambda sg, a: sg.domestic_abuse.sign_off(a, case))


def _missing(
    h: _History, reported: datetime, child: bool, looked_after: bool, place: Address
) -> None:
    person, _ = h.person(reported - timedelta(days=400), (12, 18) if child else (18, 80), place)
    risk = str(h.rng.choice(MISSING_RISKS, p=MISSING_RISK_P))
    rationale = "supervisor: with grandparent, known safe" if risk == "no-apparent-risk" else None
    episode = h.ref("demo-mp")
    request = NewMissingReport(episode, person, reported, risk, _NO_CONCERNS, TEAM,
                               looked_after=looked_after, supervisor_rationale=rationale,
                               address_ref=place.address_ref)  # fmt: skip
    h.add(reported, PPO, lambda sg, a: sg.missing.report(a, request))
    found = reported + timedelta(hours=float(h.rng.uniform(2, 40)))
    ended = found if found < h.now and h.rng.random() < 0.5 else None  # assumed: half ended
    level = "medium" if risk == "no-apparent-risk" else risk  # a supervisor confirms the level
    _reviews(h, episode, (reported, ended or h.now), risk, level)
    if ended is not None:
        h.add(ended, PPO, lambda sg, a: sg.missing.record_found(a, episode))


MAX_REVIEWS = 60  # per demo episode: bounds the history of a long high-risk episode


def _reviews(
    h: _History, episode: str, span: tuple[datetime, datetime], risk: str, level: str
) -> None:
    """Supervisory reviews at the configured interval while the person is missing (``span``:
    reported, found or now); a share on time, the rest late by up to one interval (what the
    schedule indicator then measures)."""
    reported, until = span
    hours = REVIEW_HOURS[risk.replace("-", "_")]
    last = reported
    for _ in range(MAX_REVIEWS):
        due = last + timedelta(hours=hours)
        if h.rng.random() < h.cal.review_on_time_share:
            at = due - timedelta(hours=hours * float(h.rng.uniform(0.0, 0.5)))
        else:
            at = due + timedelta(hours=hours * float(h.rng.uniform(0.05, 1.0)))
        if at >= until:
            return
        h.add(at, SUPERVISOR, lambda sg, a: sg.missing.record_review(
            a, episode, level, "reviewed: risk confirmed"))  # fmt: skip
        last, hours = at, REVIEW_HOURS[level.replace("-", "_")]


def _offender(h: _History, place: Address | None = None, level: str | None = None) -> None:
    registered = h.now - timedelta(days=float(h.rng.uniform(30, 8 * 365)))
    if place is None:
        place, _ = h.address(registered - timedelta(days=2))
    person, _ = h.person(registered - timedelta(days=1), (20, 75), place)
    risk = level or str(h.rng.choice(RSO_LEVELS, p=[h.cal.rso_mix[lv] for lv in RSO_LEVELS]))
    ref = h.ref("demo-rso")
    request = NewOffender(ref, person, registered.date(), risk.replace("_", "-"), 1, 1, SUPERVISOR,
                          PPO, address_ref=place.address_ref)  # fmt: skip
    h.add(registered, PPO, lambda sg, a: sg.offenders.register(a, request))
    months = {"very_high": 1, "high": 3, "medium": 6, "low": 12}[risk]
    # Assumed: most offenders were last visited within their plan's interval; the rest are
    # late, last visited one to two intervals ago (not never: a visit years overdue would be
    # a failure no force carries unnoticed, and would make every demo alert years old).
    days = (1, 28 * months) if h.rng.random() < 0.85 else (28 * months, 56 * months)
    visited = max(registered, h.now - timedelta(days=float(h.rng.uniform(*days))))
    day = visited.date()
    h.add(visited, PPO, lambda sg, a: sg.offenders.record_visit(a, ref, day, "home visit"))
    made = _anniversaries(registered.date(), h.now.date())
    if made and h.rng.random() >= 0.95:  # assumed: 5% miss their latest re-notification
        made = made[:-1]
    for on in made:  # every earlier annual re-notification was made, on its anniversary
        h.add(datetime.combine(on, registered.timetz()), PPO, _renotified(ref, on))


def _renotified(offender_ref: str, on: date) -> Action:
    return lambda sg, a: sg.offenders.record_notification(a, offender_ref, "periodic", on)


def _anniversaries(registered: date, today: date) -> list[date]:
    """Each anniversary of the registration up to ``today``, oldest first."""
    years = (
        today.year
        - registered.year
        - (1 if (today.month, today.day) < (registered.month, registered.day) else 0)
    )
    found = []
    for n in range(1, years + 1):
        try:
            found.append(registered.replace(year=registered.year + n))
        except ValueError:  # 29 February
            found.append(registered.replace(year=registered.year + n, day=28))
    return found


def _showcase(h: _History, show: Showcase) -> None:
    # Recorded before anyone linked to it (offenders are registered up to 8 years back).
    place, at = h.address(h.now - timedelta(days=9 * 366), show.location_text)
    victim = Person(show.caller_ref, (PersonName("Demo", "Victim"),), date(1988, 4, 2))
    at = h.add(at, PPO, lambda sg, a: sg.people.record_person(a, victim))
    h.add(
        at,
        PPO,
        lambda sg, a: sg.people.link_address(a, victim.person_ref, place.address_ref, "lives-at"),
    )
    _offender(h, place, "high")
    _missing(h, h.now - timedelta(hours=5), child=True, looked_after=True, place=place)
    _da_case(h, show.logged_at + timedelta(minutes=5), victim.person_ref, place, show.incident_id)
    h.add(
        show.logged_at + timedelta(minutes=6),
        PPO,
        lambda sg, a: sg.people.link_incident(
            a,
            show.incident_id,
            "victim",
            person_ref=victim.person_ref,
            address_ref=place.address_ref,
        ),
    )


def register_history(
    cal: RegisterCalibration, now: datetime, seed: int, scale: float, showcase: Showcase | None
) -> list[SeedStep]:
    """Every step of the demo registers' history, in time order (same inputs, same steps)."""
    h = _History(cal, now, seed)
    for _ in range(cal.da_cases(scale)):
        opened = h.ago(cal.da_history_days)
        place, at = h.address(opened - timedelta(days=30))
        victim, _ = h.person(at, (18, 70), place)
        _da_case(h, opened, victim, place, None)
    for _ in range(cal.missing_episodes(scale)):
        child = h.rng.random() >= cal.missing_adult_share
        place, _ = h.address(now - timedelta(days=500))
        looked_after = child and h.rng.random() < cal.looked_after_share
        _missing(h, h.ago(cal.missing_history_days), child, looked_after, place)
    for _ in range(cal.offenders(scale)):
        _offender(h)
    if showcase is not None:
        _showcase(h, showcase)
    _re_recorded(h)
    return sorted(h.steps, key=lambda s: s.at)


def _re_recorded(h: _History) -> None:
    """A few people recorded a second time, as a force's records have them: a given name
    typed with a letter doubled, a date of birth with day and month swapped, and no date at
    all but an apparent age, recorded at their home. Each becomes a suggested duplicate for
    an officer to decide (the /duplicates page); nothing is merged."""

    def swappable(person: Person) -> bool:
        dob = person.date_of_birth
        return dob is not None and dob.day <= 12 and dob.day != dob.month

    swaps = [i for i, (p, _) in enumerate(h.people) if swappable(p)]
    if len(h.people) < 3 or not swaps:
        return
    swapped = int(h.rng.choice(swaps))
    rest = [i for i in range(len(h.people)) if i != swapped]
    typed, aged = (int(i) for i in h.rng.choice(rest, size=2, replace=False))
    today = h.now.date()
    for kind, index in (("typo", typed), ("transposed", swapped), ("apparent-age", aged)):
        original, home = h.people[index]
        name, dob = original.primary_name, original.date_of_birth
        assert dob is not None  # the demo's people all have one
        if kind == "typo":
            again = Person(
                h.ref("demo-p"), (PersonName(name.given + name.given[-1], name.family),), dob
            )
        elif kind == "transposed":
            again = Person(h.ref("demo-p"), (name,), date(dob.year, dob.day, dob.month))
        else:
            age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
            years = BirthYears.from_apparent_age(max(0, age - 4), age + 4, today)
            again = Person(h.ref("demo-p"), (name,), estimated_birth=years)
        at = h.now - timedelta(hours=float(h.rng.uniform(1, 48)))
        where = home.address_ref if kind == "apparent-age" else None
        h.add(at, PPO, _recorded_again(again, where))


def _recorded_again(person: Person, address_ref: str | None) -> Action:
    return lambda sg, a: sg.people.record_person(a, person, address_ref)


def seed_registers(sg: Safeguarding, actors: Mapping[str, Actor], steps: list[SeedStep]) -> int:
    """Replay the steps through the register services, each with the clock at its time."""
    for step in steps:
        at_that_time = Safeguarding(dataclasses.replace(sg.context, clock=FixedClock(step.at)))
        step.action(at_that_time, actors[step.who])
    return len(steps)


# The intervals the demo's reviews follow: the bundled force defaults (labelled assumptions).
REVIEW_HOURS = default_policy().missing.review_hours

_NO_CONCERNS = {k: "no" for k in (
    "out-of-character", "contact-and-return", "intended-actions", "who-with",
    "danger-to-self-or-others", "medical-needs", "self-harm", "likely-victim-of-crime",
    "abuse-or-cse", "supported-by-services", "unusual-behaviour", "other-concerns",
)}  # fmt: skip
