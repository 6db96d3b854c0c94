"""The device's side of sync with the central store: the client engine, its transport, its ledger.

The bodies that travel are defined in `fieldapp.protocol`, shared with the server; nothing
here is imported by the server.
"""
