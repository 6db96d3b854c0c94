"""What a correction changed: the answers that differ between two versions, per question.

The supervisor sees this after a returned inspection comes back; values are shown as the
reports show them (choice labels, dates, venue names), attachments by their hash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fieldapp.core.answers import session_from_document
from fieldapp.core.engine import FormEngine
from fieldapp.core.entities import Venue
from fieldapp.core.forms import ATTACHMENT_TYPES
from fieldapp.core.inspection import InspectionVersion
from fieldapp.core.texts import language_of
from fieldapp.reports.i18n import Language, local
from fieldapp.reports.text import format_answer


@dataclass(frozen=True, slots=True)
class AnswerChange:
    """One answer that differs between a returned version and its correction."""

    question: str
    label: str
    row: str | None
    before: str
    after: str


def answer_changes(
    engine: FormEngine,
    old: InspectionVersion,
    new: InspectionVersion,
    language: str = "nl",
    venues: Mapping[str, Venue] | None = None,
) -> list[AnswerChange]:
    """Per question (and repeat row), in form order: what the correction changed."""
    lang = language_of(language)
    before_session = session_from_document(engine, old.document)
    after_session = session_from_document(engine, new.document)
    keys = set(before_session.answers) | set(after_session.answers)
    order = {name: index for index, name in enumerate(engine.fields)}
    changes: list[AnswerChange] = []
    for name, row in sorted(keys, key=lambda key: (order.get(key[0], 10**6), key[1] or "")):
        field_ = engine.fields.get(name)
        if field_ is None or not field_.is_question:
            continue
        before = before_session.answers.get((name, row))
        after = after_session.answers.get((name, row))
        if before == after:
            continue
        label = local(field_.question.label, lang, name)
        changes.append(
            AnswerChange(
                name,
                label,
                row,
                _shown(engine, name, before, lang, venues),
                _shown(engine, name, after, lang, venues),
            )
        )
    return changes


def _shown(
    engine: FormEngine,
    name: str,
    value: Any,
    language: Language,
    venues: Mapping[str, Venue] | None,
) -> str:
    if value is None:
        return ""
    field_ = engine.fields[name]
    if field_.kind in ATTACHMENT_TYPES:
        hashes = value if isinstance(value, tuple) else (value,)
        return ", ".join(str(sha)[:12] for sha in hashes)
    return format_answer(field_, value, language, venues)
