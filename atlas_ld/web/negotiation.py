"""Content negotiation answered in one place: `choose` picks the representation to send, or answers 406.

What atlas-ld can send, and the choice itself (`?format=` beats a file suffix, which beats Accept), are in
`atlas_ld.media_types`, which the SPARQL answers use too; this module adds the HTTP side.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request

from atlas_ld.media_types import Offer, negotiate
from atlas_ld.web.errors import not_acceptable


def choose(
    offers: Sequence[Offer],
    request: Request | None = None,
    *,
    accept: str | None = None,
    format: str | None = None,
    suffix: str | None = None,
) -> Offer:
    """The offer to send; 406, naming what can be served, when the client accepts none of them.

    With `request`, its Accept header and `?format=` are read. A refused suffix is answered with the suffixes that
    exist, a refused media type with the media types.

    >>> from atlas_ld.media_types import RDF
    >>> choose(RDF, accept="text/csv", format="csv")
    Traceback (most recent call last):
    atlas_ld.web.errors.HttpError: 406: None of the requested media types can be served; available: text/turtle, \
application/ld+json, application/n-triples, application/rdf+xml, application/n-quads, application/trig.
    """
    if request is not None:
        accept, format = request.headers.get("accept"), ",".join(request.query_params.getlist("format"))
    offer = negotiate(offers, accept=accept, format=format, suffix=suffix)
    if offer is None:
        named = [o.names[0] for o in offers] if suffix and not format else [o.media_type for o in offers]
        raise not_acceptable(named)
    return offer
