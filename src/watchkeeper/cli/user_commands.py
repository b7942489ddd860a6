"""``watchkeeper users``: local accounts."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from watchkeeper.access.model import Role
from watchkeeper.cli.context import state_of
from watchkeeper.kernel.errors import InputError

app = typer.Typer(help="Local accounts.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Sign-in name (lower case).")],
    role: Annotated[Role, typer.Option(help="The account's role.")],
    display_name: Annotated[str, typer.Option(help="Name shown to colleagues.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an account (the first one needs no operator; later ones need users.manage)."""
    state = state_of(ctx)
    accounts = state.application().accounts
    password = _read_password(password_stdin)
    actor = state.actor() if accounts.any_users() else None
    accounts.create_user(actor, username, display_name, role, password)
    Console().print(f"account {username} created ({role.value})")


def _read_password(from_stdin: bool) -> str:
    if not from_stdin:
        entered: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        return entered
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise InputError("--password-stdin: no password on standard input")
    return password


@app.command("list")
def list_users(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """List accounts: role, enabled, locked until (needs users.read)."""
    state = state_of(ctx)
    users = state.application().accounts.list_users(state.actor())
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "username": u.username,
                        "display_name": u.display_name,
                        "role": u.role.value,
                        "enabled": u.enabled,
                        "locked_until": u.locked_until.isoformat() if u.locked_until else None,
                    }
                    for u in users
                ]
            )
        )
        return
    table = Table("username", "name", "role", "enabled", "locked until (UTC)")
    for u in users:
        locked = f"{u.locked_until:%Y-%m-%d %H:%M}" if u.locked_until else "—"
        table.add_row(
            u.username, u.display_name, u.role.value, "yes" if u.enabled else "no", locked
        )
    Console().print(table)
