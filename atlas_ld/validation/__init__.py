"""SHACL over project graphs: new records before they are stored, and what the store already holds."""
