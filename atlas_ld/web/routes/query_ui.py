"""The query page a browser gets at /sparql: the bundled YASGUI, the project's prefixes and the ready queries.

YASGUI runs under the same Content-Security-Policy as every page (no inline script, no eval): its settings are
read from a JSON block by a static script. Its results table inserts one constant <style> element (the column
resizer's rules); that element alone is admitted, by its hash, computed from the bundled file itself.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache

from fastapi import Request
from fastapi.responses import HTMLResponse

from atlas_ld.bundled import bundled
from atlas_ld.queries import ready_queries
from atlas_ld.settings import Settings
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import prefixes
from atlas_ld.web.html import content_security_policy, render
from atlas_ld.web.views import schema_org

YASGUI_SCRIPT = ("static", "yasgui", "yasgui.min.js")
# The column resizer's rules, passed as a literal to its createStyle(head, `...`) helper.
_INSERTED_STYLE = re.compile(r"createStyle\(\w+,`([^`]*)`\)")


@cache
def yasgui_style_hashes() -> tuple[str, ...]:
    """CSP hashes ("sha256-...") of the constant <style> elements the bundled YASGUI inserts."""
    script = bundled("web", *YASGUI_SCRIPT).read_text(encoding="utf-8")
    return tuple(
        "sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
        for css in dict.fromkeys(_INSERTED_STYLE.findall(script))
    )


def default_query(base_uri: str) -> str:
    """The query a new editor tab starts with: the project's prefixes and a first look at the projects."""
    declared = prefixes(base_uri)
    wanted = ("atlas", "dcterms", "org", "qb", "rdfs", "skos")
    lines = [f"PREFIX {name}: <{declared[name]}>" for name in wanted]
    lines += [
        "",
        "SELECT ?project ?title WHERE {",
        "  ?project a atlas:Project ;",
        "           dcterms:title ?title .",
        "}",
        "ORDER BY ?title",
        "LIMIT 20",
    ]
    return "\n".join(lines) + "\n"


def query_ui_response(request: Request, settings: Settings) -> HTMLResponse:
    """The YASGUI page, pointed at the endpoint it is served from (the request's own path)."""
    queries = ready_queries(settings.base_uri)
    endpoint_path = request.url.path
    config = {
        "endpoint": endpoint_path,
        "prefixes": prefixes(settings.base_uri),
        "defaultQuery": default_query(settings.base_uri),
        "queries": {q.name: {"title": q.title, "description": q.description, "text": q.text} for q in queries},
    }
    title = "Interroger le graphe en SPARQL"
    endpoint_url = str(request.url.replace(query=None, fragment=None))
    context = {
        "title": title,
        "root": UriScheme(settings.base_uri).root,
        "queries": queries,
        "config": config,
        "endpoint_path": endpoint_path,
        "endpoint_url": endpoint_url,
        "json_ld": schema_org.query_page(title, endpoint_url),
    }
    policy = content_security_policy(*yasgui_style_hashes())
    return render(request, "query_ui.html", context, headers={"Content-Security-Policy": policy})
