"""Sync between a device and the central store: the shared protocol models and the client engine.

`protocol` holds the request and answer bodies that the device and the server share; the
server imports only that module from here, never the client.
"""
