"""The other representations of a description, as `<link rel="alternate">` and the `Link:` header name them.

>>> from atlas_ld.uris import UriScheme
>>> alternates(UriScheme("https://atlas.example.org/"), "https://atlas.example.org/id/post/tunis")[0]
('text/turtle', '/data/post/tunis.ttl')
"""

from __future__ import annotations

from atlas_ld.media_types import Offer
from atlas_ld.uris import UriScheme
from atlas_ld.web.rdf_documents import GRAPH_OFFERS


def suffix_of(offer: Offer) -> str:
    """The file suffix of a description in this format (`ttl`, `jsonld`, `nt`, `rdf`)."""
    return offer.names[0]


def alternates(uris: UriScheme, iri: str) -> list[tuple[str, str]]:
    """(media type, path) of every RDF format of a description, for <link rel="alternate">."""
    return [(offer.media_type, uris.data_path(iri, suffix_of(offer))) for offer in GRAPH_OFFERS]


def alternates_header(uris: UriScheme, iri: str) -> str:
    """`Link: <...>; rel="alternate"` to the page and the other formats, as datasette does for its tables."""
    entries = [f'<{uris.page_path(iri)}>; rel="alternate"; type="text/html"']
    entries += [f'<{href}>; rel="alternate"; type="{media_type}"' for media_type, href in alternates(uris, iri)]
    return ", ".join(entries)
