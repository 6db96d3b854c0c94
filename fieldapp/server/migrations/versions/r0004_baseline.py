"""Schema 4, the baseline: every table the central store had before Alembic took over.

A database the hand-written migrations made (schema 1 to 4) is brought to 4 by them and
stamped with this revision; a new database is made by it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import op

from fieldapp.server import schema
from fieldapp.server.migrations.tables import create, followup_tables, summary_tables

revision = "0004"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    later = {table.name for table in (*followup_tables(), *summary_tables())}
    for table in schema.metadata.sorted_tables:
        if table.name in later or table.name == schema.schema_migrations.name:
            continue
        create(table)
    op.bulk_insert(
        schema.server_state,
        [
            {
                "id": 1,
                "epoch": _epoch(),
                "feed_position": 0,
                "created_at": datetime.now(UTC),
                "demo": False,
            }
        ],
    )


def _epoch() -> str:
    from fieldapp.server.database import new_epoch

    return new_epoch()


def downgrade() -> None:
    raise NotImplementedError("the central store is not migrated down; restore a backup")
