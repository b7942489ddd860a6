"""Per-invocation state shared by commands: who is acting, and the wired application."""

from __future__ import annotations

from dataclasses import dataclass, field

import typer

from watchkeeper.access.model import Actor, Role
from watchkeeper.bootstrap import Application, build
from watchkeeper.kernel.errors import ConfigurationError


@dataclass
class CliState:
    operator: str | None
    debug: bool
    _app: Application | None = field(default=None, repr=False)

    def application(self) -> Application:
        if self._app is None:
            self._app = build()
        return self._app

    def actor(self) -> Actor:
        """The named operator this command acts as (authorised and audited like the web)."""
        settings = self.application().settings
        try:
            role = Role(settings.operator_role)
        except ValueError:
            raise ConfigurationError(
                f"WATCHKEEPER_OPERATOR_ROLE {settings.operator_role!r} is not a role"
            ) from None
        return Actor(self.operator or settings.operator, role, channel="cli")


def state_of(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj
