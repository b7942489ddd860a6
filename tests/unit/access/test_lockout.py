"""Lock-out: the N-th failure within the window locks; a success clears the count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from watchkeeper.access.lockout import LockoutPolicy, after_failure, after_success, is_locked
from watchkeeper.access.model import Role
from watchkeeper.access.ports import StoredUser

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)  # the fixed clock in conftest starts here

USER = StoredUser("u", "U", Role.ANALYST, "h")
POLICY = LockoutPolicy(max_failures=3, window=timedelta(minutes=10), duration=timedelta(minutes=5))


def test_the_configured_number_of_failures_within_the_window_locks_for_the_duration():
    user = USER
    for minute in (0, 4, 9):
        user = after_failure(user, T0 + timedelta(minutes=minute), POLICY)

    assert user.locked_until == T0 + timedelta(minutes=14)
    assert is_locked(user, T0 + timedelta(minutes=13, seconds=59))
    assert not is_locked(user, T0 + timedelta(minutes=14))


def test_a_failure_after_the_window_starts_a_new_count():
    user = after_failure(after_failure(USER, T0, POLICY), T0 + timedelta(minutes=1), POLICY)
    user = after_failure(user, T0 + timedelta(minutes=10), POLICY)

    assert (user.failed_count, user.locked_until) == (1, None)


def test_a_success_clears_the_count():
    user = after_failure(after_failure(USER, T0, POLICY), T0, POLICY)

    assert after_success(user).failed_count == 0
