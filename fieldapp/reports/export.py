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

import contextlib
import csv
import io
import pickle
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO, Literal

from fieldapp.core.answers import session_from_document
from fieldapp.core.engine import Field, FormEngine, FormSession
from fieldapp.core.entities import Area, Venue
from fieldapp.core.files import writing_atomically
from fieldapp.core.forms import QuestionType
from fieldapp.core.texts import Text, decimal_comma
from fieldapp.reports.i18n import STATUS_LABELS, Language, local
from fieldapp.reports.model import SummaryItem
from fieldapp.reports.summary import area_of
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

    `items` is read once, as it comes (a source streams it a page at a time): each
    inspection's cells are worked out as it arrives and set aside in an unnamed scratch
    file beside the output, and only a small key per inspection stays in memory, to write
    the rows in visit order at the end. Of several versions of one inspection, the one no
    other names as its base is written.
    """
    venues = venues or {}
    areas = areas or {}
    compiled: dict[str, FormEngine] = {}
    #: Every version seen, per inspection: a newer one may come before the one it replaces.
    chosen: dict[str, list[_Kept]] = {}
    replaced: set[str] = set()
    with tempfile.TemporaryFile(dir=output.parent if output.parent.is_dir() else None) as scratch:
        for item in items:
            version = item.version
            if version.form_id != form_id:
                continue
            if version.base_version_id:
                replaced.add(version.base_version_id)
            engine = compiled.get(version.form_version)
            if engine is None:
                engine = compiled[version.form_version] = engines(form_id, version.form_version)
            offset = scratch.tell()
            laid_out = _lay_out(
                item, engine, language, venues, areas, include_personal_data, authors
            )
            pickle.dump(laid_out, scratch, protocol=pickle.HIGHEST_PROTOCOL)
            chosen.setdefault(version.inspection_id, []).append(
                _Kept(
                    (version.started_at.replace(tzinfo=None), version.inspection_id),
                    version.version_id,
                    version.form_version,
                    _naive(version.finalized_at),
                    offset,
                )
            )
        heads = (
            next((e for e in reversed(seen) if e.version_id not in replaced), None)
            for seen in chosen.values()
        )
        kept = sorted((entry for entry in heads if entry is not None), key=lambda e: e.order)
        # The form versions in the order the inspections first use them.
        used = list(dict.fromkeys(entry.form_version for entry in kept))
        if not used:
            raise ValueError(f"no inspections of form {form_id} to export")
        # The newest form version decides the order; questions only older versions had follow.
        newest = compiled[max(used, key=_version_key)]
        main_columns, repeat_columns = _columns(
            newest, [compiled[v] for v in used], include_personal_data
        )
        fixed = [name for name, _ in FIXED_COLUMNS]
        if include_personal_data:
            fixed.append("author")
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
        headers["codebook"] = [(name, name) for name in CODEBOOK_COLUMNS]
        codebook = _codebook(main_columns, repeat_columns, language, include_personal_data)

        def rows() -> Iterator[tuple[str, list[Cell]]]:
            """Every row of every sheet, inspection by inspection in visit order."""
            for entry in kept:
                scratch.seek(entry.offset)
                laid: _LaidOut = pickle.load(scratch)
                row = list(laid.fixed)
                for column in main_columns:
                    row.extend(_spread(column, laid.main.get(column.name)))
                yield "inspections", row
                for repeat, columns in repeat_columns.items():
                    for number, (row_id, cells) in enumerate(laid.repeats.get(repeat, ()), 1):
                        line: list[Cell] = [laid.fixed[0], number, row_id]
                        for column in columns:
                            line.extend(_spread(column, cells.get(column.name)))
                        yield repeat, line
            for line in codebook:
                yield "codebook", line

        if fmt == "xlsx":
            moment = max((entry.finalized_at for entry in kept), default=EPOCH)
            return [_write_xlsx(output, headers, rows(), moment)]
        return _write_csv(output, headers, rows(), csv_style, language)


@dataclass(frozen=True, slots=True)
class _Kept:
    """What stays in memory of an exported inspection: its place in visit order, which
    version and form version it is, and where its cells wait in the scratch file."""

    order: tuple[datetime, str]
    version_id: str
    form_version: str
    finalized_at: datetime
    offset: int


@dataclass(frozen=True, slots=True)
class _LaidOut:
    """One inspection's cells before the columns are known: the fixed ones, then each
    question's cell by name, and each repeat row's (row id, cells by name)."""

    fixed: list[Cell]
    main: dict[str, Cell]
    repeats: dict[str, list[tuple[str, dict[str, Cell]]]]


def _lay_out(
    item: SummaryItem,
    engine: FormEngine,
    language: Language,
    venues: Mapping[str, Venue],
    areas: Mapping[str, Area],
    include_personal_data: bool,
    authors: Callable[[str], str] | None,
) -> _LaidOut:
    """The cells of one inspection: only questions its own form version exports."""
    version = item.version
    labels = {o.name: o.label for o in engine.definition.outcomes}
    session = session_from_document(engine, version.document)
    area = area_of(version, venues)
    venue = venues.get(version.venue_id or "")
    fixed: list[Cell] = [
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
        fixed.append(authors(version.author) if authors else version.author)
    main: dict[str, Cell] = {}
    repeats: dict[str, list[tuple[str, dict[str, Cell]]]] = {}
    names: dict[str | None, list[str]] = {}
    for question, _parents in engine.definition.walk():
        field_ = engine.fields[question.name]
        if field_.kind is not QuestionType.REPEAT and _exported(field_, include_personal_data):
            names.setdefault(field_.repeat, []).append(question.name)
    for name in names.get(None, []):
        main[name] = _cell(session, engine, name, None, language, venues)
    for repeat, row_ids in session.rows.items():
        repeats[repeat] = [
            (
                row_id,
                {
                    name: _cell(session, engine, name, row_id, language, venues)
                    for name in names.get(repeat, [])
                },
            )
            for row_id in row_ids
        ]
    return _LaidOut(fixed, main, repeats)


def _spread(column: ExportColumn, cell: Cell) -> list[Cell]:
    """The spreadsheet cells of one question: a geopoint as latitude and longitude."""
    if column.field.kind is not QuestionType.GEOPOINT:
        return [cell]
    parts = str(cell).split() if isinstance(cell, str) else []
    try:
        return [float(parts[0]), float(parts[1])]
    except (IndexError, ValueError):
        return [None, None]


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
    headers: Mapping[str, list[tuple[str, str]]],
    rows: Iterable[tuple[str, list[Cell]]],
    style: CsvStyle,
    language: Language,
) -> list[Path]:
    """Every sheet its own file, written as the rows come; each replaces its target only
    when all are written."""
    stem = output.with_suffix("") if output.suffix.lower() == ".csv" else output
    dutch_excel = style == "excel" and decimal_comma(language)
    encoding = "utf-8-sig" if style == "excel" else "utf-8"
    paths = {
        sheet: output if sheet == "inspections" else stem.with_name(f"{stem.name}.{sheet}.csv")
        for sheet in headers
    }
    with contextlib.ExitStack() as files:
        texts: list[io.TextIOWrapper] = []
        writers = {}
        for sheet, header in headers.items():
            binary = files.enter_context(writing_atomically(paths[sheet]))
            text = io.TextIOWrapper(binary, encoding=encoding, newline="")
            texts.append(text)
            writer = csv.writer(text, delimiter=";" if dutch_excel else ",", lineterminator="\r\n")
            # One header row of stable names: the labels are in the codebook.
            writer.writerow([name for name, _ in header])
            writers[sheet] = writer
        for sheet, row in rows:
            writers[sheet].writerow([_text(cell, style, language) for cell in row])
        for wrapper in texts:
            # Hand the file back whole: writing_atomically syncs and renames it.
            wrapper.flush()
            wrapper.detach()
    return list(paths.values())


def _write_xlsx(
    output: Path,
    headers: Mapping[str, list[tuple[str, str]]],
    rows: Iterable[tuple[str, list[Cell]]],
    moment: datetime,
) -> Path:
    """A workbook written row by row (openpyxl's write-only mode keeps no cells in memory),
    then its archive made repeatable into the output."""
    # openpyxl takes a third of a second to import: only an XLSX export pays for it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    workbook = Workbook(write_only=True)
    # Fixed document properties: the same data gives the same bytes.
    workbook.properties.creator = "fieldapp"
    workbook.properties.lastModifiedBy = "fieldapp"
    workbook.properties.created = moment
    workbook.properties.modified = moment
    sheets: dict[str, Any] = {}
    written: dict[str, int] = {}
    for sheet, header in headers.items():
        worksheet = workbook.create_sheet(title=sheet[:31])
        for index, (name, label) in enumerate(header, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = min(
                max(len(label) + 2, len(name) + 2, 12), 40
            )
        # Labels above names, both frozen; the filter sits on the names row.
        worksheet.freeze_panes = "A3"
        labels = []
        for _, label in header:
            cell = WriteOnlyCell(worksheet, value=label)
            cell.font = bold
            labels.append(cell)
        worksheet.append(labels)
        worksheet.append([name for name, _ in header])
        sheets[sheet] = worksheet
        written[sheet] = 0
    for sheet, row in rows:
        worksheet = sheets[sheet]
        worksheet.append([_xlsx_cell(worksheet, cell) for cell in row])
        written[sheet] += 1
    for sheet, header in headers.items():
        last = get_column_letter(max(len(header), 1))
        sheets[sheet].auto_filter.ref = f"A2:{last}{written[sheet] + 2}"
    with tempfile.TemporaryFile(dir=output.parent if output.parent.is_dir() else None) as saved:
        workbook.save(saved)
        saved.seek(0)
        with writing_atomically(output) as target:
            _fixed_zip(saved, target, moment)
    return output


def _fixed_zip(source: BinaryIO, target: BinaryIO, moment: datetime) -> None:
    """The same archive with every member dated `moment`, so saving twice gives the same
    bytes (openpyxl stamps members with the wall clock); member by member, never the
    whole workbook in memory."""
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, 0)
    with (
        zipfile.ZipFile(source) as archive,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as repeatable,
    ):
        for member in archive.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = member.external_attr
            if member.filename == "docProps/core.xml":
                # openpyxl sets 'modified' to the wall clock on save, whatever was asked.
                content = _MODIFIED.sub(
                    f"\\g<1>{moment.strftime('%Y-%m-%dT%H:%M:%SZ')}\\g<2>".encode(),
                    archive.read(member.filename),
                )
                repeatable.writestr(info, content)
                continue
            with archive.open(member) as inside, repeatable.open(info, "w") as copy:
                shutil.copyfileobj(inside, copy, 1 << 20)


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
