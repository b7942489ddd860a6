"""Passwords: argon2id hashes that verify, and the length policy."""

from __future__ import annotations

import pytest

from watchkeeper.access.passwords import Argon2PasswordHasher, check_password_policy
from watchkeeper.kernel.errors import InputError


def test_an_argon2id_hash_verifies_its_password_and_nothing_else():
    hasher = Argon2PasswordHasher()
    hashed = hasher.hash("a sound passphrase")

    assert hashed.startswith("$argon2id$")
    assert hasher.verify(hashed, "a sound passphrase")
    assert not hasher.verify(hashed, "a sound passphrasE")
    assert not hasher.verify("not-a-hash", "a sound passphrase")


@pytest.mark.parametrize("password", ["", "short", "x" * 11, "x" * 1025])
def test_passwords_outside_twelve_to_1024_characters_are_refused(password):
    with pytest.raises(InputError):
        check_password_policy(password)


def test_a_twelve_character_password_is_accepted():
    check_password_policy("x" * 12)
