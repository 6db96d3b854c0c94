"""The password rule, one for the central store's accounts and the device's profiles.

NIST SP 800-63B: a minimum length and a list of common passwords (the 30,000 that zxcvbn
ships), no composition rules. The server applies it when an account's password is set,
the device when a profile is made or its password changed: the same password serves both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from fieldapp.core.errors import FieldappError

#: Passwords longer than this are refused at sign-in by the protocol (TokenRequest).
PASSWORD_MAX_LENGTH = 1024


@dataclass(frozen=True)
class PasswordRules:
    """How long a password must be; the common-password list always applies.

    `published` is a password accepted anyway because it is public on purpose: the demo
    world's, for the demo's own accounts and profiles only, never a deployment's.
    """

    min_length: int = 12
    published: str | None = None

    def allowing(self, published: str) -> PasswordRules:
        """These rules, and the demo's published password besides."""
        return PasswordRules(self.min_length, published)


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def password_problem(
    password: str, username: str, rules: PasswordRules = PasswordRules()
) -> FieldappError | None:
    """Why a password may not be set (None when it may): too short, too long, or common."""
    if rules.published is not None and password == rules.published:
        return None
    if len(password) < rules.min_length:
        return FieldappError(
            {
                "nl": f"Een wachtwoord heeft minstens {rules.min_length} tekens; een zin van "
                "een paar woorden is makkelijk te onthouden.",
                "en": f"A password needs at least {rules.min_length} characters; a sentence "
                "of a few words is easy to remember.",
            }
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        return FieldappError(
            {
                "nl": f"Een wachtwoord heeft hoogstens {PASSWORD_MAX_LENGTH} tekens.",
                "en": f"A password has at most {PASSWORD_MAX_LENGTH} characters.",
            }
        )
    folded = password.lower()
    if folded in _common_passwords() or folded == username or _is_repetition(folded):
        return FieldappError(
            {
                "nl": "Dit wachtwoord is te gewoon (het staat op een lijst van veelgebruikte "
                "wachtwoorden of lijkt op de gebruikersnaam); kies een ander.",
                "en": "This password is too common (it is on a list of often used passwords "
                "or resembles the username); choose another.",
            }
        )
    return None


def _is_repetition(password: str) -> bool:
    # 'aaaaaaaaaaaa' or 'abcabcabcabc': long enough, and still guessed at once.
    return re.fullmatch(r"(.{1,3})\1+", password) is not None
