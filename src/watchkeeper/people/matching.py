"""Duplicate match suggestions: scored, explained, never merged silently.

A candidate (someone being recorded) is compared with everyone on the index who shares a
blocking key. The score multiplies a name score (best pair over every name and alias, in
either order) by a date-of-birth factor, so *every* part must agree for a high score: a twin
(same family name and birth date, different given name) and a namesake (same name, different
birth date) both stay low. Quality is measured, not assumed: see ``match_quality``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.people.index import IndexedName, NominalIndex, indexed_names
from watchkeeper.people.model import Person, validate_person
from watchkeeper.people.similarity import given_similarity, is_short_form, jaro_winkler


@dataclass(frozen=True, slots=True)
class MatchPolicy:
    """Tunable parts of the comparison; the defaults were chosen on a generated set (seed 1, 10k people)."""

    threshold: float = 0.72
    given_power: float = 1.5  # given names separate relatives, so they weigh more
    family_power: float = 1.0
    swapped_factor: float = 0.95  # given and family the other way round
    dob_transposed: float = 0.95  # day and month swapped (US-style entry)
    dob_one_digit: float = 0.9  # one digit of YYYYMMDD wrong
    dob_missing: float = 0.85  # one side has no date of birth
    dob_different: float = 0.45
    # How fast a worse name loses its share when undated: 20 -> 40 with the typo-surviving
    # blocking keys (more near spellings reach the comparison), chosen on seeds 1 and 2 at
    # 100k people (recall 0.897 -> 0.914 and 0.895 -> 0.915, precision unchanged).
    undated_sharpness: float = 40.0
    # A name that only resembles AND a date that only nearly agrees are two independent
    # keying errors at once, rarer than either alone, and the commonest false suggestion at
    # 100k (relatives and namesakes one digit apart). Tuned on seed 1 at 100k people only:
    # precision 0.920 -> 0.951 at recall 0.902 on seed 2017 (docs/PERFORMANCE.md).
    both_inexact: float = 0.95
    # One-to-one linkage (Jaro 1989, the 1985 Tampa census match): a record is at most one
    # person, so a candidate whose evidence is clearly weaker than the best candidate's for
    # the same query is discounted by (score / best) ** rival_sharpness; equal evidence is
    # untouched. Chosen on seeds 1 and 2 at 100k people (docs/PERFORMANCE.md); 0 turns it off.
    rival_sharpness: float = 5.0
    # Without a date of birth, how much likelier a person known at the candidate's address
    # is to be them than a namesake known elsewhere: a likelihood ratio, assumed (not measured
    # on real records), then chosen among 50 / 200 / 500 / 1000 on seeds 1 and 2 at 100k
    # people (docs/PERFORMANCE.md). A shared household is strong evidence of identity only
    # together with an agreeing name, which the name share still requires. 1 turns it off.
    shared_address: float = 200.0
    # Without a date of birth, the weight of "someone not on the index" in the share (in the
    # units of an exact name, whose weight is 1): a stranger with the same name is recorded
    # undated as often as the person is, so name agreement alone is weak evidence. Chosen
    # among 0 / 0.1 / 0.15 / 0.2 / 0.3 on seeds 1 and 2 at 100k people (0.15 and below took
    # precision under 0.95 on seed 2). 0 splits the share among the candidates only.
    undated_stranger: float = 0.2
    # Without a date of birth on one side, an estimate of when that side was born (the age
    # they gave or appeared to be, ``BirthYears``) against the other side's date or estimate:
    # how much likelier the person is to be them when the years fit, and when they do not.
    # Likelihood ratios in the undated share, like ``shared_address``. Assumed first: a
    # stranger fits a ten-year band about one time in seven on an index born over seventy
    # years, and an estimate misses the true year about one time in ten, so about 6 and 0.12.
    # Then chosen among 2 / 3 / 5 / 10 and 0.05 / 0.1 on seeds 1 and 2 at 100k people with
    # 6,000 queries (docs/PERFORMANCE.md): 3 and 0.1 gained 0.012-0.013 recall for
    # 0.003-0.004 precision; 5 and 10 added at most 0.004 more recall and cost up to 0.005
    # more precision. 1 and 1 turn it off.
    age_fits: float = 3.0
    age_does_not_fit: float = 0.1
    max_suggestions: int = 10

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ConfigurationError(f"match threshold {self.threshold} must be in (0, 1]")
        if self.undated_stranger < 0.0:
            raise ConfigurationError(
                f"undated-stranger weight {self.undated_stranger} must not be negative"
            )
        if self.age_fits < 1.0 or not 0.0 < self.age_does_not_fit <= 1.0:
            raise ConfigurationError(
                f"apparent-age evidence {self.age_fits} / {self.age_does_not_fit} must be at "
                "least 1 when the years fit and in (0, 1] when they do not"
            )
        if self.shared_address < 1.0:
            raise ConfigurationError(
                f"shared-address evidence {self.shared_address} must be at least 1 (1: unused)"
            )


DEFAULT_POLICY = MatchPolicy()
DOB_MISSING = "date of birth not recorded on one side"
SHARED_ADDRESS = "known at the same address"


@dataclass(frozen=True, slots=True)
class MatchSuggestion:
    """A person on the index who may be the candidate, with the reasons for thinking so."""

    person_ref: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NameAgreement:
    """How the best pair of names agreed."""

    score: float
    given: float
    family: float
    swapped: bool
    candidate_name: IndexedName
    indexed_name: IndexedName
    alias: bool


def _pair(a: IndexedName, b: IndexedName, policy: MatchPolicy) -> tuple[float, float, float, bool]:
    given = given_similarity(a.given, b.given)
    family = jaro_winkler(a.family, b.family)
    direct = given**policy.given_power * family**policy.family_power
    s_given = given_similarity(a.given, b.family)
    s_family = jaro_winkler(a.family, b.given)
    swapped = s_given**policy.given_power * s_family**policy.family_power * policy.swapped_factor
    if swapped > direct:
        return swapped, s_given, s_family, True
    return direct, given, family, False


def compare_names(
    candidate: tuple[IndexedName, ...], indexed: tuple[IndexedName, ...], policy: MatchPolicy
) -> NameAgreement:
    """The best-agreeing pair of names over every name and alias on both sides."""
    best: NameAgreement | None = None
    for i, a in enumerate(candidate):
        for j, b in enumerate(indexed):
            score, given, family, swapped = _pair(a, b, policy)
            if best is None or score > best.score:
                best = NameAgreement(score, given, family, swapped, a, b, i > 0 or j > 0)
    if best is None:
        raise ValueError("a person always has at least one name")
    return best


def _one_digit_apart(a: date, b: date) -> bool:
    return sum(x != y for x, y in zip(a.strftime("%Y%m%d"), b.strftime("%Y%m%d"), strict=True)) == 1


def compare_dates(a: date | None, b: date | None, policy: MatchPolicy) -> tuple[float, str]:
    """The date-of-birth factor and its reason."""
    if a is None or b is None:
        return policy.dob_missing, DOB_MISSING
    if a == b:
        return 1.0, "date of birth matches"
    if a.year == b.year and a.day == b.month and a.month == b.day:
        return policy.dob_transposed, "date of birth matches with day and month transposed"
    if _one_digit_apart(a, b):
        return policy.dob_one_digit, "date of birth differs by one digit"
    if b.day <= 12 and _one_digit_apart(a, date(b.year, b.day, b.month)):
        factor = policy.dob_transposed * policy.dob_one_digit
        return factor, "date of birth differs by one digit with day and month transposed"
    return policy.dob_different, "date of birth differs"


def compare_ages(a: Person, b: Person, policy: MatchPolicy) -> tuple[float, str | None]:
    """Birth-year evidence when a date of birth is missing: its likelihood ratio and reason.

    Used only where ``compare_dates`` found no date to compare; (1, None) when either side
    has neither a date nor an estimate. The reason names every estimate involved (the
    other side's date of birth is shown beside the suggestion).
    """
    years_a, years_b = a.birth_years, b.birth_years
    if years_a is None or years_b is None:
        return 1.0, None
    named = " and ".join(str(e) for e in (a.estimated_birth, b.estimated_birth) if e)
    if years_a.overlaps(years_b):
        return policy.age_fits, f"apparent age fits: {named}"
    return policy.age_does_not_fit, f"apparent age does not fit: {named}"


def _name_reasons(names: NameAgreement) -> list[str]:
    a, b = names.candidate_name, names.indexed_name
    reasons = []
    if names.alias:
        reasons.append(f"matched on the name {b.given} {b.family}")
    if names.swapped:
        reasons.append("given and family names swapped")
        a = IndexedName(a.family, a.given)
    if a.given == b.given:
        reasons.append("given name matches")
    elif is_short_form(a.given, b.given):
        reasons.append(f"given name is a short form ({a.given} / {b.given})")
    else:
        reasons.append(f"given name similar ({names.given:.2f})")
    if a.family == b.family:
        reasons.append("family name matches")
    else:
        reasons.append(f"family name similar ({names.family:.2f})")
    return reasons


@dataclass(frozen=True, slots=True)
class _Scored:
    ref: str
    names: NameAgreement
    date_factor: float
    date_reason: str
    age_ratio: float = 1.0  # undated only: the apparent-age evidence (1: none)
    age_reason: str | None = None

    @property
    def undated(self) -> bool:
        return self.date_reason == DOB_MISSING


def _scored(candidate: Person, index: NominalIndex, policy: MatchPolicy) -> list[_Scored]:
    names = indexed_names(candidate)
    scored = []
    for ref in index.candidates(candidate):
        agreement = compare_names(names, index.names_of(ref), policy)
        if agreement.score < policy.threshold:
            continue  # the date factor is at most 1, so this can never reach the threshold
        other = index.get(ref)
        factor, reason = compare_dates(candidate.date_of_birth, other.date_of_birth, policy)
        if reason == DOB_MISSING:
            scored.append(_Scored(ref, agreement, factor, reason,
                                  *compare_ages(candidate, other, policy)))  # fmt: skip
        else:
            scored.append(_Scored(ref, agreement, factor, reason))
    return scored


def suggest_matches(
    candidate: Person,
    index: NominalIndex,
    today: date,
    policy: MatchPolicy = DEFAULT_POLICY,
    places: frozenset[str] = frozenset(),
) -> list[MatchSuggestion]:
    """Likely duplicates of ``candidate`` on the index, best first; a suggestion, never a merge.

    Without a date of birth to tell them apart, people whose names agree share the evidence
    (a sharpened softmax over name scores): k exact namesakes are each 1/k likely, so none
    is suggested as a duplicate, while one exact name among near-spellings still is. A
    person known at one of the candidate's ``places`` (address match keys) weighs
    ``shared_address`` times more in that share: one exact namesake at the address where
    the candidate is being recorded stands out from namesakes elsewhere. An apparent age
    (estimated birth years) that fits weighs ``age_fits`` times more, one that does not
    ``age_does_not_fit`` times as much.
    """
    validate_person(candidate, today)
    scored = _scored(candidate, index, policy)
    sharp = policy.undated_sharpness
    undated = [s for s in scored if s.undated]
    at_place = {s.ref: bool(places & index.places_of(s.ref)) for s in undated}  # decided once
    weights = {
        s.ref: s.names.score**sharp
        * s.age_ratio
        * (policy.shared_address if at_place[s.ref] else 1.0)
        for s in undated
    }
    share = sum(weights.values()) + policy.undated_stranger
    found = []
    for s in scored:
        score = s.names.score * s.date_factor
        extra: list[str] = []
        if s.undated:
            score *= weights[s.ref] / share
            if s.age_reason is not None:
                extra.append(s.age_reason)
            if at_place[s.ref]:
                extra.append(SHARED_ADDRESS)
        elif s.date_factor < 1.0 and s.names.score < 1.0:
            score *= policy.both_inexact
        if score >= policy.threshold:
            reasons = (*_name_reasons(s.names), s.date_reason, *extra)
            found.append(MatchSuggestion(s.ref, round(score, 4), reasons))
    found.sort(key=lambda s: (-s.score, s.person_ref))
    return _without_weaker_rivals(found, policy)[: policy.max_suggestions]


def _without_weaker_rivals(
    found: list[MatchSuggestion], policy: MatchPolicy
) -> list[MatchSuggestion]:
    """Drop suggestions the one-to-one discount takes below the threshold (best first kept)."""
    if not found or policy.rival_sharpness <= 0:
        return found
    best = found[0].score
    return [
        s for s in found if s.score * (s.score / best) ** policy.rival_sharpness >= policy.threshold
    ]
