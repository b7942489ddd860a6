"""Settings: where the database is, which force profile applies, how accounts and the audit
chain behave. Read once by bootstrap.

Environment variables (all optional):

- ``WATCHKEEPER_DATABASE_URL``: the store (default ``sqlite:///watchkeeper.db``).
- ``WATCHKEEPER_FORCE_PROFILE``: a force profile TOML file (default: the bundled one).
- ``WATCHKEEPER_OPERATOR``: the stored account the CLI acts as when ``--as`` is not given
  (default: ``supervisor`` when that demo account exists).
- ``WATCHKEEPER_AUDIT_KEY_FILE``: the audit chain's HMAC key, kept outside the database
  (default ``watchkeeper-audit.key`` in the working directory; created 0600 if absent).
- ``WATCHKEEPER_AUDIT_HEAD_FILE``: where chain heads are exported, one JSON line each
  (default ``watchkeeper-audit.head`` in the working directory).
- ``WATCHKEEPER_LOCKOUT_FAILURES`` / ``_LOCKOUT_WINDOW_MINUTES`` / ``_LOCKOUT_MINUTES``:
  failed sign-ins within the window that lock an account, and for how long (5 / 15 / 15,
  assumed defaults: no national standard is cited).
- ``WATCHKEEPER_SESSION_IDLE_MINUTES`` / ``_SESSION_ABSOLUTE_HOURS``: a session ends after
  this long unused, and at the latest this long after sign-in (30 / 12, assumed: one shift).
- ``WATCHKEEPER_FIELD_KEY_FILE``: the keys that encrypt sensitive fields (victim details,
  the personal fields of incident log entries), kept outside the database (default ``watchkeeper-fields.key``; created 0600 if absent).
- ``WATCHKEEPER_RETENTION_FILE``: a MoPI review configuration TOML (default: the bundled
  ``retention.toml``).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from watchkeeper.incidents.policy import ForceProfile, parse_force_profile
from watchkeeper.kernel.errors import ConfigurationError

DEFAULT_DATABASE_URL = "sqlite:///watchkeeper.db"
DEFAULT_AUDIT_KEY_FILE = Path("watchkeeper-audit.key")
DEFAULT_AUDIT_HEAD_FILE = Path("watchkeeper-audit.head")
DEFAULT_FIELD_KEY_FILE = Path("watchkeeper-fields.key")


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    force_profile_path: Path | None
    operator: str = ""  # empty: not configured (the CLI then falls back to the demo supervisor)
    operator_role: str = ""  # unused: roles now come from the stored account
    audit_key_file: Path = DEFAULT_AUDIT_KEY_FILE
    audit_head_file: Path = DEFAULT_AUDIT_HEAD_FILE
    lockout_failures: int = 5  # assumed
    lockout_window_minutes: float = 15.0  # assumed
    lockout_minutes: float = 15.0  # assumed
    session_idle_minutes: float = 30.0  # assumed
    session_absolute_hours: float = 12.0  # assumed: one control-room shift
    field_key_file: Path = DEFAULT_FIELD_KEY_FILE  # issue 8: field encryption keys
    retention_file: Path | None = None  # issue 8: None is the bundled retention.toml


def settings_from_env(environ: dict[str, str] | None = None) -> Settings:
    """Settings from the environment (WATCHKEEPER_*), with embedded defaults."""
    env = dict(os.environ) if environ is None else environ
    profile = env.get("WATCHKEEPER_FORCE_PROFILE")
    return Settings(
        database_url=env.get("WATCHKEEPER_DATABASE_URL", DEFAULT_DATABASE_URL),
        force_profile_path=Path(profile) if profile else None,
        operator=env.get("WATCHKEEPER_OPERATOR", ""),
        audit_key_file=Path(env.get("WATCHKEEPER_AUDIT_KEY_FILE", DEFAULT_AUDIT_KEY_FILE)),
        audit_head_file=Path(env.get("WATCHKEEPER_AUDIT_HEAD_FILE", DEFAULT_AUDIT_HEAD_FILE)),
        lockout_failures=int(_number(env, "WATCHKEEPER_LOCKOUT_FAILURES", 5)),
        lockout_window_minutes=_number(env, "WATCHKEEPER_LOCKOUT_WINDOW_MINUTES", 15),
        lockout_minutes=_number(env, "WATCHKEEPER_LOCKOUT_MINUTES", 15),
        session_idle_minutes=_number(env, "WATCHKEEPER_SESSION_IDLE_MINUTES", 30),
        session_absolute_hours=_number(env, "WATCHKEEPER_SESSION_ABSOLUTE_HOURS", 12),
        field_key_file=Path(env.get("WATCHKEEPER_FIELD_KEY_FILE", DEFAULT_FIELD_KEY_FILE)),
        retention_file=Path(env["WATCHKEEPER_RETENTION_FILE"])
        if env.get("WATCHKEEPER_RETENTION_FILE")
        else None,
    )


def _number(env: dict[str, str], name: str, default: float) -> float:
    text = env.get(name)
    if text is None:
        return float(default)
    try:
        value = float(text)
    except ValueError:
        raise ConfigurationError(f"{name}={text!r} is not a number") from None
    if value <= 0:
        raise ConfigurationError(f"{name}={text!r} must be positive")
    return value


def load_force_profile(path: Path | None = None) -> ForceProfile:
    """Parse a force profile file (the bundled default when ``path`` is None)."""
    try:
        if path is None:
            text = (
                resources.files("watchkeeper.resources").joinpath("force-default.toml").read_text()
            )
        else:
            text = path.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigurationError(f"force profile file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(
            f"force profile {path or 'default'}: not valid TOML ({exc})"
        ) from None
    return parse_force_profile(doc)
