"""Graphs written for people and programs to read: Turtle and RDF/XML with the site's prefixes, and compacted
JSON-LD, keys as CURIEs (`dcterms:title`), not full IRIs (`write_graph`).

pyoxigraph writes expanded JSON-LD only, so graphs go through rdflib's serializer, which compacts with a context.
The documents name the context published at `{base}context.jsonld` (the site's prefixes) instead of repeating it,
at the host the client reached, so that it can fetch it there (a test or staging server included).

>>> import json, pyoxigraph as ox
>>> triple = ox.Triple(ox.NamedNode("https://a.example/id/1"), ox.NamedNode("http://purl.org/dc/terms/title"),
...                    ox.Literal("Titre", language="fr"))
>>> document = json.loads(compact_jsonld([triple], "https://a.example/"))
>>> document["@context"], document["dcterms:title"]
('https://a.example/context.jsonld', {'@language': 'fr', '@value': 'Titre'})
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox
import rdflib

from atlas_ld.vocab import prefixes

CONTEXT_PATH = "context.jsonld"
"""Where, under the base URI, the JSON-LD context is published."""


def context_url(base: str, reached: str | None = None) -> str:
    """The context's URL: under the base URI, or at the same path on the host of `reached` (a URL the client
    asked for).

    >>> context_url("https://a.example/atlas/", "http://127.0.0.1:8000/sparql")
    'http://127.0.0.1:8000/atlas/context.jsonld'
    """
    if reached is None:
        return base + CONTEXT_PATH
    return urljoin(reached, (urlsplit(base).path or "/") + CONTEXT_PATH)


def context_document(base: str) -> dict[str, Any]:
    """The published context: every prefix of the graph, so each IRI under one compacts to a CURIE."""
    return {"@context": prefixes(base)}


def compact_jsonld(triples: Iterable[ox.Triple], base: str, reached: str | None = None) -> bytes:
    """The triples as JSON-LD compacted with the site's context, which the document names by its URL (see
    `context_url`)."""
    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    document = json.loads(graph.serialize(format="json-ld", context=prefixes(base), auto_compact=True))
    if isinstance(document, list):  # no node at all: rdflib writes a bare array
        document = {"@graph": document}
    document["@context"] = context_url(base, reached)
    return json.dumps({"@context": document.pop("@context"), **document}, ensure_ascii=False, indent=1).encode()


_WITH_PREFIXES = (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML)


def write_graph(
    triples: Iterable[ox.Triple], syntax: ox.RdfFormat, base: str, output: IO[bytes], reached: str | None = None
) -> None:
    """pyoxigraph's serialiser (streaming) with the site's prefixes where the syntax has them; JSON-LD compacted
    (so written whole), naming its context on the host of the URL the client `reached`."""
    if syntax == ox.RdfFormat.JSON_LD:
        output.write(compact_jsonld(triples, base, reached))
    else:
        ox.serialize(triples, output, syntax, prefixes=prefixes(base) if syntax in _WITH_PREFIXES else None)
