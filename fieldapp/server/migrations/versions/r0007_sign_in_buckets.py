"""Schema 7: sign-in attempts left, shared by every server process (the throttle's buckets).

A new table and nothing to fill in: every bucket starts full, as a new process's did.
"""

from __future__ import annotations

from fieldapp.server.migrations.tables import create, throttle_tables

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in throttle_tables():
        create(table)


def downgrade() -> None:
    raise NotImplementedError("the central store is not migrated down; restore a backup")
