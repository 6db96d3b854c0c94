"""The environment variables that point fieldapp at its central store, named once.

The app, the CLI, the sync client and IT's machine presets all read them; naming them in
the core lets the sign-in window's start-up read them without loading the sync client.
"""

from __future__ import annotations

#: The central store's address as IT presets it for every profile home on a machine.
SERVER_URL_VARIABLE = "FIELDAPP_SERVER_URL"
#: A CA bundle to trust for the central store (where no settings file is read).
CA_BUNDLE_VARIABLE = "FIELDAPP_CA_BUNDLE"
#: Plain http to another machine allowed (where no settings file is read: CLI, scripts).
INSECURE_HTTP_VARIABLE = "FIELDAPP_ALLOW_INSECURE_HTTP"
