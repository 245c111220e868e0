"""The queries behind the HTML pages, gathered for one store: search and facets, the lists around one thing, the
vocabulary, the funding totals (each in its own module)."""

from __future__ import annotations

from atlas_ld.web.views.funding_totals import FundingTotals
from atlas_ld.web.views.related_lists import RelatedLists
from atlas_ld.web.views.vocabulary_terms import VocabularyQueries


class Browser(RelatedLists, VocabularyQueries, FundingTotals):
    """Every list a page shows, for one store and one URI scheme; `kept` holds the store-wide ones."""
