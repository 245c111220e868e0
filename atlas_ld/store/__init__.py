"""The store: the `GraphStore` contract, the embedded Oxigraph store, a SPARQL 1.1 server as the store, and opening the one the settings name."""
