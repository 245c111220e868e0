"""Where a resource lives on this server: IRI ↔ local path for /id/, /data/, /page/ and /def/.

Only the base URI's path matters, not its host: a server reached as http://127.0.0.1:8000 answers for the very
IRIs of https://atlas.example.org/, so links are written as paths.

>>> links = Links("https://atlas.example.org/")
>>> links.page("https://atlas.example.org/id/project/12523")
'/page/project/12523'
>>> links.data("https://atlas.example.org/id/project/12523", "ttl")
'/data/project/12523.ttl'
>>> links.page("https://atlas.example.org/def/Project")
'/page/def/#Project'
>>> links.page("http://publications.europa.eu/resource/authority/country/TUN")
'/page/country/TUN'
>>> links.page("http://metadata.un.org/sdg/6"), links.page("javascript:alert(1)")
('http://metadata.un.org/sdg/6', '')
>>> Links("https://example.org/atlas/").iri_of_id("project/1")
'https://example.org/atlas/id/project/1'
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from atlas_ld.uris import EU_COUNTRY
from atlas_ld.web.rdf_documents import GRAPH_OFFERS


class Links:
    """Paths of the resources minted under one base URI."""

    def __init__(self, base_uri: str) -> None:
        self.base = base_uri if base_uri.endswith("/") else base_uri + "/"
        self.root = urlsplit(self.base).path or "/"  # "/" or "/prefix/"
        self.id_base = self.base + "id/"
        self.vocab = self.base + "def/"

    # IRI → path
    def local(self, iri: str) -> str | None:
        """The thing's key under {base}id/ ("project/12523"), or None when the IRI is not one of ours."""
        return iri[len(self.id_base) :] if iri.startswith(self.id_base) else None

    def page(self, iri: str) -> str:
        """Where a browser should go for this IRI: our HTML page, the IRI itself when it is another web
        address, or "" (no link) for anything else."""
        key = self.local(iri)
        if key is not None:
            return self.root + "page/" + quote(key)
        if iri.startswith(self.vocab):
            return self.root + "page/def/" + ("#" + quote(iri[len(self.vocab) :]) if iri != self.vocab else "")
        if iri.startswith(EU_COUNTRY):
            return self.root + "page/country/" + quote(iri[len(EU_COUNTRY) :])
        # Other IRIs are links out, but only to web addresses: never javascript: or data: from a page's text.
        return iri if iri.startswith(("http://", "https://")) else ""

    def data(self, iri: str, ext: str) -> str:
        """Path of the RDF description of one of our things (or of the vocabulary) in the format `ext`."""
        key = self.local(iri)
        if key is not None:
            return f"{self.root}data/{quote(key)}.{ext}"
        if iri.startswith(self.vocab):
            return f"{self.root}data/def.{ext}"
        if iri.startswith(EU_COUNTRY):
            return f"{self.root}data/country/{quote(iri[len(EU_COUNTRY) :])}.{ext}"
        raise ValueError(f"no local description for {iri}")

    def alternates(self, iri: str) -> list[tuple[str, str]]:
        """(media type, path) of every RDF format of a description, for <link rel="alternate">."""
        return [(offer.media_type, self.data(iri, offer.names[0])) for offer in GRAPH_OFFERS]

    # path → IRI
    def iri_of_id(self, key: str) -> str:
        return self.id_base + key

    def iri_of_term(self, term: str) -> str:
        return self.vocab + term

    @staticmethod
    def country_iri(iso3: str) -> str:
        return EU_COUNTRY + iso3.upper()
