"""The `atlas-ld` command: the typer app of `atlas_ld.commands`, with its commands loaded, and the entry point."""

from __future__ import annotations

import sys

from rich.markup import escape

from atlas_ld.commands import follow, store  # noqa: F401 - importing them adds their commands to the app
from atlas_ld.commands.base import app, console
from atlas_ld.store.base import StoreRefused, StoreUnavailable

__all__ = ["app", "main"]


def main() -> None:
    """The `atlas-ld` command: a store that cannot be reached, or refuses a request, is one line, not a traceback."""
    try:
        app(prog_name="atlas-ld")
    except (StoreUnavailable, StoreRefused) as error:
        console.print("[red]error:[/red]", escape(str(error)), highlight=False)
        sys.exit(1)
