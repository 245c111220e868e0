"""The commands that build and read the store: ingest, validate, dump, stats, serve."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from atlas_ld.bundled import examples_dir
from atlas_ld.commands.base import (
    FLAG,
    SHOWN,
    Command,
    app,
    console,
    fail,
    open_graph_store,
    output,
    with_settings,
)
from atlas_ld.ingest.pipeline import IngestReport, ingest
from atlas_ld.ingest.rejected import RejectedRecords
from atlas_ld.publish.dump_feed import DumpFeed
from atlas_ld.publish.dumps import (
    FORMATS,
    DumpFile,
    dump_store,
    dump_to_file,
    mark_stale,
    write_dumps,
)
from atlas_ld.publish.stats import count_resources
from atlas_ld.settings import Settings
from atlas_ld.store.base import GraphStore
from atlas_ld.store.datadir import DataDir
from atlas_ld.store.first_load import UNFINISHED
from atlas_ld.uris import UriScheme
from atlas_ld.validation.shacl import DEFAULT_BATCH_SIZE
from atlas_ld.validation.stored import validate_store

# The choices of `dump --format`, taken from the dumping module's table.
DumpFormat = Enum("DumpFormat", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]

@app.command("ingest", cls=Command)
@with_settings("ingest")
def ingest_command(
    settings: Settings,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(metavar="PATH", exists=True, help="Page files (.txt, .html), folders of them, WARC files, or a harvest mirror."),
    ] = None,
    examples: Annotated[
        bool, typer.Option("--examples", metavar=FLAG, help="Also ingest the example pages bundled with atlas-ld.")
    ] = False,
    batch_size: Annotated[
        int, typer.Option(min=1, metavar="N", help="Projects validated and stored together.")
    ] = DEFAULT_BATCH_SIZE,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            metavar="N",
            help="Processes that parse, map and validate batches; one per CPU if left out.",
            show_default=False,
        ),
    ] = None,
    dumps: Annotated[
        bool, typer.Option(metavar=FLAG, help="Write the gzipped dumps in DIR/dumps/ too.")
    ] = True,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", metavar=FLAG, help="List every warning.")] = False,
) -> None:
    """Read Atlas pages, map them to RDF, validate them and store one named graph per project; exits 1 when no
    page at all could be read."""
    targets = list(paths or []) + ([examples_dir()] if examples else [])
    if not targets:
        raise typer.BadParameter("give at least one PATH, or --examples", param_hint="PATH...")
    data = DataDir(settings.data_folder)
    if data.first_load.start_again():
        message = UNFINISHED.format(store=data.oxigraph) + ": its store and history were emptied, and it starts again"
        output.print(message, highlight=False)
    graph_store = open_graph_store(settings, read_only=False)
    uris = UriScheme(settings.base_uri)
    # Without personal data, every part of the dumps is read from the store (below): none to make meanwhile.
    feed = DumpFeed(data.dumps) if dumps and settings.personal_data else None
    columns = (TextColumn("Ingesting"), BarColumn(), MofNCompleteColumn(), TextColumn("pages"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("ingest", total=None)
        report = ingest(
            targets,
            graph_store,
            uris,
            RejectedRecords(data.rejected, base_uri=settings.base_uri),
            history=data.open_history(),
            before_store=lambda ids: mark_stale(data.dumps, ids),
            batch_size=batch_size,
            workers=workers or os.cpu_count() or 1,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
            personal_data=settings.personal_data,
            dump_feed=feed,
            first_load=data.first_load,
        )
    graph_store.flush()
    print_summary(report, data, verbose=verbose)
    if report.pages_read == len(report.page_errors):
        # Nothing went in: a wrong folder or a batch of broken files is a failed run, not an empty success.
        raise fail("no page could be read: " + ", ".join(str(target) for target in targets))
    if dumps:
        # Persons withdrawn from every project change every part of the dumps.
        changed = report.stored_ids if settings.personal_data else None
        print_dumps(write_dumps_shown(graph_store, data, uris, changed, feed), data)


def write_dumps_shown(
    store: GraphStore, data: DataDir, uris: UriScheme, changed: list[int] | None, fed: DumpFeed | None = None
) -> list[DumpFile]:
    """Refresh the dumps for the projects `changed` (None: all), with a spinner meanwhile."""
    with console.status("Writing the dumps"):
        return write_dumps(store, data.dumps, changed=changed, uris=uris, fed=fed)


def print_dumps(written: list[DumpFile], data: DataDir) -> None:
    output.print(f"dumps: {', '.join(d.path.name for d in written)} in {data.dumps}", highlight=False)


def print_summary(report: IngestReport, data: DataDir, *, verbose: bool) -> None:
    output.print(report.summary(), highlight=False)
    timing = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in report.stage_seconds.items())
    output.print(f"time: {timing}", highlight=False)
    sections = (
        ("Pages not read", [str(f) for f in report.page_errors], True),
        (f"Records rejected (written to {data.rejected})", [str(r) for r in report.rejected], True),
        ("Warnings", [str(w) for w in report.warnings], verbose),
    )
    for title, lines, whole in sections:
        if not lines:
            continue
        output.print(f"\n{title}:", style="bold")
        shown = lines if whole else lines[:SHOWN]
        for line in shown:
            output.print(f"  {line}", highlight=False, markup=False)
        if len(shown) < len(lines):
            output.print(f"  … and {len(lines) - len(shown)} more (--verbose lists them all)", highlight=False)


@app.command("validate", cls=Command)
@with_settings("validate")
def validate_command(
    settings: Settings,
    batch_size: Annotated[
        int, typer.Option(min=1, metavar="N", help="Projects validated together.")
    ] = DEFAULT_BATCH_SIZE,
) -> None:
    """Run the SHACL shapes over every project in the store; exits 1 when a project violates them."""
    graph_store = open_graph_store(settings, read_only=True)
    report = validate_store(graph_store, UriScheme(settings.base_uri), batch_size=batch_size)
    output.print(report.format(), highlight=False, markup=False)
    if not report.conforms:
        raise typer.Exit(1)


@app.command("dump", cls=Command)
@with_settings("dump")
def dump_command(
    settings: Settings,
    format: Annotated[
        DumpFormat, typer.Option("--format", "-f", metavar="|".join(FORMATS), help="Serialisation of the dump.")
    ],
    gzip: Annotated[bool, typer.Option("--gzip", metavar=FLAG, help="Compress the dump with gzip.")] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of standard output.")
    ] = None,
) -> None:
    """Stream the whole store (every graph) in one RDF format; memory does not grow with the graph."""
    graph_store = open_graph_store(settings, read_only=True)
    if output is None:
        dump_store(graph_store, sys.stdout.buffer, format.value, compressed=gzip)
        sys.stdout.buffer.flush()
    else:
        dump_to_file(graph_store, output, format.value, compressed=gzip)


@app.command("stats", cls=Command)
@with_settings("stats")
def stats_command(settings: Settings) -> None:
    """Count what the store holds: projects, authorities, posts, countries, observations, triples."""
    graph_store = open_graph_store(settings, read_only=True)
    table = Table("what", "count", title=f"atlas-ld store {settings.store}")
    for name, count in count_resources(graph_store, UriScheme(settings.base_uri)).items():
        table.add_row(name, str(count))
    output.print(table)


@app.command("serve", cls=Command)
@with_settings("serve")
def serve_command(
    settings: Settings,
    host: Annotated[str, typer.Option(metavar="ADDRESS", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(min=1, metavar="N", help="Server processes; each reads the store (an embedded one read-only)."),
    ] = 1,
) -> None:
    """Serve the store over HTTP: SPARQL endpoint, dereferenceable URIs, HTML pages, dumps and catalogue."""
    from atlas_ld.web.server import (  # the web stack is only loaded to serve
        PortInUse,
        serve,
    )

    try:
        serve(settings, host=host, port=port, workers=workers)
    except PortInUse as error:
        raise fail(f"{error}: stop the program that listens there, or choose another port with --port") from error
    except (FileNotFoundError, ValueError) as error:
        raise fail(str(error)) from error
