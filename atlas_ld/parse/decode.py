"""Bytes of a page → clean text: size limit, encoding with a fallback, invisible and control characters out.

>>> decode_page("Année".encode("cp1252"), source_file="p.txt").text
'Année'
>>> decode_page("Année".encode("cp1252"), source_file="p.txt").warnings[0].message
'not valid UTF-8 (byte 0xE9); read as Windows-1252'
>>> clean_text("Ti\\u200ftre\\x00", source_file="p.txt").text
'Titre'
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from atlas_ld.records import PageError, ParseWarning

MAX_PAGE_BYTES = 5 * 1024 * 1024
"""A real detail page is under 100 KB; anything past this is refused rather than parsed."""

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
# Browsers read these declarations as Windows-1252 (WHATWG Encoding Standard), and so do we.
_AS_CP1252 = {"iso-8859-1", "latin-1", "latin1", "iso8859-1", "l1", "us-ascii", "ascii", "cp1252", "windows-1252"}
# Only character sets a web page can declare; Python also has codecs such as "punycode" (quadratic time),
# "undefined" (always fails) or "unicode_escape" that a page must not be able to pick.
_WEB_CHARSET = re.compile(
    r"utf-8|cp\d+|iso8859-\d+|koi8-[a-z]+|mac-[a-z]+|shift_jis|euc_[a-z]+|iso2022_[a-z0-9_]+|gb\w+|big5\w*|hz|tis-620"
)

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029]")
_CONTROLS = "\x01-\x08\x0e-\x1f\x7f-\x9f"  # C0 and C1 controls but tab, newline, vertical tab, form feed
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_INVISIBLE = "\xad\u200b-\u200d\u2060\ufeff"
_BROKEN = "\ud800-\udfff\ufffe\uffff"
# Each kind of unwanted character, removed and reported once per page with its first line.
_UNWANTED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("NUL characters", re.compile("\x00+")),
    ("control characters", re.compile(f"[{_CONTROLS}]+")),
    ("bidirectional marks", re.compile(f"[{_BIDI}]+")),
    ("invisible characters (zero-width, soft hyphen, BOM)", re.compile(f"[{_INVISIBLE}]+")),
    ("unpaired surrogates or non-characters", re.compile(f"[{_BROKEN}]+")),
)
_ANY_UNWANTED = re.compile(f"[\x00{_CONTROLS}{_BIDI}{_INVISIBLE}{_BROKEN}]")
_BINARY = re.compile(f"[\x00{_CONTROLS}]")
_BINARY_MIN = 16
_BINARY_SHARE = 0.01


@dataclass(frozen=True)
class CleanText:
    """Text ready to be cut into lines, with what was done to it."""

    text: str
    warnings: tuple[ParseWarning, ...] = ()


def _line_of(data: bytes | str, offset: int) -> int:
    newline = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, offset) + 1  # type: ignore[arg-type]


def declared_encoding(data: bytes) -> str | None:
    """The charset an HTML page or XML declaration names in its first 2 KB, if Python knows it."""
    found = _DECLARED.search(data[:2048])
    if not found:
        return None
    name = found.group(1).decode("ascii", "replace").lower()
    if name in _AS_CP1252:
        return "cp1252"
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return None
    # A meta tag that says UTF-16 or UTF-32 cannot be right (it was read as ASCII): WHATWG reads UTF-8.
    return canonical if _WEB_CHARSET.fullmatch(canonical) else None


def _decode(data: bytes, declared: str | None) -> tuple[str, list[ParseWarning]]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace"), []
    if declared and declared not in ("utf-8", "cp1252"):
        try:
            return data.decode(declared), []
        except (UnicodeError, LookupError):
            pass
    if declared == "cp1252":
        try:
            return data.decode("cp1252"), []
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        bad = f"0x{data[error.start]:02X}"
        line = _line_of(data, error.start)
    # The five bytes Windows-1252 leaves undefined become U+FFFD rather than C1 controls.
    text = data.decode("cp1252", errors="replace")
    return text, [ParseWarning(line, f"not valid UTF-8 (byte {bad}); read as Windows-1252")]


def decode_page(data: bytes, *, source_file: str, html: bool = False, max_bytes: int = MAX_PAGE_BYTES) -> CleanText:
    """Decode a page's bytes: UTF-8, or the charset an HTML page declares, else Windows-1252 with a warning."""
    if len(data) > max_bytes:
        raise PageError(source_file, f"file is {len(data):,} bytes, over the {max_bytes:,}-byte limit for one page")
    text, warnings = _decode(data, declared_encoding(data) if html else None)
    cleaned = clean_text(text, source_file=source_file, max_chars=max_bytes)
    return CleanText(cleaned.text, (*warnings, *cleaned.warnings))


def clean_text(text: str, *, source_file: str, max_chars: int = MAX_PAGE_BYTES) -> CleanText:
    """Normalise newlines and Unicode (NFC), drop control and invisible characters; refuse binary data.

    Invisible characters are dropped because they would hide a label from the reader ("Ti\\u200ftre").
    """
    if len(text) > max_chars:
        raise PageError(source_file, f"page is {len(text):,} characters, over the {max_chars:,} limit for one page")
    text = _NEWLINES.sub("\n", text)
    warnings: list[ParseWarning] = []
    if _ANY_UNWANTED.search(text):
        controls = _BINARY.findall(text)
        if len(controls) >= _BINARY_MIN and len(controls) > _BINARY_SHARE * len(text):
            first = _BINARY.search(text)
            line = _line_of(text, first.start()) if first else None
            raise PageError(source_file, "binary data, not a text or HTML page", line)
        for kind, pattern in _UNWANTED:
            first = pattern.search(text)
            if first:
                count = sum(len(m) for m in pattern.findall(text))
                warnings.append(ParseWarning(_line_of(text, first.start()), f"{count} {kind} removed"))
                text = pattern.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return CleanText(text, tuple(warnings))
