"""What every verb does alike with its output: `-v`/`-q`, `--json`, `-o -`, and progress.

* `-q/--quiet` prints only problems and the result (on standard output), no progress and
  no remarks; `-v/--verbose` adds the log (`-vv` the debug log). Both are in every verb's
  options (the common parser).
* `--json` (sync, seed, forms check) prints one JSON document on standard output instead
  of sentences; problems stay on standard error, the exit code is the same.
* `-o -` writes a file's bytes to standard output, for pipes (`report … -o - | lp`).
* Progress on long work goes to standard error through tqdm, and only when that is a
  terminal and neither `-q` nor `--json` was given: a script's log stays clean.

Imports nothing heavy at module level: building the parser must stay quick.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tqdm import tqdm

#: `-o -`: standard output instead of a file.
STDOUT = "-"


def add_output_options(common: argparse.ArgumentParser) -> None:
    """`-v` and `-q` on every verb. SUPPRESS: a verb's parser must not reset the top's."""
    group = common.add_mutually_exclusive_group()
    group.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="say more: the log's INFO lines (-vv: DEBUG, and tracebacks of world errors)",
    )
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="say less: only problems and the result, no progress or remarks",
    )


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the result as one JSON document on standard output (for scripts)",
    )


def verbosity(args: argparse.Namespace) -> int:
    """-1 quiet, 0 normal, 1 verbose, 2 debug."""
    if getattr(args, "quiet", False):
        return -1
    return min(int(getattr(args, "verbose", 0) or 0), 2)


def log_level(args: argparse.Namespace) -> int:
    return {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO, 2: logging.DEBUG}[
        verbosity(args)
    ]


def wants_json(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "json", False))


def chatty(args: argparse.Namespace) -> bool:
    """Whether sentences beyond the result are wanted (not -q, not --json)."""
    return verbosity(args) >= 0 and not wants_json(args)


def print_json(document: object) -> None:
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
    sys.stdout.write("\n")


def progress(args: argparse.Namespace, *, total: int | None, unit: str, desc: str) -> tqdm[Any]:
    """A tqdm bar on standard error; silent off a terminal, with -q and with --json."""
    from tqdm import tqdm

    return tqdm(
        total=total,
        unit=unit,
        desc=desc,
        file=sys.stderr,
        # None: tqdm switches itself off when standard error is not a terminal.
        disable=None if chatty(args) else True,
        leave=False,
        dynamic_ncols=True,
    )


@contextlib.contextmanager
def output_file(given: str | Path, suffix: str) -> Iterator[Path]:
    """The path to write to: `given`, or for `-` a temporary file copied to standard output.

    Writers such as reportlab and openpyxl want a path; the bytes reach standard output
    only when the writer finished without an exception and wrote the file.
    """
    if str(given) != STDOUT:
        yield Path(given)
        return
    with tempfile.TemporaryDirectory(prefix="fieldapp-") as folder:
        path = Path(folder) / f"output{suffix}"
        yield path
        if not path.is_file():
            return  # the writer refused (and said why); nothing to pass on
        sys.stdout.flush()
        with path.open("rb") as written:
            shutil.copyfileobj(written, sys.stdout.buffer)
        sys.stdout.buffer.flush()
