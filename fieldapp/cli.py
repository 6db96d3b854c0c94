"""The `fieldapp` command: one entry point, a verb per job, `--home` on every verb.

Errors of the world (a broken form file, a missing folder) end with a plain sentence and a
non-zero exit; anything else is a bug and is logged with its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from fieldapp import __version__
from fieldapp.core.errors import FieldappError
from fieldapp.core.locations import forms_directory

log = logging.getLogger("fieldapp")

Handler = Callable[[argparse.Namespace], int]

#: Modules that add verbs: each has `register(verbs, common)`, which adds a sub-parser
#: whose defaults set `handler`. They must import nothing heavy at module level, so that
#: `fieldapp --help` stays quick; the handler imports what it needs.
VERB_MODULES: tuple[str, ...] = (
    "fieldapp.server.commands",
    "fieldapp.seed_verbs",
    "fieldapp.sync_verbs",
    "fieldapp.report_verbs",
)


def _forms_check(args: argparse.Namespace) -> int:
    """Validate form files; print `file:line:col: message` per problem."""
    from fieldapp.core.formfile import check_form_files, form_files

    paths: list[Path] = []
    for given in args.paths or [str(forms_directory())]:
        path = Path(given)
        if path.is_dir():
            found = form_files(path)
            if not found:
                print(f"{path}: no .yaml form files in this folder", file=sys.stderr)
                return 2
            paths.extend(found)
        else:
            paths.append(path)
    engines, problems = check_form_files(paths)
    for problem in problems:
        print(problem)
    if not args.quiet:
        for engine in engines:
            definition = engine.definition
            questions = sum(1 for field in engine.fields.values() if field.is_question)
            print(
                f"ok  {definition.id} {definition.version}: {questions} questions, "
                f"{len(definition.outcomes)} outcomes",
                file=sys.stderr,
            )
    return 1 if problems else 0


def _forms_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of the form format (committed as forms/schema.json)."""
    from fieldapp.core.schema import form_json_schema

    text = form_json_schema()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _overview(args: argparse.Namespace) -> int:
    """Without a verb: start the app (imported here, so the verbs never load Qt)."""
    from fieldapp.ui.app import run

    return run(args)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--home",
        metavar="DIR",
        help="profile or server data folder (default: FIELDAPP_HOME, else the OS data folder)",
    )
    parser = argparse.ArgumentParser(
        prog="fieldapp", description="Offline-first field app.", parents=[common]
    )
    parser.add_argument("--version", action="version", version=f"fieldapp {__version__}")
    parser.add_argument(
        "--lang", choices=("nl", "en"), help="language of the app (default: the settings, nl)"
    )
    parser.set_defaults(handler=_overview)
    verbs = parser.add_subparsers(title="verbs", metavar="VERB")

    forms = verbs.add_parser("forms", help="check and describe form files", parents=[common])
    form_verbs = forms.add_subparsers(title="form verbs", metavar="VERB", required=True)
    check = form_verbs.add_parser("check", help="validate form files", parents=[common])
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders (default: the shipped forms)",
    )
    check.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    check.set_defaults(handler=_forms_check)
    schema = form_verbs.add_parser("schema", help="print the form JSON Schema", parents=[common])
    schema.add_argument("-o", "--output", metavar="FILE")
    schema.set_defaults(handler=_forms_schema)
    for module in VERB_MODULES:
        importlib.import_module(module).register(verbs, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    handler: Handler = args.handler
    language = os.environ.get("FIELDAPP_LANGUAGE", "en")
    try:
        return handler(args)
    except FieldappError as error:
        print(f"fieldapp: {error.text(language)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
