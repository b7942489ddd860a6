"""What every API route depends on: the wired application, the accounts, the actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from watchkeeper.access.model import Actor
from watchkeeper.bootstrap import Application
from watchkeeper.web.security import Accounts, accounts_of, current_actor


def application_of(request: Request) -> Application:
    application: Application = request.app.state.application
    return application


App = Annotated[Application, Depends(application_of)]
AccountsDep = Annotated[Accounts, Depends(accounts_of)]
SignedIn = Annotated[Actor, Depends(current_actor)]
