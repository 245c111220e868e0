"""The stand-in Atlas site, served for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.atlas_site import AtlasSite, serving


@pytest.fixture
def site() -> Iterator[AtlasSite]:
    with serving(AtlasSite(templates={3})) as served:
        yield served
