"""Schema 5: follow-up (issue 13): the sanction policy, approved findings, measures, actions."""

from __future__ import annotations

from fieldapp.server.migrations.tables import create, followup_tables

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in followup_tables():
        create(table)


def downgrade() -> None:
    raise NotImplementedError("the central store is not migrated down; restore a backup")
