"""The central store: HTTP API, accounts and roles, storage on SQLite or PostgreSQL, blobs by hash.

Build an app with `fieldapp.server.app.create_app(ServerConfig(...))`; run it with
`fieldapp.server.runner.serve`. Nothing here is global: one `CentralStore` per app.
"""
