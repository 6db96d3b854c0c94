"""Dutch and English words outside Qt: one `Text` type and one way to pick the language.

Everything a person reads that is not a widget — error sentences, the sync summary, the
reports' headings and labels — is a `Text` with both languages, and is turned into a
string only at the edge, with `text.pick(language)`. `language_of` turns whatever names a
language (a setting, `--lang`, FIELDAPP_LANGUAGE, a form's language list) into one of the
two. The Qt screens translate their own words with `self.tr()` and `.ts` files; form texts
carry their own languages in the form file (`LocalText`), and `local` reads either kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

#: The languages fieldapp speaks; Dutch is the default everywhere.
Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")
DEFAULT_LANGUAGE: Language = "nl"


def language_of(value: object, default: Language = DEFAULT_LANGUAGE) -> Language:
    """'nl' or 'en' from a setting, an option or a variable; `default` for anything else."""
    if value == "en":
        return "en"
    if value == "nl":
        return "nl"
    return default


def decimal_comma(language: str) -> bool:
    """Whether numbers in `language` are written with a decimal comma (Dutch: 2,5 g), as
    spreadsheets in that locale read them."""
    return language_of(language) == "nl"


class Bilingual(Protocol):
    """Anything with a Dutch and an English sentence (a `Text`, the protocol's `Message`)."""

    @property
    def nl(self) -> str: ...

    @property
    def en(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Text:
    """One sentence or label in Dutch and English."""

    nl: str
    en: str

    def pick(self, language: str) -> str:
        """The words in `language`; Dutch for a language fieldapp does not speak."""
        return self.en if language_of(language) == "en" else self.nl

    def format(self, **values: object) -> Text:
        """Both languages with their `{name}` placeholders filled in."""
        return Text(self.nl.format(**values), self.en.format(**values))

    @classmethod
    def of(cls, source: Bilingual | Mapping[str, str]) -> Text:
        """A `Text` from a `Message`-like object or an {"nl": …, "en": …} mapping.

        A mapping with one language only gets that sentence in both.
        """
        if isinstance(source, Mapping):
            nl = source.get("nl") or source.get("en") or next(iter(source.values()), "")
            return cls(nl, source.get("en") or nl)
        return cls(source.nl, source.en)


def local(text: Text | Mapping[str, str] | None, language: str, fallback: str = "") -> str:
    """A `Text`, or a form's text in whatever languages it has, in `language` where it can.

    A form text without that language falls back to any language it has, then `fallback`.
    """
    if isinstance(text, Text):
        return text.pick(language)
    if not text:
        return fallback
    return text.get(language) or next(iter(text.values()), fallback)
