"""Layout of the data folder (`--store DIR`): the Oxigraph store, the rejected records, the dumps, the mirror.

>>> d = DataDir(Path("atlas-data"))
>>> d.oxigraph, d.rejected, d.dumps
(PosixPath('atlas-data/oxigraph'), PosixPath('atlas-data/rejected'), PosixPath('atlas-data/dumps'))
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from atlas_ld.store.embedded import EmbeddedStore
from atlas_ld.store.first_load import FIRST_LOAD_MARK, FirstLoad
from atlas_ld.store.history import HISTORY_FILE, History


@dataclass(frozen=True)
class DataDir:
    """One data folder; the CLI and the web app both find their files through it."""

    root: Path

    @property
    def oxigraph(self) -> Path:
        """Where the embedded Oxigraph store lives."""
        return self.root / "oxigraph"

    @property
    def rejected(self) -> Path:
        """Records that failed validation, written out for inspection (see `atlas_ld.ingest.rejected`)."""
        return self.root / "rejected"

    @property
    def dumps(self) -> Path:
        """Dumps of the whole store, as served under /dumps/."""
        return self.root / "dumps"

    @property
    def harvest(self) -> Path:
        """The mirror of the live Atlas that `atlas-ld harvest` keeps: WARC files and their index."""
        return self.root / "harvest"

    @property
    def history(self) -> Path:
        """Every replaced or withdrawn version of each project (see `atlas_ld.store.history`), for Memento."""
        return self.root / HISTORY_FILE

    @property
    def published_harvest(self) -> Path:
        """When the harvest that the last `atlas-ld update` published began: the next update starts from there."""
        return self.root / "published-harvest"

    @property
    def first_load(self) -> FirstLoad:
        """The first load into the embedded store, through the bulk loader (see `atlas_ld.store.first_load`)."""
        return FirstLoad(self.root / FIRST_LOAD_MARK, self.oxigraph, self.history)

    def open_history(self) -> History:
        """The history, for writing (created with the data folder when missing)."""
        self.root.mkdir(parents=True, exist_ok=True)
        return History(self.history)

    def has_store(self) -> bool:
        """True once an ingest has created the store; reading commands refuse to create an empty one."""
        return self.oxigraph.is_dir() and any(self.oxigraph.iterdir())

    def open_store(self, *, read_only: bool = False) -> EmbeddedStore:
        """Open (for writing: create) the embedded store of this folder."""
        return EmbeddedStore(self.oxigraph, read_only=read_only)
