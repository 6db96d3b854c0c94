"""What every verb module of the `fieldapp` command shares: the handler type, the default user.

Imports nothing of fieldapp beyond this package, so that building the parser stays quick.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

#: A verb's handler: gets the parsed arguments, returns the exit code.
Handler = Callable[[argparse.Namespace], int]

#: The sub-parsers action of the `fieldapp` parser (argparse does not name its type).
Verbs = Any

#: Whose profile the verbs use without `--user`: the demo's officer.
DEFAULT_USER = "fatima.elamrani"
