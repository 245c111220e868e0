"""The files shipped with atlas-ld (vocabulary, shapes, example pages, ready queries, templates, static assets),
found one way in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def bundled(*parts: str) -> Path:
    """The shipped file or folder at `parts`: inside the package, or (ontology/, shapes/ in a checkout) next to it;
    a wheel carries those inside the package."""
    for root in (PACKAGE, PACKAGE.parent):
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{'/'.join(parts)} is neither in {PACKAGE} nor in {PACKAGE.parent}")


def ontology_files() -> list[Path]:
    """The vocabulary's Turtle files, in a stable order."""
    return sorted(bundled("ontology").glob("*.ttl"))


def shapes_file() -> Path:
    """The SHACL shapes of every class the mapping uses."""
    return bundled("shapes", "atlas-shapes.ttl")


def examples_dir() -> Path:
    """The example Atlas pages (`atlas-ld ingest --examples`)."""
    return bundled("examples")
