"""Atlas detail pages (text, pipe-table text or HTML) → `ProjectRecord`s. No RDF here."""

from atlas_ld.parse.decode import MAX_PAGE_BYTES
from atlas_ld.parse.files import iter_page_files, parse_page_bytes, read_page
from atlas_ld.parse.source import parse_page_html, parse_page_text, source_url_of

__all__ = [
    "MAX_PAGE_BYTES",
    "iter_page_files",
    "parse_page_bytes",
    "parse_page_html",
    "parse_page_text",
    "read_page",
    "source_url_of",
]
