"""The one place where atlas-ld mints and parses URIs (Cool URIs: /id/ for things, /def/ for the vocabulary).

Every key is derived from what a page says, never from row order, so re-ingesting a page gives the same URIs:

>>> u = UriScheme("https://atlas.example.org/")
>>> u.project(12523)
'https://atlas.example.org/id/project/12523'
>>> u.authority("Romans sur Isère", "FRA") == u.authority("Romans-sur-Isère", "FRA")
True
>>> u.post("AMBASSADE DE FRANCE A TUNIS") == u.post("Ambassade de France à Tunis")
True
>>> u.theme(("Economie durable", "Attractivité des territoires", None))
'https://atlas.example.org/id/theme/economie-durable/attractivite-des-territoires'

It also says where a resource lives on this server (IRI ↔ local path for /id/, /data/, /page/ and /def/). Only
the base URI's path matters, not its host: a server reached as http://127.0.0.1:8000 answers for the very IRIs
of https://atlas.example.org/, so links are written as paths.

>>> u.page_path("https://atlas.example.org/id/project/12523")
'/page/project/12523'
>>> u.data_path("https://atlas.example.org/id/project/12523", "ttl")
'/data/project/12523.ttl'
>>> u.page_path("https://atlas.example.org/def/Project")
'/page/def/#Project'
>>> u.page_path("http://publications.europa.eu/resource/authority/country/TUN")
'/page/country/TUN'
>>> u.page_path("http://metadata.un.org/sdg/6"), u.page_path("javascript:alert(1)")
('http://metadata.un.org/sdg/6', '')
>>> UriScheme("https://example.org/atlas/").thing("project/1")
'https://example.org/atlas/id/project/1'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote, urlsplit

DEFAULT_BASE_URI = "https://atlas.example.org/"
EU_COUNTRY = "http://publications.europa.eu/resource/authority/country/"


@lru_cache(maxsize=1 << 16)
def slugify(text: str) -> str:
    """Lower-case ASCII key: accents, case, spaces, hyphens and punctuation do not tell two names apart.

    >>> slugify("  Pôles de compétitivité, clusters & filières ")
    'poles-de-competitivite-clusters-filieres'
    """
    if text.isascii():  # nothing to decompose: the common case, kept fast for bulk ingest
        ascii_text = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
        ascii_text = ascii_text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("ß", "ss")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "x"


class UriScheme:
    """Mints the URIs of every resource under one base (ends with '/')."""

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self.vocab = self.base + "def/"
        self.root = urlsplit(self.base).path or "/"
        """The base's path ("/" or "/prefix/"): where the server answers for these IRIs, whatever its host."""
        self.things = self.base + "id/"
        """Where every thing's IRI starts (not the vocabulary's)."""

    def _id(self, *parts: str | int) -> str:
        return self.things + "/".join(str(p) for p in parts)

    # things
    def project(self, prj_id: int) -> str:
        return self._id("project", prj_id)

    def authority(self, name: str, country_iso3: str | None) -> str:
        """An authority is keyed on its country (or 'xxx' if unknown) and its normalised name."""
        return self._id("authority", (country_iso3 or "xxx").lower(), slugify(name))

    def post(self, name: str) -> str:
        return self._id("post", slugify(name))

    def person(self, key: str) -> str:
        """A person keyed on their name (or, when the page gives none, their e-mail)."""
        return self._id("person", slugify(key))

    def membership(self, post_name: str, role: str, person_key: str) -> str:
        return self._id("membership", slugify(post_name), slugify(role), slugify(person_key))

    def funder(self, name: str) -> str:
        return self._id("funder", slugify(name))

    def observation(self, prj_id: int, year: int | None, funder: str, line: int, measure: str) -> str:
        """`line` counts rows with the same project, year and funder (1, 2, ...), not the row's position."""
        return self._id("observation", prj_id, year if year is not None else "unknown", slugify(funder), line, measure)

    def partner_contact(self, prj_id: int, authority: str, person_key: str) -> str:
        return self._id("contact", prj_id, slugify(authority), slugify(person_key))

    def volunteer(self, prj_id: int, person_key: str) -> str:
        return self._id("volunteer", prj_id, slugify(person_key))

    def document(self, prj_id: int, key: str) -> str:
        return self._id("document", prj_id, slugify(key))

    def qualified_subject(self, prj_id: int, kind: str, key: tuple[str | int | None, ...]) -> str:
        """A project's prioritised link to a theme or SDG ("theme", "sdg"), keyed on the concept it points to."""
        return self._id("project", prj_id, kind, *(slugify(str(k)) for k in key if k is not None and k != ""))

    def ministry(self) -> str:
        """The Ministère de l'Europe et des Affaires étrangères: the embassy posts' parent and a funder."""
        return self._id("organization", "meae")

    def software(self, version: str) -> str:
        """The parser as a PROV software agent, one per version."""
        return self._id("software", "atlas-ld", slugify(version))

    def source_page(self, prj_id: int) -> str:
        return self._id("source", prj_id)

    def ingest_activity(self, prj_id: int, stamp: str) -> str:
        return self._id("activity", "ingest", prj_id, slugify(stamp))

    # concepts and schemes
    def scheme(self, name: str) -> str:
        return self._id("scheme", name)

    def theme(self, path: tuple[str | None, ...]) -> str:
        return self._id("theme", *(slugify(p) for p in path if p))

    def sdg(self, number: int) -> str:
        return self._id("sdg", number)

    def concept(self, scheme: str, label: str) -> str:
        """A concept of one of the small schemes (status, partnership-form, contact-role)."""
        return self._id(scheme, slugify(label))

    def dataset(self, name: str) -> str:
        return self._id("dataset", name)

    def distribution(self, dataset: str, name: str) -> str:
        """One way of getting a dataset (a dump format, the SPARQL endpoint), as DCAT and VoID describe it."""
        return self._id("dataset", dataset, "distribution", name)

    def data_service(self, name: str) -> str:
        return self._id("service", name)

    def catalog(self) -> str:
        return self._id("catalog")

    def structure(self, name: str, component: str | None = None) -> str:
        """A Data Cube structure definition, or one of its component specifications."""
        return self._id("structure", name) if component is None else self._id("structure", name, component)

    # graphs
    def project_graph(self, prj_id: int) -> str:
        return self.base + f"graph/project/{prj_id}"

    def graph(self, name: str) -> str:
        return self.base + f"graph/{name}"

    def prj_id_of_graph(self, graph_iri: str) -> int | None:
        """Inverse of project_graph; None for any other graph."""
        prefix = self.base + "graph/project/"
        if graph_iri.startswith(prefix) and graph_iri[len(prefix):].isdigit():
            return int(graph_iri[len(prefix):])
        return None

    # external
    @staticmethod
    def country(iso3: str) -> str:
        """The EU Publications Office country authority IRI."""
        return EU_COUNTRY + iso3.upper()

    @staticmethod
    def country_code(iri: str) -> str | None:
        """Inverse of country: the ISO 3166 alpha-3 code, or None for any other IRI."""
        return iri[len(EU_COUNTRY) :] if iri.startswith(EU_COUNTRY) else None

    # parsing: IRI → key, path → IRI
    def thing(self, key: str) -> str:
        """The IRI of the thing at {base}id/{key}, as a request path names it (inverse of `key_of`)."""
        return self.things + key

    def key_of(self, iri: str, kind: str | None = None) -> str | None:
        """The thing's key under {base}id/ ("project/12523"), or under {base}id/{kind}/ ("en-cours" for a status);
        None when the IRI is not one of ours (or not of that kind)."""
        prefix = self.things + (kind + "/" if kind else "")
        return iri[len(prefix) :] if iri.startswith(prefix) else None

    def term(self, name: str) -> str:
        """A term of the vocabulary ("Project")."""
        return self.vocab + name

    def term_name(self, iri: str) -> str | None:
        """Inverse of term; None for the vocabulary itself and for any other IRI."""
        return iri[len(self.vocab) :] if iri.startswith(self.vocab) and iri != self.vocab else None

    # where they live on the server
    def page_path(self, iri: str) -> str:
        """Where a browser should go for this IRI: our HTML page, the IRI itself when it is another web
        address, or "" (no link) for anything else."""
        key, code = self.key_of(iri), self.country_code(iri)
        if key is not None:
            return self.root + "page/" + quote(key)
        if iri.startswith(self.vocab):
            name = self.term_name(iri)
            return self.root + "page/def/" + ("#" + quote(name) if name is not None else "")
        if code is not None:
            return self.root + "page/country/" + quote(code)
        # Other IRIs are links out, but only to web addresses: never javascript: or data: from a page's text.
        return iri if iri.startswith(("http://", "https://")) else ""

    def data_path(self, iri: str, suffix: str) -> str:
        """Path of the RDF description of one of our things (or of the vocabulary) in the format of `suffix`."""
        key, code = self.key_of(iri), self.country_code(iri)
        if key is not None:
            return f"{self.root}data/{quote(key)}.{suffix}"
        if iri.startswith(self.vocab):
            return f"{self.root}data/def.{suffix}"
        if code is not None:
            return f"{self.root}data/country/{quote(code)}.{suffix}"
        raise ValueError(f"no local description for {iri}")
