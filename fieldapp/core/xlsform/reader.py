"""Reading an XLSForm workbook with pyxform's own reader, keeping where every value stands.

pyxform (the reference implementation of XLSForm) turns the sheets into rows and groups
the headers (``label::English (en)``, ``jr:constraintMsg``, aliases such as ``relevance``)
the way ODK tools do. We keep each row's number and the header each value came from, so
a problem can name its sheet, row and column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyxform import aliases, constants  # type: ignore[import-untyped]
from pyxform.errors import PyXFormError  # type: ignore[import-untyped]
from pyxform.parsing.sheet_headers import (  # type: ignore[import-untyped]
    dealias_and_group_headers,
    process_header,
)
from pyxform.question import MultipleChoiceQuestion, Option  # type: ignore[import-untyped]
from pyxform.survey import Survey  # type: ignore[import-untyped]
from pyxform.xls2json_backends import get_xlsform  # type: ignore[import-untyped]

#: The key pyxform files a text under when its column names no language.
NO_LANGUAGE = constants.DEFAULT_LANGUAGE_VALUE


@dataclass(frozen=True, slots=True)
class Cell:
    """Where a value stands in the workbook: the sheet, its row number and column header."""

    sheet: str
    row: int
    column: str


class WorkbookUnreadable(ValueError):
    """The file is not a workbook pyxform can read; `cell` says where, as far as known."""

    def __init__(self, message: str, cell: Cell) -> None:
        super().__init__(message)
        self.message = message
        self.cell = cell


@dataclass(slots=True)
class SheetRow:
    """One row of a sheet: values grouped by pyxform (``{'label': {'English (en)': …}}``)."""

    sheet: str
    number: int
    values: dict[str, Any]
    #: The header as written in the workbook, by the path pyxform groups it under.
    headers: Mapping[tuple[str, ...], str] = field(default_factory=dict)

    def cell(self, *path: str) -> Cell:
        """The cell of a value by its grouped path, or of the row's first column."""
        for length in range(len(path), 0, -1):
            header = self.headers.get(path[:length])
            if header is not None:
                return Cell(self.sheet, self.number, header)
        # A grouped column (label::…) asked for by its first part: name the first match.
        for tokens, header in self.headers.items():
            if path and tokens[: len(path)] == path:
                return Cell(self.sheet, self.number, header)
        return Cell(self.sheet, self.number, path[-1] if path else "")


@dataclass(slots=True)
class Workbook:
    survey: list[SheetRow]
    choices: list[SheetRow]
    settings: SheetRow | None
    #: Sheets pyxform knows that we do not read (external_choices, entities, osm).
    other_sheets: list[str]
    folder: Path


def read_workbook(path: Path) -> Workbook:
    """Read survey, choices and settings; raise `WorkbookUnreadable` with a plain reason."""
    name = path.name
    if not path.is_file():
        raise WorkbookUnreadable("no such file", Cell(name, 0, ""))
    try:
        data = get_xlsform(path)
    except PyXFormError as error:
        reason = f"not a workbook XLSForm tools can read ({error})"
        raise WorkbookUnreadable(reason, Cell(name, 0, "")) from None
    except Exception as error:  # pyxform's backends raise what their readers raise
        raise WorkbookUnreadable(f"cannot read the workbook: {error}", Cell(name, 0, "")) from None
    if not data.survey:
        raise WorkbookUnreadable("the workbook has no 'survey' sheet", Cell("survey", 1, ""))
    settings_rows = _sheet(
        constants.SETTINGS,
        data.settings,
        data.settings_header,
        aliases.settings_header,
        set(Survey.get_slot_names()),
    )
    survey = _sheet(
        constants.SURVEY,
        data.survey,
        data.survey_header,
        aliases.survey_header,
        set(MultipleChoiceQuestion.get_slot_names()),
    )
    choices = _sheet(
        constants.CHOICES,
        data.choices,
        data.choices_header,
        aliases.list_header,
        set(Option.get_slot_names()),
    )
    others = [
        sheet
        for sheet, rows in (
            (constants.EXTERNAL_CHOICES, data.external_choices),
            (constants.ENTITIES, data.entities),
            (constants.OSM, data.osm),
        )
        if rows
    ]
    return Workbook(
        survey=survey,
        choices=choices,
        settings=settings_rows[0] if settings_rows else None,
        other_sheets=others,
        folder=path.parent,
    )


def _sheet(
    sheet: str,
    rows: Sequence[dict[str, str]] | None,
    header: Sequence[dict[str, Any]] | None,
    header_aliases: dict[str, Any],
    columns: set[str],
) -> list[SheetRow]:
    if not rows:
        return []
    try:
        # Run for its checks (duplicate or clashing headers); the values we take from the
        # rows as read, because it also rewrites typographic quotes inside label texts.
        dealias_and_group_headers(
            sheet_name=sheet,
            sheet_data=rows,
            sheet_header=header,
            header_aliases=header_aliases,
            header_columns=columns,
            default_language=NO_LANGUAGE,
        )
    except PyXFormError as error:
        raise WorkbookUnreadable(str(error), Cell(sheet, 1, "")) from None
    written = list(header[0]) if header else []
    double_colon = any("::" in item for item in written)
    tokens_of: dict[str, tuple[str, ...]] = {}
    for item in written:
        _, tokens = process_header(item, double_colon, header_aliases, columns)
        tokens_of[item] = tuple(tokens)
    headers = {tokens: item for item, tokens in tokens_of.items()}
    # pyxform numbers rows from 2 (the header is row 1) and keeps blank rows in place.
    return [
        SheetRow(sheet, number, _grouped(row, tokens_of), headers)
        for number, row in enumerate(rows, start=2)
        if row
    ]


def _grouped(row: Mapping[str, Any], tokens_of: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    """``{'label::English (en)': 'Yes'}`` as ``{'label': {'English (en)': 'Yes'}}``."""
    grouped: dict[str, Any] = {}
    for header, value in row.items():
        tokens = tokens_of.get(header, (header,))
        place = grouped
        for token in tokens[:-1]:
            inner = place.get(token)
            if not isinstance(inner, dict):
                # 'label' next to 'label::English (en)': the plain one has no language.
                inner = {} if inner is None else {NO_LANGUAGE: inner}
                place[token] = inner
            place = inner
        last = tokens[-1]
        if isinstance(place.get(last), dict):
            place[last][NO_LANGUAGE] = value
        else:
            place[last] = value
    return grouped
