"""What every `atlas-ld` command shares: the typer app, its consoles, one flag per setting, and the way a
command fails (one red line, exit 1), so that each command module holds only its commands."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from importlib.metadata import version
from typing import Annotated, Any

import pyoxigraph as ox
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from typer.core import TyperArgument, TyperCommand, TyperGroup

from atlas_ld.settings import Settings
from atlas_ld.store.base import GraphStore
from atlas_ld.store.opening import open_store


class Command(TyperCommand):
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


def with_settings(command: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
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


def fail(message: str) -> typer.Exit:
    console.print("[red]error:[/red]", escape(message), highlight=False)
    return typer.Exit(1)


def open_graph_store(settings: Settings, *, read_only: bool) -> GraphStore:
    try:
        return open_store(settings, read_only=read_only)
    except FileNotFoundError as error:
        raise fail(str(error)) from error
    except OSError as error:
        raise fail(f"cannot open the store {settings.store}: {error}") from error
