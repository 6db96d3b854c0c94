"""Creating a table of `fieldapp.server.schema` in a migration, online or as offline SQL.

A revision creates tables from their definitions in schema.py (columns, keys, unique
constraints, indexes) with Alembic's operations, so the same revision runs against a
database or prints its SQL. Online, a table that is already there is left as it is (a
database the hand-written migrations made may hold it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from fieldapp.server import schema


def followup_tables() -> tuple[sa.Table, ...]:
    """The tables of schema 5."""
    return (
        schema.policies,
        schema.venue_findings,
        schema.measures,
        schema.actions,
        schema.action_blobs,
    )


def summary_tables() -> tuple[sa.Table, ...]:
    """The tables of schema 6."""
    return (schema.summary_facts,)


def throttle_tables() -> tuple[sa.Table, ...]:
    """The tables of schema 7."""
    return (schema.sign_in_buckets,)


def create(table: sa.Table) -> None:
    if not context.is_offline_mode() and sa.inspect(op.get_bind()).has_table(table.name):
        return
    columns = []
    for column in table.columns:
        copied = column._copy()
        copied.index = None  # every index is made below, once, under its own name
        columns.append(copied)
    constraints = [
        sa.UniqueConstraint(*(column.name for column in constraint.columns), name=constraint.name)
        for constraint in table.constraints
        if isinstance(constraint, sa.UniqueConstraint)
        and not isinstance(constraint, sa.PrimaryKeyConstraint)
        and len(constraint.columns) > 1
    ]
    op.create_table(table.name, *columns, *constraints)
    for index in sorted(table.indexes, key=lambda index: str(index.name)):
        op.create_index(
            str(index.name),
            table.name,
            [column.name for column in index.columns],
            unique=bool(index.unique),
        )
