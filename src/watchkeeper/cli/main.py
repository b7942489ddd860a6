"""Entry point: global options, the command groups, and one-line errors."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

from watchkeeper.cli import (
    assess_commands,
    audit_commands,
    backlog_commands,
    backup_commands,
    db_commands,
    demo_commands,
    import_commands,
    incident_commands,
    information_commands,
    safeguarding_commands,
    serve_commands,
    simulate_commands,
    soc_commands,
    staffing_commands,
    unit_commands,
    user_commands,
)
from watchkeeper.cli.context import CliState
from watchkeeper.kernel.errors import WatchkeeperError

app = typer.Typer(
    name="watchkeeper",
    help="Watchkeeper: the risk-ranked control-room backlog and the force's incident log.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db_commands.app, name="db")
app.add_typer(incident_commands.app, name="incident")
app.add_typer(user_commands.app, name="users")
app.add_typer(audit_commands.app, name="audit")
app.add_typer(unit_commands.app, name="units")
app.add_typer(simulate_commands.app, name="simulate")
app.command("import")(import_commands.import_exports)
app.command("backlog")(backlog_commands.backlog)
app.command("demo")(demo_commands.demo)
app.command("serve")(serve_commands.serve)
app.add_typer(soc_commands.ocg_app, name="ocg")
app.add_typer(soc_commands.scpo_app, name="scpo")
app.add_typer(soc_commands.armed_app, name="armed")
app.command("staffing")(staffing_commands.staffing)
app.command("calibrate")(staffing_commands.calibrate)
app.command("backup")(backup_commands.backup)
app.command("restore")(backup_commands.restore)
app.add_typer(information_commands.retention, name="retention")
app.add_typer(information_commands.keys, name="keys")
app.command("subject-access")(information_commands.subject_access)
app.command("assess")(assess_commands.assess)
app.add_typer(assess_commands.findings_app, name="findings")
app.add_typer(safeguarding_commands.app, name="safeguarding")  # issue 5
app.add_typer(safeguarding_commands.person_app, name="person")


@app.callback()
def main(
    ctx: typer.Context,
    operator: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Act as this stored account (default: WATCHKEEPER_OPERATOR, else the demo "
            "'supervisor').",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    """Watchkeeper command line. The database is chosen by WATCHKEEPER_DATABASE_URL."""
    state = CliState(operator=operator, debug=debug)
    ctx.obj = state
    ctx.call_on_close(state.close)  # exports the audit head after every command


def run() -> None:
    """Console-script entry: errors become one clear line and a non-zero exit."""
    debug = "--debug" in sys.argv
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        app()
    except WatchkeeperError as exc:
        if debug:
            raise
        err.print(f"error: {exc.message}", markup=False)
        sys.exit(2)
    except Exception as exc:  # the last line of defence: never a traceback without --debug
        if debug:
            raise
        err.print(f"error: {type(exc).__name__}: {exc}".splitlines()[0], markup=False)
        sys.exit(1)


if __name__ == "__main__":
    run()
