"""The profile password for non-interactive use: FIELDAPP_PASSWORD, else a terminal prompt.

Scripts, CI and the CLI verbs set FIELDAPP_PASSWORD (or pipe it with `--password-stdin`)
so that nothing waits on a prompt.
"""

from __future__ import annotations

import os
import sys


def read_password(prompt: str = "Wachtwoord / password: ", *, from_stdin: bool = False) -> str:
    """FIELDAPP_PASSWORD when set; else the first line of standard input when `from_stdin`
    (`--password-stdin`); else ask on the terminal; else a clear error."""
    from fieldapp.store.errors import PasswordRequired

    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise PasswordRequired()
        return line
    from_environment = os.environ.get("FIELDAPP_PASSWORD")
    if from_environment:
        return from_environment
    if not sys.stdin.isatty():
        raise PasswordRequired()
    import getpass

    return getpass.getpass(prompt)
