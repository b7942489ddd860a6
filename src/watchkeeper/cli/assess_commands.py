"""``watchkeeper assess`` and ``watchkeeper findings``: the graded report and the register.

``assess`` computes the indicators on the store, grades them with a framework file and
writes the report as HTML, PDF or JSON. ``findings import|list|decide`` keep the published
findings and the recorded decisions that move their status.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from watchkeeper.cli.context import state_of
from watchkeeper.kernel.errors import InputError

# The assessment engine, the store and the report renderers (WeasyPrint) are imported
# inside the commands that use them, so the CLI starts (and --help answers) quickly.
if TYPE_CHECKING:
    from watchkeeper.assessment.assess import ValuesFor
    from watchkeeper.assessment.framework import Framework
    from watchkeeper.assessment.indicators import IndicatorValue
    from watchkeeper.assessment.periods import Period
    from watchkeeper.bootstrap import Application

findings_app = typer.Typer(
    help="The register of published inspection findings.", no_args_is_help=True
)

FRAMEWORK_HELP = "Bundled framework (peel-2017-effectiveness, peel-2021-five-point) or a TOML file."


class Format(StrEnum):
    HTML = "html"
    PDF = "pdf"
    JSON = "json"


def _framework(name: str) -> Framework:
    from watchkeeper.assessment.framework import load_framework
    from watchkeeper.assessment.indicators import registry

    return load_framework(name if not name.endswith(".toml") else Path(name), registry())


def _force_name(code: str) -> str:
    from watchkeeper.assessment.findings import known_forces

    forces = known_forces()
    if code not in forces:
        raise InputError(f"unknown force '{code}': use a code from forces.toml, e.g. west-midlands")
    return forces[code]


def _values_for(application: Application) -> ValuesFor:
    def values(period: Period, keys: Iterable[str] | None) -> dict[str, IndicatorValue]:
        return application.indicator_values(period.start, period.end, keys)

    return values


def assess(
    ctx: typer.Context,
    force: Annotated[str, typer.Option("--force", help="Force code, e.g. west-midlands.")],
    period: Annotated[str, typer.Option("--period", help="2026 | 2026-Q3 | 2026-07.")],
    fmt: Annotated[Format, typer.Option("--format", help="html, pdf or json.")] = Format.HTML,
    out: Annotated[Path | None, typer.Option("--out", help="Write here (PDF needs it).")] = None,
    framework: Annotated[str, typer.Option(help=FRAMEWORK_HELP)] = "peel-2017-effectiveness",
    trend_months: Annotated[int, typer.Option(min=1, max=24, help="Months in trend charts.")] = 6,
) -> None:
    """Grade the force for a period and write the PEEL-style effectiveness report."""
    from watchkeeper.assessment.assess import AssessmentRequest, steps_for
    from watchkeeper.assessment.indicators import registry
    from watchkeeper.assessment.periods import parse_period
    from watchkeeper.assessment.report_model import as_json
    from watchkeeper.reporting.html import render_document
    from watchkeeper.reporting.pdf import render_pdf

    if fmt is Format.PDF and out is None:
        raise InputError("--format pdf needs --out FILE")
    state = state_of(ctx)
    application = state.application()
    fw = _framework(framework)
    zone = application.profile.timezone
    request = AssessmentRequest(
        fw, registry(), force, _force_name(force), parse_period(period, zone), zone, trend_months
    )
    actor = state.actor()
    register = application.findings_register()
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(f"assessing {force} {period}", total=steps_for(request))
        report = register.assess(
            actor,
            request,
            _values_for(application),
            on_step=lambda label: bar.update(task, advance=1, description=label),
        )
    if fmt is Format.JSON:
        _write(json.dumps(as_json(report), indent=2), out)
    elif fmt is Format.HTML:
        _write(render_document(report), out)
    else:
        assert out is not None
        out.write_bytes(render_pdf(report))
    if out is not None:
        state_note = "complete" if report.complete else "PARTIAL (some indicators had no data)"
        Console(stderr=True).print(
            f"assess: {report.judgement.headline}; {state_note}; written to {out}"
        )


def _write(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")


@findings_app.command("import")
def import_findings(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A findings YAML file.", dir_okay=False)],
    framework: Annotated[str, typer.Option(help=FRAMEWORK_HELP)] = "peel-2017-effectiveness",
) -> None:
    """Import published findings (new ones added; known ones' text refreshed, status kept)."""
    from watchkeeper.assessment.findings import known_forces, read_findings_file
    from watchkeeper.assessment.indicators import registry

    state = state_of(ctx)
    questions = [q.key for q in _framework(framework).questions]
    found = read_findings_file(file, known_forces(), registry(), questions)
    outcome = (
        state.application().findings_register().import_findings(state.actor(), found, file.name)
    )
    typer.echo(
        f"findings: {outcome.added} added, {outcome.updated} updated, {outcome.unchanged} unchanged"
    )


@findings_app.command("list")
def list_findings(
    ctx: typer.Context,
    force: Annotated[str | None, typer.Option(help="Only this force's findings.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the register: type, question, status and reference of each finding."""
    state = state_of(ctx)
    found = state.application().findings_register().findings(state.actor(), force)
    if as_json:
        typer.echo(json.dumps([asdict(f) for f in found], default=str))
        return
    table = Table("ref", "type", "question", "status", "public reference", title="findings")
    for f in found:
        table.add_row(f.ref, f.kind, f.question, f.status, f.public_reference)
    Console().print(table)


@findings_app.command("decide")
def decide(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The finding's register ref.")],
    status: Annotated[str, typer.Option(help="open | 'evidence of progress' | addressed.")],
    period: Annotated[str, typer.Option(help="The evidence period, e.g. 2026-Q3.")],
    rationale: Annotated[str, typer.Option(help="Why (recorded and audited).")],
    framework: Annotated[str, typer.Option(help=FRAMEWORK_HELP)] = "peel-2017-effectiveness",
) -> None:
    """Record a decision moving a finding's status, on indicator evidence over the period."""
    from watchkeeper.assessment.periods import parse_period

    state = state_of(ctx)
    application = state.application()
    evidence_period = parse_period(period, application.profile.timezone)
    values = application.indicator_values(evidence_period.start, evidence_period.end)
    decision = application.findings_register().decide(
        state.actor(), ref, status, period=evidence_period, values=values,
        framework=_framework(framework), rationale=rationale,
    )  # fmt: skip
    typer.echo(f"{ref}: {decision.from_status} -> {decision.to_status} on {period} evidence")
