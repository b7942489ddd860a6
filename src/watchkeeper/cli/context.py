"""Per-invocation state shared by commands: who is acting, and the wired application."""

from __future__ import annotations

from dataclasses import dataclass, field

import typer

from watchkeeper.bootstrap import Application, build


@dataclass
class CliState:
    operator: str | None
    debug: bool
    _app: Application | None = field(default=None, repr=False)

    def application(self) -> Application:
        if self._app is None:
            self._app = build()
        return self._app

    def actor(self) -> str:
        """The named operator this command acts as."""
        return self.operator or self.application().settings.operator


def state_of(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj
