"""Application-level field encryption with keys kept outside the database.

Sensitive free text (victim details; the personal fields of incident log entries, see
``entry_sealing``) is encrypted with Fernet (AES-128-CBC with an
HMAC-SHA256 tag, from the ``cryptography`` package) before it reaches the database, so a
copy of the database or a backup archive alone discloses nothing. The keyring is a file of
Fernet keys, one a line, newest first (mode 0600). Rotation writes a new key at the top and
re-encrypts every stored value with it; older keys stay in the file so older backups can
still be read, until an administrator retires them.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from watchkeeper.kernel.errors import ConfigurationError


def key_id(key: bytes) -> str:
    """A short public name for a key (a hash prefix; reveals nothing of the key)."""
    return hashlib.sha256(key).hexdigest()[:12]


class FieldKeyring:
    """The key file: read it, create it (0600) if absent, add a newest key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def keys(self) -> list[bytes]:
        """The keys, newest first; a first key is generated when the file does not exist."""
        if not self.path.exists():
            self._create_first()
        return self._read()

    def _create_first(self) -> None:
        """Write a first key to a private file, then link it into place: a process racing
        to do the same never reads a half-written file (the link fails if one exists)."""
        partial = self.path.with_name(f"{self.path.name}.{secrets.token_hex(8)}.new")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(Fernet.generate_key() + b"\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.link(partial, self.path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            partial.unlink()

    def add_newest(self) -> bytes:
        """Put a new key at the top of the file (written to a temporary file, then renamed)."""
        keys = [Fernet.generate_key(), *self.keys()]
        partial = self.path.with_name(self.path.name + ".partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(b"".join(key + b"\n" for key in keys))
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(self.path)
        return keys[0]

    def _read(self) -> list[bytes]:
        lines = [line.strip() for line in self.path.read_bytes().splitlines() if line.strip()]
        if not lines:
            raise ConfigurationError(f"field key file {self.path} holds no key")
        for number, line in enumerate(lines, start=1):
            try:
                Fernet(line)
            except ValueError:
                raise ConfigurationError(
                    f"field key file {self.path} line {number} is not a Fernet key"
                ) from None
        return lines


class FieldCipher:
    """Encrypts with the newest key; decrypts with any key in the keyring."""

    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise ConfigurationError("field encryption needs at least one key")
        self._fernet = MultiFernet([Fernet(key) for key in keys])
        self.current_key_id = key_id(keys[0])

    @classmethod
    def from_keyring(cls, keyring: FieldKeyring) -> FieldCipher:
        return cls(keyring.keys())

    def encrypt(self, text: str) -> tuple[str, str]:
        """(key id, token) for ``text``."""
        token = self._fernet.encrypt(text.encode("utf-8"))
        return self.current_key_id, token.decode("ascii")

    def decrypt(self, token: str, where: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise ConfigurationError(
                f"{where}: no key in the field keyring decrypts this value (wrong or "
                "retired key file?)"
            ) from None

    def rotate(self, token: str, where: str) -> tuple[str, str]:
        """(newest key id, the value re-encrypted with the newest key)."""
        try:
            rotated = self._fernet.rotate(token.encode("ascii"))
        except InvalidToken:
            raise ConfigurationError(
                f"{where}: no key in the field keyring decrypts this value"
            ) from None
        return self.current_key_id, rotated.decode("ascii")
