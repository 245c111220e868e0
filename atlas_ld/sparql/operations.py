"""The two SPARQL operations, as the protocol carries them: a query with its dataset, an update with its own."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QueryOperation:
    text: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None
    """The `format=` values, comma-separated; the first naming a representation overrides Accept."""

    @property
    def names_dataset(self) -> bool:
        """Whether the request itself says which graphs the query reads (default-graph-uri / named-graph-uri)."""
        return bool(self.default_graphs or self.named_graphs)


@dataclass(frozen=True)
class UpdateOperation:
    text: str
    using_graphs: tuple[str, ...] = ()
    using_named_graphs: tuple[str, ...] = ()


Operation = QueryOperation | UpdateOperation
