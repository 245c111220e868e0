"""The commands that follow the live Atlas: harvest (fetch pages into the mirror) and update (harvest, then
publish what changed: new and changed pages ingested, projects gone withdrawn, dumps refreshed for them)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from atlas_ld.commands.base import (
    Command,
    app,
    console,
    open_graph_store,
    output,
    with_settings,
)
from atlas_ld.commands.store import print_dumps, print_summary, write_dumps_shown
from atlas_ld.harvest import IdRanges, IdSpecError, harvest
from atlas_ld.harvest.crawl import HarvestReport
from atlas_ld.ingest.rejected import RejectedRecords
from atlas_ld.ingest.update import update
from atlas_ld.publish.dumps import mark_stale
from atlas_ld.settings import Settings
from atlas_ld.store.datadir import DataDir
from atlas_ld.uris import UriScheme

IdsOption = Annotated[str | None, typer.Option(metavar="SPEC", help="Ids and ranges: 12523,15000-15100.")]
IdsFileOption = Annotated[Path | None, typer.Option(metavar="FILE", help="One id or range a line, # comments.")]
MirrorOption = Annotated[Path | None, typer.Option(metavar="DIR", help=r"The WARC mirror \[default: DATA/harvest].")]


def _id_ranges(ids: str | None, ids_file: Path | None) -> IdRanges:
    if (ids is None) == (ids_file is None):
        raise typer.BadParameter("give either --ids SPEC or --ids-file FILE", param_hint="--ids")
    try:
        return IdRanges.parse(ids) if ids is not None else IdRanges.read(ids_file)  # type: ignore[arg-type]
    except IdSpecError as error:
        raise typer.BadParameter(str(error), param_hint="--ids" if ids is not None else "--ids-file") from error


@contextmanager
def _harvest_progress(total: int) -> Iterator[Callable[[HarvestReport], None]]:
    """A progress bar (pages done, rate, time left) for as long as the harvest runs; yields its update."""
    columns = (TextColumn("Harvesting"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}/s"),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("harvest", total=total, rate="0.00")
        yield lambda r: progress.update(task, completed=r.done, rate=f"{r.speed:.2f}")


def _harvest_options(settings: Settings, on_progress: Callable[[HarvestReport], None]) -> dict[str, Any]:
    return {"site": settings.harvest_site, "rate": settings.harvest_rate, "user_agent": settings.user_agent,
            "on_progress": on_progress}


@app.command("harvest", cls=Command)
@with_settings("harvest")
def harvest_command(settings: Settings, ids: IdsOption = None, ids_file: IdsFileOption = None,
                    mirror: MirrorOption = None) -> None:
    """Fetch the live Atlas's detail pages, politely, into a WARC mirror; a stopped run resumes; exits 1 when
    some page could not be fetched."""
    spec = _id_ranges(ids, ids_file)
    with _harvest_progress(len(spec)) as on_progress:
        report = harvest(spec, mirror or DataDir(settings.data_folder).harvest, **_harvest_options(settings, on_progress))
    output.print(report.summary(), highlight=False, markup=False)
    if report.failed:
        raise typer.Exit(1)


@app.command("update", cls=Command)
@with_settings("update")
def update_command(settings: Settings, ids: IdsOption = None, ids_file: IdsFileOption = None,
                   mirror: MirrorOption = None) -> None:
    """Harvest, then publish what changed: new and changed pages ingested, projects the site no longer has
    withdrawn (their URIs answer 410 Gone, their versions kept), dumps refreshed; exits 1 when some page could
    not be fetched (what was fetched is published all the same)."""
    spec = _id_ranges(ids, ids_file)
    data = DataDir(settings.data_folder)
    store = open_graph_store(settings, read_only=False)
    uris = UriScheme(settings.base_uri)
    with _harvest_progress(len(spec)) as on_progress:
        report = update(spec, mirror or data.harvest, store, uris,
                        RejectedRecords(data.rejected, base_uri=settings.base_uri), data.open_history(),
                        data.published_harvest, before_store=lambda touched: mark_stale(data.dumps, touched),
                        harvest_options=_harvest_options(settings, on_progress), workers=os.cpu_count() or 1,
                        personal_data=settings.personal_data)
    output.print("harvest: " + report.harvest.summary(), highlight=False, markup=False)
    print_summary(report.ingest, data, verbose=False)
    print_dumps(write_dumps_shown(store, data, uris, report.touched if settings.personal_data else None), data)
    if report.harvest.failed:
        raise typer.Exit(1)
