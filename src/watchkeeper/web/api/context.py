"""What every API route depends on: the wired application, the unit board, the actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from watchkeeper.access.model import Actor
from watchkeeper.bootstrap import Application
from watchkeeper.incidents.unit_board import UnitBoardService
from watchkeeper.web.security import Accounts, accounts_of, current_actor


def application_of(request: Request) -> Application:
    application: Application = request.app.state.application
    return application


def unit_board_of(request: Request) -> UnitBoardService:
    board: UnitBoardService = request.app.state.unit_board
    return board


App = Annotated[Application, Depends(application_of)]
Units = Annotated[UnitBoardService, Depends(unit_board_of)]
AccountsDep = Annotated[Accounts, Depends(accounts_of)]
SignedIn = Annotated[Actor, Depends(current_actor)]
