"""Errors every layer may raise; entry points turn them into one clear line."""

from __future__ import annotations


class WatchkeeperError(Exception):
    """Base class: a refusal or failure the user should read, with a stable code."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DomainRuleViolation(WatchkeeperError):
    """A rule of the domain refused the request (e.g. re-grading a closed incident)."""

    code = "rule_violation"


class NotFound(WatchkeeperError):
    """The record asked for does not exist."""

    code = "not_found"


class ConfigurationError(WatchkeeperError):
    """Force configuration is invalid; the message names the key and the reason."""

    code = "invalid_configuration"


class ConcurrencyConflict(WatchkeeperError):
    """Someone else changed the record first; reload and try again."""

    code = "conflict"


class InputError(WatchkeeperError):
    """Input from a user or a file is malformed; the message names where."""

    code = "bad_input"


class Unauthenticated(WatchkeeperError):
    """No valid session or operator: sign in first."""

    code = "unauthenticated"


class PermissionDenied(WatchkeeperError):
    """The actor's role does not allow this action."""

    code = "forbidden"
