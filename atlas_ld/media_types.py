"""The representations atlas-ld serves and the choice among them: `?format=` beats a file suffix, which beats
Accept; the first offer is the default. No HTTP here: `atlas_ld.web.negotiation` turns "none" into a 406.

Accept headers are read by werkzeug's parser (q-values, wildcards, most specific range wins, garbage ignored),
so the long headers that clients really send pick what they rank first:

>>> negotiate(RDF, accept="application/rdf+xml, text/rdf;q=0.6, text/turtle;q=0.4, */*;q=0.1").media_type
'application/rdf+xml'
>>> negotiate(RESULTS, accept="application/sparql-results+json,text/turtle;q=0.9").media_type
'application/sparql-results+json'
>>> negotiate(RESULTS, accept="text/*;q=0.5, text/csv;q=0.1").media_type
'text/tab-separated-values'
>>> negotiate(RESULTS, accept="text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2").media_type
'application/sparql-results+json'
>>> negotiate(RDF, accept="text/html, */*;q=0.8").media_type, negotiate(RDF, accept=";;;garbage").media_type
('text/turtle', 'text/turtle')
>>> negotiate(RDF, accept="application/json", format="nt").media_type, negotiate(RDF, suffix="jsonld").media_type
('application/n-triples', 'application/ld+json')
>>> negotiate(RDF, accept="text/csv") is None, negotiate(RDF, format="csv", accept="text/turtle").media_type
(True, 'text/turtle')

`format` may hold several values, comma-separated (SPARQLWrapper sends `format=json-ld` and
`format=application/ld+json,application/x-json+ld` in one request): the first that names an offer wins, and when
none does the Accept header decides, so a name this server does not know never turns an acceptable Accept into a 406:

>>> negotiate(RDF, accept="text/turtle", format="n3,text/n3").media_type
'text/turtle'
>>> negotiate(RDF, accept="*/*", format="json-ld,application/ld+json,application/x-json+ld").media_type
'application/ld+json'
>>> negotiate(RESULTS, accept="text/tab-separated-values", format="tsv,text/tab-separated-values").media_type
'text/tab-separated-values'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


@dataclass(frozen=True)
class Offer:
    """A representation the server can send."""

    media_type: str
    names: tuple[str, ...] = ()
    """Its `?format=` values and file suffixes."""
    aliases: tuple[str, ...] = ()
    """Other media types that clients ask for when they mean this one."""


# Turtle is N3 without N3's extensions, so a client asking for N3 can read it.
TURTLE = Offer(
    "text/turtle",
    ("ttl", "turtle", "n3"),
    ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3"),
)
JSON_LD = Offer("application/ld+json", ("jsonld", "json-ld", "json"), ("application/json", "application/x-json+ld"))
N_TRIPLES = Offer("application/n-triples", ("nt", "ntriples", "n-triples"))
RDF_XML = Offer("application/rdf+xml", ("rdf", "rdfxml", "rdf+xml", "xml"), ("application/xml", "text/xml"))
N_QUADS = Offer("application/n-quads", ("nq", "nquads", "n-quads"))
TRIG = Offer("application/trig", ("trig",))
HTML = Offer("text/html", ("html",), ("application/xhtml+xml",))

RDF: tuple[Offer, ...] = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML, N_QUADS, TRIG)
"""Graph representations, Turtle first (the default)."""

RESULTS: tuple[Offer, ...] = (
    Offer(
        "application/sparql-results+json", ("json", "srj"), ("application/json", "text/javascript", "application/javascript")
    ),
    Offer("application/sparql-results+xml", ("xml", "srx"), ("application/xml", "text/xml")),
    Offer("text/csv", ("csv",)),
    Offer("text/tab-separated-values", ("tsv",)),
)
"""SELECT and ASK result representations, JSON first (the default)."""


def negotiate(
    offers: Sequence[Offer],
    *,
    accept: str | None = None,
    format: str | None = None,
    suffix: str | None = None,
) -> Offer | None:
    """The offer to send, or None when the client accepts none of them (answer 406).

    `format` may be short names ("ttl") or media types, comma-separated; one naming none of the offers is ignored.
    `suffix` is a file extension without its dot. No Accept header, or one with nothing readable in it, means the
    first offer.
    """
    return _negotiate(tuple(offers), accept, format, suffix)


# Reading an Accept header takes tens of microseconds, and clients send the same few headers over and over.
@lru_cache(maxsize=1024)
def _negotiate(offers: tuple[Offer, ...], accept: str | None, format: str | None, suffix: str | None) -> Offer | None:
    for name in (format or "").split(","):
        named = _named(offers, name.split(";", 1)[0].strip().lower()) if name.strip() else None
        if named is not None:
            return named
    if suffix:
        return _named(offers, suffix.lower())
    ranges = _ranges(accept)
    if not ranges:
        return offers[0] if offers else None
    best, best_quality = None, 0.0
    for offer in offers:
        quality = _quality(ranges, offer)
        if quality > best_quality:
            best, best_quality = offer, quality
    return best


def prefers(offer: Offer, offers: Sequence[Offer], *, accept: str | None) -> bool:
    """Whether Accept ranks `offer` strictly above all of `offers` (a browser asking for HTML; not `*/*`).

    >>> prefers(HTML, RDF, accept="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    True
    >>> prefers(HTML, RDF, accept="*/*"), prefers(HTML, RDF, accept=None)
    (False, False)
    """
    return bool(accept) and negotiate((*offers, offer), accept=accept) == offer


def rdf_format(offer: Offer) -> ox.RdfFormat:
    """pyoxigraph's serialiser for one of the RDF offers."""
    found = ox.RdfFormat.from_media_type(offer.media_type)
    if found is None:
        raise ValueError(f"pyoxigraph writes no RDF as {offer.media_type}")
    return found


def results_format(offer: Offer) -> ox.QueryResultsFormat:
    """pyoxigraph's serialiser for one of the RESULTS offers."""
    found = ox.QueryResultsFormat.from_media_type(offer.media_type)
    if found is None:
        raise ValueError(f"pyoxigraph writes no query results as {offer.media_type}")
    return found


_BARE_DECIMAL = re.compile(r"(;\s*)q=\.", re.IGNORECASE)


def _ranges(accept: str | None) -> MIMEAccept:
    """The header's readable media ranges without their parameters (`text/turtle;charset=utf-8` asks for Turtle)."""
    ranges = []
    # Java's default header writes "q=.2", which the RFC grammar (and so werkzeug) rejects; read it as 0.2.
    for value, quality in parse_accept_header(_BARE_DECIMAL.sub(r"\1q=0.", accept or ""), MIMEAccept):
        media_type = value.split(";", 1)[0].strip().lower()
        media_type = "*/*" if media_type == "*" else media_type
        kind, _, subtype = media_type.partition("/")
        if kind and subtype:
            ranges.append((media_type, quality))
    return MIMEAccept(ranges)


def _quality(ranges: MIMEAccept, offer: Offer) -> float:
    """How much the client wants an offer: its media type as the most specific range matching it says, or an
    alias named outright (an alias never matches through a wildcard, so `text/*` does not pick XML for `text/xml`)."""
    named = [quality for value, quality in ranges if value in offer.aliases]
    return max([ranges.quality(offer.media_type), *named])


def _named(offers: Sequence[Offer], name: str) -> Offer | None:
    return next((o for o in offers if name in o.names or name == o.media_type or name in o.aliases), None)
