"""Page files: reading one (text or HTML, told apart by name or content) and finding them under folders."""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePath

from atlas_ld.parse.decode import MAX_PAGE_BYTES, decode_page
from atlas_ld.parse.source import read_html, read_text
from atlas_ld.records import PageError, ProjectRecord

PAGE_SUFFIXES = frozenset({".txt", ".html", ".htm"})
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


def is_html(data: bytes, suffix: str = "") -> bool:
    """HTML by its suffix, or, for any other name, by how it starts (after a BOM, XML declaration, comments).

    A loop of finds rather than one regular expression: a pattern for "any number of comments" backtracks
    exponentially on a run of comments not followed by <html>.

    >>> is_html(b"<?xml version='1.0'?><!-- x --><!DOCTYPE html><html>"), is_html(b"Titre"), is_html(b"", ".htm")
    (True, False, True)
    """
    if suffix.lower() in _HTML_SUFFIXES or suffix.lower() == ".txt":
        return suffix.lower() != ".txt"
    head = data[:4096].removeprefix(codecs.BOM_UTF8).lstrip().lower()
    while head.startswith((b"<?", b"<!--")):
        closing = b"?>" if head.startswith(b"<?") else b"-->"
        end = head.find(closing)
        if end < 0:
            return False
        head = head[end + len(closing):].lstrip()
    return head.startswith((b"<!doctype html", b"<html"))


def parse_page_bytes(data: bytes, *, source_file: str, html: bool | None = None, prj_id: int | None = None,
                     source_url: str | None = None, max_bytes: int = MAX_PAGE_BYTES) -> ProjectRecord:
    """Read a page's raw bytes (text or HTML, as `html` says or as sniffed); every failure is a PageError."""
    as_html = is_html(data, PurePath(source_file).suffix) if html is None else html
    cleaned = decode_page(data, source_file=source_file, html=as_html, max_bytes=max_bytes)
    read = read_html if as_html else read_text
    return read(cleaned, source_file=source_file, prj_id=prj_id, source_url=source_url)


def read_page(path: Path, *, max_bytes: int = MAX_PAGE_BYTES) -> ProjectRecord:
    """Read one page file (.txt, .html or .htm); a page that gives no record raises `PageError`."""
    source_file = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PageError(source_file, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit for one page")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise PageError(source_file, f"cannot read the file: {error.strerror or error}") from error
    return parse_page_bytes(data, source_file=source_file, max_bytes=max_bytes)


def iter_page_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, and the .txt/.html/.htm files under folders (recursively, sorted, hidden ones skipped).

    A path that does not exist is passed on, so that reading it reports it like any other bad page.
    """
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = (
                p for p in path.rglob("*")
                if p.suffix.lower() in PAGE_SUFFIXES and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            candidates: Iterable[Path] = sorted(found)
        else:
            candidates = (path,)
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                yield candidate
