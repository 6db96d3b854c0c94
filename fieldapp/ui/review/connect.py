"""Makes the supervisor's review desk: which central store, and how to sign in to it.

In the demo the central store runs beside the profiles (fieldapp.sync.demo), and the demo
accounts sign in with the published demo password. With a configured server, the desk
signs in with the password the supervisor typed to unlock this device (the same account).
"""

from __future__ import annotations

from pathlib import Path

from fieldapp.sync.review import ReviewDesk
from fieldapp.sync.transport import CentralLine, Credentials, CredentialSource
from fieldapp.ui.usecases import SignedIn


def desk_for(home: Path, server_url: str, signed: SignedIn, password: str | None) -> ReviewDesk:
    """A desk for `signed` (blocking: it may start the demo's central store)."""
    credentials: CredentialSource
    if not server_url:
        from fieldapp.sync.demo import DemoAccounts, start_demo_server

        server_url = start_demo_server(home).url
        credentials = DemoAccounts()
    else:
        if password is None:
            from fieldapp.store.errors import PasswordRequired

            raise PasswordRequired()
        credentials = Credentials(signed.user.username, password)
    line = CentralLine(
        server_url,
        device_id=signed.profile.device_id,
        credentials=credentials,
        user_agent="fieldapp-review",
    )
    return ReviewDesk(line, signed.user.username)
