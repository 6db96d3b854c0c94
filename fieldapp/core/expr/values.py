"""Runtime values of expressions and XLSForm's conversion rules between them.

An empty answer is the empty string. A number that cannot be computed (an empty operand,
division by zero) is NaN, which prints as empty, so ``${a} + ${b}`` stays blank until both
are answered, as in ODK Collect.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time

#: A select_multiple answer is a tuple of choice names.
Multi = tuple[str, ...]
Value = str | float | int | bool | date | datetime | time | Multi


class NodeSet(tuple[Value, ...]):
    """The answers of one question across all rows of a repeat, for aggregates."""

    __slots__ = ()


EPOCH = date(1970, 1, 1)
NAN = math.nan


def is_empty(value: Value) -> bool:
    if isinstance(value, str | tuple):
        return len(value) == 0
    return isinstance(value, float) and math.isnan(value)


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
        try:
            return float(value.strip()) if value.strip() else NAN
        except ValueError:
            return NAN
    return NAN


def decimal_date_time(value: datetime) -> float:
    """Days since 1970-01-01 as a decimal, ignoring the time zone (as ODK does locally)."""
    day = float((value.date() - EPOCH).days)
    return day + (value.hour * 3600 + value.minute * 60 + value.second) / 86400


def to_string(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value == int(value) else repr(value)
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
        return not math.isnan(value) and value != 0
    if isinstance(value, str | tuple):
        return len(value) > 0
    return True


def to_date(value: Value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        try:
            return date.fromordinal(EPOCH.toordinal() + int(value))
        except (ValueError, OverflowError):
            return None  # beyond the years a date can hold: no date, not a crash
    return None


def _temporal_number(value: Value) -> float:
    """A date, time or datetime, or text in ISO form, as days (for comparisons)."""
    if isinstance(value, str):
        text = value.strip()
        for parse in (datetime.fromisoformat, time.fromisoformat):
            try:
                return to_number(parse(text))
            except ValueError:
                continue
        return NAN
    return to_number(value)


def compare(op: str, left: Value, right: Value) -> bool:
    """XPath 1.0 comparison, with XLSForm's treatment of empty answers."""
    if isinstance(left, tuple):
        left = to_string(left)
    if isinstance(right, tuple):
        right = to_string(right)
    if isinstance(left, bool) or isinstance(right, bool):
        # XPath 1.0: equality with a boolean compares booleans; order compares numbers.
        if op in ("=", "!="):
            a, b = float(to_bool(left)), float(to_bool(right))
        else:
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
    if math.isnan(a) or math.isnan(b):
        return op == "!="
    if op == "=":
        return a == b
    if op == "!=":
        return a != b
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def arithmetic(op: str, left: Value, right: Value) -> float:
    a, b = to_number(left), to_number(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0 or math.isnan(b):
        return NAN
    if op == "div":
        return a / b
    return math.fmod(a, b)
