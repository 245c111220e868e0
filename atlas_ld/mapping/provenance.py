"""Provenance: the project graph derived from its source page by an ingest run of a given parser version."""

from __future__ import annotations

from datetime import datetime

from pyoxigraph import Literal, NamedNode

from atlas_ld.mapping.builder import ProjectBuilder
from atlas_ld.mapping.literals import FALSE, TRUE, date_time, year
from atlas_ld.vocab import DCTERMS, FOAF, OWL, PROV, RDF, RDFS


class Provenance(ProjectBuilder):
    """PROV-O statements about the project graph, its source page and the ingest activity."""

    def provenance(self, ingested_at: datetime, parser_version: str) -> None:
        r, uris = self.record, self.uris
        graph = NamedNode(uris.project_graph(r.prj_id))
        source = NamedNode(uris.source_page(r.prj_id))
        activity = NamedNode(uris.ingest_activity(r.prj_id, ingested_at.isoformat()))
        software = NamedNode(uris.software(parser_version))
        when = date_time(ingested_at)
        self.add(graph, RDF.type, PROV.Entity)
        self.add(graph, PROV.wasDerivedFrom, source)
        self.add(graph, PROV.generatedAtTime, when)
        self.add(graph, PROV.wasGeneratedBy, activity)
        self.add(source, RDF.type, PROV.Entity)
        self.add(source, RDF.type, FOAF.Document)
        self.add(source, FOAF.primaryTopic, self.node)
        self.link(FOAF.isPrimaryTopicOf, source)
        self.add(source, self.atlas.truncated, FALSE if r.complete else TRUE)
        if r.source_url:
            try:
                self.add(source, PROV.hadPrimarySource, NamedNode(r.source_url))
            except ValueError:  # not an IRI: keep what the page's address was, as written
                self.add(source, DCTERMS.source, Literal(r.source_url))
        if r.fetched_at is not None:  # the page as kept was made when it was fetched from its primary source
            self.add(source, PROV.generatedAtTime, date_time(r.fetched_at))
        if r.footer_year is not None:
            self.add(source, DCTERMS.dateCopyrighted, year(r.footer_year))
        self.add(activity, RDF.type, PROV.Activity)
        self.add(activity, PROV.used, source)
        self.add(activity, PROV.wasAssociatedWith, software)
        self.add(activity, PROV.endedAtTime, when)
        self.share(software, RDF.type, PROV.SoftwareAgent)
        self.share(software, RDFS.label, Literal(f"atlas-ld {parser_version}"))
        self.share(software, OWL.versionInfo, Literal(parser_version))
