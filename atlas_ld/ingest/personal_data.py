"""Withholding personal data: officials' and volunteers' names and e-mails left out of what is published.

The mapping leaves persons out of new records (`ProjectRecord.without_persons`); `withdraw_persons` removes those
that earlier ingests stored, so that turning the option on cleans the store, and with it the pages, the dumps and
the endpoint, which all read the store.
"""

from __future__ import annotations

from atlas_ld.store.base import GraphStore
from atlas_ld.vocab import FOAF, ORG, RDF

# A membership's IRI carries its member's name, so it goes with the person. Every graph is searched: an
# administrator may have written persons anywhere.
WITHDRAW_PERSONS = f"""DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }}
WHERE {{
  {{ GRAPH ?h {{ ?node {RDF.type} {FOAF.Person} }} }} UNION {{ GRAPH ?h {{ ?node {RDF.type} {ORG.Membership} }} }}
  GRAPH ?g {{
    {{ ?node ?p ?o BIND(?node AS ?s) }} UNION {{ ?s ?p ?node BIND(?node AS ?o) }}
  }}
}}"""


def withdraw_persons(store: GraphStore) -> None:
    """Delete every triple about or pointing to a person or a membership, in every graph, in one transaction."""
    store.update(WITHDRAW_PERSONS)
