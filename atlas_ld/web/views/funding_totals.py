"""Funding totals: the amounts of the funding observations summed by year or by funder."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from atlas_ld.vocab import QB, RDF, RDFS, SDMX_DIMENSION
from atlas_ld.web.views.store_queries import (
    StoreQueries,
    decimal_of,
    int_of,
    select_rows,
    text_of,
)


@dataclass(frozen=True)
class FundingRow:
    label: str
    amount: Decimal
    water_amount: Decimal
    observations: int
    iri: str | None = None



class FundingTotals(StoreQueries):
    """The funding tables of the data set's, an authority's and a funder's pages."""

    def funding_by(
        self, dimension: str, *, project: str | None = None, funder: str | None = None, limit: int | None = None
    ) -> list[FundingRow]:
        """Totals of the funding measures grouped by "year" or "funder", over everything, a project or a funder."""
        key = ("funding", dimension, project, funder, limit)
        return self.kept.get(key, lambda: self._funding_by(dimension, project, funder, limit))  # type: ignore[no-any-return]

    def _funding_by(
        self, dimension: str, project: str | None, funder: str | None, limit: int | None
    ) -> list[FundingRow]:
        atlas = self.atlas
        restrict = f"?obs {atlas.fundedProject} {ox.NamedNode(project)} ." if project else ""
        if funder:
            restrict += f"?obs {atlas.funder} {ox.NamedNode(funder)} ."
        if dimension == "year":
            key, order = f"?obs {SDMX_DIMENSION.refPeriod} ?key .", "?key"
        elif dimension == "funder":
            key, order = f"?obs {atlas.funder} ?key .", "DESC(?amount) ?label"
        else:
            raise ValueError(f"unknown funding dimension {dimension!r}")
        # Sums first, names after: a funder written in two spellings has two labels, and a join with them
        # would count its amounts twice. The project or funder comes first: Oxigraph joins in the written order,
        # and starting from every observation costs a second on 20,000 projects.
        rows = select_rows(
            self.store,
            f"""SELECT ?key (SAMPLE(COALESCE(?name, STR(?key))) AS ?label) ?amount ?water ?n WHERE {{
              {{ SELECT ?key (SUM(COALESCE(?a, 0)) AS ?amount) (SUM(COALESCE(?w, 0)) AS ?water)
                        (COUNT(DISTINCT ?obs) AS ?n)
                WHERE {{
                  {restrict}
                  ?obs {RDF.type} {QB.Observation} ; {QB.dataSet} {ox.NamedNode(self.uris.dataset("funding"))} .
                  {key}
                  OPTIONAL {{ ?obs {atlas.amount} ?a }} OPTIONAL {{ ?obs {atlas.waterAmount} ?w }}
                }} GROUP BY ?key }}
              OPTIONAL {{ ?key {RDFS.label} ?name }}
            }} GROUP BY ?key ?amount ?water ?n ORDER BY {order} {f"LIMIT {int(limit)}" if limit else ""}""",
        )
        return [
            FundingRow(
                label=text_of(r, "label") or text_of(r, "key") or "",
                amount=decimal_of(r, "amount"),
                water_amount=decimal_of(r, "water"),
                observations=int_of(r, "n"),
                iri=text_of(r, "key") if isinstance(r.get("key"), ox.NamedNode) else None,
            )
            for r in rows
        ]



def total(rows: Iterable[FundingRow]) -> FundingRow:
    """The sum of funding rows, for the foot of a table."""
    rows = list(rows)
    return FundingRow(
        "Total",
        sum((r.amount for r in rows), Decimal(0)),
        sum((r.water_amount for r in rows), Decimal(0)),
        sum(r.observations for r in rows),
    )
