"""The commands that follow the live Atlas: harvest (fetch pages into the mirror) and update (harvest, then
publish what changed)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from atlas_ld.commands.base import Command, app, console, output, with_settings
from atlas_ld.harvest import IdRanges, IdSpecError, harvest
from atlas_ld.settings import Settings
from atlas_ld.store.datadir import DataDir


@app.command("harvest", cls=Command)
@with_settings("harvest")
def harvest_command(
    settings: Settings,
    ids: Annotated[str | None, typer.Option(metavar="SPEC", help="Ids and ranges: 12523,15000-15100.")] = None,
    ids_file: Annotated[Path | None, typer.Option(metavar="FILE", help="One id or range a line, # comments.")] = None,
    mirror: Annotated[Path | None, typer.Option(metavar="DIR", help="The WARC mirror [default: DATA/harvest].")] = None,
) -> None:
    """Fetch the live Atlas's detail pages, politely, into a WARC mirror; a stopped run resumes; exits 1 when
    some page could not be fetched."""
    if (ids is None) == (ids_file is None):
        raise typer.BadParameter("give either --ids SPEC or --ids-file FILE", param_hint="--ids")
    try:
        spec = IdRanges.parse(ids) if ids is not None else IdRanges.read(ids_file)  # type: ignore[arg-type]
    except IdSpecError as error:
        raise typer.BadParameter(str(error), param_hint="--ids" if ids is not None else "--ids-file") from error
    columns = (TextColumn("Harvesting"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}/s"),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("harvest", total=len(spec), rate="0.00")
        report = harvest(spec, mirror or DataDir(settings.data_folder).harvest, site=settings.harvest_site,
                         rate=settings.harvest_rate, user_agent=settings.user_agent,
                         on_progress=lambda r: progress.update(task, completed=r.done, rate=f"{r.speed:.2f}"))
    output.print(report.summary(), highlight=False, markup=False)
    if report.failed:
        raise typer.Exit(1)
