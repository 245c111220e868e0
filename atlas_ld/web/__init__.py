"""The HTTP side: SPARQL endpoint, dereferenceable URIs, HTML pages, dumps and catalogue."""
