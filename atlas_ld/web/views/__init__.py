"""What pages show: plain data read from the store for the templates (no HTTP here)."""
