"""How far a page or the whole form is: answered, open and problem counts per page.

Pure functions over a `FormSession`, so the section list, the progress bar and the
summary agree, and the counting is tested without widgets.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldapp.core.engine import FormEngine, FormSession
from fieldapp.core.expr.values import is_empty


@dataclass(frozen=True, slots=True)
class Progress:
    """Counts over the relevant questions that take an answer from the person."""

    answered: int = 0
    total: int = 0
    #: Required questions still empty (and repeats with too few rows).
    missing: int = 0
    #: Answers that break a constraint.
    invalid: int = 0

    def __add__(self, other: Progress) -> Progress:
        return Progress(
            self.answered + other.answered,
            self.total + other.total,
            self.missing + other.missing,
            self.invalid + other.invalid,
        )

    @property
    def complete(self) -> bool:
        return self.missing == 0 and self.invalid == 0


def answerable(engine: FormEngine, names: list[str]) -> list[str]:
    """The names among `names` a person answers (not notes, groups or calculations)."""
    return [
        name
        for name in names
        if engine.fields[name].holds_answer
        and engine.fields[name].calculation is None
        and not engine.fields[name].question.read_only
    ]


def progress_of(session: FormSession, names: list[str], repeats: list[str]) -> Progress:
    answered = total = missing = invalid = 0
    for name in names:
        for key in session.instances(name):
            if not session.relevant.get(key, False):
                continue
            total += 1
            if not is_empty(session.answers.get(key, "")):
                answered += 1
            issue = session.issues.get(key)
            if issue is not None:
                if issue.kind == "required":
                    missing += 1
                else:
                    invalid += 1
    for repeat in repeats:
        if too_few_rows(session, repeat):
            missing += 1
    return Progress(answered, total, missing, invalid)


def too_few_rows(session: FormSession, repeat: str) -> bool:
    """A relevant repeat with fewer rows than its `min_rows`."""
    minimum = session.engine.fields[repeat].question.min_rows
    return (
        minimum is not None
        and session.relevant.get((repeat, None), False)
        and len(session.rows[repeat]) < minimum
    )
