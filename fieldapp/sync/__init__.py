"""The device's side of sync with the central store, and nothing else.

`client` does one sync (push, pull, drift repair) over `transport`'s HTTP line; `report`
says what a sync did; `errors` holds every error of this layer; `changefeed` maps the
server's changes onto the store, and `ledger` keeps what was sent. The bodies that travel
are defined in `fieldapp.protocol`, shared with the server; nothing here is imported by
the server.
"""
