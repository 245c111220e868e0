"""Rejected records: a project whose graph failed validation is written to `rejected/` instead of the store.

Each rejected project gets two files: `<prjId>.ttl` (the graph as it was mapped, to inspect or fix) and
`<prjId>.json` (why: the violations, the source page, when). The last good version of the project stays in the
store untouched; when a later ingest stores the project, its rejected files go, so that `rejected/` always
lists what is currently out of the published graph.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from atlas_ld.vocab import prefixes


def _plain(value: Any) -> Any:
    """A violation (dataclass, or any object) as JSON-ready data; RDF terms and paths become strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return value.value
    return str(value)


def _write_atomically(path: Path, data: bytes) -> None:
    """A reader (or a crash) never sees half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class RejectedRecords:
    """The `rejected/` folder of a data directory: what is out of the published graph, and why."""

    def __init__(self, directory: Path, *, base_uri: str) -> None:
        self.directory = Path(directory)
        self._prefixes = prefixes(base_uri)

    def graph_file(self, prj_id: int) -> Path:
        return self.directory / f"{prj_id}.ttl"

    def reasons_file(self, prj_id: int) -> Path:
        return self.directory / f"{prj_id}.json"

    def keep(
        self,
        prj_id: int,
        triples: Iterable[ox.Triple],
        violations: Sequence[Any],
        *,
        source_file: str,
        reasons: Sequence[str],
        at: datetime,
    ) -> None:
        """Write the project's graph and why it was rejected (replacing an earlier rejected version)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        turtle = ox.serialize(list(triples), format=ox.RdfFormat.TURTLE, prefixes=self._prefixes)
        _write_atomically(self.graph_file(prj_id), turtle or b"")
        why = {
            "prjId": prj_id,
            "source_file": source_file,
            "rejected_at": at.isoformat(),
            "reasons": list(reasons),
            "violations": _plain(list(violations)),
        }
        _write_atomically(self.reasons_file(prj_id), json.dumps(why, ensure_ascii=False, indent=2).encode())

    def release(self, prj_id: int) -> None:
        """Forget a rejected version: the project has just been stored."""
        self.graph_file(prj_id).unlink(missing_ok=True)
        self.reasons_file(prj_id).unlink(missing_ok=True)

    def kept(self) -> list[int]:
        """Atlas ids of the projects currently rejected."""
        if not self.directory.is_dir():
            return []
        return sorted(int(p.stem) for p in self.directory.glob("*.json") if p.stem.isdigit())

    def reasons(self, prj_id: int) -> dict[str, Any]:
        """What `keep` recorded for a project."""
        return json.loads(self.reasons_file(prj_id).read_text(encoding="utf-8"))
