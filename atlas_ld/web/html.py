"""HTML rendering shared by every page: the Jinja2 environment, the Content-Security-Policy, safe JSON in <script>.

Scraped texts are untrusted, so autoescaping is always on and JSON is embedded with `<`, `>` and `&` written
as `\\u003c`, `\\u003e`, `\\u0026`: no text can close the `<script>` element it sits in.

>>> str(script_json({"title": "</script><script>alert(1)</script>"}))
'{"title": "\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from atlas_ld.bundled import bundled


def content_security_policy(*style_hashes: str) -> str:
    """Only the app's own scripts and styles run: no inline script, no eval, nothing from another origin.

    `style_hashes` ("sha256-...") admit the few constant <style> elements a bundled library inserts.
    """
    styles = " ".join(["'self'", *(f"'{h}'" for h in style_hashes)])
    return (
        f"default-src 'self'; script-src 'self'; style-src {styles}; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


SECURITY_HEADERS = {
    "Content-Security-Policy": content_security_policy(),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_json(data: Any) -> Markup:
    """JSON text that is safe inside `<script type="application/json">` or `application/ld+json`."""
    return Markup(json.dumps(data, ensure_ascii=False, indent=None).translate(_SCRIPT_ESCAPES))


@cache
def environment() -> jinja2.Environment:
    """The package's templates (read-only once loaded, so one environment serves every app; not checked for
    changes on each render, which would cost two file system calls per template and page)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(bundled("web", "templates")),
        auto_reload=False,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["script_json"] = script_json
    env.filters["euros"] = format_euros
    env.filters["datetime"] = format_datetime
    return env


_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")


def format_datetime(value: Any) -> str:
    """An ISO 8601 time (xsd:dateTime) as a French reader writes it, in its own time zone; as it is if unreadable.

    >>> format_datetime("2025-03-01T09:05:00+00:00"), format_datetime("2025-03-01T09:05:00.123Z")
    ('1er mars 2025 à 09:05 UTC', '1er mars 2025 à 09:05 UTC')
    >>> format_datetime("2025-11-20T18:30:00+01:00"), format_datetime("hier")
    ('20 novembre 2025 à 18:30 (UTC+01:00)', 'hier')
    """
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    day = "1er" if moment.day == 1 else str(moment.day)
    offset = moment.utcoffset()
    if offset is None or not offset:
        zone = "" if offset is None else " UTC"
    else:
        minutes = int(offset.total_seconds()) // 60
        zone = f" (UTC{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d})"
    return f"{day} {_MONTHS[moment.month - 1]} {moment.year} à {moment:%H:%M}{zone}"


def format_euros(amount: Any) -> str:
    """French grouping with a narrow no-break space, as the figures are read by French researchers.

    >>> format_euros(214285)
    '214\\u202f285'
    >>> format_euros(1500.5)
    '1\\u202f500,50'
    """
    value = float(amount)
    if value == int(value):
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render a page with the security headers every HTML response carries."""
    body = environment().get_template(template).render({"request_path": request.url.path, **context})
    return HTMLResponse(body, status_code=status_code, headers={**SECURITY_HEADERS, **(headers or {})})
