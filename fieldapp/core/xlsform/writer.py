"""Writing a form as an XLSForm workbook that ODK Collect, KoboToolbox and Survey123 can use.

What XLSForm has a column for goes there; our extensions go to ``fieldapp_*`` columns that
ODK tools ignore: parameters and outcomes become calculate rows (so Collect computes the
outcomes too), a venue is a text question, a rating is ODK's rating widget and a signature
is a photo with the signature appearance. docs/forms.md lists every column.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from fieldapp.core.forms import FormDefinition, LocalText, Question, QuestionType
from fieldapp.core.xlsform.languages import header_language

EXT = "fieldapp_"


class ExportRefused(ValueError):
    """The form cannot be written as an XLSForm (two of its names would collide)."""


def form_workbook(definition: FormDefinition) -> Workbook:
    book = Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    _SurveySheet(definition).write(survey)
    _write_choices(definition, book.create_sheet("choices"))
    _write_settings(definition, book.create_sheet("settings"))
    return book


def workbook_bytes(definition: FormDefinition) -> bytes:
    buffer = io.BytesIO()
    form_workbook(definition).save(buffer)
    return buffer.getvalue()


def _text_columns(key: str, languages: Iterable[str]) -> list[str]:
    return [f"{key}::{header_language(code)}" for code in languages]


def _put_texts(row: dict[str, Any], key: str, texts: LocalText | None) -> None:
    for code, text in (texts or {}).items():
        row[f"{key}::{header_language(code)}"] = text


def _table(sheet: Worksheet, columns: list[str], rows: list[dict[str, Any]]) -> None:
    """Write the columns that hold a value in some row, in the given order."""
    used = [column for column in columns if any(row.get(column) not in (None, "") for row in rows)]
    sheet.append(used)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(column) for column in used])
    sheet.freeze_panes = "A2"


class _SurveySheet:
    def __init__(self, definition: FormDefinition) -> None:
        self.definition = definition
        self.languages = definition.languages
        self.rows: list[dict[str, Any]] = []

    def columns(self) -> list[str]:
        lang = self.languages
        return [
            "type",
            "name",
            *_text_columns("label", lang),
            *_text_columns("hint", lang),
            "required",
            *_text_columns("required_message", lang),
            "relevant",
            "constraint",
            *_text_columns("constraint_message", lang),
            "calculation",
            "default",
            "read_only",
            "choice_filter",
            "appearance",
            "parameters",
            EXT + "type",
            *_text_columns(EXT + "unit", lang),
            EXT + "min_rows",
            EXT + "max_rows",
            EXT + "personal_data",
            *_text_columns(EXT + "purpose", lang),
            EXT + "retention_days",
            EXT + "carry_over",
            EXT + "parameter",
            EXT + "outcome",
            *_text_columns(EXT + "explanation", lang),
        ]

    def write(self, sheet: Worksheet) -> None:
        definition = self.definition
        names = {question.name for question, _ in definition.walk()}
        for name, value in definition.parameters.items():
            self.rows.append(
                {
                    "type": "calculate",
                    "name": name,
                    "calculation": _constant(value),
                    EXT + "parameter": "yes",
                }
            )
        for question in definition.questions:
            self.question(question, top=True)
        for outcome in definition.outcomes:
            name = f"outcome_{outcome.name}"
            if name in names or name in definition.parameters:
                raise ExportRefused(
                    f"the outcome '{outcome.name}' would be the calculate '{name}', "
                    "which is already a question's name"
                )
            row: dict[str, Any] = {
                "type": "calculate",
                "name": name,
                "calculation": outcome.when,
                EXT + "outcome": outcome.severity.value,
            }
            _put_texts(row, "label", outcome.label)
            _put_texts(row, EXT + "explanation", outcome.explanation)
            self.rows.append(row)
        _table(sheet, self.columns(), self.rows)

    def question(self, question: Question, *, top: bool = False) -> None:
        kind = question.kind
        row: dict[str, Any] = {"name": question.name}
        appearance = (question.appearance or "").split()
        if kind is QuestionType.GROUP:
            row["type"] = "begin_group"
            # Collect shows a group on one screen with field-list, as our pages are shown.
            if top and not any(q.kind is QuestionType.REPEAT for q in _under(question)):
                appearance.insert(0, "field-list")
        elif kind is QuestionType.REPEAT:
            row["type"] = "begin_repeat"
        elif kind is QuestionType.SIGNATURE:
            row["type"] = "image"
            appearance.insert(0, "signature")
        elif kind is QuestionType.RATING:
            row["type"] = "range"
            row["parameters"] = f"start=1 end={question.max_rating} step=1"
            appearance.insert(0, "rating")
        elif kind is QuestionType.VENUE:
            row["type"] = "text"
            row[EXT + "type"] = kind.value
        else:
            row["type"] = question.type
        _put_texts(row, "label", question.label)
        _put_texts(row, "hint", question.hint)
        if question.required is True:
            row["required"] = "yes"
        elif isinstance(question.required, str):
            row["required"] = question.required
        _put_texts(row, "required_message", question.required_message)
        row["relevant"] = question.relevant
        row["constraint"] = question.constraint
        _put_texts(row, "constraint_message", question.constraint_message)
        row["calculation"] = question.calculation
        if question.default is not None:
            row["default"] = _default(question.default)
        if question.read_only:
            row["read_only"] = "yes"
        row["choice_filter"] = question.choice_filter
        row["appearance"] = " ".join(appearance) or None
        _put_texts(row, EXT + "unit", question.unit)
        row[EXT + "min_rows"] = question.min_rows
        row[EXT + "max_rows"] = question.max_rows
        if question.personal_data is not None:
            row[EXT + "personal_data"] = question.personal_data.category.value
            _put_texts(row, EXT + "purpose", question.personal_data.purpose)
            row[EXT + "retention_days"] = question.personal_data.retention_days
        if question.carry_over:
            row[EXT + "carry_over"] = "yes"
        self.rows.append(row)
        for child in question.questions or ():
            self.question(child)
        if kind is QuestionType.GROUP:
            self.rows.append({"type": "end_group"})
        elif kind is QuestionType.REPEAT:
            self.rows.append({"type": "end_repeat"})


def _under(question: Question) -> list[Question]:
    found: list[Question] = []
    for child in question.questions or ():
        found.append(child)
        found.extend(_under(child))
    return found


def _constant(value: int | float | bool | str) -> str:
    if isinstance(value, bool):
        return "true()" if value else "false()"
    if isinstance(value, int | float):
        return str(value)
    quote = "'" if "'" not in value else '"'
    return f"{quote}{value}{quote}"


def _default(value: str | int | float | bool) -> str:
    if value in ("now", "today"):
        return f"{value}()"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write_choices(definition: FormDefinition, sheet: Worksheet) -> None:
    attributes: list[str] = []
    for choices in definition.choices.values():
        for choice in choices:
            attributes.extend(key for key in choice.attributes if key not in attributes)
    columns = ["list_name", "name", *_text_columns("label", definition.languages), *attributes]
    rows: list[dict[str, Any]] = []
    for list_name, choices in definition.choices.items():
        for choice in choices:
            row: dict[str, Any] = {"list_name": list_name, "name": choice.name}
            _put_texts(row, "label", choice.label)
            row.update({key: _attribute(value) for key, value in choice.attributes.items()})
            rows.append(row)
    _table(sheet, columns, rows)


def _attribute(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write_settings(definition: FormDefinition, sheet: Worksheet) -> None:
    languages = definition.languages
    default = definition.default_language
    row: dict[str, Any] = {
        "form_title": definition.title.get(default),
        "form_id": definition.id,
        "version": definition.version,
        "default_language": header_language(default),
        EXT + "roles": " ".join(definition.roles),
        EXT + "retention_days": definition.retention_days,
    }
    _put_texts(row, EXT + "title", definition.title)
    _put_texts(row, EXT + "description", definition.description)
    _put_texts(row, EXT + "closing_statement", definition.closing_statement)
    if definition.signers is not None:
        row[EXT + "signers"] = definition.signers
    basis = definition.legal_basis
    if basis is not None:
        row[EXT + "legal_basis_article"] = basis.article
        _put_texts(row, EXT + "legal_basis_explanation", basis.explanation)
        row[EXT + "legal_basis_categories"] = " ".join(c.value for c in basis.categories)
    columns = [
        "form_title",
        "form_id",
        "version",
        "default_language",
        *_text_columns(EXT + "title", languages),
        *_text_columns(EXT + "description", languages),
        EXT + "roles",
        EXT + "retention_days",
        EXT + "legal_basis_article",
        *_text_columns(EXT + "legal_basis_explanation", languages),
        EXT + "legal_basis_categories",
        EXT + "signers",
        *_text_columns(EXT + "closing_statement", languages),
    ]
    _table(sheet, columns, [row])
