"""Lock-out after repeated failed sign-ins: N failures within a window lock the account."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from watchkeeper.access.ports import StoredUser


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    """Assumed defaults (no national standard is cited): 5 failures in 15 minutes lock the
    account for 15 minutes. Configurable through settings."""

    max_failures: int = 5  # assumed
    window: timedelta = timedelta(minutes=15)  # assumed
    duration: timedelta = timedelta(minutes=15)  # assumed


def is_locked(user: StoredUser, now: datetime) -> bool:
    return user.locked_until is not None and now < user.locked_until


def after_failure(user: StoredUser, now: datetime, policy: LockoutPolicy) -> StoredUser:
    """The account after one more failed sign-in at ``now``; locked on the N-th in a window."""
    window_open = user.first_failure_at is not None and now - user.first_failure_at < policy.window
    count = user.failed_count + 1 if window_open else 1
    first = user.first_failure_at if window_open else now
    if count >= policy.max_failures:
        return replace(
            user, failed_count=0, first_failure_at=None, locked_until=now + policy.duration
        )
    return replace(user, failed_count=count, first_failure_at=first)


def after_success(user: StoredUser) -> StoredUser:
    """The account after a successful sign-in: counters cleared."""
    return replace(user, failed_count=0, first_failure_at=None, locked_until=None)
