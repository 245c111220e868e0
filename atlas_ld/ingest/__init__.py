"""The ingest pipeline: page files in batches (in worker processes) → stored graphs, a report, and records rejected."""
