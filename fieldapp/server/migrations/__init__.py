"""The central store's schema migrations, run by Alembic over `fieldapp.server.schema`.

`env.py` is Alembic's entry point; `versions/` holds one module per schema version. Run
them through `CentralDatabase.migrate` (or `fieldapp server migrate`); `fieldapp server
migrate --sql` prints the SQL for a DBA instead of running it.
"""
