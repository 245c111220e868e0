"""The `atlas-ld` commands, one module per group; `atlas_ld.cli` loads them all into one app."""
