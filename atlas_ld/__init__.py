"""atlas-ld: the Atlas français de la coopération décentralisée as a linked-data knowledge graph."""

__version__ = "0.1.0"
