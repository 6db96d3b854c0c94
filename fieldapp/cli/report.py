"""The `fieldapp report …` and `fieldapp export …` verbs: arguments, and where the data comes from.

Against a local profile (`--home`, `--user`, password from FIELDAPP_PASSWORD or a prompt)
or against a central store (`--server URL`, signing in as `--user`). What the verbs do is
in `fieldapp.app.reports`; this module only parses and says what went wrong. Nothing heavy
is imported until a handler runs, so `fieldapp --help` stays quick.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from fieldapp.cli.common import DEFAULT_USER, Verbs, calendar_day, chosen_language
from fieldapp.cli.output import STDOUT

if TYPE_CHECKING:
    from fieldapp.app.reports import ReportSource
    from fieldapp.app.review.desk import GaveUp, Refusal

#: The formats `export` writes.
EXPORT_FORMATS = ("csv", "xlsx")


def register(verbs: Verbs, common: argparse.ArgumentParser) -> None:
    """Add `report` (inspection, door-test, patrol, summary) and `export` to the CLI."""
    source = argparse.ArgumentParser(add_help=False)
    source.add_argument(
        "--server",
        metavar="URL",
        help="read from this central store instead of the local profile",
    )
    source.add_argument(
        "--user",
        default=DEFAULT_USER,
        help=f"whose profile, or who signs in to the server (default {DEFAULT_USER})",
    )
    source.add_argument(
        "--lang",
        choices=("nl", "en"),
        default=argparse.SUPPRESS,
        help="report language (default: FIELDAPP_LANGUAGE, else the app's setting, else nl)",
    )
    report = verbs.add_parser("report", parents=[common], help="PDF reports")
    kinds = report.add_subparsers(title="reports", metavar="KIND", required=True)
    for name, argument, handler, text in (
        ("inspection", "ID", _inspection, "one inspection (a patrol gets the patrol report)"),
        ("door-test", "TEST_ID", _door_test, "a paired door test: both visits side by side"),
        ("patrol", "ID", _patrol, "a neighbourhood patrol"),
    ):
        parser = kinds.add_parser(name, parents=[common, source], help=text)
        parser.add_argument("subject", metavar=argument, help="which one: its id")
        _output(parser, "the PDF to write")
        parser.set_defaults(handler=handler)
    summary = kinds.add_parser(
        "summary", parents=[common, source], help="period summary with charts for supervisors"
    )
    _period(summary)
    _output(summary, "the PDF to write")
    summary.set_defaults(handler=_summary)

    export = verbs.add_parser(
        "export",
        parents=[common, source],
        help="CSV or XLSX: one row per inspection, one column per question",
    )
    export.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        dest="fmt",
        help="the file format (default: as the output file's name ends, else xlsx)",
    )
    export.add_argument(
        "--form",
        default="coffeeshop_inspection",
        help="which checklist (default coffeeshop_inspection)",
    )
    _period(export, required=False)
    export.add_argument(
        "--personal-data",
        action="store_true",
        help="include answers marked as personal data (left out by default)",
    )
    style = export.add_mutually_exclusive_group()
    style.add_argument(
        "--excel",
        action="store_const",
        const="excel",
        dest="csv_style",
        help="CSV for Excel: UTF-8 with BOM (in Dutch also ';' and a decimal comma);"
        " the default with --lang nl",
    )
    style.add_argument(
        "--rfc4180",
        action="store_const",
        const="rfc4180",
        dest="csv_style",
        help="plain RFC 4180 CSV for tools (',' and a decimal point); the default with --lang en",
    )
    export.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="the file to write (default: FORM.FORMAT here; -: standard output)",
    )
    export.set_defaults(handler=_export)


def _output(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help=f"{what} (-: standard output)"
    )


def _period(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    parser.add_argument(
        "--from",
        dest="start",
        type=calendar_day,
        required=required,
        metavar="DATE",
        help="first day of the period, YYYY-MM-DD",
    )
    parser.add_argument(
        "--to",
        dest="end",
        type=calendar_day,
        required=required,
        metavar="DATE",
        help="last day of the period, YYYY-MM-DD",
    )
    parser.add_argument(
        "--area", action="append", default=[], metavar="AREA", help="repeat for several"
    )


def _run(
    args: argparse.Namespace,
    make: Callable[[ReportSource, Path], list[Path] | Path],
    suffix: str = ".pdf",
) -> int:
    """Make the file(s) into `args.output` (`-`: standard output) and name what was written."""
    # The password from fieldapp.app.reports, not fieldapp.app.session, which loads the sync.
    from fieldapp.app.reports import UnknownArea, read_password, report_source
    from fieldapp.cli.output import output_file
    from fieldapp.core.locations import home_directory

    # Only a central store refuses or stops answering: from a profile, the HTTP client
    # and its models are not loaded (a third of the command's start).
    answered: tuple[type[Refusal] | type[GaveUp], ...] = ()
    if args.server:
        from fieldapp.app.review.desk import GaveUp, Refusal

        answered = (Refusal, GaveUp)

    home = home_directory(args.home)
    # Read by the reports below (`make`) and by the messages here.
    args.lang = chosen_language(home, args, fallback="nl")
    password = read_password()
    try:
        with (
            report_source(home, args.user, password, server_url=args.server) as source,
            output_file(args.output, suffix) as output,
        ):
            written = make(source, output)
    except UnknownArea as unknown:
        print(f"fieldapp: {unknown.message.pick(args.lang)}", file=sys.stderr)
        return 1
    except KeyError as missing:
        print(f"fieldapp: not found: {missing.args[0]}", file=sys.stderr)
        return 1
    except ValueError as nothing:
        # The reports say "nothing to export" or "period ends before it starts" this way.
        print(f"fieldapp: {nothing}", file=sys.stderr)
        return 1
    except answered as refused:
        said = refused.asked_message if isinstance(refused, GaveUp) else refused.message
        print(f"fieldapp: {said.pick(args.lang)}", file=sys.stderr)
        return 1
    except OSError as error:  # an -o that is a folder, not writable, or a full disk
        print(f"fieldapp: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return 1
    if args.output != STDOUT:
        for path in written if isinstance(written, list) else [written]:
            print(path)
    return 0


def _inspection(args: argparse.Namespace) -> int:
    from fieldapp.app.reports import report_inspection

    return _run(args, lambda s, o: report_inspection(s, args.subject, o, language=args.lang))


def _door_test(args: argparse.Namespace) -> int:
    from fieldapp.app.reports import report_door_test

    return _run(args, lambda s, o: report_door_test(s, args.subject, o, language=args.lang))


def _patrol(args: argparse.Namespace) -> int:
    from fieldapp.app.reports import report_patrol

    return _run(args, lambda s, o: report_patrol(s, args.subject, o, language=args.lang))


def _summary(args: argparse.Namespace) -> int:
    from fieldapp.app.reports import report_summary

    return _run(
        args,
        lambda s, o: report_summary(
            s, args.start, args.end, o, areas=args.area, language=args.lang
        ),
    )


def export_format(chosen: str | None, output: str | None) -> str:
    """`--format` if given, else the output file's ending (".csv", ".xlsx"), else xlsx.

    With xlsx as the only default, `-o shops.csv` wrote an Excel workbook named .csv,
    which Excel then refused and a script read as garbage. A name ending in something
    else, or in the other format than `--format` says, is refused rather than guessed."""
    from fieldapp.core.errors import FieldappError

    ending = Path(output).suffix.lower().lstrip(".") if output and output != "-" else ""
    if chosen and ending in EXPORT_FORMATS and ending != chosen:
        raise FieldappError(
            {
                "nl": f"De bestandsnaam eindigt op .{ending}, maar --format zegt {chosen}; "
                "laat ze overeenkomen.",
                "en": f"The file name ends in .{ending} but --format says {chosen}; make "
                "them agree.",
            }
        )
    if chosen:
        return chosen
    if ending and ending not in EXPORT_FORMATS:
        raise FieldappError(
            {
                "nl": f"Welk formaat voor .{ending}? Laat de naam eindigen op .csv of .xlsx, "
                "of geef --format csv of --format xlsx.",
                "en": f"Which format for .{ending}? End the name in .csv or .xlsx, or give "
                "--format csv or --format xlsx.",
            }
        )
    return ending or "xlsx"


def _export(args: argparse.Namespace) -> int:
    from fieldapp.app.reports import default_csv_style, export

    start = args.start or date(2000, 1, 1)
    # Without a period: everything (device clocks may be off, so no 'today' bound).
    end = args.end or date(2100, 1, 1)
    args.fmt = export_format(args.fmt, args.output)
    if not args.output:
        args.output = f"{args.form}.{args.fmt}"
    return _run(
        args,
        lambda s, o: export(
            s,
            args.form,
            start,
            end,
            o,
            fmt=args.fmt,
            areas=args.area,
            language=args.lang,
            include_personal_data=args.personal_data,
            csv_style=args.csv_style or default_csv_style(args.lang),
        ),
        suffix=f".{args.fmt}",
    )
