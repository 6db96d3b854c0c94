"""Every error of the core, and the root of the errors a person is told about.

A disk that is full, a wrong password, a server that cannot be reached are not bugs.
Raise a `FieldappError` with a `Text` (a sentence in Dutch and English); the app shows
it, the CLI prints it, and nothing the person entered is thrown away. Anything else is a
bug and is logged with its traceback.

Each layer keeps its errors in one module; the tree::

    Exception
    ├── FieldappError               here: a sentence for the person, nl and en
    │   ├── StoreError …            store/errors.py: wrong password, disk full, …
    │   ├── SyncError …             sync/errors.py: unreachable, sign-in refused, …
    │   └── AppError …              app/errors.py: unknown account, first sign-in, demo …
    ├── Refusal, GaveUp             sync/errors.py: what the central store answered
    ├── ApiError …                  server/errors.py: a refusal the server sends as JSON
    └── ValueError
        ├── FormFileError           here: a form file that does not load (file:line:col)
        ├── FormInvalid             here: a form definition that does not compile
        ├── WorldError              here: seed files that are unreadable or disagree
        ├── ExprSyntaxError         here: a malformed expression in a form
        └── AnswerError             here: an answer of the wrong kind (a bug of the caller)

The `ValueError`s name mistakes in files an author or a developer fixes; the commands that
read those files print their problems one per line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from fieldapp.core.texts import DEFAULT_LANGUAGE, Text

if TYPE_CHECKING:
    from fieldapp.core.engine import FormProblem
    from fieldapp.core.formfile import FileProblem

__all__ = [
    "DEFAULT_LANGUAGE",
    "AnswerError",
    "ExprSyntaxError",
    "FieldappError",
    "FormFileError",
    "FormInvalid",
    "WorldError",
]


class FieldappError(Exception):
    """An expected failure with a plain sentence for the person, in Dutch and English.

    Takes a `Text`; an {"nl": …, "en": …} mapping is read as one.
    """

    def __init__(self, message: Text | Mapping[str, str]) -> None:
        self.message = message if isinstance(message, Text) else Text.of(message)
        super().__init__(self.message.en)

    def text(self, language: str = DEFAULT_LANGUAGE) -> str:
        return self.message.pick(language)


class FormFileError(ValueError):
    """A form file that cannot be used. `problems` lists every reason with its position."""

    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


class FormInvalid(ValueError):
    """A form definition that cannot be used; `problems` says why."""

    def __init__(self, problems: list[FormProblem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


class WorldError(ValueError):
    """The seed files are unreadable or contradict each other; one line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class ExprSyntaxError(ValueError):
    """A malformed expression; `pos` is the offset of the problem in the text."""

    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


class AnswerError(ValueError):
    """An answer of the wrong kind for its question (a bug in the caller, not the person)."""
