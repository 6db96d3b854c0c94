"""The profile password for non-interactive use: FIELDAPP_PASSWORD, else a terminal prompt.

Scripts, CI and the CLI verbs set FIELDAPP_PASSWORD so that nothing waits on a prompt.
"""

from __future__ import annotations

import os
import sys


def read_password(prompt: str = "Wachtwoord / password: ") -> str:
    """FIELDAPP_PASSWORD when set; else ask on the terminal; else a clear error."""
    from fieldapp.store.errors import PasswordRequired

    from_environment = os.environ.get("FIELDAPP_PASSWORD")
    if from_environment:
        return from_environment
    if not sys.stdin.isatty():
        raise PasswordRequired()
    import getpass

    return getpass.getpass(prompt)
