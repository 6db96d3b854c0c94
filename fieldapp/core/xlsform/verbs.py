"""The work of `fieldapp forms import` and `fieldapp forms export`, for any command line to call.

Each takes paths and returns the exit code with the lines to show the person: problems as
`file:sheet:row:column: message`, never a traceback. Nothing is written unless it is whole
(or the person asked for a partial import).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from fieldapp.core.errors import FormFileError
from fieldapp.core.files import write_atomically
from fieldapp.core.formfile import load_form_file
from fieldapp.core.xlsform.mapping import ImportProblem, MappedForm, map_workbook
from fieldapp.core.xlsform.reader import WorkbookUnreadable, read_workbook
from fieldapp.core.xlsform.writer import ExportRefused, workbook_bytes


@dataclass
class VerbResult:
    """What a verb did: its exit code and the lines for the person (stderr)."""

    code: int
    lines: list[str] = field(default_factory=list)


def import_xlsform(source: Path) -> MappedForm:
    """Read and map a workbook; an unreadable one is a mapped form with one problem."""
    try:
        book = read_workbook(source)
    except WorkbookUnreadable as error:
        problem = ImportProblem(error.cell, error.message)
        return MappedForm({}, [problem], partial=True, usable=False)
    return map_workbook(book, source.stem)


def form_yaml(data: dict[str, Any]) -> str:
    """The form file text: keys in the order people read them, every language kept."""
    header = (
        "# Imported from an XLSForm by 'fieldapp forms import'; check: 'fieldapp forms check'.\n"
    )
    return header + yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )


def import_command(source: Path, output: Path | None, *, allow_partial: bool) -> VerbResult:
    """`fieldapp forms import FORM.xlsx [-o FORM.yaml] [--allow-partial]`."""
    target = output or source.with_suffix(".yaml")
    mapped = import_xlsform(source)
    outcome = VerbResult(0, [problem.text(source.name) for problem in mapped.problems])
    if not mapped.usable:
        outcome.code = 1
        outcome.lines.append(f"{source.name}: not imported")
        return outcome
    if mapped.partial and not allow_partial:
        outcome.code = 1
        outcome.lines.append(
            f"{source.name}: not imported: the parts above are not supported "
            "(--allow-partial imports the rest)"
        )
        return outcome
    try:
        write_atomically(target, form_yaml(mapped.data))
    except OSError as error:
        outcome.code = 1
        outcome.lines.append(f"{target}: cannot write the form: {error.strerror or error}")
        return outcome
    left_out = sum(1 for problem in mapped.problems if problem.blocking)
    summary = f"{target}: written" + (f", {left_out} part(s) left out" if left_out else "")
    outcome.lines.append(summary)
    return outcome


def export_command(source: Path, output: Path) -> VerbResult:
    """`fieldapp forms export FORM.yaml -o FORM.xlsx`: only a form that passes the check."""
    try:
        engine = load_form_file(source)
    except FormFileError as error:
        return VerbResult(1, [str(problem) for problem in error.problems])
    try:
        content = workbook_bytes(engine.definition)
    except ExportRefused as refused:
        return VerbResult(1, [f"{source}: {refused}"])
    try:
        write_atomically(output, content)
    except OSError as error:
        return VerbResult(1, [f"{output}: cannot write the workbook: {error.strerror or error}"])
    return VerbResult(0, [f"{output}: written"])
