"""Privacy rules a form must meet before anyone can fill it in.

A form collects no personal data without a declared purpose and retention, and no
special-category data (art. 9 AVG) without a legal basis. Because a form author may
simply forget to declare, questions that *look* like they ask for ethnicity, nationality,
religion or skin colour are refused too: equal treatment is enforced at the form, not
left to the good sense of each author.
"""

from __future__ import annotations

import re

from fieldapp.core.forms import SPECIAL_CATEGORIES, FormDefinition, Question, QuestionType

Path = tuple[str | int, ...]

_SENSITIVE_WORDS = re.compile(
    r"\b(ethnic\w*|etnisch\w*|etniciteit\w*|afkomst\w*|nationality|nationalit(y|eit)\w*"
    r"|religio\w*|religie\w*|geloofsovertuiging\w*|huidskleur\w*|skin[ _-]?colou?r\w*"
    r"|race|races|ras)\b",
    re.IGNORECASE,
)

#: Question types that record something about a person by their nature.
_ALWAYS_PERSONAL = {QuestionType.SIGNATURE: "signature"}


def privacy_problems(definition: FormDefinition) -> list[tuple[Path, str]]:
    problems: list[tuple[Path, str]] = []
    basis = definition.legal_basis
    covered = set(basis.categories) if basis is not None else set()
    for category in covered - SPECIAL_CATEGORIES:
        problems.append(
            (("legal_basis", "categories"), f"'{category}' is not a special category (art. 9 AVG)")
        )
    for question, path in _questions_with_paths(definition):
        declared = question.personal_data
        if declared is not None and declared.category in SPECIAL_CATEGORIES:
            if declared.category not in covered:
                problems.append(
                    (
                        (*path, "personal_data", "category"),
                        f"'{question.name}' records special-category data "
                        f"({declared.category.value}); the form needs a legal_basis that covers it",
                    )
                )
            continue
        texts = [question.name, *(question.label or {}).values()]
        hit = next((m for text in texts if (m := _SENSITIVE_WORDS.search(text))), None)
        if hit is not None:
            problems.append(
                (
                    (*path, "name"),
                    f"'{question.name}' seems to ask about '{hit.group(0)}', special-category "
                    "data (art. 9 AVG): remove it, or declare personal_data with that category "
                    "and a legal_basis",
                )
            )
        kind = question.kind
        if kind in _ALWAYS_PERSONAL and declared is None:
            problems.append(
                (
                    (*path, "type"),
                    f"'{question.name}' records a {_ALWAYS_PERSONAL[kind]}, which is personal "
                    "data: declare personal_data with its purpose and retention_days",
                )
            )
    return problems


def _questions_with_paths(definition: FormDefinition) -> list[tuple[Question, Path]]:
    found: list[tuple[Question, Path]] = []

    def visit(questions: list[Question], path: Path) -> None:
        for index, question in enumerate(questions):
            here = (*path, index)
            found.append((question, here))
            if question.questions:
                visit(question.questions, (*here, "questions"))

    visit(definition.questions, ("questions",))
    return found
