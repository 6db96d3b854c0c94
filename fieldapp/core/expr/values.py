"""Runtime values of expressions and the conversions between them, as ODK Collect has them.

The rules follow JavaRosa, the evaluator inside ODK Collect (its ``XPathFuncExpr`` conversions
and ``DateUtils`` parsing), so a form behaves here as it does in the field app people know.
An empty answer is the empty string. A number that cannot be computed (an empty operand,
``0 div 0``) is NaN; division of anything else by zero is ±Infinity. `docs/forms.md` lists
the few places where this module deliberately differs from Collect, and why.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Context, Decimal

#: A select_multiple answer is a tuple of choice names.
Multi = tuple[str, ...]
Value = str | float | int | bool | date | datetime | time | Multi


class NodeSet(tuple[Value, ...]):
    """The answers of one question across all rows of a repeat, for aggregates."""

    __slots__ = ()


EPOCH = date(1970, 1, 1)
NAN = math.nan
#: JavaRosa counts two numbers equal, and a number true, within this distance of each other
#: or of zero, so `6.1 - 7.8 = -1.7` holds although the subtraction is not exact.
TOLERANCE = 1e-12

# Java's String.trim(): every character up to and including the space.
_JAVA_BLANKS = "".join(chr(code) for code in range(0x21))
# What Java's Double.parseDouble accepts once JavaRosa has refused every character other
# than digits, '.' and '-': so no exponent, no 'Infinity', no '_' and no '+'.
_XPATH_NUMBER = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_INT32 = 2**31


def is_empty(value: Value) -> bool:
    if isinstance(value, str | tuple):
        return len(value) == 0
    return isinstance(value, float) and math.isnan(value)


def text_to_number(text: str) -> float:
    """XPath's number() of text as Collect reads it: a decimal comma counts as a point.

    Surrounding blanks are allowed; exponents ('1e6'), 'Infinity', 'nan' and digit
    separators ('1_000') are not numbers (NaN). '1,000' is 1.0, as in Collect.
    """
    cleaned = text.replace(",", ".").strip(_JAVA_BLANKS)
    if _XPATH_NUMBER.fullmatch(cleaned) is None:
        return NAN
    return float(cleaned)


def to_number(value: Value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime):
        return decimal_date_time(value)
    if isinstance(value, date):
        return float((value - EPOCH).days)
    if isinstance(value, time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, str):
        return text_to_number(value)
    return NAN


def decimal_date_time(value: datetime) -> float:
    """Days since 1970-01-01T00:00 as a decimal.

    A date-time with an offset (``+06:00``) counts from midnight UTC, as in Collect. One
    without an offset counts as it reads, whatever the device's time zone (Collect would
    read it in the device's zone; see docs/forms.md).
    """
    if value.tzinfo is not None and value.utcoffset() is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    day = float((value.date() - EPOCH).days)
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    return day + seconds / 86400


def number_text(number: float) -> str:
    """A number as text, as Collect's string() writes it (Java's rules for doubles)."""
    if math.isnan(number):
        return "NaN"
    if abs(number) < TOLERANCE:
        return "0"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    whole = _java_int(number)
    if abs(number - whole) < TOLERANCE:
        return str(whole)
    return _java_double_text(number)


def _java_double_text(number: float) -> str:
    """Java's Double.toString: plain between 10^-3 and 10^7, else '1.5E10'; shortest digits."""
    sign, digits, exponent = Decimal(repr(number)).as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits)).rstrip("0") or "0"
    # The position of the decimal point, counted from the first significant digit.
    point = len(digits) + exponent
    lead = "-" if sign else ""
    if 1e-3 <= abs(number) < 1e7:
        if point <= 0:
            return f"{lead}0.{'0' * -point}{text}"
        whole, fraction = text[:point].ljust(point, "0"), text[point:]
        return f"{lead}{whole}.{fraction or '0'}"
    return f"{lead}{text[0]}.{text[1:] or '0'}E{point - 1}"


def to_string(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, tuple):
        return " ".join(value)
    return value


def to_bool(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return abs(value) > TOLERANCE  # False for NaN too
    if isinstance(value, str | tuple):
        return len(value) > 0
    return True


# -- dates and times --------------------------------------------------------------------

_OFFSET = re.compile(r"(?P<sign>[+-])(?P<hours>[0-9]{1,2})(?::?(?P<minutes>[0-9]{2}))?")
_TIME = re.compile(
    r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{1,2})"
    r"(?::(?P<second>[0-9]{1,2})(?:\.(?P<fraction>[0-9]*))?)?"
)


def parse_date_text(text: str) -> date | None:
    """'2026-1-2' or '2026-01-02' as Collect's date parser reads it; None when no such day."""
    pieces = text.split("-")
    if len(pieces) != 3 or not all(piece.isascii() and piece.isdigit() for piece in pieces):
        return None
    year, month, day = (int(piece) for piece in pieces)
    try:
        return date(year, month, day)
    except ValueError:
        return None  # '1983-09-31': no such day


def parse_time_text(text: str) -> time | None:
    """'22:05', '22:05:30.250', '22:05:30+02:00' or '...Z'; None when it is not a time."""
    offset: timezone | None = None
    if text.endswith("Z"):
        text, offset = text[:-1], UTC
    else:
        split = max(text.find("+"), text.rfind("-"))
        if split > 0:
            found = _OFFSET.fullmatch(text[split:])
            if found is None:
                return None
            minutes = int(found["hours"]) * 60 + int(found["minutes"] or 0)
            if minutes >= 24 * 60:
                return None
            sign = -1 if found["sign"] == "-" else 1
            offset = timezone(timedelta(minutes=sign * minutes))
            text = text[:split]
    found = _TIME.fullmatch(text)
    if found is None:
        return None
    fraction = (found["fraction"] or "")[:6].ljust(6, "0")
    try:
        return time(
            int(found["hour"]),
            int(found["minute"]),
            int(found["second"] or 0),
            int(fraction),
            tzinfo=offset,
        )
    except ValueError:
        return None


def parse_date_time_text(text: str) -> date | datetime | None:
    """A date, or a date 'T' time (offset honoured), as Collect's date-time parser reads it."""
    text = text.strip()
    day_text, separator, time_text = text.partition("T")
    day = parse_date_text(day_text)
    if day is None:
        return None
    if not separator:
        return day
    moment = parse_time_text(time_text)
    if moment is None:
        return None
    return datetime.combine(day, moment)


def to_date(value: Value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        parsed = parse_date_time_text(value)
        return parsed.date() if isinstance(parsed, datetime) else parsed
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        try:
            return date.fromordinal(EPOCH.toordinal() + int(value))
        except (ValueError, OverflowError):
            return None  # beyond the years a date can hold: no date, not a crash
    return None


def _temporal_number(value: Value) -> float:
    """A date, time or datetime, or text in ISO form, as days (for comparisons)."""
    if isinstance(value, str):
        parsed = parse_date_time_text(value)
        if parsed is not None:
            return to_number(parsed)
        moment = parse_time_text(value.strip())
        return NAN if moment is None else to_number(moment)
    return to_number(value)


def compare(op: str, left: Value, right: Value) -> bool:
    """XPath 1.0 comparison as Collect does it: numbers within `TOLERANCE` are equal."""
    if isinstance(left, tuple):
        left = to_string(left)
    if isinstance(right, tuple):
        right = to_string(right)
    if isinstance(left, bool) or isinstance(right, bool):
        # XPath 1.0: equality with a boolean compares booleans; order compares numbers.
        if op in ("=", "!="):
            return (to_bool(left) == to_bool(right)) is (op == "=")
        a, b = to_number(left), to_number(right)
    elif isinstance(left, date | time) or isinstance(right, date | time):
        a, b = _temporal_number(left), _temporal_number(right)
    elif isinstance(left, int | float) or isinstance(right, int | float):
        a, b = to_number(left), to_number(right)
    elif op in ("=", "!="):
        return (left == right) is (op == "=")
    else:
        a, b = to_number(left), to_number(right)
        if math.isnan(a) or math.isnan(b):
            a, b = _temporal_number(left), _temporal_number(right)
    if op in ("=", "!="):
        # NaN is equal to nothing, and Infinity - Infinity is NaN: both unequal, as in Collect.
        return (abs(a - b) < TOLERANCE) is (op == "=")
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def arithmetic(op: str, left: Value, right: Value) -> float:
    """+, -, *, div and mod with Java's double rules (so ±Infinity and NaN, never an error)."""
    a, b = to_number(left), to_number(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "div":
        if b == 0:
            if a == 0 or math.isnan(a):
                return NAN
            return math.copysign(math.inf, a) * math.copysign(1.0, b)
        return a / b
    # mod: the sign of the dividend, as Java's %; a zero or infinite dividend's rules follow.
    if b == 0 or math.isnan(a) or math.isnan(b) or math.isinf(a):
        return NAN
    if math.isinf(b):
        return a
    return math.fmod(a, b)


def xpath_round(number: float, places: float = 0.0) -> float:
    """round(x, places) as Collect: halves away from zero for positives, towards it otherwise."""
    digits = _java_int(places)
    if math.isnan(number) or math.isinf(number):
        return number
    if digits > 30 or digits < -30:
        return NAN  # Collect's answer to absurd requests
    if digits >= 0:
        rounding = ROUND_HALF_DOWN if number < 0 else ROUND_HALF_UP
        context = Context(prec=400)
        exact = Decimal(repr(number))
        return float(exact.quantize(Decimal(1).scaleb(-digits), rounding, context))
    # Collect scales down, adds a half and truncates, which rounds negative numbers oddly;
    # kept as is so a total rounded to tens is the same number in both apps.
    scaled = float(Decimal(repr(number)).scaleb(digits))
    return float(Decimal(math.trunc(scaled + 0.5)).scaleb(-digits))


def _java_int(number: float) -> int:
    """Java's (int) cast of a double: NaN is 0, and it saturates instead of overflowing."""
    if math.isnan(number):
        return 0
    if math.isinf(number):
        return _INT32 - 1 if number > 0 else -_INT32
    return max(-_INT32, min(_INT32 - 1, math.trunc(number)))
