"""Running the `atlas-ld` command in the test's process, as a user would type it."""

from __future__ import annotations

from typer.testing import CliRunner

from atlas_ld.cli import app

runner = CliRunner()


def run(*arguments: str) -> tuple[int, str]:
    """The exit code and output of `atlas-ld ARGUMENTS...`; an unexpected exception is raised, not hidden."""
    result = runner.invoke(app, list(arguments))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def unboxed(output: str) -> str:
    """The output as one line of words, out of rich's boxes: what a message says, whatever the terminal's width
    (which another test may have set for the process) made of its line breaks."""
    return " ".join(output.replace("│", " ").split())
