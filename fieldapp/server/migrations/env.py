"""Alembic's entry point for the central store: migrate the caller's connection, or print SQL.

Online, `CentralDatabase.migrate` hands its own connection (inside its transaction and
migration lock) in `config.attributes["connection"]`; offline (`--sql`), the dialect comes
from the configured URL and nothing is connected to.
"""

from __future__ import annotations

from alembic import context

from fieldapp.server import schema

config = context.config


def run() -> None:
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            target_metadata=schema.metadata,
            literal_binds=True,
            dialect_opts={"paramstyle": "named"},
        )
    else:
        context.configure(
            connection=config.attributes["connection"], target_metadata=schema.metadata
        )
    with context.begin_transaction():
        context.run_migrations()


run()
