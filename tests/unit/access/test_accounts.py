"""Accounts: who may create them, lock-out, sessions, and the one generic sign-in refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.access.accounts import SESSION_REFUSED, SIGN_IN_REFUSED
from watchkeeper.access.model import Actor, Role
from watchkeeper.access.sessions import token_hash
from watchkeeper.kernel.errors import InputError, PermissionDenied, Unauthenticated

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)  # the fixed clock in conftest starts here
PASSWORD = "correct-horse-battery"  # as in conftest

ADMIN = Actor("admin", Role.ADMINISTRATOR, "web")


@pytest.fixture
def handler(accounts):
    accounts.create_user(ADMIN, "handler", "Call Handler", Role.CALL_HANDLER, PASSWORD)
    return "handler"


def _fail(accounts, username="handler", times=1):
    for _ in range(times):
        with pytest.raises(Unauthenticated):
            accounts.sign_in(username, "wrong-password-here", "10.0.0.1")


def test_an_administrator_creates_an_account_and_it_is_listed_without_its_hash(accounts, handler):
    listed = accounts.list_users(ADMIN)

    assert [(u.username, u.role, u.enabled, u.locked_until) for u in listed] == [
        ("admin", Role.ADMINISTRATOR, True, None),
        ("handler", Role.CALL_HANDLER, True, None),
    ]
    assert not hasattr(listed[0], "password_hash")


def test_a_password_shorter_than_twelve_characters_is_refused(accounts):
    with pytest.raises(InputError, match="at least 12 characters"):
        accounts.create_user(ADMIN, "short", "Short", Role.ANALYST, "elevenchars")


def test_a_duplicate_username_is_refused_with_a_clear_error(accounts, handler):
    with pytest.raises(InputError, match="'handler' is already taken"):
        accounts.create_user(ADMIN, "handler", "Another", Role.ANALYST, PASSWORD)


def test_an_account_without_an_actor_is_refused_once_any_account_exists(accounts):
    with pytest.raises(PermissionDenied, match="accounts exist"):
        accounts.create_user(None, "sneaky", "Sneaky", Role.ADMINISTRATOR, PASSWORD)


def test_a_role_without_users_manage_may_not_create_accounts_and_the_refusal_is_audited(
    accounts, handler, db
):
    actor = Actor("handler", Role.CALL_HANDLER, "web")

    with pytest.raises(PermissionDenied):
        accounts.create_user(actor, "new-user", "New", Role.ANALYST, PASSWORD)

    last = db.audit[-1]
    assert (last.username, last.action, last.record_id, last.outcome) == (
        "handler",
        "users.manage",
        "new-user",
        "refused",
    )
    assert "new-user" not in db.users


def test_signing_in_grants_a_session_for_the_stored_role(accounts, handler, clock):
    grant = accounts.sign_in("handler", PASSWORD, "10.0.0.1")

    assert grant.actor == Actor("handler", Role.CALL_HANDLER, "web")
    assert grant.expires_at == T0 + timedelta(minutes=30)
    assert grant.csrf_token and grant.csrf_token != grant.token


def test_only_the_sha256_of_the_session_token_is_stored(accounts, handler, db):
    grant = accounts.sign_in("handler", PASSWORD, "10.0.0.1")

    assert list(db.sessions) == [token_hash(grant.token)]
    assert grant.token not in repr(db.sessions)


def test_every_sign_in_gets_a_new_token(accounts, handler):
    first = accounts.sign_in("handler", PASSWORD, "10.0.0.1")
    second = accounts.sign_in("handler", PASSWORD, "10.0.0.1")

    assert first.token != second.token
    assert accounts.session(first.token).actor == accounts.session(second.token).actor


@pytest.mark.parametrize(
    ("username", "password"),
    [("nobody", PASSWORD), ("handler", "wrong-password-here"), ("", "")],
)
def test_every_sign_in_failure_gives_the_same_generic_message(
    accounts, handler, username, password
):
    with pytest.raises(Unauthenticated) as refused:
        accounts.sign_in(username, password, "10.0.0.1")

    assert refused.value.message == SIGN_IN_REFUSED


def test_four_failures_leave_the_account_open_and_the_fifth_locks_it(accounts, handler, db):
    _fail(accounts, times=4)
    assert accounts.sign_in("handler", PASSWORD, "10.0.0.1")

    _fail(accounts, times=5)

    assert db.users["handler"].locked_until == T0 + timedelta(minutes=15)
    with pytest.raises(Unauthenticated) as refused:
        accounts.sign_in("handler", PASSWORD, "10.0.0.1")  # even the right password
    assert refused.value.message == SIGN_IN_REFUSED
    assert [e.action for e in db.audit].count("account.locked") == 1


def test_a_locked_account_opens_again_when_the_lock_out_ends(accounts, handler, clock):
    _fail(accounts, times=5)

    clock.advance(timedelta(minutes=14, seconds=59))
    with pytest.raises(Unauthenticated):  # still locked, right password or not
        accounts.sign_in("handler", PASSWORD, "10.0.0.1")
    clock.advance(timedelta(seconds=1))

    assert accounts.sign_in("handler", PASSWORD, "10.0.0.1").actor.username == "handler"


def test_failures_spread_wider_than_the_window_do_not_lock(accounts, handler, clock, db):
    _fail(accounts, times=4)
    clock.advance(timedelta(minutes=15))
    _fail(accounts, times=4)

    assert db.users["handler"].locked_until is None


def test_failures_and_lock_outs_are_audited_without_the_attempted_unknown_name(
    accounts, handler, db
):
    _fail(accounts, username="typed-my-password-here")
    _fail(accounts, times=5)

    unknown = [e for e in db.audit if e.reason == "unknown user"]
    assert len(unknown) == 1 and unknown[0].record_id == "" and unknown[0].outcome == "refused"
    assert "typed-my-password-here" not in repr(db.audit)
    refused = [e for e in db.audit if e.action == "account.sign-in" and e.username == "handler"]
    assert [e.reason for e in refused] == ["wrong password"] * 5


def test_a_session_expires_after_thirty_idle_minutes(accounts, handler, clock):
    grant = accounts.sign_in("handler", PASSWORD, "10.0.0.1")

    clock.advance(timedelta(minutes=29))
    assert accounts.session(grant.token).expires_at == clock.now() + timedelta(minutes=30)
    clock.advance(timedelta(minutes=30))

    with pytest.raises(Unauthenticated) as refused:
        accounts.session(grant.token)
    assert refused.value.message == SESSION_REFUSED


def test_a_session_in_constant_use_still_ends_twelve_hours_after_sign_in(accounts, handler, clock):
    grant = accounts.sign_in("handler", PASSWORD, "10.0.0.1")
    for _ in range(47):
        clock.advance(timedelta(minutes=15))
        accounts.session(grant.token)

    assert accounts.session(grant.token).expires_at == T0 + timedelta(hours=12)
    clock.advance(timedelta(minutes=15))
    with pytest.raises(Unauthenticated):
        accounts.session(grant.token)


def test_signing_out_ends_the_session_and_is_audited(accounts, handler, db):
    grant = accounts.sign_in("handler", PASSWORD, "10.0.0.1")

    accounts.sign_out(grant.token)

    with pytest.raises(Unauthenticated):
        accounts.session(grant.token)
    assert db.audit[-1].action == "account.sign-out"
    accounts.sign_out(grant.token)  # a second sign-out is harmless


def test_an_unknown_token_is_not_a_session(accounts):
    with pytest.raises(Unauthenticated):
        accounts.session("made-up")


def test_the_cli_operator_is_a_stored_enabled_account(accounts, handler):
    assert accounts.operator("handler") == Actor("handler", Role.CALL_HANDLER, "cli")
    with pytest.raises(Unauthenticated, match="'ghost' is not a stored, enabled account"):
        accounts.operator("ghost")


def test_listing_accounts_needs_users_read(accounts, handler):
    with pytest.raises(PermissionDenied):
        accounts.list_users(Actor("handler", Role.CALL_HANDLER, "web"))
