"""The `fieldapp forms` verbs: check form files, print the schema, import and export XLSForms."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fieldapp.cli.common import Verbs
from fieldapp.cli.output import STDOUT, add_json_option, chatty, print_json, wants_json


def register(verbs: Verbs, common: argparse.ArgumentParser) -> None:
    """Add `forms check`, `forms schema`, `forms import` and `forms export` to the CLI's verbs."""
    forms = verbs.add_parser("forms", help="check and describe form files", parents=[common])
    form_verbs = forms.add_subparsers(title="form verbs", metavar="VERB", required=True)
    check = form_verbs.add_parser("check", help="validate form files", parents=[common])
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders (default: the shipped forms)",
    )
    add_json_option(check)
    check.set_defaults(handler=_forms_check)
    schema = form_verbs.add_parser("schema", help="print the form JSON Schema", parents=[common])
    schema.add_argument(
        "-o", "--output", metavar="FILE", help="where to write it (default, or -: standard output)"
    )
    schema.set_defaults(handler=_forms_schema)
    imports = form_verbs.add_parser("import", help="XLSForm workbook to form", parents=[common])
    imports.add_argument("source", metavar="FORM.xlsx", help="the XLSForm workbook to read")
    imports.add_argument(
        "-o",
        "--output",
        metavar="FORM.yaml",
        help="where to write the form (default: beside it; -: standard output)",
    )
    imports.add_argument(
        "--allow-partial", action="store_true", help="leave out what is not supported"
    )
    imports.set_defaults(handler=_forms_xlsform, verb="import")
    exports = form_verbs.add_parser("export", help="form to XLSForm workbook", parents=[common])
    exports.add_argument("source", metavar="FORM.yaml", help="the form file to export")
    exports.add_argument(
        "-o",
        "--output",
        metavar="FORM.xlsx",
        required=True,
        help="the workbook to write (-: standard output)",
    )
    exports.set_defaults(handler=_forms_xlsform, verb="export")


def _forms_check(args: argparse.Namespace) -> int:
    """Validate form files; print `file:line:col: message` per problem."""
    from fieldapp.core.errors import FormFileError
    from fieldapp.core.formfile import FileProblem, check_form_files, form_files
    from fieldapp.core.locations import forms_directory
    from fieldapp.core.sanctions import POLICY_SUFFIX, load_policy_file, policy_files

    paths: list[Path] = []
    policies: list[Path] = []
    for given in args.paths or [str(forms_directory())]:
        path = Path(given)
        if path.is_dir():
            found = form_files(path)
            if not found:
                print(f"{path}: no .yaml form files in this folder", file=sys.stderr)
                return 2
            paths.extend(found)
            policies.extend(policy_files(path))
        elif path.name.endswith(POLICY_SUFFIX):
            policies.append(path)
        else:
            paths.append(path)
    engines, problems = check_form_files(paths)
    # A sanction policy beside the forms is checked too, and against their outcomes.
    outcomes = {e.form_id: [o.name for o in e.definition.outcomes] for e in engines}
    for policy_path in policies:
        try:
            policy = load_policy_file(policy_path)
        except FormFileError as error:
            problems.extend(error.problems)
            continue
        if engines:
            problems.extend(
                FileProblem(str(policy_path), 1, 1, problem)
                for problem in policy.problems_with(outcomes)
            )
        if chatty(args):
            print(
                f"ok  policy {policy.id} {policy.version}: {len(policy.ladders)} ladders",
                file=sys.stderr,
            )
    checked = [
        {
            "id": engine.definition.id,
            "version": engine.definition.version,
            "questions": sum(1 for field in engine.fields.values() if field.is_question),
            "outcomes": len(engine.definition.outcomes),
        }
        for engine in engines
    ]
    if wants_json(args):
        print_json(
            {
                "ok": not problems,
                "forms": checked,
                "problems": [
                    {"file": p.file, "line": p.line, "column": p.column, "message": p.message}
                    for p in problems
                ],
            }
        )
        return 1 if problems else 0
    for problem in problems:
        print(problem)
    if chatty(args):
        for form in checked:
            print(
                f"ok  {form['id']} {form['version']}: {form['questions']} questions, "
                f"{form['outcomes']} outcomes",
                file=sys.stderr,
            )
    return 1 if problems else 0


def _forms_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of the form format (committed as forms/schema.json)."""
    from fieldapp.core.schema import form_json_schema

    text = form_json_schema()
    if args.output and args.output != STDOUT:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _forms_xlsform(args: argparse.Namespace) -> int:
    """`forms import` and `forms export`: the work lives in fieldapp.core.xlsform."""
    from fieldapp.cli.output import output_file
    from fieldapp.core.xlsform import export_command, import_command

    if args.verb == "import":
        if args.output == STDOUT:
            with output_file(STDOUT, ".yaml") as written:
                done = import_command(Path(args.source), written, allow_partial=args.allow_partial)
        else:
            output = Path(args.output) if args.output else None
            done = import_command(Path(args.source), output, allow_partial=args.allow_partial)
    else:
        with output_file(args.output, ".xlsx") as written:
            done = export_command(Path(args.source), written)
    for line in done.lines:
        print(line, file=sys.stderr)
    return done.code
