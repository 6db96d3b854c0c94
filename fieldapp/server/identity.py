"""The rules an account meets when it is made: a safe username unlike any other, a password
that is long enough and not one of the most common (that rule is in
`fieldapp.core.passwords`, shared with the device).

Usernames end up in tokens, file names of partial uploads, log lines and on reports, and a
supervisor recognises people by them, so they are NFKC-normal lowercase ASCII from a small
set, and never confusable with an existing user's name (the Unicode confusables table, as
the `confusable-homoglyphs` package ships it). Passwords follow NIST SP 800-63B: a minimum
length and a list of common passwords (the 30,000 that zxcvbn ships), no composition rules.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import confusable_homoglyphs
from pydantic import TypeAdapter, ValidationError

from fieldapp.core.errors import FieldappError
from fieldapp.core.passwords import PASSWORD_MAX_LENGTH, PasswordRules, password_problem
from fieldapp.protocol.models import Username

_USERNAME = TypeAdapter(Username)

# The password rule is the device's too, so it lives in core; the server's modules and
# tests keep importing it from here.
__all__ = [
    "PASSWORD_MAX_LENGTH",
    "LookAlikes",
    "PasswordRules",
    "confusable_with",
    "is_valid_username",
    "password_problem",
    "username_problem",
]


def username_problem(username: str) -> FieldappError | None:
    """Why a name cannot be a username (None when it can): NFKC, the safe set, no `..`."""
    normal = unicodedata.normalize("NFKC", username).lower()
    if normal != username:
        suggestion = f" ('{normal}')" if is_valid_username(normal) else ""
        return FieldappError(
            {
                "nl": f"Een gebruikersnaam is in kleine letters en standaardtekens{suggestion}.",
                "en": f"A username is in lowercase and standard characters{suggestion}.",
            }
        )
    if not is_valid_username(username):
        return FieldappError(
            {
                "nl": "Een gebruikersnaam heeft 2 tot 64 tekens: a-z, 0-9, punt, streepje of "
                "liggend streepje, begint met een letter en bevat geen '..'.",
                "en": "A username has 2 to 64 characters: a-z, 0-9, dot, hyphen or "
                "underscore, starts with a letter and holds no '..'.",
            }
        )
    return None


def is_valid_username(username: str) -> bool:
    """Whether a name fits the protocol's Username and holds no path-like `..` or end dot."""
    try:
        _USERNAME.validate_python(username)
    except ValidationError:
        return False
    return ".." not in username and not username.endswith(".")


def confusable_with(username: str, existing: Iterable[str]) -> str | None:
    """An existing username that looks like this one (`j0ost` and `joost`), if any."""
    return LookAlikes(existing).twin(username)


class LookAlikes:
    """Usernames by what they look like, to find a look-alike of another in one lookup.

    Comparing each new name with every name before it made a register of a thousand new
    people cost half a million skeletons (about 35 s of the server's processor in one
    request); each name's skeletons are now made once."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        #: Each form with the names of that form, in the order they were added.
        self._by_skeleton: dict[str, list[tuple[int, str]]] = {}
        self._added = 0
        for name in names:
            self.add(name)

    def add(self, name: str) -> None:
        for shape in _skeletons(name):
            self._by_skeleton.setdefault(shape, []).append((self._added, name))
        self._added += 1

    def twin(self, name: str) -> str | None:
        """The first name added that looks like `name` (not `name` itself), if any: the
        one comparing it with each name in turn would find."""
        found = [
            (order, other)
            for shape in _skeletons(name)
            for order, other in self._by_skeleton.get(shape, ())
            if other != name
        ]
        return min(found)[1] if found else None


def _skeletons(name: str) -> frozenset[str]:
    # Confusable classes are case-sensitive (0 looks like O, not like o; I like l), so
    # compare the name as it is and in capitals: 'j0ost' is 'JOOST' in capitals.
    return frozenset({skeleton(name), skeleton(name.upper())})


def skeleton(text: str) -> str:
    """The text with every character replaced by its confusable class (after UTS #39)."""
    classes, sequences = _confusable_classes()
    text = "".join(classes.get(c, c) for c in unicodedata.normalize("NFD", text))
    for sequence, replacement in sequences:
        text = text.replace(sequence, replacement)
    return text


@cache
def _confusable_classes() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """Each character's class representative, and look-alike sequences (rn → m) in classes."""
    path = Path(confusable_homoglyphs.__file__).with_name("confusables.json")
    table: dict[str, list[dict[str, str]]] = json.loads(path.read_text(encoding="utf-8"))
    parent: dict[str, str] = {}

    def find(character: str) -> str:
        while parent.get(character, character) != character:
            character = parent[character]
        return character

    def union(one: str, other: str) -> None:
        low, high = sorted((find(one), find(other)))
        parent[high] = low

    sequences: dict[str, str] = {}
    for key, homoglyphs in table.items():
        for homoglyph in homoglyphs:
            # The table wraps right-to-left letters in LRM marks for display; drop them.
            other = homoglyph["c"].replace("\u200e", "")
            if len(key) == 1 and len(other) == 1:
                union(key, other)
            elif len(key) == 1 and len(other) > 1:
                # Several characters may look like one sequence: they look alike too.
                if other in sequences:
                    union(key, sequences[other])
                sequences[other] = key
    classes = {character: find(character) for character in parent}

    def in_classes(text: str) -> str:
        return "".join(classes.get(c, c) for c in text)

    # Longest first, so a long look-alike is not split by a short one inside it.
    mapped = {in_classes(sequence): find(key) for sequence, key in sequences.items()}
    ordered = tuple(sorted(mapped.items(), key=lambda item: (-len(item[0]), item[0])))
    return classes, ordered
