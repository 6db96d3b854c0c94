"""Language columns of an XLSForm (``label::Nederlands (nl)``) and our two-letter codes."""

from __future__ import annotations

import re

#: How each language is named in the column headers we write, in its own words.
NAMES: dict[str, str] = {
    "nl": "Nederlands",
    "en": "English",
    "fr": "Français",
    "de": "Deutsch",
    "es": "Español",
    "pt": "Português",
    "it": "Italiano",
    "pl": "Polski",
    "tr": "Türkçe",
    "ar": "العربية",
    "uk": "Українська",
    "ru": "Русский",
    "so": "Soomaali",
    "ti": "ትግርኛ",
    "fy": "Frysk",
}

#: Names without a code that forms in the wild use, lower-cased.
_KNOWN_NAMES: dict[str, str] = {
    **{name.lower(): code for code, name in NAMES.items() if len(code) == 2},
    "dutch": "nl",
    "english": "en",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "portuguese": "pt",
    "italian": "it",
    "polish": "pl",
    "turkish": "tr",
    "arabic": "ar",
    "ukrainian": "uk",
    "russian": "ru",
    "somali": "so",
    "frisian": "fy",
}

_WITH_CODE = re.compile(r"\((?P<code>[A-Za-z]{2})(?:[-_][A-Za-z0-9]+)?\)\s*$")


def header_language(code: str) -> str:
    """The language part of a column header: ``Nederlands (nl)``."""
    return f"{NAMES.get(code, code)} ({code})"


def language_code(name: str) -> str | None:
    """The two-letter code of a header's language part, or None when it names none."""
    found = _WITH_CODE.search(name)
    if found is not None:
        return found["code"].lower()
    plain = name.strip().lower()
    if re.fullmatch(r"[a-z]{2}", plain):
        return plain
    return _KNOWN_NAMES.get(plain)
