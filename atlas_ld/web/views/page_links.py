"""How a page names the resources it links to: where to go (our page, or the IRI itself) and what to call them."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from atlas_ld.publish.describe import Description
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import Namespace, prefixes
from atlas_ld.web.views.browse import Browser


@dataclass(frozen=True)
class Link:
    """A resource as a page shows it: where to go, what to call it."""

    href: str
    label: str
    iri: str



class PageLinks:
    """The links of the pages of one store and base; every kind of page builds on them."""

    def __init__(self, browser: Browser, uris: UriScheme, atlas: Namespace) -> None:
        self.browser = browser
        self.uris = uris
        self.atlas = atlas
        self.prefixes = prefixes(uris.base)

    def curie(self, iri: str) -> str:
        """A property's prefixed name (foaf:name), the way SPARQL users read it."""
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def link(self, d: Description, iri: str) -> Link:
        label = d.label(iri)
        return Link(self.uris.page_path(iri), self.curie(iri) if label == iri else label, iri)

    def links_of(self, d: Description, subject: str, predicate: ox.NamedNode) -> list[Link]:
        return sorted((self.link(d, iri) for iri in d.iris(subject, predicate)), key=lambda link: link.label.lower())


def notation_key(notation: str | None) -> tuple[int, str]:
    """SDG 2 before SDG 10: numeric notations sort as numbers."""
    if notation is None:
        return (0, "")
    return (int(notation), "") if notation.isdigit() else (0, notation)
