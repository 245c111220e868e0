"""Compacted JSON-LD read back in tests by pyoxigraph, which fetches no remote context: the context the document
names, fetched from the server, is put in the document instead."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from support.sample_graphs import BASE


def inline_context(body: bytes, get: Callable[[str], Any] = httpx.get) -> bytes:
    """The document with its `@context` URL replaced by the context fetched there with `get` (httpx's, or a test
    client's for a path)."""
    document = json.loads(body)
    url = document["@context"]
    assert isinstance(url, str) and url.endswith("/context.jsonld"), url
    response = get(url if get is httpx.get else urlsplit(url).path)
    assert response.status_code == 200 and response.headers["content-type"] == "application/ld+json"
    document["@context"] = response.json()["@context"]
    assert document["@context"]["atlas"] == BASE + "def/"
    return json.dumps(document).encode()
