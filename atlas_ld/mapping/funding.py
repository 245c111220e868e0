"""Funding as Data Cube observations: one per line of the funding table and measure (amount, 1% water)."""

from __future__ import annotations

from collections import Counter

from pyoxigraph import Literal, NamedNode, Triple

from atlas_ld.mapping.literals import decimal, integer, year
from atlas_ld.mapping.organisations import Organisations
from atlas_ld.uris import slugify
from atlas_ld.vocab import EUR, QB, RDF, SDMX_ATTRIBUTE, SDMX_DIMENSION


class Funding(Organisations):
    """The funding observations are the project's own; their funders are organisations, shared."""

    def funding(self) -> None:
        r, atlas, uris = self.record, self.atlas, self.uris
        dataset = NamedNode(uris.dataset("funding"))
        measures = (("amount", atlas.amount), ("water", atlas.waterAmount))
        lines: Counter[tuple[int | None, str]] = Counter()
        append = self.triples.append  # the hot loop of a bulk ingest: no method lookups per triple
        for row in r.funding:
            funder = self.funder(row.funder)
            lines[(row.year, slugify(row.funder))] += 1
            line = lines[(row.year, slugify(row.funder))]
            shared: list[tuple[NamedNode, NamedNode | Literal]] = [
                (RDF.type, QB.Observation),
                (QB.dataSet, dataset),
                (atlas.fundedProject, self.node),
                (atlas.funder, funder),
                (atlas.fundingLine, integer(line)),
                (SDMX_ATTRIBUTE.unitMeasure, EUR),
            ]
            if row.year is not None:
                shared.append((SDMX_DIMENSION.refPeriod, year(row.year)))
            for (key, measure), value in zip(measures, (row.amount, row.water_amount)):
                if value is None:
                    continue
                obs = NamedNode(uris.observation(r.prj_id, row.year, row.funder, line, key))
                for p, o in shared:
                    append(Triple(obs, p, o))
                append(Triple(obs, QB.measureType, measure))
                append(Triple(obs, measure, decimal(value)))

