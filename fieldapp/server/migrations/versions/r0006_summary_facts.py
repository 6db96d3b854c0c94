"""Schema 6: each version's period-summary facts (issue 18), filled in for the versions held.

Online the facts of every stored version are computed with its form as the migration runs;
offline (SQL for a DBA) only the table is made, and the summary reads a version without
facts from its record until something fills them in.
"""

from __future__ import annotations

from alembic import context, op

from fieldapp.server.migrations.tables import create, summary_tables
from fieldapp.server.summaries import fill_missing_facts

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in summary_tables():
        create(table)
    if not context.is_offline_mode():
        fill_missing_facts(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("the central store is not migrated down; restore a backup")
