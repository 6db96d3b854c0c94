"""From an XLSForm's rows to our form model, listing with its cell whatever cannot come along.

The result is the plain data of a form file (what `forms/*.yaml` holds). Every row keeps its
place so a problem the form checker finds later (an unknown function, a cycle) is reported
at the workbook cell it came from; with ``allow_partial`` the offending part is left out and
the rest still imports. The columns of our own extensions (``fieldapp_*``) are the ones the
export writes; docs/forms.md lists them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pyxform import aliases  # type: ignore[import-untyped]
from pyxform.parsing.sheet_headers import clean_text_values  # type: ignore[import-untyped]
from pyxform.xls2json import (  # type: ignore[import-untyped]
    RE_BEGIN_CONTROL,
    RE_END_CONTROL,
    RE_SELECT,
)

from fieldapp.core.engine import compile_form
from fieldapp.core.errors import ExprSyntaxError, FormInvalid
from fieldapp.core.expr import parse
from fieldapp.core.expr.ast import Call, Literal, Negate
from fieldapp.core.forms import FormDefinition, PersonalDataCategory, QuestionType, Severity
from fieldapp.core.privacy import free_text_about_people
from fieldapp.core.texts import Text, language_of
from fieldapp.core.xlsform.languages import language_code
from fieldapp.core.xlsform.reader import NO_LANGUAGE, Cell, SheetRow, Workbook

Path_ = tuple[str | int, ...]

#: What our extension columns are called; the export writes the same.
EXT = "fieldapp_"


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """Something of the workbook that did not come along (or, as a note, came along changed)."""

    cell: Cell
    message: str
    #: False for a note: the form is complete without it.
    blocking: bool = True

    def text(self, file: str) -> str:
        where = [file, self.cell.sheet] if self.cell.sheet != file else [file]
        if self.cell.row:
            where.append(str(self.cell.row))
            if self.cell.column:
                where.append(self.cell.column)
        kind = "" if self.blocking else "note: "
        return f"{':'.join(where)}: {kind}{self.message}"


@dataclass(eq=False)
class _Entry:
    """A question, choice, outcome or parameter being imported, with the row it came from."""

    row: SheetRow | None
    data: dict[str, Any]
    #: our key -> the path of its column in the row, to name the cell of a problem.
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    children: list[_Entry] | None = None
    dropped: bool = False
    #: A personal_data declaration the import guessed: purpose and retention left empty.
    stub: PersonalDataCategory | None = None

    def cell(self, key: str | None = None) -> Cell:
        assert self.row is not None
        if key is not None and key in self.columns:
            return self.row.cell(*self.columns[key])
        return self.row.cell("type" if self.row.sheet == "survey" else "name")


# -- types ------------------------------------------------------------------------------

_SIMPLE_TYPES: dict[str, QuestionType] = {
    "text": QuestionType.TEXT,
    "string": QuestionType.TEXT,
    "integer": QuestionType.INTEGER,
    "int": QuestionType.INTEGER,
    "decimal": QuestionType.DECIMAL,
    "date": QuestionType.DATE,
    "time": QuestionType.TIME,
    "datetime": QuestionType.DATETIME,
    "note": QuestionType.NOTE,
    "acknowledge": QuestionType.ACKNOWLEDGE,
    "trigger": QuestionType.ACKNOWLEDGE,
    "photo": QuestionType.IMAGE,
    "image": QuestionType.IMAGE,
    "geopoint": QuestionType.GEOPOINT,
    "calculate": QuestionType.CALCULATE,
}

_METADATA = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "imei",
        "subscriberid",
        "simserial",
        "phonenumber",
        "username",
        "email",
        "audit",
        "start-geopoint",
        "background-geopoint",
        "instanceid",
    }
)

_UNSUPPORTED_TYPES: dict[str, str] = {
    "audio": "fieldapp records no sound",
    "background-audio": "fieldapp records no sound",
    "video": "fieldapp records no video",
    "file": "fieldapp attaches photos and signatures only",
    "barcode": "fieldapp has no barcode scanner",
    "geotrace": "fieldapp records points, not lines",
    "geoshape": "fieldapp records points, not areas",
    "hidden": "a hidden value has no place in fieldapp; use a calculate",
    "xml-external": "fieldapp forms have no attached files",
    "csv-external": "fieldapp forms have no attached files",
    "rank": "fieldapp has no ranking question",
    "osm": "fieldapp has no OpenStreetMap question",
    "select_one_external": "external choices live outside the workbook",
    "select_multiple_external": "external choices live outside the workbook",
}

_FUNCTION_REASONS: dict[str, str] = {
    "pulldata": "it reads a CSV file attached to the form; fieldapp forms have no attached files",
    "search": "it reads a CSV file attached to the form; fieldapp forms have no attached files",
    "indexed-repeat": "fieldapp reads rows of a repeat only through sum(), count() and the like",
    "position": "fieldapp reads rows of a repeat only through sum(), count() and the like",
    "once": "fieldapp computes every calculation live",
    "random": "fieldapp has no random numbers",
    "uuid": "fieldapp gives every inspection its own id",
    "instance": "fieldapp forms have no secondary instances",
}

#: Appearances we show; the rest are ODK layout hints we leave out.
_APPEARANCES = frozenset({"multiline", "numbers", "minimal", "horizontal", "quick"})
_APPEARANCE_ALIASES = {"horizontal-compact": "horizontal", "compact": "horizontal"}
_SILENT_APPEARANCES = frozenset({"field-list"})

_EXPRESSION_KEYS = ("relevant", "constraint", "calculation", "choice_filter")
#: Keys a problem may take away without losing the question.
_DROPPABLE = frozenset(
    {
        "relevant",
        "constraint",
        "constraint_message",
        "required",
        "required_message",
        "choice_filter",
        "default",
        "appearance",
        "hint",
        "unit",
        "personal_data",
        "explanation",
    }
)

# Words that make a question look like it records something about a person.
_PERSONAL_WORDS: list[tuple[re.Pattern[str], PersonalDataCategory]] = [
    (
        re.compile(
            r"\b(name|names|naam|namen|voornaam|achternaam|surname|firstname|lastname)\b", re.I
        ),
        PersonalDataCategory.NAME,
    ),
    (
        re.compile(r"\b(phone|telephone|telefoon|mobile|mobiel|email|e-mail|mail)\b", re.I),
        PersonalDataCategory.CONTACT,
    ),
    (
        re.compile(r"\b(address|adres|postcode|postal|zip|woonplaats|residence)\b", re.I),
        PersonalDataCategory.LOCATION,
    ),
    (
        re.compile(r"\b(birth|birthday|geboorte\w*|dob)\b", re.I),
        PersonalDataCategory.DATE_OF_BIRTH,
    ),
    (
        re.compile(
            r"\b(bsn|passport|paspoort|identity|identiteit\w*|id_number|licen[cs]e|kenteken)\b",
            re.I,
        ),
        PersonalDataCategory.IDENTIFIER,
    ),
]
_BY_TYPE: dict[QuestionType, PersonalDataCategory] = {
    QuestionType.SIGNATURE: PersonalDataCategory.SIGNATURE,
    QuestionType.IMAGE: PersonalDataCategory.IMAGE,
    QuestionType.GEOPOINT: PersonalDataCategory.LOCATION,
}

# Survey columns we read; any other column with a value is reported once.
_SURVEY_KEYS = frozenset(
    {"type", "name", "label", "hint", "bind", "control", "default", "choice_filter", "parameters"}
)
_BIND_KEYS = frozenset(
    {"relevant", "constraint", "jr:constraintMsg", "required", "jr:requiredMsg", "calculate"}
)
_BIND_KEYS_READ = _BIND_KEYS | {"readonly"}
_CONTROL_KEYS = frozenset({"appearance", "jr:count"})
_CHOICE_KEYS = frozenset({"list name", "name", "label"})
_MEDIA = frozenset({"media", "image", "big-image", "audio", "video"})


def _at(row: SheetRow, *path: str) -> Callable[[], Cell]:
    return lambda: row.cell(*path)


def _fixed(cell: Cell) -> Callable[[], Cell]:
    return lambda: cell


def _yes_no(text: str) -> bool | None:
    value = aliases.yes_no.get(text.strip())
    return None if value is None else bool(value)


class _Mapper:
    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.problems: list[ImportProblem] = []
        self.languages: list[str] = []
        self.language_of: dict[str, str] = {}
        self.settings = _Entry(book.settings, {})
        self.parameters: list[_Entry] = []
        self.questions: list[_Entry] = []
        self.outcomes: list[_Entry] = []
        self.choices: dict[str, list[_Entry]] = {}
        self.unknown_columns: dict[tuple[str, str], list[int]] = {}
        #: or_other lists made here: their name -> the list they extend.
        self.or_other_lists: dict[str, str] = {}
        #: Choice lists read from CSV files beside the workbook.
        self.file_lists: dict[str, list[_Entry]] = {}

    def problem(self, cell: Cell, message: str, *, blocking: bool = True) -> None:
        self.problems.append(ImportProblem(cell, message, blocking))

    # -- languages ----------------------------------------------------------------------

    def find_languages(self) -> None:
        names: list[str] = []
        cells: dict[str, Cell] = {}
        for rows in (self.book.survey, self.book.choices, [self.book.settings]):
            for row in rows:
                if row is None:
                    continue
                for tokens, header in row.headers.items():
                    if _is_text_column(tokens):
                        language = tokens[-1]
                        if language not in names:
                            names.append(language)
                            cells[language] = Cell(row.sheet, 1, header)
                break  # one row per sheet carries the headers
        default = ""
        if self.book.settings is not None:
            default = str(self.book.settings.values.get("default_language", ""))
        default_code = language_code(default) if default else None
        plain = [name for name in names if name == NO_LANGUAGE]
        named = [name for name in names if name != NO_LANGUAGE]
        for name in named:
            code = language_code(name)
            if code is None:
                self.problem(
                    cells[name],
                    f"the language '{name}' has no two-letter code; "
                    f"name the column like 'label::{name} (xx)'",
                )
                continue
            self.language_of[name] = code
            if code not in self.languages:
                self.languages.append(code)
        if plain or not self.languages:
            code = default_code or (self.languages[0] if self.languages else "en")
            self.language_of[NO_LANGUAGE] = code
            if code not in self.languages:
                self.languages.insert(0, code)
            if not default_code and not named:
                self.problem(
                    Cell("settings", 2, "default_language"),
                    f"texts without a language are read as '{code}'; "
                    "set default_language (e.g. 'Nederlands (nl)') to choose",
                    blocking=False,
                )
        if default_code and default_code in self.languages:
            self.languages.remove(default_code)
            self.languages.insert(0, default_code)

    def texts(self, value: Any, cell: Callable[[], Cell], what: str) -> dict[str, str] | None:
        """A text per language; a language the workbook lacks gets another's text, reported."""
        if value is None or value == "":
            return None
        raw = value if isinstance(value, dict) else {NO_LANGUAGE: value}
        found: dict[str, str] = {}
        for name, text in raw.items():
            code = self.language_of.get(name)
            if code is None and name == NO_LANGUAGE and self.languages:
                code = self.languages[0]
            if code is not None and str(text).strip() and code not in found:
                found[code] = str(text)
        if not found:
            return None
        result: dict[str, str] = {}
        for code in self.languages:
            if code in found:
                result[code] = found[code]
                continue
            source = next(lang for lang in self.languages if lang in found)
            result[code] = found[source]
            self.problem(
                cell(), f"{what} has no '{code}' text; the '{source}' text is used", blocking=False
            )
        return result

    # -- survey -------------------------------------------------------------------------

    def map_survey(self) -> None:
        stack: list[tuple[_Entry | None, str, list[_Entry]]] = [(None, "", self.questions)]
        for row in self.book.survey:
            self.note_unknown_columns(row, _SURVEY_KEYS)
            raw_type = str(row.values.get("type", "")).strip()
            if not raw_type:
                if "name" in row.values or "label" in row.values:
                    self.problem(row.cell("type"), "a row with a name or label needs a type")
                continue
            found_type = aliases._type_alias_map.get(raw_type, raw_type)
            end = RE_END_CONTROL.match(found_type)
            if end is not None:
                kind = _control_kind(end["type"])
                if len(stack) == 1:
                    self.problem(row.cell("type"), f"'{raw_type}' without a matching begin")
                    continue
                entry, begun, _ = stack[-1]
                if kind != begun:
                    self.problem(row.cell("type"), f"'{raw_type}' closes a {begun}, not a {kind}")
                stack.pop()
                continue
            begin = RE_BEGIN_CONTROL.match(found_type)
            if begin is not None:
                kind = _control_kind(begin["type"])
                entry = self.question(row, kind, None)
                if kind == "loop":
                    self.problem(row.cell("type"), "'begin loop' is not supported; use a repeat")
                    entry.dropped = True
                if kind == "repeat":
                    self.repeat_count(row, entry)
                stack[-1][2].append(entry)
                entry.children = []
                stack.append((entry, kind, entry.children))
                continue
            entry = self.question(row, "", found_type)
            stack[-1][2].append(entry)
            other = entry.data.pop("_or_other", None)
            if other is not None:
                stack[-1][2].append(self.or_other(row, entry, other))
        for entry, kind, _ in stack[1:]:
            assert entry is not None
            self.problem(entry.cell(), f"this {kind} is never ended ('end_{kind}')")

    def note_unknown_columns(self, row: SheetRow, known: frozenset[str]) -> None:
        for key, value in row.values.items():
            paths: list[tuple[str, ...]] = []
            if key == "bind" and isinstance(value, dict):
                paths = [("bind", inner) for inner in value if inner not in _BIND_KEYS_READ]
            elif key == "control" and isinstance(value, dict):
                paths = [("control", inner) for inner in value if inner not in _CONTROL_KEYS]
            elif key not in known and not key.startswith(EXT):
                paths = [(key,)]
            for path in paths:
                header = row.cell(*path).column
                self.unknown_columns.setdefault((row.sheet, header), []).append(row.number)

    def report_unknown_columns(self) -> None:
        for (sheet, header), rows in self.unknown_columns.items():
            media = header.split("::")[0].split(":")[-1] in _MEDIA
            reason = "images and sound in texts are not shown" if media else "not supported"
            count = f"{len(rows)} row{'s' if len(rows) > 1 else ''}"
            self.problem(
                Cell(sheet, rows[0], header),
                f"column '{header}' is {reason}; its values ({count}) are left out",
            )

    def question(self, row: SheetRow, control: str, xls_type: str | None) -> _Entry:
        entry = _Entry(row, {})
        data = entry.data
        name = str(row.values.get("name", "")).strip()
        kind = self.question_type(row, entry, control, xls_type)
        data["type"] = kind
        data["name"] = name
        entry.columns.update({"type": ("type",), "name": ("name",)})
        self.common(row, entry)
        return entry

    def question_type(
        self, row: SheetRow, entry: _Entry, control: str, xls_type: str | None
    ) -> str:
        cell = row.cell("type")
        ours = str(row.values.get(f"{EXT}type", "")).strip()
        if control:
            return "repeat" if control == "repeat" else "group"
        assert xls_type is not None
        select = RE_SELECT.match(xls_type)
        if select is not None:
            command = select["select_command"]
            list_name = select["list_name"]
            base = aliases.select[command]
            one = base == aliases.select["select_one"]
            if command in aliases.select_from_file:
                list_name = self.choices_from_file(row, list_name)
            elif command == "rank" or base == aliases.select["select_one_external"]:
                self.problem(cell, f"'{xls_type}' is not supported: {_UNSUPPORTED_TYPES['rank']}")
                entry.dropped = True
            elif list_name.startswith("${"):
                self.problem(cell, "choices from earlier answers are not supported")
                entry.dropped = True
            if select["specify_other"]:
                entry.data["_or_other"] = list_name
            return f"{'select_one' if one else 'select_multiple'} {list_name}"
        lowered = xls_type.lower()
        if lowered in _METADATA:
            self.problem(
                cell,
                f"'{xls_type}' (metadata) is left out: fieldapp records when, where and by "
                "whom each inspection was made itself",
            )
            entry.dropped = True
            return "text"
        if lowered in _UNSUPPORTED_TYPES:
            self.problem(cell, f"'{xls_type}' is not supported: {_UNSUPPORTED_TYPES[lowered]}")
            entry.dropped = True
            return "text"
        appearance = _tokens(row.values.get("control", {}).get("appearance"))
        if lowered == "range":
            return self.range_type(row, entry, appearance)
        kind = _SIMPLE_TYPES.get(lowered)
        if kind is None:
            self.problem(cell, f"unknown question type '{xls_type}'")
            entry.dropped = True
            return "text"
        if kind is QuestionType.IMAGE and "signature" in appearance:
            return QuestionType.SIGNATURE.value
        if ours:
            return ours
        return kind.value

    def range_type(self, row: SheetRow, entry: _Entry, appearance: list[str]) -> str:
        settings = _parameters(str(row.values.get("parameters", "")))
        try:
            start = float(settings.get("start", "1"))
            end = float(settings.get("end", "10"))
            step = float(settings.get("step", "1"))
        except ValueError:
            self.problem(row.cell("parameters"), "range parameters must be numbers")
            entry.dropped = True
            return "integer"
        if "rating" in appearance and start == 1 and step == 1 and 2 <= end <= 10:
            entry.data["max_rating"] = int(end)
            return QuestionType.RATING.value
        whole = all(value == int(value) for value in (start, end, step))
        low, high = (_number_literal(start), _number_literal(end))
        entry.data["_range"] = f". >= {low} and . <= {high}"
        self.problem(
            row.cell("type"),
            f"a range becomes a number question with the constraint {low} to {high}",
            blocking=False,
        )
        return QuestionType.INTEGER.value if whole else QuestionType.DECIMAL.value

    def repeat_count(self, row: SheetRow, entry: _Entry) -> None:
        count = row.values.get("control", {}).get("jr:count")
        if count is None:
            return
        text = str(count).strip()
        if text.isdigit() and int(text) >= 1:
            entry.data["min_rows"] = entry.data["max_rows"] = int(text)
            entry.columns["min_rows"] = entry.columns["max_rows"] = ("control", "jr:count")
            return
        self.problem(
            row.cell("control", "jr:count"),
            "a repeat_count from an expression is not supported; the person adds rows",
        )

    def common(self, row: SheetRow, entry: _Entry) -> None:
        values, data = row.values, entry.data
        bind = values.get("bind", {}) if isinstance(values.get("bind"), dict) else {}
        control = values.get("control", {}) if isinstance(values.get("control"), dict) else {}

        def at(*path: str) -> Callable[[], Cell]:
            return lambda: row.cell(*path)

        for text_key in ("label", "hint"):
            texts = self.texts(values.get(text_key), at(text_key), text_key)
            if texts is not None:
                data[text_key] = texts
                entry.columns[text_key] = (text_key,)
        if "label" in data and any("${" in text for text in data["label"].values()):
            self.problem(
                row.cell("label"),
                "the label shows answers with ${…}; fieldapp shows labels as written",
            )
        required = bind.get("required")
        if required is not None:
            flag = _yes_no(str(required))
            data["required"] = flag if flag is not None else _expression(str(required))
            entry.columns["required"] = ("bind", "required")
        for message_key, message_path in (
            ("required_message", ("bind", "jr:requiredMsg")),
            ("constraint_message", ("bind", "jr:constraintMsg")),
        ):
            texts = self.texts(bind.get(message_path[1]), at(*message_path), message_key)
            if texts is not None:
                data[message_key] = texts
                entry.columns[message_key] = message_path
        for key, path, raw in (
            ("relevant", ("bind", "relevant"), bind.get("relevant")),
            ("constraint", ("bind", "constraint"), bind.get("constraint")),
            ("calculation", ("bind", "calculate"), bind.get("calculate")),
            ("choice_filter", ("choice_filter",), values.get("choice_filter")),
        ):
            if raw is not None and str(raw).strip():
                data[key] = _expression(str(raw))
                entry.columns[key] = path
        ranged = data.pop("_range", None)
        if ranged is not None:
            existing = data.get("constraint")
            data["constraint"] = f"({existing}) and {ranged}" if existing else ranged
        read_only = bind.get("readonly")
        if read_only is not None:
            flag = _yes_no(str(read_only))
            entry.columns["read_only"] = ("bind", "readonly")
            if flag is None:
                self.problem(
                    row.cell("bind", "readonly"),
                    "read_only from an expression is not supported; left out",
                )
            elif flag:
                data["read_only"] = True
        self.default(row, entry)
        self.appearance(row, entry, control.get("appearance"))
        self.extensions(row, entry)

    def default(self, row: SheetRow, entry: _Entry) -> None:
        raw = row.values.get("default")
        if raw is None or not str(raw).strip():
            return
        text = str(raw).strip()
        kind = QuestionType(str(entry.data["type"]).split()[0])
        entry.columns["default"] = ("default",)
        if text in ("now()", "today()") and kind in (
            QuestionType.DATE,
            QuestionType.TIME,
            QuestionType.DATETIME,
        ):
            entry.data["default"] = text.removesuffix("()")
            return
        if "${" in text or "(" in text:
            self.problem(
                row.cell("default"), "a default from an expression is not supported; left out"
            )
            return
        value: str | int | float = text
        if kind in (QuestionType.INTEGER, QuestionType.RATING) and re.fullmatch(r"-?\d+", text):
            value = int(text)
        elif kind is QuestionType.DECIMAL and re.fullmatch(r"-?\d+(\.\d+)?", text):
            value = float(text)
        entry.data["default"] = value

    def appearance(self, row: SheetRow, entry: _Entry, raw: Any) -> None:
        tokens = _tokens(raw)
        kept: list[str] = []
        dropped: list[str] = []
        kind = str(entry.data["type"])
        for token in tokens:
            token = _APPEARANCE_ALIASES.get(token, token)
            if token in _APPEARANCES:
                kept.append(token)
            elif (token == "signature" and kind == "signature") or (
                token == "rating" and kind == "rating"
            ):
                continue
            elif token.startswith("search(") or token == "autocomplete":
                self.problem(
                    row.cell("control", "appearance"),
                    f"appearance '{token}' is not supported: "
                    "its choices come from a file attached to the form",
                )
            elif token not in _SILENT_APPEARANCES:
                dropped.append(token)
        if dropped:
            self.problem(
                row.cell("control", "appearance"),
                f"appearance {' '.join(dropped)} is an ODK layout hint fieldapp does not use",
                blocking=False,
            )
        if kept:
            entry.data["appearance"] = " ".join(kept)
            entry.columns["appearance"] = ("control", "appearance")

    def extensions(self, row: SheetRow, entry: _Entry) -> None:
        values, data = row.values, entry.data
        for key in ("min_rows", "max_rows", "max_rating"):
            raw = values.get(EXT + key)
            if raw is not None:
                entry.columns[key] = (EXT + key,)
                data[key] = int(raw) if str(raw).strip().isdigit() else raw
        unit = self.texts(values.get(EXT + "unit"), lambda: row.cell(EXT + "unit"), "unit")
        if unit is not None:
            data["unit"] = unit
            entry.columns["unit"] = (EXT + "unit",)
        category = values.get(EXT + "personal_data")
        if category is not None:
            purpose = self.texts(
                values.get(EXT + "purpose"), lambda: row.cell(EXT + "purpose"), "purpose"
            )
            retention = str(values.get(EXT + "retention_days", "")).strip()
            declared: dict[str, Any] = {"category": str(category).strip()}
            if purpose is not None:
                declared["purpose"] = purpose
            if retention:
                declared["retention_days"] = int(retention) if retention.isdigit() else retention
            data["personal_data"] = declared
            entry.columns["personal_data"] = (EXT + "personal_data",)
        carry = str(values.get(EXT + "carry_over", "")).strip().lower()
        if carry:
            entry.columns["carry_over"] = (EXT + "carry_over",)
            # Written "yes" by the export; XLSForm's own yes/no spellings are read too.
            data["carry_over"] = carry in ("yes", "true", "true()", "1")

    def or_other(self, row: SheetRow, entry: _Entry, list_name: str) -> _Entry:
        """ODK's 'or_other': a choice 'other' and a text question for it, as pyxform adds."""
        name = entry.data["name"]
        base, _, _ = str(entry.data["type"]).partition(" ")
        extended = f"{list_name}_or_other"
        entry.data["type"] = f"{base} {extended}"
        self.or_other_lists[extended] = list_name
        other = _Entry(
            row,
            {
                "type": "text",
                "name": f"{name}_other",
                "label": self.fixed_text("Specify other.", "Geef aan wat anders."),
                "relevant": f"selected(${{{name}}}, 'other')",
            },
            {"type": ("type",), "name": ("name",)},
        )
        self.problem(
            row.cell("type"),
            f"or_other: added the choice 'other' and the question '{name}_other', as ODK does",
            blocking=False,
        )
        return other

    def fixed_text(self, english: str, dutch: str) -> dict[str, str]:
        # Dutch where the form has Dutch, English for every other language of the form.
        text = Text(dutch, english)
        return {code: text.pick(language_of(code, "en")) for code in self.languages}

    # -- choices ------------------------------------------------------------------------

    def map_choices(self) -> None:
        for row in self.book.choices:
            self.note_unknown_columns(row, _CHOICE_KEYS | _attribute_keys(row))
            list_name = str(row.values.get("list name", "")).strip()
            name = str(row.values.get("name", "")).strip()
            if not list_name or not name:
                self.problem(row.cell("name"), "a choice needs a list_name and a name")
                continue
            entry = _Entry(row, {"name": name}, {"name": ("name",)})
            label = self.texts(row.values.get("label"), _at(row, "label"), "label")
            entry.data["label"] = label or dict.fromkeys(self.languages, name)
            entry.columns["label"] = ("label",)
            attributes = {
                key: str(value)
                for key, value in row.values.items()
                if key in _attribute_keys(row) and str(value).strip()
            }
            if attributes:
                entry.data["attributes"] = attributes
            self.choices.setdefault(list_name, []).append(entry)
        for extended, base in self.or_other_lists.items():
            listed = [
                _Entry(choice.row, dict(choice.data), choice.columns)
                for choice in self.choices.get(base, [])
            ]
            if not any(choice.data["name"] == "other" for choice in listed):
                listed.append(
                    _Entry(None, {"name": "other", "label": self.fixed_text("Other", "Anders")})
                )
            self.choices[extended] = listed

    def choices_from_file(self, row: SheetRow, file_name: str) -> str:
        """select_one_from_file: a CSV beside the workbook becomes a choice list."""
        list_name = re.sub(r"\W", "_", Path(file_name).stem)
        path = self.book.folder / file_name
        cell = row.cell("type")
        if Path(file_name).suffix.lower() != ".csv":
            self.problem(cell, f"choices from '{file_name}' are not supported; only a CSV file")
            return list_name
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.DictReader(handle))
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            self.problem(cell, f"cannot read '{file_name}' beside the workbook: {reason}")
            return list_name
        if list_name in self.file_lists:
            return list_name
        choices: list[_Entry] = []
        for number, item in enumerate(rows, start=2):
            name = (item.get("name") or "").strip()
            labels = {
                key.split("::", 1)[1] if "::" in key else NO_LANGUAGE: value
                for key, value in item.items()
                if key and key.split("::")[0] == "label" and value
            }
            label = self.texts(labels, _fixed(Cell(file_name, number, "label")), "label")
            if not name:
                self.problem(Cell(file_name, number, "name"), "a choice needs a name")
                continue
            choices.append(
                _Entry(row, {"name": name, "label": label or dict.fromkeys(self.languages, name)})
            )
        self.file_lists[list_name] = choices
        return list_name

    # -- parameters, outcomes and settings ------------------------------------------------

    def extract_parameters_and_outcomes(self) -> None:
        """Calculates marked as our parameters or outcomes go back where they belong."""

        def visit(entries: list[_Entry]) -> list[_Entry]:
            kept: list[_Entry] = []
            for entry in entries:
                row = entry.row
                assert row is not None
                if entry.children is not None:
                    entry.children = visit(entry.children)
                if str(row.values.get(EXT + "parameter", "")).strip():
                    self.parameter(entry)
                elif str(row.values.get(EXT + "outcome", "")).strip():
                    self.outcome(entry)
                else:
                    kept.append(entry)
            return kept

        self.questions = visit(self.questions)

    def parameter(self, entry: _Entry) -> None:
        row = entry.row
        assert row is not None
        text = str(entry.data.get("calculation", ""))
        value: int | float | bool | str | None = None
        try:
            tree = parse(text)
        except ExprSyntaxError:
            tree = None
        if isinstance(tree, Literal):
            value = _literal_value(tree.value, text)
        elif isinstance(tree, Negate) and isinstance(tree.operand, Literal):
            inner = _literal_value(tree.operand.value, text)
            value = -inner if isinstance(inner, int | float) else None
        elif isinstance(tree, Call) and tree.name in ("true", "false") and not tree.args:
            value = tree.name == "true"
        if value is None:
            self.problem(row.cell("bind", "calculate"), "a parameter's calculation is a constant")
            return
        self.parameters.append(
            _Entry(
                row, {"name": entry.data["name"], "value": value}, {"value": ("bind", "calculate")}
            )
        )

    def outcome(self, entry: _Entry) -> None:
        row = entry.row
        assert row is not None
        name = str(entry.data["name"]).removeprefix("outcome_")
        severity = str(row.values.get(EXT + "outcome", "")).strip()
        data: dict[str, Any] = {
            "name": name,
            "when": entry.data.get("calculation", ""),
            "severity": severity,
            "label": entry.data.get("label"),
        }
        explanation = self.texts(
            row.values.get(EXT + "explanation"),
            lambda: row.cell(EXT + "explanation"),
            "explanation",
        )
        if explanation is not None:
            data["explanation"] = explanation
        if severity not in {s.value for s in Severity}:
            self.problem(row.cell(EXT + "outcome"), f"unknown severity '{severity}'")
            return
        self.outcomes.append(
            _Entry(
                row,
                data,
                {
                    "when": ("bind", "calculate"),
                    "severity": (EXT + "outcome",),
                    "label": ("label",),
                    "explanation": (EXT + "explanation",),
                },
            )
        )

    def map_settings(self, fallback_id: str) -> None:
        row = self.book.settings
        values = row.values if row is not None else {}
        data = self.settings.data
        columns = self.settings.columns

        def cell(*path: str) -> Callable[[], Cell]:
            return lambda: row.cell(*path) if row is not None else Cell("settings", 2, path[0])

        written_id = str(values.get("id_string", "")).strip() or fallback_id
        form_id = re.sub(r"[^A-Za-z0-9_]", "_", written_id)[:64]
        if not re.match(r"[A-Za-z_]", form_id):
            form_id = f"form_{form_id}"[:64]
        if form_id != written_id:
            self.problem(cell("id_string")(), f"the form id is '{form_id}'", blocking=False)
        data["id"] = form_id
        columns["id"] = ("id_string",)
        written_version = str(values.get("version", "")).strip() or "1"
        data["version"] = re.sub(r"[^0-9A-Za-z.\-_]", "_", written_version)[:32]
        columns["version"] = ("version",)
        title = values.get(EXT + "title")
        plain = values.get("title")
        if plain is not None:
            title = dict(title) if isinstance(title, dict) else {}
            default_name = next(
                (name for name, code in self.language_of.items() if code == self.languages[0]),
                NO_LANGUAGE,
            )
            title.setdefault(default_name, plain)
        data["title"] = self.texts(title, cell("title"), "title") or dict.fromkeys(
            self.languages, form_id
        )
        columns["title"] = ("title",)
        description = self.texts(
            values.get(EXT + "description"), cell(EXT + "description"), "description"
        )
        if description is not None:
            data["description"] = description
        closing = self.texts(
            values.get(EXT + "closing_statement"),
            cell(EXT + "closing_statement"),
            "closing_statement",
        )
        if closing is not None:
            data["closing_statement"] = closing
        signers = str(values.get(EXT + "signers", "")).strip()
        if signers:
            data["signers"] = signers
            columns["signers"] = (EXT + "signers",)
        data["languages"] = list(self.languages)
        roles = str(values.get(EXT + "roles", "")).split()
        if not roles:
            roles = ["boa"]
            self.problem(
                cell(EXT + "roles")(),
                "no fieldapp_roles: the form is for boa's; add mystery_guest or supervisor "
                "in 'roles' if they fill it in",
                blocking=False,
            )
        data["roles"] = roles
        columns["roles"] = (EXT + "roles",)
        retention = str(values.get(EXT + "retention_days", "")).strip()
        if retention.isdigit():
            data["retention_days"] = int(retention)
        else:
            data["retention_days"] = 365
            self.problem(
                cell(EXT + "retention_days")(),
                "no fieldapp_retention_days: 365 days written; agree the period with your "
                "privacy officer",
                blocking=False,
            )
        columns["retention_days"] = (EXT + "retention_days",)
        article = str(values.get(EXT + "legal_basis_article", "")).strip()
        if article:
            data["legal_basis"] = {
                "article": article,
                "explanation": self.texts(
                    values.get(EXT + "legal_basis_explanation"),
                    cell(EXT + "legal_basis_explanation"),
                    "legal basis explanation",
                )
                or {},
                "categories": str(values.get(EXT + "legal_basis_categories", "")).split(),
            }
            columns["legal_basis"] = (EXT + "legal_basis_article",)
        for sheet in self.book.other_sheets:
            self.problem(
                Cell(sheet, 0, ""), f"the '{sheet}' sheet is not supported; it is left out"
            )

    # -- personal data ------------------------------------------------------------------

    def guess_personal_data(self) -> None:
        settings = self.book.settings
        if settings is not None and any(key.startswith(EXT) for key in settings.values):
            return  # written by fieldapp: what it declares is complete
        for entry in _walk(self.questions):
            data = entry.data
            if "personal_data" in data or entry.children is not None:
                continue
            kind = QuestionType(str(data["type"]).split()[0])
            if kind in (QuestionType.NOTE, QuestionType.CALCULATE, QuestionType.ACKNOWLEDGE):
                continue
            category = _BY_TYPE.get(kind)
            if category is None:
                words = " ".join(
                    [str(data["name"]).replace("_", " "), *(data.get("label") or {}).values()]
                )
                category = next(
                    (found for pattern, found in _PERSONAL_WORDS if pattern.search(words)), None
                )
            if category is None and kind is QuestionType.TEXT:
                # Free text about people must be declared too (the checker's rule).
                texts = [*(data.get("label") or {}).values(), *(data.get("hint") or {}).values()]
                about_people = free_text_about_people(
                    str(data["name"]), data.get("appearance"), texts
                )
                category = PersonalDataCategory.DESCRIPTION if about_people else None
            if category is None:
                continue
            entry.stub = category
            self.problem(
                entry.cell("name"),
                f"'{data['name']}' looks like personal data ({category.value}): a personal_data "
                "declaration was added; fill in its purpose and retention_days",
                blocking=False,
            )


# -- assembling and checking --------------------------------------------------------------


def _walk(entries: list[_Entry]) -> Iterator[_Entry]:
    for entry in entries:
        if entry.dropped:
            continue
        yield entry
        if entry.children is not None:
            yield from _walk(entry.children)


@dataclass
class _Assembled:
    data: dict[str, Any]
    places: dict[Path_, _Entry]


def _assemble(mapper: _Mapper, *, placeholders: bool) -> _Assembled:
    """The form file's data; with `placeholders` the personal-data stubs are filled to check."""
    places: dict[Path_, _Entry] = {}
    settings = mapper.settings
    data: dict[str, Any] = {
        key: settings.data[key]
        for key in ("id", "version", "title", "description", "languages", "roles")
        if key in settings.data
    }
    data["retention_days"] = settings.data["retention_days"]
    for key in ("id", "version", "title", "description", "languages", "roles", "retention_days"):
        places[(key,)] = settings
    if "legal_basis" in settings.data:
        data["legal_basis"] = settings.data["legal_basis"]
        places[("legal_basis",)] = settings
    for key in ("signers", "closing_statement"):
        if key in settings.data:
            data[key] = settings.data[key]
            places[(key,)] = settings
    parameters = {}
    for entry in mapper.parameters:
        if not entry.dropped:
            parameters[entry.data["name"]] = entry.data["value"]
            places[("parameters", entry.data["name"])] = entry
    if parameters:
        data["parameters"] = parameters
    choices: dict[str, list[dict[str, Any]]] = {}
    for list_name, entries in {**mapper.choices, **mapper.file_lists}.items():
        kept = [entry for entry in entries if not entry.dropped]
        for index, entry in enumerate(kept):
            if entry.row is not None:
                places[("choices", list_name, index)] = entry
        choices[list_name] = [dict(entry.data) for entry in kept]
    if choices:
        data["choices"] = choices

    def questions(entries: list[_Entry], path: Path_) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = []
        for entry in entries:
            if entry.dropped:
                continue
            here = (*path, len(result))
            places[here] = entry
            item = _ordered_question(entry, placeholders, mapper.languages)
            if entry.children is not None:
                item["questions"] = questions(entry.children, (*here, "questions"))
            result.append(item)
        return result

    data["questions"] = questions(mapper.questions, ("questions",))
    outcomes: list[dict[str, Any]] = []
    for entry in mapper.outcomes:
        if not entry.dropped:
            places[("outcomes", len(outcomes))] = entry
            outcomes.append({key: value for key, value in entry.data.items() if value is not None})
    if outcomes:
        data["outcomes"] = outcomes
    return _Assembled(data, places)


_QUESTION_ORDER = (
    "type",
    "name",
    "label",
    "hint",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "calculation",
    "default",
    "read_only",
    "choice_filter",
    "appearance",
    "unit",
    "max_rating",
    "personal_data",
    "carry_over",
    "min_rows",
    "max_rows",
)


def _ordered_question(entry: _Entry, placeholders: bool, languages: list[str]) -> dict[str, Any]:
    item = {key: entry.data[key] for key in _QUESTION_ORDER if key in entry.data}
    if entry.stub is not None:
        item["personal_data"] = (
            {
                "category": entry.stub.value,
                "purpose": dict.fromkeys(languages, "-"),
                "retention_days": 1,
            }
            if placeholders
            else {"category": entry.stub.value, "purpose": {}, "retention_days": None}
        )
    return item


def check_data(data: dict[str, Any]) -> list[tuple[Path_, str, int | None]]:
    """What the form checker finds in the data: (path, message, offset in an expression)."""
    from fieldapp.core.formfile import pydantic_message

    try:
        definition = FormDefinition.model_validate(data)
    except ValidationError as error:
        found: list[tuple[Path_, str, int | None]] = []
        for item in error.errors():
            path = tuple(part for part in item["loc"] if part != "[key]")
            found.append((path, pydantic_message(item, path), None))
        return found
    try:
        compile_form(definition)
    except FormInvalid as invalid:
        return [(problem.path, problem.message, problem.offset) for problem in invalid.problems]
    return []


@dataclass
class MappedForm:
    """The imported form's data, and every problem and note met on the way."""

    data: dict[str, Any]
    problems: list[ImportProblem]
    #: True when something blocking was left out (the import is partial).
    partial: bool
    #: False when even the partial form cannot be used (its settings are broken).
    usable: bool = True


def map_workbook(book: Workbook, fallback_id: str) -> MappedForm:
    mapper = _Mapper(book)
    mapper.find_languages()
    mapper.map_survey()
    mapper.map_choices()
    mapper.report_unknown_columns()
    mapper.extract_parameters_and_outcomes()
    mapper.map_settings(fallback_id)
    mapper.guess_personal_data()
    usable = True
    # Each round leaves out what the checker refused, which can make what read it fail
    # in the next round; a form has fewer parts than rounds are allowed.
    for _ in range(500):
        assembled = _assemble(mapper, placeholders=True)
        found = check_data(assembled.data)
        if not found:
            break
        progressed = False
        for path, message, _offset in found:
            entry, rest = _locate(assembled.places, path)
            if entry is None or entry is mapper.settings:
                cell = (
                    entry.cell(str(rest[0]) if rest else None)
                    if entry is not None and entry.row is not None
                    else Cell("settings", 2, str(path[0]) if path else "")
                )
                mapper.problem(cell, _explain(message, set()))
                usable = False
                continue
            key = str(rest[0]) if rest else None
            left_out = {str(e.data.get("name")) for e in _every(mapper) if e.dropped}
            mapper.problem(entry.cell(key), _explain(message, left_out))
            progressed = _leave_out(entry, key) or progressed
        if not usable or not progressed:
            usable = usable and progressed
            break
    final = _assemble(mapper, placeholders=False)
    partial = any(problem.blocking for problem in mapper.problems)
    problems = sorted(
        mapper.problems,
        key=lambda p: (
            ["settings", "survey", "choices"].index(p.cell.sheet)
            if p.cell.sheet in ("settings", "survey", "choices")
            else 3,
            p.cell.row,
        ),
    )
    return MappedForm(final.data, problems, partial, usable)


def _locate(places: dict[Path_, _Entry], path: Path_) -> tuple[_Entry | None, Path_]:
    for length in range(len(path), 0, -1):
        entry = places.get(path[:length])
        if entry is not None:
            return entry, path[length:]
    return None, path


def _leave_out(entry: _Entry, key: str | None) -> bool:
    """Take away the part a problem is about, or the whole entry; False if already gone."""
    if key in _DROPPABLE and key is not None and key in entry.data:
        del entry.data[key]
        return True
    if key == "personal_data" and entry.stub is not None:
        entry.stub = None
        return True
    if entry.dropped:
        return False
    entry.dropped = True
    return True


def _explain(message: str, left_out: set[str]) -> str:
    found = re.fullmatch(r"unknown function (?P<name>[\w-]+)\(\)", message)
    if found is not None and found["name"] in _FUNCTION_REASONS:
        return f"{found['name']}() is not supported: {_FUNCTION_REASONS[found['name']]}"
    found = re.fullmatch(r"unknown reference \$\{(?P<name>\w+)\}", message)
    if found is not None and found["name"] in left_out:
        return f"it reads ${{{found['name']}}}, which is left out"
    return message


def _every(mapper: _Mapper) -> Iterator[_Entry]:
    def visit(entries: list[_Entry]) -> Iterator[_Entry]:
        for entry in entries:
            yield entry
            yield from visit(entry.children or [])

    yield from visit(mapper.questions)
    yield from mapper.parameters


# -- small helpers --------------------------------------------------------------------------


def _is_text_column(tokens: tuple[str, ...]) -> bool:
    """A column of text in one language: its last part names the language."""
    first = tokens[0]
    if first in ("label", "hint") or first.startswith(EXT):
        return len(tokens) >= 2
    messages = (("bind", "jr:constraintMsg"), ("bind", "jr:requiredMsg"))
    return tokens[:2] in messages and len(tokens) >= 3


def _control_kind(name: str) -> str:
    kind = aliases.control.get(name, name)
    return "repeat" if kind == "repeat" else "loop" if kind == "loop" else "group"


def _tokens(raw: Any) -> list[str]:
    return str(raw).split() if raw else []


def _parameters(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in re.split(r"[\s;,]+", text.strip()):
        key, _, value = part.partition("=")
        if key and value:
            found[key.strip().lower()] = value.strip()
    return found


def _number_literal(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def _literal_value(value: str | float, text: str) -> int | float | str:
    if isinstance(value, str):
        return value
    whole = "." not in text and value == int(value)
    return int(value) if whole else value


def _expression(text: str) -> str:
    """An expression as pyxform reads it: typographic quotes typed by a spreadsheet are plain."""
    return str(clean_text_values(text.strip()))


def _attribute_keys(row: SheetRow) -> frozenset[str]:
    """Extra choice columns become attributes (the names a choice_filter reads)."""
    return frozenset(
        key
        for key in row.values
        if key not in _CHOICE_KEYS and key not in _MEDIA and isinstance(row.values[key], str)
    )
