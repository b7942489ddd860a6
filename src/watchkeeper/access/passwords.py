"""Password hashing behind a small port (argon2id in production) and the password policy."""

from __future__ import annotations

from typing import Protocol

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

from watchkeeper.kernel.errors import InputError

# NCSC password guidance favours length over composition rules; 12 is the floor we enforce.
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # bounds the hashing work one request can ask for


class PasswordHasher(Protocol):
    """Turns a password into a stored hash and checks a password against one."""

    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


class Argon2PasswordHasher:
    """argon2id with argon2-cffi's default (RFC 9106 low-memory) parameters."""

    def __init__(self) -> None:
        self._hasher = argon2.PasswordHasher()

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def check_password_policy(password: str) -> None:
    """Refuse passwords shorter than MIN_PASSWORD_LENGTH (or absurdly long)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InputError(f"a password may have at most {MAX_PASSWORD_LENGTH} characters")
