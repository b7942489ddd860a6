"""Settings: where the database is, which force profile applies. Read once by bootstrap."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from watchkeeper.incidents.policy import ForceProfile, parse_force_profile
from watchkeeper.kernel.errors import ConfigurationError

DEFAULT_DATABASE_URL = "sqlite:///watchkeeper.db"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    force_profile_path: Path | None
    operator: str
    operator_role: str


def settings_from_env(environ: dict[str, str] | None = None) -> Settings:
    """Settings from the environment (WATCHKEEPER_*), with embedded defaults."""
    env = dict(os.environ) if environ is None else environ
    profile = env.get("WATCHKEEPER_FORCE_PROFILE")
    return Settings(
        database_url=env.get("WATCHKEEPER_DATABASE_URL", DEFAULT_DATABASE_URL),
        force_profile_path=Path(profile) if profile else None,
        operator=env.get("WATCHKEEPER_OPERATOR", "operator"),
        operator_role=env.get("WATCHKEEPER_OPERATOR_ROLE", "control-room-supervisor"),
    )


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
