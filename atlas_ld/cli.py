"""The `atlas-ld` command: maps flags onto the library (ingest, validate, dump, stats) and prints the outcome."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from atlas_ld.bundled import examples_dir
from atlas_ld.datadir import DataDir
from atlas_ld.ingest.pipeline import DEFAULT_BATCH_SIZE, IngestReport, ingest
from atlas_ld.ingest.rejected import RejectedRecords
from atlas_ld.publish.dump_files import write_dumps
from atlas_ld.publish.dumps import FORMATS, dump_store, dump_to_file
from atlas_ld.publish.stats import count_resources
from atlas_ld.settings import Settings
from atlas_ld.store.embedded import GraphStore, StoreRefused, StoreUnavailable
from atlas_ld.store.opening import open_store
from atlas_ld.uris import UriScheme
from atlas_ld.validation.stored import validate_store

app = typer.Typer(
    name="atlas-ld",
    help="The Atlas français de la coopération décentralisée as a linked-data knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True, soft_wrap=True)
# Results go to standard output, unwrapped, so that file names and IRIs stay whole when piped.
output = Console(soft_wrap=True)

_HELP = Settings.documented()
StoreOption = Annotated[
    str | None,
    typer.Option("--store", metavar="DIR|URL", help=_HELP["store"], show_default="./atlas-data or $ATLAS_LD_STORE"),
]
BaseUriOption = Annotated[
    str | None,
    typer.Option("--base-uri", metavar="URI", help=_HELP["base_uri"], show_default="$ATLAS_LD_BASE_URI"),
]
# How many findings of one kind the summary lists before it only counts them.
SHOWN = 20


# The choices of `dump --format`, taken from the dumping module's table.
DumpFormat = Enum("DumpFormat", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]


def _settings(store: str | None, base_uri: str | None = None, **flags: object) -> Settings:
    """Command-line flags over the environment over the defaults; a flag left out (None) does not override."""
    given = {"store": store, "base_uri": base_uri, **flags}
    settings = Settings(**{name: value for name, value in given.items() if value is not None})  # type: ignore[arg-type]
    if not _is_base_uri(settings.base_uri):
        raise typer.BadParameter(f"{settings.base_uri!r} is not an absolute http(s) URI", param_hint="--base-uri")
    return settings


def _is_base_uri(text: str) -> bool:
    """Every URI is minted under the base, so it has to be an absolute http(s) IRI itself."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return text.startswith(("http://", "https://"))


def _fail(message: str) -> typer.Exit:
    console.print("[red]error:[/red]", escape(message), highlight=False)
    return typer.Exit(1)


def _open(settings: Settings, *, read_only: bool) -> GraphStore:
    try:
        return open_store(settings, read_only=read_only)
    except FileNotFoundError as error:
        raise _fail(str(error)) from error
    except OSError as error:
        raise _fail(f"cannot open the store {settings.store}: {error}") from error


@app.command("ingest")
def ingest_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(metavar="PATH...", exists=True, help="Page files (.txt, .html) or folders of them."),
    ] = None,
    store: StoreOption = None,
    base_uri: BaseUriOption = None,
    examples: Annotated[bool, typer.Option("--examples", help="Also ingest the example pages bundled with atlas-ld.")] = False,
    batch_size: Annotated[int, typer.Option(min=1, help="Projects validated and stored together.")] = DEFAULT_BATCH_SIZE,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Processes that parse, map and validate batches.", show_default="number of CPUs"),
    ] = None,
    dumps: Annotated[bool, typer.Option(help="Rewrite the gzipped dumps in DIR/dumps/ afterwards.")] = True,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every warning.")] = False,
    no_personal_data: Annotated[
        bool,
        typer.Option(
            "--no-personal-data",
            help="Leave persons (names, e-mails) out of the store, and withdraw those stored before "
            "(or set ATLAS_LD_NO_PERSONAL_DATA).",
        ),
    ] = False,
) -> None:
    """Read Atlas pages, map them to RDF, validate them and store one named graph per project."""
    targets = list(paths or []) + ([examples_dir()] if examples else [])
    if not targets:
        raise typer.BadParameter("give at least one PATH, or --examples", param_hint="PATH...")
    settings = _settings(store, base_uri, personal_data=False if no_personal_data else None)
    data = DataDir(settings.data_folder)
    graph_store = _open(settings, read_only=False)
    columns = (TextColumn("Ingesting"), BarColumn(), MofNCompleteColumn(), TextColumn("pages"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("ingest", total=None)
        report = ingest(
            targets,
            graph_store,
            UriScheme(settings.base_uri),
            RejectedRecords(data.rejected, base_uri=settings.base_uri),
            batch_size=batch_size,
            workers=workers or os.cpu_count() or 1,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
            personal_data=settings.personal_data,
        )
    graph_store.flush()
    _print_summary(report, data, verbose=verbose)
    if dumps:
        with console.status("Writing the dumps"):
            written = write_dumps(graph_store, data.dumps)
        output.print(f"dumps: {', '.join(d.path.name for d in written)} in {data.dumps}", highlight=False)


def _print_summary(report: IngestReport, data: DataDir, *, verbose: bool) -> None:
    output.print(report.summary(), highlight=False)
    timing = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in report.stage_seconds.items())
    output.print(f"time: {timing}", highlight=False)
    sections = (
        ("Pages not read", [str(f) for f in report.page_errors], True),
        (f"Records rejected (kept aside in {data.rejected})", [str(r) for r in report.rejected], True),
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


@app.command("validate")
def validate_command(
    store: StoreOption = None,
    base_uri: BaseUriOption = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Projects validated together.")] = DEFAULT_BATCH_SIZE,
) -> None:
    """Run the SHACL shapes over every project in the store; exits 1 when a project violates them."""
    settings = _settings(store, base_uri)
    graph_store = _open(settings, read_only=True)
    report = validate_store(graph_store, UriScheme(settings.base_uri), batch_size=batch_size)
    output.print(report.format(), highlight=False, markup=False)
    if not report.conforms:
        raise typer.Exit(1)


@app.command("dump")
def dump_command(
    format: Annotated[DumpFormat, typer.Option("--format", "-f", help="Serialisation of the dump.")],
    store: StoreOption = None,
    gzip: Annotated[bool, typer.Option("--gzip", help="Compress the dump with gzip.")] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of standard output.")
    ] = None,
) -> None:
    """Stream the whole store (every graph) in one RDF format; memory does not grow with the graph."""
    graph_store = _open(_settings(store), read_only=True)
    if output is None:
        dump_store(graph_store, sys.stdout.buffer, format.value, compressed=gzip)
        sys.stdout.buffer.flush()
    else:
        dump_to_file(graph_store, output, format.value, compressed=gzip)


@app.command("stats")
def stats_command(store: StoreOption = None, base_uri: BaseUriOption = None) -> None:
    """Count what the store holds: projects, authorities, posts, countries, observations, triples."""
    settings = _settings(store, base_uri)
    graph_store = _open(settings, read_only=True)
    table = Table("what", "count", title=f"atlas-ld store {settings.store}")
    for name, count in count_resources(graph_store, UriScheme(settings.base_uri)).items():
        table.add_row(name, str(count))
    output.print(table)


@app.command("serve")
def serve_command(
    store: StoreOption = None,
    base_uri: BaseUriOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    enable_update: Annotated[
        bool | None, typer.Option("--enable-update", help=_HELP["enable_update"], show_default="$ATLAS_LD_ENABLE_UPDATE")
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes; each reads the store (an embedded one read-only).")
    ] = 1,
) -> None:
    """Serve the store over HTTP: SPARQL endpoint, dereferenceable URIs, HTML pages, dumps and catalogue."""
    from atlas_ld.web.server import serve  # the web stack is only loaded to serve

    settings = _settings(store, base_uri, enable_update=enable_update)
    try:
        serve(settings, host=host, port=port, workers=workers)
    except (FileNotFoundError, ValueError) as error:
        raise _fail(str(error)) from error


def main() -> None:
    """The `atlas-ld` command: a store that cannot be reached, or refuses a request, is one line, not a traceback."""
    try:
        app(prog_name="atlas-ld")
    except (StoreUnavailable, StoreRefused) as error:
        console.print("[red]error:[/red]", escape(str(error)), highlight=False)
        sys.exit(1)
