"""The RDF vocabularies the graph uses, as pyoxigraph terms, and their usual prefixes.

>>> SKOS.prefLabel
<NamedNode value=http://www.w3.org/2004/02/skos/core#prefLabel>
>>> atlas_namespace("https://atlas.example.org/").triennial.value
'https://atlas.example.org/def/triennial'
"""

from __future__ import annotations

from functools import cache

from pyoxigraph import NamedNode

from atlas_ld.uris import UriScheme


class Namespace:
    """Terms of one vocabulary; each NamedNode is built once, then read as a plain attribute."""

    def __init__(self, iri: str) -> None:
        self.iri = iri

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        term = NamedNode(self.iri + name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> NamedNode:
        """For local names that are not Python identifiers (vcard:country-name)."""
        return NamedNode(self.iri + name)


ADMS = Namespace("http://www.w3.org/ns/adms#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
IGEO = Namespace("http://rdf.insee.fr/def/geo#")  # INSEE's geographic ontology: codeINSEE, Commune, subdivisionDe
ORG = Namespace("http://www.w3.org/ns/org#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
PROV = Namespace("http://www.w3.org/ns/prov#")
QB = Namespace("http://purl.org/linked-data/cube#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

EU_CURRENCY = "http://publications.europa.eu/resource/authority/currency/"
EUR = NamedNode(EU_CURRENCY + "EUR")

PREFIXES: dict[str, str] = {
    "adms": ADMS.iri,
    "dcterms": DCTERMS.iri,
    "foaf": FOAF.iri,
    "igeo": IGEO.iri,
    "org": ORG.iri,
    "owl": OWL.iri,
    "prov": PROV.iri,
    "qb": QB.iri,
    "rdf": RDF.iri,
    "rdfs": RDFS.iri,
    "sdmx-attribute": SDMX_ATTRIBUTE.iri,
    "sdmx-dimension": SDMX_DIMENSION.iri,
    "sdmx-measure": SDMX_MEASURE.iri,
    "skos": SKOS.iri,
    "vcard": VCARD.iri,
    "xsd": XSD.iri,
}


@cache
def atlas_namespace(base: str) -> Namespace:
    """The atlas: vocabulary under a base URI ({base}def/)."""
    return Namespace(UriScheme(base).vocab)


def prefixes(base: str) -> dict[str, str]:
    """Every prefix of the graph, atlas: included, for serialisers and query editors."""
    return {"atlas": atlas_namespace(base).iri, **PREFIXES}
