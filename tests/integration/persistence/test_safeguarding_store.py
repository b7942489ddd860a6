"""The registers' SQL stores on each engine: round trips, refusals, append-only histories."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from watchkeeper.duties.lifecycle import acknowledge, create_duty
from watchkeeper.kernel.errors import ConcurrencyConflict, DomainRuleViolation, InputError, NotFound
from watchkeeper.people.addresses import Address
from watchkeeper.people.index import key_strings
from watchkeeper.people.model import Person, PersonName
from watchkeeper.persistence.uow import SqlUnitOfWork
from watchkeeper.safeguarding.ports import DaCase, DashSubmission, IncidentLink

T0 = datetime(2024, 2, 29, 23, 30, tzinfo=UTC)


def _person(ref="P-1"):
    names = (PersonName("Jon", "Smyth"), PersonName("John", "Smith"))
    return Person(ref, names, date(1980, 2, 29), frozenset({"cse"}))


def test_a_person_with_aliases_and_markers_round_trips(engine):
    with SqlUnitOfWork(engine) as uow:
        uow.people.add_person(_person(), T0)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.people.get_person("P-1") == _person()
        # found through any blocking key of either name (Soundex: SMYTH = SMITH)
        query = Person("Q", (PersonName("John", "Smith"),), None)
        assert [p.person_ref for p in uow.people.people_sharing(key_strings(query))] == ["P-1"]
        assert (
            uow.people.people_sharing(key_strings(Person("Q", (PersonName("Ann", "Lee"),)))) == []
        )


def test_the_candidate_search_survives_a_typo_that_changes_the_family_names_soundex(engine):
    with SqlUnitOfWork(engine) as uow:
        uow.people.add_person(Person("P-2", (PersonName("Cleamell", "Clindsey"),),
                                     date(1957, 4, 18)), T0)  # fmt: skip
        uow.commit()
    typo = Person("Q", (PersonName("Cleamell", "Lcindsey"),), None)  # no date of birth either
    with SqlUnitOfWork(engine) as uow:
        assert [p.person_ref for p in uow.people.people_sharing(key_strings(typo))] == ["P-2"]


def test_a_person_is_filed_once(engine):
    with SqlUnitOfWork(engine) as uow:
        uow.people.add_person(_person(), T0)
        with pytest.raises(InputError, match="already on the index"):
            uow.people.add_person(_person(), T0)


def test_addresses_are_found_by_their_match_key_and_linked_to_people_and_incidents(engine):
    with SqlUnitOfWork(engine) as uow:
        uow.people.add_person(_person(), T0)
        uow.people.add_address(Address("A-1", ("12 Canal Street", "Town"), "b5 4lp"))
        uow.people.link_address("P-1", "A-1", "lives-at")
        uow.people.link_address("P-1", "A-1", "lives-at")  # once only
        uow.people.link_incident(IncidentLink("INC-1", "P-1", "A-1", "victim", "ppo", T0))
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.people.addresses_matching("12 CANAL STREET TOWN B5 4LP") == ["A-1"]
        assert uow.people.people_at("A-1") == [("P-1", "lives-at")]
        assert [link.incident_id for link in uow.people.incident_links("P-1")] == ["INC-1"]
        assert uow.people.incident_links("P-1")[0].linked_at == T0


def test_a_match_suggestion_is_stored_once_and_decided_once(engine):
    with SqlUnitOfWork(engine) as uow:
        assert uow.people.add_suggestion("P-2", "P-1", 0.9, ["names agree"], T0)
        assert not uow.people.add_suggestion("P-1", "P-2", 0.9, ["names agree"], T0)
        [pending] = uow.people.suggestions()
        uow.people.decide_suggestion(pending.suggestion_id, "different", "ppo", "twins", T0)
        with pytest.raises(DomainRuleViolation, match="already different"):
            uow.people.decide_suggestion(pending.suggestion_id, "same-person", "ppo", "x", T0)
        assert uow.people.suggestions() == []


def test_a_da_case_keeps_every_dash_version(engine):
    case = DaCase("DA-1", "P-1", T0, incident_id="INC-1")
    with SqlUnitOfWork(engine) as uow:
        uow.domestic_abuse.add_case(case)
        for seq in (1, 2):
            uow.domestic_abuse.add_submission(
                DashSubmission(
                    "DA-1", seq, "dash-police-2009", "2009.1", {"q": "yes"}, seq, "ppo", T0
                )
            )
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.domestic_abuse.get_case("DA-1") == case
        assert [s.seq for s in uow.domestic_abuse.submissions("DA-1")] == [1, 2]
        assert uow.domestic_abuse.cases_for_incident("INC-1") == [case]
        with pytest.raises(NotFound):
            uow.domestic_abuse.get_case("DA-9")


def test_a_duty_history_is_appended_and_a_stale_copy_is_refused(engine):
    duty = create_duty("D-1", "rso-visit", "RSO-1", owner="ppo", supervisor="sgt",
                       due_at=T0 + timedelta(days=1), escalate_after=timedelta(hours=4),
                       at=T0, by="ppo")  # fmt: skip
    with SqlUnitOfWork(engine) as uow:
        uow.duties.add(duty)
        seen = acknowledge(duty, by="ppo", at=T0 + timedelta(minutes=1))
        uow.duties.save(seen)
        with pytest.raises(ConcurrencyConflict):
            uow.duties.save(duty)  # an older copy cannot overwrite the history
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.duties.get("D-1") == seen
        assert [d.duty_id for d in uow.duties.open_for_owner("ppo")] == ["D-1"]
        assert [d.duty_id for d in uow.duties.open_due_before(T0 + timedelta(days=2))] == ["D-1"]
        assert uow.duties.open_due_before(T0) == []
