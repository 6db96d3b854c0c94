"""The `fieldapp` command: one entry point, a verb per job, `--home` on every verb.

Each verb group is a module of this package with `register(verbs, common)`, imported by
name in `verb_groups` (so that a freezer follows them) once a verb is to be parsed. They
import nothing heavy at module level — their handlers import the use cases they call — so
`fieldapp --help` stays quick. Without a verb, `fieldapp` starts the app's window
(`fieldapp.ui.app`, the only part of the screens the CLI touches) without importing them.

Errors of the world (a broken form file, an unreadable seed world, a missing folder, a
full disk) end with a plain sentence and a non-zero exit (`-vv` adds their traceback);
anything else is a bug and is logged with its traceback. `fieldapp.cli.output` holds what
every verb does alike: `-v`/`-q`, `--json`, `-o -` and progress bars.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from fieldapp import __version__
from fieldapp.cli.common import Handler
from fieldapp.cli.output import add_output_options, log_level, verbosity

log = logging.getLogger("fieldapp")


def verb_groups() -> tuple[ModuleType, ...]:
    """The verb groups, in the order `fieldapp --help` lists them.

    Imported when a verb is parsed, not with the command: starting the app needs none.
    """
    from fieldapp.cli import forms, report, seed, server, sync

    return (forms, server, seed, sync, report)


def _overview(args: argparse.Namespace) -> int:
    """Without a verb: start the app (imported here, so the verbs never load Qt)."""
    # Python's cycle collector would walk the whole heap, Qt's wrappers included, several
    # times while the window's modules load and its widgets are made (3 ms of a 150 ms
    # start), and nothing made on the way to the window is garbage. `run` turns it back on
    # once the window is up; here too, should it end before.
    gc.disable()
    try:
        from fieldapp.ui.app import run

        return run(args)
    finally:
        gc.enable()


def build_parser(*, with_verbs: bool = True) -> argparse.ArgumentParser:
    """The command's parser; `with_verbs=False` leaves the verbs out (the app's start)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--home",
        metavar="DIR",
        # SUPPRESS: a verb's parser must not reset a --home given before the verb.
        default=argparse.SUPPRESS,
        help="profile or server data folder (default: FIELDAPP_HOME, else the OS data folder)",
    )
    add_output_options(common)
    parser = argparse.ArgumentParser(
        prog="fieldapp", description="Offline-first field app.", parents=[common]
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"fieldapp {__version__}",
        help="print the version and stop",
    )
    parser.add_argument(
        "--lang", choices=("nl", "en"), help="language of the app (default: the settings, nl)"
    )
    parser.set_defaults(handler=_overview)
    if not with_verbs:
        return parser
    verbs = parser.add_subparsers(title="verbs", metavar="VERB")
    for group in verb_groups():
        group.register(verbs, common)
    return parser


#: The options of the command itself that take a value (`--home DIR`, `--lang nl`).
_VALUED_OPTIONS = frozenset({"--home", "--lang"})


def _starts_the_app(argv: Sequence[str]) -> bool:
    """Whether `argv` holds only the command's own options, so no verb and no help.

    The verbs' parsers take longer to build than the app's window takes to import (gettext
    looks for argparse's catalogue at every help text), so the app's start skips them.
    Anything else, a mistyped verb too, goes to the whole parser and its messages.
    """
    expects_value = False
    for argument in argv:
        if expects_value:
            expects_value = False
        elif argument in ("-h", "--help") or not argument.startswith("-"):
            return False
        elif argument in _VALUED_OPTIONS:
            expects_value = True
    return True


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The parsed command line; the options shared by every verb count before or after it."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(with_verbs=not _starts_the_app(arguments)).parse_args(arguments)
    if not hasattr(args, "home"):
        args.home = None
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    # After parsing: `--help` and a mistyped option need none of fieldapp's modules.
    from fieldapp.core.errors import FieldappError, WorldError

    logging.basicConfig(level=log_level(args), format="%(levelname)s %(name)s: %(message)s")
    handler: Handler = args.handler
    language = os.environ.get("FIELDAPP_LANGUAGE", "en")
    # With -vv the traceback of a world error is logged too; otherwise only the sentence.
    show_trace = verbosity(args) >= 2
    try:
        return handler(args)
    except FieldappError as error:
        log.debug("world error", exc_info=show_trace)
        print(f"fieldapp: {error.text(language)}", file=sys.stderr)
        return 1
    except WorldError as error:
        from fieldapp.core.texts import Text

        log.debug("world error", exc_info=show_trace)
        unreadable = Text(
            nl="de demowereld (seeds) is niet te lezen of spreekt zichzelf tegen:",
            en="the demo world (seeds) cannot be read or contradicts itself:",
        )
        print(f"fieldapp: {unreadable.pick(language)}", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except ModuleNotFoundError as missing:
        from fieldapp.app.demo import SERVER_MODULES
        from fieldapp.app.errors import ServerPartsMissing

        name = (missing.name or "").partition(".")[0]
        if name not in SERVER_MODULES:
            raise
        # A desktop install without the `fieldapp[server]` extra, asked for a server verb.
        print(f"fieldapp: {ServerPartsMissing(name).text(language)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as error:
        # A missing or unwritable file, a full disk, a refused connection: the world's.
        log.debug("world error", exc_info=show_trace)
        where = f"{error.filename}: " if error.filename else ""
        print(f"fieldapp: {where}{error.strerror or error}", file=sys.stderr)
        return 1
