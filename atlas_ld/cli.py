"""The `atlas-ld` command: maps flags onto the library (ingest, validate, dump, stats, harvest) and prints the outcome."""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable
from enum import Enum
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any

import pyoxigraph as ox
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from typer.core import TyperArgument, TyperCommand, TyperGroup

from atlas_ld.bundled import examples_dir
from atlas_ld.harvest import IdRanges, IdSpecError, harvest
from atlas_ld.ingest.pipeline import IngestReport, ingest
from atlas_ld.ingest.rejected import RejectedRecords
from atlas_ld.publish.dumps import FORMATS, dump_store, dump_to_file, write_dumps
from atlas_ld.publish.stats import count_resources
from atlas_ld.settings import Settings
from atlas_ld.store.base import GraphStore, StoreRefused, StoreUnavailable
from atlas_ld.store.datadir import DataDir
from atlas_ld.store.opening import open_store
from atlas_ld.uris import UriScheme
from atlas_ld.validation.shacl import DEFAULT_BATCH_SIZE
from atlas_ld.validation.stored import validate_store


class _Command(TyperCommand):
    """A command whose help shows a metavar, or nothing, where typer would print a Python type (`<bool>` for
    --help, `<list[Path]>` for PATH...): the help is for operators, who type words, not types."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperArgument) and param.metavar:
                param.__class__ = _Argument

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option


class _Group(TyperGroup):
    """The `atlas-ld` group, with the same plain --help line as its commands."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option


class _Argument(TyperArgument):
    """An argument whose metavar (PATH...) already says what it takes, so that no type is printed beside it."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


app = typer.Typer(
    name="atlas-ld",
    help="The Atlas français de la coopération décentralisée as a linked-data knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    cls=_Group,
    rich_markup_mode="rich",
)
console = Console(stderr=True, soft_wrap=True)
# Results go to standard output, unwrapped, so that file names and IRIs stay whole when piped.
output = Console(soft_wrap=True)

# How many findings of one kind the summary lists before it only counts them.
SHOWN = 20
# A boolean flag takes no value: an empty metavar keeps typer from printing `<bool>` beside it.
FLAG = ""


# The choices of `dump --format`, taken from the dumping module's table.
DumpFormat = Enum("DumpFormat", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]


def _print_version(wanted: bool) -> None:
    """Eager, so that `--version` answers before a command is required or any setting is read."""
    if wanted:
        output.print(f"atlas-ld {version('atlas-ld')}", highlight=False)
        raise typer.Exit()


@app.callback()
def _main(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", metavar=FLAG, callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """The Atlas français de la coopération décentralisée as a linked-data knowledge graph."""


def _flag_parameter(name: str, extra: dict[str, Any]) -> inspect.Parameter:
    """The typer option of setting `name`, with its description as help, its variable and its real default."""
    field = Settings.model_fields[name]
    default: Any = Settings.default_text(name)
    kind: type = str
    if field.annotation is bool:
        kind, default = bool, False  # the flag turns it on, or off if the setting is read through its opposite
    elif field.annotation in (int, float):
        kind, default = field.annotation, field.default
    # Variable and default in one bracket after the help, as operators read them together; typer's own default
    # would go on a line of its own.
    where = f"env: {Settings.variable(name)}" + (f"; default: {default}" if kind is not bool and default != "" else "")
    help_text = f"{escape(field.description or '')} [dim]{escape(f'[{where}]')}[/dim]"
    option = typer.Option(
        extra["flag"],
        metavar=extra.get("metavar") or FLAG,
        help=help_text,
        show_default=False,
        rich_help_panel=extra.get("panel") or None,
    )
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=Annotated[kind, option])


def _with_settings(command: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give `command` a flag for each setting it offers (declared once, in Settings) and call it with the
    Settings they make: a flag left out does not override the environment, even though its default is shown."""

    def decorate(function: Callable[..., None]) -> Callable[..., None]:
        flags = Settings.flags(command)
        own = [
            parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            for parameter in inspect.signature(function, eval_str=True).parameters.values()
            if parameter.name != "settings"
        ]
        context = inspect.Parameter("context", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)

        @functools.wraps(function)
        def run(context: typer.Context, **values: Any) -> None:
            given = {}
            for name in flags:
                value = values.pop(name)
                source = context.get_parameter_source(name)
                if source is not None and source.name == "COMMANDLINE":
                    given[name] = not value if Settings.is_inverted(name) else value
            function(settings=_settings(given), **values)

        parameters = [context, *own, *(_flag_parameter(name, extra) for name, extra in flags.items())]
        run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        run.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters}
        return run

    return decorate


def _settings(flags: dict[str, Any]) -> Settings:
    """Command-line flags over the environment over the defaults."""
    try:
        settings = Settings(**flags)
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        known = name in Settings.model_fields
        hint = " or ".join(filter(None, [Settings.flag(name), Settings.variable(name)] if known else []))
        raise typer.BadParameter(f"{first['msg']} ({first['input']!r})", param_hint=hint or None) from error
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


@app.command("ingest", cls=_Command)
@_with_settings("ingest")
def ingest_command(
    settings: Settings,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(metavar="PATH", exists=True, help="Page files (.txt, .html) or folders of them."),
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
        bool, typer.Option(metavar=FLAG, help="Rewrite the gzipped dumps in DIR/dumps/ afterwards.")
    ] = True,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", metavar=FLAG, help="List every warning.")] = False,
) -> None:
    """Read Atlas pages, map them to RDF, validate them and store one named graph per project; exits 1 when no
    page at all could be read."""
    targets = list(paths or []) + ([examples_dir()] if examples else [])
    if not targets:
        raise typer.BadParameter("give at least one PATH, or --examples", param_hint="PATH...")
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
    if report.pages_read == len(report.page_errors):
        # Nothing went in: a wrong folder or a batch of broken files is a failed run, not an empty success.
        raise _fail("no page could be read: " + ", ".join(str(target) for target in targets))
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


@app.command("validate", cls=_Command)
@_with_settings("validate")
def validate_command(
    settings: Settings,
    batch_size: Annotated[
        int, typer.Option(min=1, metavar="N", help="Projects validated together.")
    ] = DEFAULT_BATCH_SIZE,
) -> None:
    """Run the SHACL shapes over every project in the store; exits 1 when a project violates them."""
    graph_store = _open(settings, read_only=True)
    report = validate_store(graph_store, UriScheme(settings.base_uri), batch_size=batch_size)
    output.print(report.format(), highlight=False, markup=False)
    if not report.conforms:
        raise typer.Exit(1)


@app.command("dump", cls=_Command)
@_with_settings("dump")
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
    graph_store = _open(settings, read_only=True)
    if output is None:
        dump_store(graph_store, sys.stdout.buffer, format.value, compressed=gzip)
        sys.stdout.buffer.flush()
    else:
        dump_to_file(graph_store, output, format.value, compressed=gzip)


@app.command("stats", cls=_Command)
@_with_settings("stats")
def stats_command(settings: Settings) -> None:
    """Count what the store holds: projects, authorities, posts, countries, observations, triples."""
    graph_store = _open(settings, read_only=True)
    table = Table("what", "count", title=f"atlas-ld store {settings.store}")
    for name, count in count_resources(graph_store, UriScheme(settings.base_uri)).items():
        table.add_row(name, str(count))
    output.print(table)


@app.command("serve", cls=_Command)
@_with_settings("serve")
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
        raise _fail(f"{error}: stop the program that listens there, or choose another port with --port") from error
    except (FileNotFoundError, ValueError) as error:
        raise _fail(str(error)) from error


@app.command("harvest", cls=_Command)
@_with_settings("harvest")
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


def main() -> None:
    """The `atlas-ld` command: a store that cannot be reached, or refuses a request, is one line, not a traceback."""
    try:
        app(prog_name="atlas-ld")
    except (StoreUnavailable, StoreRefused) as error:
        console.print("[red]error:[/red]", escape(str(error)), highlight=False)
        sys.exit(1)
