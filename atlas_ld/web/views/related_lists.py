"""The lists on the page of one thing: its projects, its partners, its authorities, a concept's place in its tree."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from atlas_ld.vocab import ADMS, DCTERMS, RDF, SKOS
from atlas_ld.web.views.project_search import ProjectPage, ProjectSearch
from atlas_ld.web.views.store_queries import (
    Option,
    int_of,
    narrower_or_self,
    select_rows,
    text_of,
)


@dataclass(frozen=True)
class Partner:
    iri: str
    label: str
    country: str | None
    shared_projects: int



class RelatedLists(ProjectSearch):
    """What a page lists around one authority, post, country or concept."""

    def projects_of_authority(self, iri: str, page: int = 1) -> ProjectPage:
        node = ox.NamedNode(iri)
        atlas = self.atlas
        return self.projects_where(
            f"{{ ?project {atlas.frenchPartner} {node} }} UNION {{ ?project {atlas.foreignPartner} {node} }}", page
        )

    def projects_of_post(self, iri: str, page: int = 1) -> ProjectPage:
        return self.projects_where(f"?project {self.atlas.diplomaticPost} {ox.NamedNode(iri)} .", page)

    def projects_in_country(self, iso3: str, page: int = 1) -> ProjectPage:
        return self.projects_where(f"?project {DCTERMS.spatial} {ox.NamedNode(self.uris.country(iso3))} .", page)

    def projects_of_concept(self, iri: str, page: int = 1) -> ProjectPage:
        """Projects about the concept or any concept below it (skos:broader*), or having it as status or form."""
        node = ox.NamedNode(iri)
        return self.projects_where(
            f"{{ {narrower_or_self(node)} ?project {DCTERMS.subject} ?subject }} "
            f"UNION {{ ?project {ADMS.status} {node} }} UNION {{ ?project {DCTERMS.type} {node} }}",
            page,
        )

    def concept_path(self, iri: str) -> list[tuple[str, str]]:
        """(IRI, French label) of the concept and every concept above it, the top one first.

        Kept until the next write: the few themes recur on every project page."""
        return self.kept.get(("concept path", iri), lambda: self._concept_path(iri))  # type: ignore[no-any-return]

    def _concept_path(self, iri: str) -> list[tuple[str, str]]:
        node = ox.NamedNode(iri)
        rows = select_rows(
            self.store,
            f"""SELECT ?concept (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?above) AS ?depth) WHERE {{
              {node} {SKOS.broader}* ?concept . ?concept {SKOS.broader}* ?above .
              OPTIONAL {{ ?concept {SKOS.prefLabel} ?name FILTER(LANGMATCHES(LANG(?name), "fr")) }}
            }} GROUP BY ?concept ORDER BY ?depth""",
        )
        return [(text_of(r, "concept") or "", text_of(r, "label") or text_of(r, "concept") or "") for r in rows]

    # -- organisations --------------------------------------------------------------------------------------------

    def partners_of(self, iri: str) -> list[Partner]:
        """The authorities that share at least one project with this one, the most frequent first."""
        node = ox.NamedNode(iri)
        roles = f"{self.atlas.frenchPartner}|{self.atlas.foreignPartner}"
        rows = select_rows(
            self.store,
            f"""SELECT ?partner (COUNT(DISTINCT ?project) AS ?n) WHERE {{
              ?project {roles} {node} ; {roles} ?partner .
              FILTER(?partner != {node})
            }} GROUP BY ?partner""",
        )
        partners = {text_of(r, "partner") or "": int_of(r, "n") for r in rows}
        names = self.labels.names(set(partners))
        places = self.labels.places(set(partners))
        place_names = self.labels.names(set(places.values()))
        found = [Partner(p, names.get(p, p), place_names.get(places.get(p, ""), None), n) for p, n in partners.items()]
        return sorted(found, key=lambda p: (-p.shared_projects, p.label.lower()))

    def authorities_in_country(self, iso3: str) -> list[Option]:
        """The country's authorities (value = IRI), the most active first."""
        country = ox.NamedNode(self.uris.country(iso3))
        atlas = self.atlas
        rows = select_rows(
            self.store,
            f"""SELECT ?authority (COUNT(DISTINCT ?project) AS ?n) WHERE {{
              ?authority {DCTERMS.spatial} {country} .
              FILTER EXISTS {{ ?authority {RDF.type} {atlas.LocalAuthority} }}
              OPTIONAL {{ ?project {atlas.frenchPartner}|{atlas.foreignPartner} ?authority }}
            }} GROUP BY ?authority""",
        )
        counts = {text_of(r, "authority") or "": int_of(r, "n") for r in rows}
        names = self.labels.names(set(counts))
        found = [Option(a, names.get(a, a), n) for a, n in counts.items()]
        return sorted(found, key=lambda o: (-o.count, o.label.lower()))

