"""The `fieldapp forms` verbs: check form files (`file:line:col: message`) and print the schema."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fieldapp.cli.common import Verbs


def register(verbs: Verbs, common: argparse.ArgumentParser) -> None:
    """Add `forms check` and `forms schema` to the CLI's verbs."""
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


def _forms_check(args: argparse.Namespace) -> int:
    """Validate form files; print `file:line:col: message` per problem."""
    from fieldapp.core.formfile import check_form_files, form_files
    from fieldapp.core.locations import forms_directory

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
