"""Per-invocation state shared by commands: who is acting, and the wired application."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from watchkeeper.access.model import Actor
from watchkeeper.kernel.errors import Unauthenticated
from watchkeeper.settings import settings_from_env

if TYPE_CHECKING:  # bootstrap (the store, every service) loads on first use: fast --help
    from watchkeeper.bootstrap import Application

# The account the CLI acts as when neither --as nor WATCHKEEPER_OPERATOR names one; it
# exists once `watchkeeper demo` has seeded its accounts.
DEFAULT_OPERATOR = "supervisor"


@dataclass
class CliState:
    operator: str | None
    debug: bool
    _app: Application | None = field(default=None, repr=False)
    _acted: bool = field(default=False, repr=False)

    def application(self) -> Application:
        if self._app is None:
            from watchkeeper.bootstrap import build, check_schema_is_current

            settings = settings_from_env()
            application = build(settings)  # configuration is checked first, then the schema
            try:
                check_schema_is_current(settings.database_url)
            except Exception:
                application.close()
                raise
            self._app = application
        return self._app

    def actor(self) -> Actor:
        """The stored, enabled account this command acts as (authorised and audited)."""
        application = self.application()
        self._acted = True
        named = self.operator or application.settings.operator
        if named:
            return application.accounts.operator(named, channel="cli")
        try:
            return application.accounts.operator(DEFAULT_OPERATOR, channel="cli")
        except Unauthenticated:
            raise Unauthenticated(
                "no operator: pass --as USER or set WATCHKEEPER_OPERATOR to a stored account "
                "(create one with 'watchkeeper users add', or seed demo accounts with "
                "'watchkeeper demo')"
            ) from None

    def close(self) -> None:
        """At the end of every command: export the audit chain's head, release the store."""
        application, self._app = self._app, None
        if application is None:
            return
        if not self._acted:  # nothing was done as an operator, so nothing new was audited
            application.close()
            return
        try:
            application.audit.export_head()
        except Exception as exc:  # never mask the command's own outcome
            Console(stderr=True).print(
                f"warning: audit head not exported ({type(exc).__name__})", markup=False
            )
        finally:
            application.close()


def state_of(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj
