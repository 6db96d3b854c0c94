"""What every verb module of the `fieldapp` command shares: the handler type, the default user.

Imports nothing of fieldapp beyond this package, so that building the parser stays quick.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import date

#: A verb's handler: gets the parsed arguments, returns the exit code.
Handler = Callable[[argparse.Namespace], int]

#: The sub-parsers action of the `fieldapp` parser (argparse does not name its type).
Verbs = Any

#: Whose profile the verbs use without `--user`: the demo's officer.
DEFAULT_USER = "fatima.elamrani"


def calendar_day(text: str) -> date:
    """An argument that is a day, YYYY-MM-DD; argparse names the option when it fails.

    `date.fromisoformat` as the type made argparse say "invalid fromisoformat value",
    Python's name for a person's typo."""
    # Imported here: the app's start parses no day and has no other use for datetime.
    from datetime import date

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a valid date: {text!r} (write YYYY-MM-DD, such as 2026-03-31)"
        ) from None


def chosen_language(home: Path, args: argparse.Namespace, fallback: str) -> str:
    """`--lang` (before the verb or after it), else FIELDAPP_LANGUAGE, else the app's
    setting for this home, else `fallback`.

    A verb's own `--lang` must default to `argparse.SUPPRESS`: a default there would
    overwrite a `--lang` given before the verb, which the command's parser already set.
    """
    from fieldapp.app.settings import Settings
    from fieldapp.core.texts import LANGUAGES

    for chosen in (
        getattr(args, "lang", None),
        os.environ.get("FIELDAPP_LANGUAGE"),
        Settings.chosen(home, "language"),
    ):
        if chosen in LANGUAGES:
            return str(chosen)
    return fallback
