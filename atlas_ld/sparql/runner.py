"""What answers the endpoint's queries (`QueryRunner`), and the simplest one: the calling thread (`InlineQueries`),
for a store that bounds its own time. `atlas_ld.sparql.endpoint` chooses among the runners."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from atlas_ld.sparql.answers import Answer, answer_query
from atlas_ld.sparql.operations import QueryOperation
from atlas_ld.store.base import GraphStore


class QueryRunner(Protocol):
    """What the endpoint needs to answer a query."""

    def answer(
        self, operation: QueryOperation, *, accept: str | None, base_iri: str, allowed_services: Sequence[str] = ()
    ) -> Answer:
        """The answer to a query, as `answer_query` gives it; raises a `QueryError` when there is none."""

    def start(self) -> None:
        """Get ready to answer (called when the app starts; answering works without it)."""

    def close(self) -> None:
        """Let go of whatever answering holds (called when the app stops)."""


@dataclass(frozen=True)
class InlineQueries:
    """Queries answered in the calling thread, for a store that bounds its own time."""

    store: GraphStore
    max_rows: int = 0
    site_base: str | None = None
    """The site's base URI, whose prefixes and JSON-LD context graph answers use."""

    def answer(
        self, operation: QueryOperation, *, accept: str | None, base_iri: str, allowed_services: Sequence[str] = ()
    ) -> Answer:
        return answer_query(
            self.store,
            operation,
            accept=accept,
            base_iri=base_iri,
            allowed_services=allowed_services,
            max_rows=self.max_rows,
            site_base=self.site_base,
        )

    def start(self) -> None:
        """Nothing to start: the store is already open."""

    def close(self) -> None:
        """Nothing to let go of: the store belongs to whoever opened it."""
