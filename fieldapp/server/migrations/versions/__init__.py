"""One module per schema version of the central store (Alembic revisions)."""
