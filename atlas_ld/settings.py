"""Every setting declared once, with its default, its environment variable and one line of help."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from atlas_ld.uris import DEFAULT_BASE_URI


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    """Settings shared by the CLI and the web app; `help` metadata is what the CLI and README show."""

    store: Path = field(
        default_factory=lambda: Path(_env("ATLAS_LD_STORE", "atlas-data")),
        metadata={"env": "ATLAS_LD_STORE", "help": "Data folder: the Oxigraph store, rejected records, dumps."},
    )
    base_uri: str = field(
        default_factory=lambda: _env("ATLAS_LD_BASE_URI", DEFAULT_BASE_URI),
        metadata={"env": "ATLAS_LD_BASE_URI", "help": "Base of every minted URI; ends with '/'."},
    )

    @classmethod
    def documented(cls) -> dict[str, str]:
        """Setting name → help text, for docs and the test that every setting is documented."""
        return {f.name: f.metadata["help"] for f in fields(cls)}
