"""Adding a new person as an OCG member from the page: one transaction, both or neither."""

from __future__ import annotations

from datetime import date

from watchkeeper.access.model import Actor, Role
from watchkeeper.people.model import Person, PersonName

SOC = Actor(Role.SOC_OFFICER.value, Role.SOC_OFFICER, channel="web")
ASKED = {"given": "Rowan", "family": "Achterberg", "date_of_birth": "1991-04-12",
         "role": "associate"}  # fmt: skip


def _on_index(application) -> list[str]:
    probe = Person("P-PROBE", (PersonName("Rowan", "Achterberg"),), date(1991, 4, 12))
    return [s.person_ref for s, _ in application.safeguarding.people.match_candidates(SOC, probe)]


def test_a_refused_membership_files_no_person_and_the_error_is_shown(
    signed_in, application, accounts
) -> None:
    register = application.soc.register
    group_id = register.register_group(SOC, "Canal Crew", ("fraud",), ("east",)).group_id
    register.change_state(SOC, group_id, "archived", "dismantled")
    soc = signed_in(Role.SOC_OFFICER)
    refused = soc.post(f"/soc/groups/{group_id}/members", data=ASKED | {"choice": "new"})
    assert refused.status_code == 400
    assert f"group {group_id} is archived; it cannot be given a new member" in refused.text
    assert _on_index(application) == []  # the person was not filed without the membership
    assert register.show_group(SOC, group_id).group.members == ()


def test_a_confirmed_new_person_is_filed_and_linked_together(
    signed_in, application, accounts
) -> None:
    register = application.soc.register
    group_id = register.register_group(SOC, "Ridge Lane", ("drug-supply",), ("north",)).group_id
    soc = signed_in(Role.SOC_OFFICER)
    added = soc.post(f"/soc/groups/{group_id}/members", data=ASKED | {"choice": "new"})
    assert added.status_code == 200 and "Member added." in added.text
    members = register.show_group(SOC, group_id).group.members
    assert len(members) == 1 and _on_index(application) == [members[0].person_ref]
