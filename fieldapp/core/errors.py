"""Errors of the world: things a person can act on, told in their language.

A disk that is full, a wrong password, a server that cannot be reached or a broken form
file are not bugs. Raise a `FieldappError` with a sentence per language; the app shows it,
the CLI prints it, and nothing the person entered is thrown away. Anything else is a bug
and is logged with its traceback.
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_LANGUAGE = "nl"


class FieldappError(Exception):
    """An expected failure with a plain sentence for the person, in Dutch and English."""

    def __init__(self, message: Mapping[str, str]) -> None:
        self.message = dict(message)
        super().__init__(self.text("en"))

    def text(self, language: str = DEFAULT_LANGUAGE) -> str:
        return self.message.get(language) or next(iter(self.message.values()))
