"""The version of the dataset's own documents (VoID, the catalogue, the list of dumps) that a request asks for.

Each is derived from the store and the dump files only: their state, with the representation negotiated, names
the version, so a client that has it gets 304 before anything is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request, Response

from atlas_ld.media_types import Offer
from atlas_ld.publish.dataset import Publication
from atlas_ld.publish.dumps import DumpFile, current_dumps
from atlas_ld.settings import Settings
from atlas_ld.store.base import GraphStore
from atlas_ld.web.conditional import Validators
from atlas_ld.web.negotiation import choose
from atlas_ld.web.rdf_documents import document_validators, service_root

VARY = {"Vary": "Accept"}


@dataclass(frozen=True)
class AskedDocument:
    """What the client asked for and the version it would get."""

    offer: Offer
    validators: Validators
    store_time: float
    dumps: list[DumpFile]

    def not_modified(self, request: Request) -> Response | None:
        """304 when the client's copy is this version; None when the document must be sent."""
        return self.validators.not_modified(VARY) if self.validators.matches(request.headers) else None

    def publication(self, request: Request, settings: Settings) -> Publication:
        """The dataset as this server publishes it, with the addresses the request reached."""
        return Publication.of(settings, service_root(request), store_time=self.store_time, dumps=self.dumps)


def asked_document(
    request: Request, offers: Sequence[Offer], store: GraphStore, dumps_folder: Path
) -> AskedDocument:
    """The negotiated representation (406 when none) and the version of the store and the dumps now."""
    offer = choose(offers, request)
    store_time = store.last_modified()
    dumps = current_dumps(dumps_folder)
    return AskedDocument(offer, document_validators(request, store_time, dumps, offer), store_time, dumps)
