"""What was answered, section by section, as a report shows it: labels, display values, photos.

The form decides the order and the words: groups become sections, repeats become tables,
choices show their labels. A question the officer never reached (not relevant) or left
empty is left out, so the report says only what was observed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from fieldapp.core.engine import Field, FormSession
from fieldapp.core.expr.values import is_empty
from fieldapp.core.forms import ATTACHMENT_TYPES, Question, QuestionType
from fieldapp.core.inspection import Attachment
from fieldapp.reports.flowables import Figure
from fieldapp.reports.i18n import Language, local, phrase, role_label
from fieldapp.reports.model import ReportInspection
from fieldapp.reports.text import format_answer, format_date

#: Answers at least this long are set as running text, not squeezed into a table cell.
LONG_ANSWER = 280


@dataclass(frozen=True, slots=True)
class AnswerLine:
    name: str
    label: str
    text: str
    long: bool = False


@dataclass(slots=True)
class RepeatBlock:
    """A repeat's rows: one column per question answered in any row."""

    name: str
    label: str
    columns: list[tuple[str, str]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


@dataclass(slots=True)
class Subheading:
    label: str


@dataclass(slots=True)
class FigureBlock:
    figures: list[Figure]
    signature: bool = False
    #: The photo or signature question the figures answer (a review comments on it).
    question: str = ""
    #: Under a signature: who signed, in which role, on which day.
    signer: str = ""
    #: Above the form's first signature: its closing statement ("Naar waarheid …").
    statement: str = ""


Block = AnswerLine | RepeatBlock | Subheading | FigureBlock


@dataclass(slots=True)
class Section:
    name: str
    label: str
    blocks: list[Block] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not self.blocks


def answered_sections(inspection: ReportInspection, language: Language) -> list[Section]:
    """Every top-level group as a section with what was answered in it, in form order."""
    session = inspection.session
    engine = inspection.engine
    sections: list[Section] = []
    loose = Section("", phrase("answers", language))
    for question in engine.definition.questions:
        field_ = engine.fields[question.name]
        if field_.kind is QuestionType.GROUP:
            if not session.is_relevant(question.name):
                continue
            section = Section(question.name, local(question.label, language, question.name))
            _fill(section, question, inspection, language, depth=0)
            if not section.is_empty():
                sections.append(section)
        elif field_.kind is QuestionType.REPEAT:
            section = Section(question.name, local(question.label, language, question.name))
            block = repeat_block(question, inspection, language)
            if block is not None:
                block.label = ""
                section.blocks.append(block)
                sections.append(section)
        else:
            loose.blocks.extend(_answer_blocks(field_, None, inspection, language))
    if not loose.is_empty():
        sections.insert(0, loose)
    return sections


def _fill(
    section: Section, group: Question, inspection: ReportInspection, language: Language, depth: int
) -> None:
    engine, session = inspection.engine, inspection.session
    for question in group.questions or ():
        field_ = engine.fields[question.name]
        if field_.kind is QuestionType.GROUP:
            if not session.is_relevant(question.name):
                continue
            inner = Section(question.name, local(question.label, language))
            _fill(inner, question, inspection, language, depth + 1)
            if not inner.is_empty():
                section.blocks.append(Subheading(inner.label))
                section.blocks.extend(inner.blocks)
        elif field_.kind is QuestionType.REPEAT:
            block = repeat_block(question, inspection, language)
            if block is not None:
                section.blocks.append(block)
        else:
            section.blocks.extend(_answer_blocks(field_, None, inspection, language))


def shown(field_: Field, session: FormSession, row: str | None) -> bool:
    """A question the report shows: one with a label, reached, and answered."""
    if field_.kind in (QuestionType.NOTE, QuestionType.CALCULATE, QuestionType.GROUP):
        return False
    if field_.kind is QuestionType.REPEAT or field_.question.label is None:
        return False
    return session.is_relevant(field_.name, row) and not is_empty(session.value(field_.name, row))


def _answer_blocks(
    field_: Field, row: str | None, inspection: ReportInspection, language: Language
) -> Iterator[Block]:
    session = inspection.session
    if not shown(field_, session, row):
        return
    value = session.value(field_.name, row)
    label = local(field_.question.label, language, field_.name)
    if field_.kind is QuestionType.IMAGE and isinstance(value, tuple):
        entries = inspection.photo_entries(field_.name)
        yield FigureBlock(
            photo_figures(label, value, language, entries=entries), question=field_.name
        )
        return
    if field_.kind is QuestionType.SIGNATURE and isinstance(value, str):
        if inspection.confidential_author:
            yield AnswerLine(field_.name, label, phrase("signature_withheld", language))
        else:
            yield FigureBlock(
                [Figure(value, label)],
                signature=True,
                question=field_.name,
                signer=signer_line(inspection, field_.name, language),
                statement=closing_statement(inspection, field_.name, language),
            )
        return
    text = format_answer(field_, value, language, inspection.venues)
    long = len(text) >= LONG_ANSWER or text.count("\n") >= 4
    yield AnswerLine(field_.name, label, text, long)


def time_span(inspection: ReportInspection) -> tuple[datetime, datetime | None]:
    """When it happened by the form's own answers: the first and last date-time outside repeats.

    Every checklist asks its own start and end (inspection, shift, arrival and leaving);
    the device clocks of the version are the fallback.
    """
    session = inspection.session
    moments = [
        value
        for name, field_ in inspection.engine.fields.items()
        if field_.kind is QuestionType.DATETIME
        and field_.repeat is None
        and isinstance(value := session.value(name), datetime)
    ]
    if not moments:
        return inspection.version.started_at, inspection.version.finalized_at
    start, end = moments[0], moments[-1]
    return start, (end if end != start else None)


def signature_questions(inspection: ReportInspection) -> list[str]:
    """The form's signature questions outside repeats, in the order the form asks them."""
    return [
        name
        for name, field_ in inspection.engine.fields.items()
        if field_.kind is QuestionType.SIGNATURE and field_.repeat is None
    ]


def signer_line(inspection: ReportInspection, question: str, language: Language) -> str:
    """Who signed `question`, in which role, on which day: the n-th name of the form's
    `signers` answer under its n-th signature, else the author under the first."""
    order = signature_questions(inspection)
    index = order.index(question) if question in order else 0
    names: list[str] = []
    definition = inspection.engine.definition
    if definition.signers is not None:
        answer = inspection.session.value(definition.signers)
        if isinstance(answer, str):
            names = [name.strip() for name in answer.split(",") if name.strip()]
    if not names:
        names = [inspection.author.name]
    start, end = time_span(inspection)
    parts = [
        names[index] if index < len(names) else "",
        role_label(definition.roles[0], language),
        phrase("signed_on", language, date=format_date((end or start).date(), language)),
    ]
    return " · ".join(part for part in parts if part)


def closing_statement(inspection: ReportInspection, question: str, language: Language) -> str:
    """The form's closing statement, printed once: above its first signature."""
    statement = inspection.engine.definition.closing_statement
    order = signature_questions(inspection)
    if statement is None or not order or order[0] != question:
        return ""
    return local(statement, language, "")


def photo_figures(
    label: str,
    hashes: tuple[str, ...],
    language: Language,
    prefix: str = "",
    entries: Mapping[str, Attachment] | None = None,
) -> list[Figure]:
    """The photos of one answer with their captions; `entries` (by hash) are the photos'
    entries in the version, which say when and where each was taken."""
    count = len(hashes)
    figures: list[Figure] = []
    for index, sha in enumerate(hashes, start=1):
        caption = f"{prefix}{label}"
        if count > 1:
            caption += f" ({phrase('photo_of', language, index=index, count=count)})"
        figures.append(Figure(sha, caption, (entries or {}).get(sha)))
    return figures


def repeat_block(
    repeat: Question, inspection: ReportInspection, language: Language
) -> RepeatBlock | None:
    """The rows of a repeat as a table; photos of the rows are collected for below it."""
    engine, session = inspection.engine, inspection.session
    rows = session.rows.get(repeat.name, [])
    if not rows or not session.is_relevant(repeat.name):
        return None
    label = local(repeat.label, language, repeat.name)
    block = RepeatBlock(repeat.name, label)
    fields = [
        engine.fields[question.name]
        for question, _ in _walk(repeat)
        if engine.fields[question.name].holds_answer
    ]
    columns = [
        f
        for f in fields
        if f.kind is not QuestionType.SIGNATURE
        and f.kind is not QuestionType.IMAGE
        and any(shown(f, session, row) for row in rows)
    ]
    block.columns = [(f.name, local(f.question.label, language, f.name)) for f in columns]
    for number, row in enumerate(rows, start=1):
        cells = [str(number)]
        for f in columns:
            value = session.value(f.name, row)
            cells.append(
                format_answer(f, value, language, inspection.venues)
                if shown(f, session, row)
                else ""
            )
        block.rows.append(cells)
        for f in fields:
            if f.kind in ATTACHMENT_TYPES and shown(f, session, row):
                value = session.value(f.name, row)
                hashes = value if isinstance(value, tuple) else (str(value),)
                prefix = f"{phrase('row', language)} {number} – "
                label_text = local(f.question.label, language, f.name)
                block.figures.extend(
                    photo_figures(
                        label_text, hashes, language, prefix, inspection.photo_entries(f.name)
                    )
                )
    return block


def _walk(container: Question) -> Iterator[tuple[Question, int]]:
    for question in container.questions or ():
        yield question, 0
        if question.questions:
            yield from _walk(question)
