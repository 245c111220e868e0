"""Locates the bundled Turtle files (ontology/, shapes/) in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    # A wheel carries the folders inside the package; a checkout has them next to it.
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name}/ folder is neither in {_PACKAGE} nor in {_PACKAGE.parent}")


def ontology_dir() -> Path:
    """Folder of the vocabulary's Turtle files."""
    return _bundled("ontology")


def shapes_dir() -> Path:
    """Folder of the SHACL shapes."""
    return _bundled("shapes")


def ontology_files() -> list[Path]:
    """The vocabulary's Turtle files, in a stable order."""
    return sorted(ontology_dir().glob("*.ttl"))


def shapes_file() -> Path:
    """The SHACL shapes of every class the mapping uses."""
    return shapes_dir() / "atlas-shapes.ttl"
