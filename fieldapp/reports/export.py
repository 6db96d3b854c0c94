"""Exports for policy analysts: one row per inspection, one column per question, CSV or XLSX.

Column headers are the question names from the form (stable across languages and form
versions, easy to use in R, Python or Power Query); values are what a reader sees: choice
labels in the chosen language, numbers as numbers, dates as dates. A codebook (its own
sheet, or file) gives every column's label, type, unit and choices. Each repeat gets its
own sheet or file, joined on `inspection_id`.

CSV comes in two styles: `excel` opens right in Excel (UTF-8 with a byte-order mark; in Dutch
a `;` separator and decimal comma, yes/no as ja/nee) and `rfc4180` is plain RFC 4180 for tools
(comma, decimal point, true/false). XLSX sheets have two header rows, labels in the chosen
language above the stable column names, with a filter on the second and both frozen; a
geopoint is two numeric columns; the file's bytes depend only on the data.

Privacy by default: questions that declare personal data (names, descriptions of people,
locations of homes, pseudonyms) and the author are left out unless asked for, signatures
are never exported, and photos appear as a count.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

from fieldapp.core.answers import session_from_document
from fieldapp.core.engine import Field, FormEngine, FormSession
from fieldapp.core.entities import Area, Venue
from fieldapp.core.files import write_atomically
from fieldapp.core.forms import QuestionType
from fieldapp.core.texts import Text, decimal_comma
from fieldapp.reports.i18n import STATUS_LABELS, Language, local
from fieldapp.reports.model import SummaryItem
from fieldapp.reports.summary import area_of, latest_versions
from fieldapp.reports.text import choice_label

ExportFormat = Literal["csv", "xlsx"]
CsvStyle = Literal["excel", "rfc4180"]
Cell = str | bool | int | float | datetime | date | time | None
EngineLookup = Callable[[str, str], FormEngine]

#: Columns every inspection row starts with.
FIXED_COLUMNS = (
    ("inspection_id", "Controle-id / inspection id"),
    ("version_id", "Versie-id / version id"),
    ("form_version", "Formulierversie / form version"),
    ("status", "Status"),
    ("started_at", "Begonnen op het apparaat / started on the device"),
    ("finalized_at", "Afgerond op het apparaat / finalized on the device"),
    ("venue_id", "Locatie-id / venue id"),
    ("venue_name", "Locatie / venue"),
    ("area_id", "Wijk-id / area id"),
    ("area_name", "Wijk / area"),
    ("outcomes", "Bevindingen (namen) / findings (names)"),
    ("findings", "Bevindingen / findings"),
    ("content_hash", "Inhoudshash / content hash (SHA-256)"),
)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True, slots=True)
class ExportColumn:
    name: str
    field: Field


def export_inspections(
    items: Iterable[SummaryItem],
    engines: EngineLookup,
    form_id: str,
    output: Path,
    *,
    fmt: ExportFormat,
    language: Language = "nl",
    venues: Mapping[str, Venue] | None = None,
    areas: Mapping[str, Area] | None = None,
    include_personal_data: bool = False,
    authors: Callable[[str], str] | None = None,
    csv_style: CsvStyle = "rfc4180",
) -> list[Path]:
    """Write the inspections of `form_id` to `output` and return every file written.

    For CSV, `output` names the main file; repeats and the codebook go beside it as
    ``NAME.<repeat>.csv`` and ``NAME.codebook.csv``. `authors` turns a username into the
    name reports may show (a pseudonym for testers); it is used only with personal data.
    """
    venues = venues or {}
    areas = areas or {}
    chosen = [item for item in latest_versions(items) if item.version.form_id == form_id]
    chosen.sort(
        key=lambda item: (item.version.started_at.replace(tzinfo=None), item.version.inspection_id)
    )
    compiled: dict[str, FormEngine] = {}
    for item in chosen:
        form_version = item.version.form_version
        if form_version not in compiled:
            compiled[form_version] = engines(form_id, form_version)
    if not compiled:
        raise ValueError(f"no inspections of form {form_id} to export")
    # The newest form version decides the order; questions only older versions had follow.
    newest = compiled[max(compiled, key=_version_key)]
    main_columns, repeat_columns = _columns(newest, compiled.values(), include_personal_data)
    fixed = [name for name, _ in FIXED_COLUMNS]
    if include_personal_data:
        fixed.append("author")
    main_rows: list[list[Cell]] = []
    repeat_rows: dict[str, list[list[Cell]]] = {name: [] for name in repeat_columns}
    for item in chosen:
        version = item.version
        engine = compiled[version.form_version]
        labels = {o.name: o.label for o in engine.definition.outcomes}
        session = session_from_document(engine, version.document)
        area = area_of(version, venues)
        venue = venues.get(version.venue_id or "")
        row: list[Cell] = [
            version.inspection_id,
            version.version_id,
            version.form_version,
            local(STATUS_LABELS[item.status], language),
            _naive(version.started_at),
            _naive(version.finalized_at),
            version.venue_id or "",
            venue.name if venue else "",
            area,
            areas[area].name if area in areas else "",
            " ".join(version.outcomes),
            "; ".join(
                local(labels[name], language, name) if name in labels else name
                for name in version.outcomes
            ),
            version.content_hash,
        ]
        if include_personal_data:
            row.append(authors(version.author) if authors else version.author)
        for column in main_columns:
            row.extend(_cells(session, engine, column, None, language, venues))
        main_rows.append(row)
        for repeat, columns in repeat_columns.items():
            for number, row_id in enumerate(session.rows.get(repeat, []), start=1):
                cells: list[Cell] = [version.inspection_id, number, row_id]
                for column in columns:
                    cells.extend(_cells(session, engine, column, row_id, language, venues))
                repeat_rows[repeat].append(cells)
    fixed_labels = dict(FIXED_COLUMNS) | {"author": "Auteur / author"}
    headers: dict[str, list[tuple[str, str]]] = {
        "inspections": [
            *((name, _pick(fixed_labels[name], language)) for name in fixed),
            *(pair for c in main_columns for pair in _headers(c, language)),
        ]
    }
    for repeat, columns in repeat_columns.items():
        headers[repeat] = [
            *((name, _pick(ROW_COLUMNS[name], language)) for name in ROW_COLUMNS),
            *(pair for c in columns for pair in _headers(c, language)),
        ]
    codebook = _codebook(main_columns, repeat_columns, language, include_personal_data)
    sheets: dict[str, tuple[list[tuple[str, str]], list[list[Cell]]]] = {
        "inspections": (headers["inspections"], main_rows),
        **{repeat: (headers[repeat], repeat_rows[repeat]) for repeat in repeat_columns},
        "codebook": ([(name, name) for name in CODEBOOK_COLUMNS], codebook),
    }
    if fmt == "xlsx":
        moment = max((_naive(item.version.finalized_at) for item in chosen), default=EPOCH)
        return [_write_xlsx(output, sheets, moment)]
    return _write_csv(output, sheets, csv_style, language)


#: The columns every repeat sheet starts with, and their labels.
ROW_COLUMNS = {
    "inspection_id": "Controle-id / inspection id",
    "row_number": "Rijnummer / row number",
    "row_id": "Rij-id / row id",
}
CODEBOOK_COLUMNS = ("sheet", "column", "label", "type", "unit", "choices", "personal_data")
#: The document date of an export without inspections (there is none: it raises).
EPOCH = datetime(2000, 1, 1)


def default_csv_style(language: str) -> CsvStyle:
    """Excel's CSV where spreadsheets read a decimal comma (Dutch), else RFC 4180."""
    return "excel" if decimal_comma(language) else "rfc4180"


def _pick(label: str, language: Language) -> str:
    """One language of a fixed column's 'Dutch / English' label."""
    dutch, _, english = label.partition(" / ")
    return Text(dutch, english or dutch).pick(language)


def _headers(column: ExportColumn, language: Language) -> list[tuple[str, str]]:
    """(name, label) of the spreadsheet columns one question fills: two for a geopoint."""
    label = local(column.field.question.label, language, column.name)
    if column.field.kind is QuestionType.GEOPOINT:
        latitude = Text("breedtegraad", "latitude").pick(language)
        longitude = Text("lengtegraad", "longitude").pick(language)
        return [
            (f"{column.name}_lat", f"{label} ({latitude})"),
            (f"{column.name}_lon", f"{label} ({longitude})"),
        ]
    return [(column.name, label)]


def _cells(
    session: FormSession,
    engine: FormEngine,
    column: ExportColumn,
    row: str | None,
    language: Language,
    venues: Mapping[str, Venue],
) -> list[Cell]:
    """The cells of one question: a geopoint as latitude and longitude, numbers both."""
    cell = _cell(session, engine, column.name, row, language, venues)
    if column.field.kind is not QuestionType.GEOPOINT:
        return [cell]
    parts = str(cell).split() if isinstance(cell, str) else []
    try:
        return [float(parts[0]), float(parts[1])]
    except (IndexError, ValueError):
        return [None, None]


def _version_key(version: str) -> tuple[int | str, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"[.\-_]", version))


def _exported(field_: Field, include_personal_data: bool) -> bool:
    if not field_.holds_answer or field_.kind is QuestionType.SIGNATURE:
        return False
    return include_personal_data or field_.question.personal_data is None


def _columns(
    newest: FormEngine, engines: Iterable[FormEngine], include_personal_data: bool
) -> tuple[list[ExportColumn], dict[str, list[ExportColumn]]]:
    main: dict[str, ExportColumn] = {}
    repeats: dict[str, dict[str, ExportColumn]] = {}
    for engine in [newest, *engines]:
        for question, _parents in engine.definition.walk():
            field_ = engine.fields[question.name]
            if field_.kind is QuestionType.REPEAT:
                repeats.setdefault(question.name, {})
                continue
            if not _exported(field_, include_personal_data):
                continue
            target = main if field_.repeat is None else repeats.setdefault(field_.repeat, {})
            target.setdefault(question.name, ExportColumn(question.name, field_))
    return list(main.values()), {name: list(cols.values()) for name, cols in repeats.items()}


def _naive(moment: datetime) -> datetime:
    # Spreadsheets have no time zones; an aware time is written as its UTC wall clock.
    offset = moment.utcoffset()
    return moment if offset is None else (moment - offset).replace(tzinfo=None)


def _cell(
    session: FormSession,
    engine: FormEngine,
    name: str,
    row: str | None,
    language: Language,
    venues: Mapping[str, Venue],
) -> Cell:
    field_ = engine.fields.get(name)
    if field_ is None or not session.is_relevant(name, row):
        return None
    value = session.value(name, row)
    if isinstance(value, str) and value == "":
        return None
    kind = field_.kind
    if kind is QuestionType.SELECT_ONE and isinstance(value, str):
        return choice_label(field_, value, language)
    if kind is QuestionType.SELECT_MULTIPLE and isinstance(value, tuple):
        return "; ".join(choice_label(field_, item, language) for item in value)
    if kind is QuestionType.IMAGE and isinstance(value, tuple):
        return len(value)
    if kind is QuestionType.VENUE and isinstance(value, str):
        venue = venues.get(value)
        return venue.name if venue is not None else value
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return _naive(value)
    if isinstance(value, date | time | int | float | str):
        return value
    return " ".join(str(part) for part in value)


def _codebook(
    main: Sequence[ExportColumn],
    repeats: Mapping[str, Sequence[ExportColumn]],
    language: Language,
    include_personal_data: bool,
) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        ["inspections", name, label, "text", "", "", ""] for name, label in FIXED_COLUMNS
    ]
    if include_personal_data:
        rows.append(
            [
                "inspections",
                "author",
                "Auteur of pseudoniem / author or pseudonym",
                "text",
                "",
                "",
                "name",
            ]
        )
    for repeat, columns in repeat_columns_with_main(main, repeats):
        for column in columns:
            field_ = column.field
            question = field_.question
            kind = "calculated" if field_.calculation is not None else field_.kind.value
            if field_.kind is QuestionType.IMAGE:
                kind = "photo count"
            choices = "; ".join(
                f"{choice.name}={local(choice.label, language, choice.name)}"
                for choice in field_.choices or ()
            )
            personal = question.personal_data.category.value if question.personal_data else ""
            rows.append(
                [
                    repeat,
                    column.name,
                    local(question.label, language, column.name),
                    kind,
                    local(question.unit, language),
                    choices,
                    personal,
                ]
            )
    return rows


def repeat_columns_with_main(
    main: Sequence[ExportColumn], repeats: Mapping[str, Sequence[ExportColumn]]
) -> list[tuple[str, Sequence[ExportColumn]]]:
    return [("inspections", main), *repeats.items()]


#: Yes and no as each CSV style writes a true/false answer.
_BOOLEANS: Mapping[tuple[CsvStyle, Language], tuple[str, str]] = {
    ("excel", "nl"): ("ja", "nee"),
    ("excel", "en"): ("yes", "no"),
    ("rfc4180", "nl"): ("true", "false"),
    ("rfc4180", "en"): ("true", "false"),
}


def _text(cell: Cell, style: CsvStyle = "rfc4180", language: Language = "en") -> str:
    """A cell as CSV text: Dutch Excel gets a decimal comma, and no number reads '1.0'."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        yes, no = _BOOLEANS[(style, language)]
        return yes if cell else no
    if isinstance(cell, datetime):
        # Excel reads "2026-12-04 20:00:00" as a date and time; tools read ISO 8601.
        return cell.isoformat(sep=" " if style == "excel" else "T")
    if isinstance(cell, date | time):
        return cell.isoformat()
    if isinstance(cell, float):
        text = str(int(cell)) if cell.is_integer() else repr(cell)
        return text.replace(".", ",") if style == "excel" and decimal_comma(language) else text
    return str(cell)


def _write_csv(
    output: Path,
    sheets: Mapping[str, tuple[list[tuple[str, str]], list[list[Cell]]]],
    style: CsvStyle,
    language: Language,
) -> list[Path]:
    written: list[Path] = []
    stem = output.with_suffix("") if output.suffix == ".csv" else output
    dutch_excel = style == "excel" and decimal_comma(language)
    for sheet, (header, rows) in sheets.items():
        path = output if sheet == "inspections" else stem.with_name(f"{stem.name}.{sheet}.csv")
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";" if dutch_excel else ",", lineterminator="\r\n")
        # One header row of stable names: the labels are in the codebook.
        writer.writerow([name for name, _ in header])
        writer.writerows([_text(cell, style, language) for cell in row] for row in rows)
        encoding = "utf-8-sig" if style == "excel" else "utf-8"
        write_atomically(path, buffer.getvalue().encode(encoding))
        written.append(path)
    return written


def _write_xlsx(
    output: Path,
    sheets: Mapping[str, tuple[list[tuple[str, str]], list[list[Cell]]]],
    moment: datetime,
) -> Path:
    # openpyxl takes a third of a second to import: only an XLSX export pays for it.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty default sheet
    # Fixed document properties: the same data gives the same bytes.
    workbook.properties.creator = "fieldapp"
    workbook.properties.lastModifiedBy = "fieldapp"
    workbook.properties.created = moment
    workbook.properties.modified = moment
    for sheet, (header, rows) in sheets.items():
        worksheet = workbook.create_sheet(title=sheet[:31])
        for index, (name, label) in enumerate(header, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = min(
                max(len(label) + 2, len(name) + 2, 12), 40
            )
        worksheet.append([label for _, label in header])
        worksheet.append([name for name, _ in header])
        for row in rows:
            worksheet.append([_xlsx_cell(worksheet, cell) for cell in row])
        # Labels above names, both frozen; the filter sits on the names row.
        worksheet.freeze_panes = "A3"
        last = get_column_letter(max(len(header), 1))
        worksheet.auto_filter.ref = f"A2:{last}{len(rows) + 2}"
        for cell in worksheet[1]:
            cell.font = bold
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomically(output, _fixed_zip(buffer.getvalue(), moment))
    return output


def _fixed_zip(data: bytes, moment: datetime) -> bytes:
    """The same archive with every member dated `moment`, so saving twice gives the same
    bytes (openpyxl stamps members with the wall clock)."""
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = member.external_attr
            content = source.read(member.filename)
            if member.filename == "docProps/core.xml":
                # openpyxl sets 'modified' to the wall clock on save, whatever was asked.
                content = _MODIFIED.sub(
                    f"\\g<1>{moment.strftime('%Y-%m-%dT%H:%M:%SZ')}\\g<2>".encode(), content
                )
            target.writestr(info, content)
    return out.getvalue()


def _xlsx_cell(worksheet: Any, cell: Cell) -> Any:
    if not isinstance(cell, str):
        return cell
    # Spreadsheet XML refuses control characters, and an answer starting with "=" must stay
    # text, never become a formula that runs when the analyst opens the file.
    cleaned = _ILLEGAL.sub("", cell)
    if not cleaned.startswith("="):
        return cleaned
    from openpyxl.cell import WriteOnlyCell

    text_cell = WriteOnlyCell(worksheet, value=cleaned)
    text_cell.data_type = "s"
    return text_cell
