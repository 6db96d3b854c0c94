"""Turning answers into the words a report prints: dates, numbers, choices and right-to-left text.

Dates are written out ("4 december 2026, 20:00"), numbers use the reader's decimal mark, a
choice shows its label and never its code. Arabic and Hebrew text is shaped and put in
visual order here, because reportlab draws glyphs left to right as given: the optional
packages python-bidi and arabic-reshaper do that when installed; without them the text is
drawn in logical order with unjoined letters, which is legible to no one, so they are
recommended dependencies.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from types import ModuleType
from xml.sax.saxutils import escape

from fieldapp.core.engine import Field
from fieldapp.core.entities import Venue
from fieldapp.core.expr import Value
from fieldapp.core.forms import QuestionType
from fieldapp.core.inspection import Attachment
from fieldapp.core.photos import PhotoFacts
from fieldapp.core.texts import Text
from fieldapp.reports.i18n import MONTHS, Language, local, phrase

#: Characters of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, NKo, presentation forms).
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_STRONG_LTR = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u052f]")
#: The thousands mark and the decimal mark, in that order.
_NUMBER_MARKS = Text(nl=".,", en=",.")
#: Compass points that differ between the languages (Dutch: zuid, oost).
_SOUTH = Text(nl="Z", en="S")
_EAST = Text(nl="O", en="E")


def has_rtl(text: str) -> bool:
    return _RTL.search(text) is not None


def base_is_rtl(text: str) -> bool:
    """True when the first strong character is right-to-left (the Unicode P2 rule)."""
    rtl = _RTL.search(text)
    if rtl is None:
        return False
    ltr = _STRONG_LTR.search(text)
    return ltr is None or rtl.start() < ltr.start()


def _optional(module: str) -> ModuleType | None:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def shape_rtl(text: str) -> str:
    """Arabic letters joined into their contextual forms, still in logical order."""
    reshaper = _optional("arabic_reshaper")
    if reshaper is None or not has_rtl(text):
        return text
    shaped: str = reshaper.reshape(text)
    return shaped


def visual_order(line: str, rtl_base: bool) -> str:
    """One already shaped line in the order its glyphs are drawn (Unicode bidi algorithm)."""
    bidi = _optional("bidi")
    if bidi is None or not has_rtl(line):
        return line
    display: str = bidi.get_display(line, base_dir="R" if rtl_base else "L")
    return display


def rtl_support() -> bool:
    """Whether shaping and reordering are available (both optional packages installed)."""
    return _optional("arabic_reshaper") is not None and _optional("bidi") is not None


def markup(text: str) -> str:
    """Plain text as reportlab paragraph markup: escaped, line breaks kept."""
    return escape(text).replace("\r\n", "\n").replace("\n", "<br/>")


def format_date(value: date, language: Language) -> str:
    return f"{value.day} {MONTHS[value.month - 1].pick(language)} {value.year}"


def format_time(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def format_datetime(value: datetime, language: Language) -> str:
    return f"{format_date(value.date(), language)}, {format_time(value.time())}"


_SHORT_DATE = Text(nl="{day:02d}-{month:02d}-{year}", en="{day} {mon} {year}")


def format_short_date(value: date, language: Language) -> str:
    """Compact, for table cells: 04-12-2026 in Dutch, 4 Dec 2026 in English.

    Dutch readers read day-month-year; an English reader may read 04-12 as April, so the
    English short date names its month, as the long dates beside it do."""
    return _SHORT_DATE.pick(language).format(
        day=value.day, month=value.month, year=value.year, mon=MONTHS[value.month - 1].en[:3]
    )


def format_short_datetime(value: datetime, language: Language) -> str:
    """Compact, for table cells: 04-12-2026 20:00 (4 Dec 2026 20:00 in English)."""
    return f"{format_short_date(value.date(), language)} {format_time(value.time())}"


def format_number(value: float, language: Language, decimals: int | None = None) -> str:
    """1.234,5 in Dutch and 1,234.5 in English; whole numbers without decimals."""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else len(f"{value:.3f}".rstrip("0").split(".")[1])
    text = f"{value:,.{decimals}f}"
    marks = _NUMBER_MARKS.pick(language)
    return text.replace(",", "\x00").replace(".", marks[1]).replace("\x00", marks[0])


def format_percent(part: int, whole: int, language: Language) -> str:
    if whole == 0:
        return "–"
    return f"{format_number(round(100 * part / whole), language)}%"


def format_geopoint(value: str, language: Language) -> str:
    """'52.0800 4.2950 0 5' as '52.08000° N, 4.29500° E (nauwkeurigheid 5 m)'."""
    parts = [float(part) for part in value.split()]
    latitude, longitude = parts[0], parts[1]
    north = "N" if latitude >= 0 else _SOUTH.pick(language)
    east = _EAST.pick(language) if longitude >= 0 else "W"
    text = f"{abs(latitude):.5f}° {north}, {abs(longitude):.5f}° {east}"
    if len(parts) >= 4:
        accuracy = format_number(parts[3], language, 0)
        text += f" ({phrase('accuracy', language)} {accuracy} m)"
    return text


def format_position(lat: float, lon: float, accuracy: float | None, language: Language) -> str:
    """'52.07712, 4.30012 (nauwkeurigheid 6 m)': where a photo was taken, as a map search
    box takes it, with how sure the device was when it said."""
    text = f"{lat:.5f}, {lon:.5f}"
    if accuracy is not None:
        text += f" ({phrase('accuracy', language)} {format_number(accuracy, language, 0)} m)"
    return text


def facts_caption(facts: PhotoFacts, language: Language, entry: Attachment | None = None) -> str:
    """'genomen 3 december 2026, 21:14 · 52.07712, 4.30012 (nauwkeurigheid 6 m)', or ""
    when unknown. The photo's entry says it first (it knows the position's accuracy); a
    photo of before entries had them is read from its own EXIF."""
    taken_at = entry.taken_at if entry is not None else None
    taken_at = taken_at or facts.taken_at
    position = entry.position if entry is not None else None
    parts = []
    if taken_at is not None:
        parts.append(f"{phrase('photo_taken', language)} {format_datetime(taken_at, language)}")
    if position is not None:
        parts.append(format_position(position.lat, position.lon, position.accuracy, language))
    elif facts.position is not None:
        parts.append(format_position(*facts.position, None, language))
    return " · ".join(parts)


def venue_text(venue: Venue) -> str:
    return f"{venue.name}, {venue.address}"


def format_answer(
    field: Field,
    value: Value,
    language: Language,
    venues: Mapping[str, Venue] | Callable[[str], Venue | None] | None = None,
) -> str:
    """An answer as a reader sees it; attachments are not text and are shown elsewhere."""
    kind = field.kind
    if isinstance(value, str) and value == "":
        return ""
    if kind is QuestionType.SELECT_ONE:
        return _choice_label(field, str(value), language)
    if kind is QuestionType.SELECT_MULTIPLE and isinstance(value, tuple):
        return "; ".join(_choice_label(field, name, language) for name in value)
    if kind is QuestionType.ACKNOWLEDGE:
        return phrase("acknowledged", language)
    if kind is QuestionType.GEOPOINT and isinstance(value, str):
        return format_geopoint(value, language)
    if kind is QuestionType.VENUE and isinstance(value, str):
        found = venues(value) if callable(venues) else (venues or {}).get(value)
        return venue_text(found) if found is not None else value
    text: str
    if isinstance(value, bool):
        text = phrase("acknowledged", language) if value else ""
    elif isinstance(value, datetime):
        text = format_datetime(value, language)
    elif isinstance(value, date):
        text = format_date(value, language)
    elif isinstance(value, time):
        text = format_time(value)
    elif isinstance(value, int | float):
        text = format_number(value, language)
    elif isinstance(value, tuple):
        text = ", ".join(str(item) for item in value)
    else:
        text = str(value)
    unit = local(field.question.unit, language)
    if unit and text and isinstance(value, int | float) and not isinstance(value, bool):
        if value == 1:
            unit = SINGULAR_UNITS.get(unit, unit)
        text = f"{text} {unit}"
    return text


#: Units the forms give in the plural, and their singular for a count of one.
SINGULAR_UNITS: Mapping[str, str] = {
    "personen": "persoon",
    "people": "person",
    "minuten": "minuut",
    "minutes": "minute",
    "bezoeken": "bezoek",
    "visits": "visit",
}


def _choice_label(field: Field, name: str, language: Language) -> str:
    for choice in field.choices or ():
        if choice.name == name:
            return local(choice.label, language, name)
    return name


def choice_label(field: Field, name: str, language: Language) -> str:
    """The label of one choice of a select question; its code when the form lacks it."""
    return _choice_label(field, name, language)
