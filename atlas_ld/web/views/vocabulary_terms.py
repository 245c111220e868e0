"""The vocabulary page: the terms the atlas: vocabulary defines, its own title, the concept schemes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from atlas_ld.vocab import DCTERMS, RDF, RDFS, SKOS
from atlas_ld.web.views.store_queries import (
    Option,
    StoreQueries,
    int_of,
    select_rows,
    text_of,
)


@dataclass
class VocabularyTerm:
    """A class or property of the atlas: vocabulary, with what the vocabulary says of it."""

    iri: str
    name: str
    kinds: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)



class VocabularyQueries(StoreQueries):
    """The vocabulary and the schemes, as the store holds them (its own graph, loaded with every ingest)."""

    def vocabulary(self) -> list[VocabularyTerm]:
        """Every term defined by the atlas: vocabulary, classes first, then by name."""
        return self.kept.get("vocabulary", self._vocabulary)  # type: ignore[no-any-return]

    def _vocabulary(self) -> list[VocabularyTerm]:
        ontology = ox.NamedNode(self.uris.vocab)
        rows = select_rows(
            self.store,
            f"""SELECT ?term ?p ?o WHERE {{
              ?term {RDFS.isDefinedBy} {ontology} ; ?p ?o .
              FILTER(?p IN ({RDF.type}, {RDFS.label}, {RDFS.comment}, {RDFS.domain}, {RDFS.range},
                            {RDFS.subClassOf}, {RDFS.subPropertyOf}))
            }}""",
        )
        terms: dict[str, VocabularyTerm] = {}
        slots = {
            RDF.type.value: "kinds",
            RDFS.domain.value: "domains",
            RDFS.range.value: "ranges",
            RDFS.subClassOf.value: "parents",
            RDFS.subPropertyOf.value: "parents",
        }
        for row in rows:
            iri, prop, obj = text_of(row, "term") or "", text_of(row, "p") or "", row["o"]
            term = terms.setdefault(iri, VocabularyTerm(iri, self.uris.term_name(iri) or ""))
            if prop in slots:
                getattr(term, slots[prop]).append(obj.value)
            elif isinstance(obj, ox.Literal):
                target = term.labels if prop == RDFS.label.value else term.comments
                target[obj.language or ""] = obj.value
        for term in terms.values():
            for values in (term.kinds, term.domains, term.ranges, term.parents):
                values.sort()
        is_class = "http://www.w3.org/2002/07/owl#Class"
        return sorted(terms.values(), key=lambda t: (is_class not in t.kinds, t.name.lower()))

    def ontology_metadata(self) -> dict[str, dict[str, str]]:
        """The vocabulary's own title and description, by language."""
        rows = select_rows(
            self.store,
            f"""SELECT ?p ?o WHERE {{ {ox.NamedNode(self.uris.vocab)} ?p ?o .
                  FILTER(?p IN ({DCTERMS.title}, {DCTERMS.description})) }}""",
        )
        found: dict[str, dict[str, str]] = {"title": {}, "description": {}}
        for row in rows:
            key = "title" if text_of(row, "p") == DCTERMS.title.value else "description"
            obj = row["o"]
            if isinstance(obj, ox.Literal):
                found[key][obj.language or ""] = obj.value
        return found

    def schemes(self) -> list[Option]:
        """Every concept scheme (value = IRI) with its French label and number of concepts."""
        rows = select_rows(
            self.store,
            f"""SELECT ?scheme (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?concept) AS ?n) WHERE {{
              ?scheme {RDF.type} {SKOS.ConceptScheme} .
              OPTIONAL {{ ?scheme {SKOS.prefLabel} ?name FILTER(LANGMATCHES(LANG(?name), "fr")) }}
              OPTIONAL {{ ?concept {SKOS.inScheme} ?scheme }}
            }} GROUP BY ?scheme ORDER BY ?label""",
        )
        return [
            Option(text_of(r, "scheme") or "", text_of(r, "label") or text_of(r, "scheme") or "", int_of(r, "n")) for r in rows
        ]

