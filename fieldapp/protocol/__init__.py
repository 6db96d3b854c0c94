"""The HTTP protocol between a device and the central store: the bodies both sides validate.

`models` holds every request and answer body. The device's sync client and the server
import it; it imports only `fieldapp.core`, so the server never needs the device's code.
"""
