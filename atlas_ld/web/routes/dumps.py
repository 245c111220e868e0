"""GET /dumps/: the gzipped dumps of the whole store, listed (HTML, JSON or RDF by Accept) and served as files.

A dump is sent from disk by the server's file response (streamed, Range requests allowed) with its size, a
strong ETag and its Last-Modified; a client that has the current file gets 304.
"""

from __future__ import annotations

from email.utils import formatdate
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, JSONResponse

from atlas_ld.media_types import HTML, Offer
from atlas_ld.publish.catalog import distributions_graph
from atlas_ld.publish.dataset import DUMPS_PATH, Publication
from atlas_ld.publish.dumps import (
    GZIP_MEDIA_TYPE,
    DumpFile,
    current_dump,
    dump_format,
)
from atlas_ld.web.conditional import Validators
from atlas_ld.web.dataset_documents import VARY, asked_document
from atlas_ld.web.dependencies import (
    DumpsFolder,
    ServedSettings,
    ServedStore,
    ServedUris,
)
from atlas_ld.web.errors import not_found
from atlas_ld.web.html import render
from atlas_ld.web.rdf_documents import GRAPH_OFFERS, document_responses, rdf_response

JSON = Offer("application/json", ("json",))
INDEX_OFFERS: tuple[Offer, ...] = (HTML, JSON, *GRAPH_OFFERS)


def file_validators(dump: DumpFile) -> Validators:
    """A dump file is only ever replaced whole, so its size and mtime name its content."""
    seconds = dump.mtime_ns // 1_000_000_000
    return Validators(etag=dump.etag, last_modified=formatdate(seconds, usegmt=True), timestamp=seconds)


def size_label(size: int) -> str:
    """A file size as a French reader expects it.

    >>> size_label(512), size_label(2_500), size_label(48_300_000)
    ('512 o', '2,5 ko', '48,3 Mo')
    """
    for unit, scale in (("Go", 10**9), ("Mo", 10**6), ("ko", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}".replace(".", ",")
    return f"{size} o"


def dump_entry(pub: Publication, dump: DumpFile) -> dict[str, Any]:
    """One dump as the JSON and HTML lists show it."""
    fmt = dump.format
    return {
        "format": fmt.name,
        "label": fmt.label,
        "file": fmt.file_name,
        "url": pub.download_url(fmt),
        "media_type": fmt.media_type,
        "content_type": GZIP_MEDIA_TYPE,
        "named_graphs": fmt.with_graphs,
        "size": dump.size,
        "size_label": size_label(dump.size),
        "modified": dump.modified.replace(microsecond=0).isoformat(),
        "etag": dump.etag,
    }


router = APIRouter(tags=["dumps"])


@router.get(
    "/" + DUMPS_PATH,
    summary="List of the dumps",
    response_class=Response,
    responses=document_responses("The dumps: an HTML page, JSON, or DCAT distributions.", INDEX_OFFERS),
)
def dump_list(
    request: Request, settings: ServedSettings, store: ServedStore, uris: ServedUris, dumps_folder: DumpsFolder
) -> Response:
    """Each dump's format, URL, size and date: an HTML page, JSON, or DCAT distributions in RDF."""
    asked = asked_document(request, INDEX_OFFERS, store, dumps_folder)
    if (unchanged := asked.not_modified(request)) is not None:
        return unchanged
    headers = {**asked.validators.headers(), **VARY}
    pub = asked.publication(request, settings)
    entries = [dump_entry(pub, d) for d in asked.dumps]
    if asked.offer == HTML:
        context = {"title": "Téléchargements", "root": uris.root, "dumps": entries, "pub": pub}
        return render(request, "dumps.html", context, headers=headers)
    if asked.offer == JSON:
        body = {"dataset": pub.dataset, "void": pub.void_url, "catalog": pub.catalog_url, "dumps": entries}
        return JSONResponse(body, headers=headers)
    return rdf_response(distributions_graph(pub), asked.offer, asked.validators)


@router.get(
    "/" + DUMPS_PATH + "{file_name}",
    summary="One dump file",
    response_class=Response,
    responses={
        200: {"description": "The gzipped dump.", "content": {GZIP_MEDIA_TYPE: {}}},
        304: {"description": "Not modified since the client's copy (ETag, Last-Modified)."},
        404: {"description": "No such dump, or not made yet.", "content": {"text/plain": {}}},
    },
)
def dump_file(file_name: str, request: Request, dumps_folder: DumpsFolder) -> Response:
    """The gzipped dump, streamed from disk; 304 when the client's copy (ETag or date) is current."""
    fmt = dump_format(file_name)
    if fmt is None:
        raise not_found(f"No dump is called {file_name!r}; see {request.url_for('dump_list')}.")
    dump = current_dump(dumps_folder, fmt)
    if dump is None:
        raise not_found(f"The dump {file_name} has not been made yet (atlas-ld dump, or an ingest, makes it).")
    validators = file_validators(dump)
    if validators.matches(request.headers):
        return validators.not_modified()
    return FileResponse(
        dump.path,
        media_type=GZIP_MEDIA_TYPE,
        filename=fmt.file_name,
        headers=validators.headers(),
    )
