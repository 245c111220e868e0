"""What VoID and the DCAT catalogue both say about the dataset: its names, publisher, licence, and where it is served.

Things (the dataset, its distributions, the publisher) are named by IRIs under the base URI; the addresses to
fetch them (endpoint, dump files) are those of the server answering, so a local run advertises links that work.

>>> pub = Publication.of(Settings(base_uri="https://atlas.example.org/"), "http://127.0.0.1:8000/")
>>> pub.dataset, pub.endpoint_url
('https://atlas.example.org/id/dataset/atlas', 'http://127.0.0.1:8000/sparql')
>>> Publication.of(Settings(base_uri="https://example.org/atlas/"), "http://127.0.0.1:8000/").home_url
'http://127.0.0.1:8000/atlas/'
>>> from atlas_ld.publish.dumps import PUBLISHED
>>> pub.download_url(PUBLISHED[0])
'http://127.0.0.1:8000/dumps/atlas.ttl.gz'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from pyoxigraph import Literal, NamedNode

from atlas_ld.publish.document import RdfDocument, Subject
from atlas_ld.publish.dumps import DumpFile, DumpFormat
from atlas_ld.settings import Settings
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import DCTERMS, FOAF, RDF, RDFS, XSD

DATASET_NAME = "atlas"
# Where the server answers, relative to its root: the paths the web app mounts.
ENDPOINT_PATH = "sparql"
DUMPS_PATH = "dumps/"
CATALOG_PATH = "catalog"
VOID_PATH = ".well-known/void"

DESCRIPTIONS = {
    "fr": (
        "Les projets de l'Atlas français de la coopération décentralisée et des autres actions extérieures "
        "(Commission nationale de la coopération décentralisée) : collectivités territoriales françaises et "
        "autorités locales partenaires, pays, postes diplomatiques, thématiques et objectifs de développement "
        "durable, financements par année et par financeur, avec la provenance de chaque fiche."
    ),
    "en": (
        "The projects of the French Atlas of decentralised cooperation and other external actions (National "
        "Commission for Decentralised Cooperation): French local authorities and their partner authorities, "
        "countries, embassy posts, themes and Sustainable Development Goals, funding per year and funder, with "
        "the provenance of each page."
    ),
}


def uri_space(uris: UriScheme) -> str:
    """Every resource of the dataset has an IRI starting with this (the things, not the vocabulary).

    >>> uri_space(UriScheme("https://atlas.example.org/"))
    'https://atlas.example.org/id/'
    """
    return uris.things


@dataclass(frozen=True)
class Publication:
    """The dataset as published by one server: names and parties from the settings, addresses from the server."""

    settings: Settings
    service_root: str  # the answering server's root URL, ending with "/"
    modified: datetime | None = None  # the store's last write
    dumps: Sequence[DumpFile] = field(default_factory=tuple)

    @classmethod
    def of(
        cls,
        settings: Settings,
        service_root: str,
        *,
        store_time: float = 0.0,
        dumps: Sequence[DumpFile] = (),
    ) -> Publication:
        """`store_time` is the store's last write (POSIX time, 0 when never written)."""
        root = service_root if service_root.endswith("/") else service_root + "/"
        modified = datetime.fromtimestamp(store_time, UTC).replace(microsecond=0) if store_time > 0 else None
        return cls(settings, root, modified, tuple(dumps))

    @property
    def uris(self) -> UriScheme:
        return UriScheme(self.settings.base_uri)

    @property
    def dataset(self) -> str:
        return self.uris.dataset(DATASET_NAME)

    @property
    def uri_space(self) -> str:
        return uri_space(self.uris)

    @property
    def titles(self) -> dict[str, str]:
        return {"fr": self.settings.catalog_title, "en": self.settings.catalog_title_en}

    @property
    def endpoint_url(self) -> str:
        return self.service_root + ENDPOINT_PATH

    @property
    def dumps_url(self) -> str:
        return self.service_root + DUMPS_PATH

    @property
    def catalog_url(self) -> str:
        return self.service_root + CATALOG_PATH

    @property
    def void_url(self) -> str:
        return self.service_root + VOID_PATH

    @property
    def home_url(self) -> str:
        """The home page, served under the base URI's path (/ or /prefix/) like every page."""
        return self.service_root + urlsplit(self.uris.base).path.lstrip("/")

    def download_url(self, dump: DumpFormat) -> str:
        return self.dumps_url + dump.file_name

    def distribution(self, dump: DumpFormat) -> str:
        return self.uris.distribution(DATASET_NAME, dump.name)


def describe_parties(doc: RdfDocument, pub: Publication) -> tuple[NamedNode, NamedNode]:
    """The publisher (a foaf:Agent) and the licence (a dcterms:LicenseDocument); returns their IRIs."""
    publisher = NamedNode(pub.settings.publisher_uri)
    doc.add(publisher, RDF.type, FOAF.Agent)
    doc.add(publisher, FOAF.name, Literal(pub.settings.publisher_name, language="fr"))
    licence = NamedNode(pub.settings.license_uri)
    doc.add(licence, RDF.type, DCTERMS.LicenseDocument)
    doc.add(licence, RDFS.label, Literal(pub.settings.license_name))
    return publisher, licence


def describe_dataset_basics(doc: RdfDocument, subject: Subject, pub: Publication) -> None:
    """Title, description, publisher, licence and modification date: said the same way in VoID and DCAT."""
    publisher, licence = describe_parties(doc, pub)
    doc.lang_literals(subject, DCTERMS.title, pub.titles)
    doc.lang_literals(subject, DCTERMS.description, DESCRIPTIONS)
    doc.add(subject, DCTERMS.publisher, publisher)
    doc.add(subject, DCTERMS.license, licence)
    if pub.modified is not None:
        doc.add(subject, DCTERMS.modified, date_time(pub.modified))


def date_time(value: datetime) -> Literal:
    """An xsd:dateTime to the second, with its offset (+00:00 for UTC).

    >>> date_time(datetime(2024, 5, 1, 12, 0, 30, 5, tzinfo=UTC)).value
    '2024-05-01T12:00:30+00:00'
    """
    return Literal(value.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)
