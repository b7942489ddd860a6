"""The files outside the database that make the audit chain trustworthy.

The key file holds the HMAC key (created 0600 on first use). The head file is append-only
JSON lines, one per export: ``{"seq": n, "chain_hash": "...", "exported_at": "..."}``; an
export is taken by ``watchkeeper audit export-head`` and at the end of every CLI command.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import datetime
from pathlib import Path

from watchkeeper.access.ports import ChainHead
from watchkeeper.kernel.errors import ConfigurationError

KEY_BYTES = 32


def load_or_create_key(path: Path) -> bytes:
    """The audit key in ``path``; a new random key is written (mode 0600) if it is absent."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(KEY_BYTES) + "\n")
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (ValueError, UnicodeDecodeError):
        raise ConfigurationError(f"audit key file {path} does not hold a hex key") from None
    if len(key) < KEY_BYTES:
        raise ConfigurationError(f"audit key file {path} holds fewer than {KEY_BYTES} bytes")
    return key


def last_exported_head(path: Path) -> ChainHead | None:
    """The head most recently exported to ``path``; None when nothing was exported yet."""
    if not path.exists():
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        return None
    try:
        document = json.loads(lines[-1])
        return ChainHead(int(document["seq"]), str(document["chain_hash"]))
    except (ValueError, KeyError, TypeError):
        raise ConfigurationError(f"audit head file {path}: last line is not a head") from None


def append_head(path: Path, head: ChainHead, at: datetime) -> None:
    """Append ``head`` to the head file (created if absent); earlier lines stay as they are."""
    line = json.dumps(
        {"seq": head.seq, "chain_hash": head.chain_hash, "exported_at": at.isoformat()},
        sort_keys=True,
    )
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
