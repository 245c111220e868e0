"""Atlas detail pages (text, pipe-table text or HTML) → `ProjectRecord`s. No RDF here."""
