"""Cases where ODK Collect's documented behaviour decides what an expression gives.

Each row was written from the ODK documentation (form-operators-functions, form-logic) or,
where the documentation is silent, from what JavaRosa (Collect's evaluator) does; the source
is named beside the case. `docs/forms.md` lists the places where we deliberately differ.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest

from fieldapp.core.expr import (
    ExprContext,
    NodeSet,
    StaticType,
    Symbol,
    Value,
    compile_expression,
)
from fieldapp.core.expr.values import number_text, text_to_number

SYMBOLS = {
    "code": Symbol("code", StaticType.TEXT),
    "amount": Symbol("amount", StaticType.NUMBER),
    "blank": Symbol("blank", StaticType.NUMBER),
    "picked": Symbol("picked", StaticType.MULTI, choices=frozenset({"a", "b", "c"})),
    "rows": Symbol("rows", StaticType.REPEAT),
    "weight": Symbol("weight", StaticType.NUMBER, repeat="rows"),
}
VALUES: dict[str, Value] = {"code": "12345", "amount": 10, "blank": "", "picked": ("a", "b")}


class Scope:
    def __init__(self, current: Value) -> None:
        self._current = current

    def value(self, name: str) -> Value:
        return VALUES[name]

    def nodeset(self, name: str) -> NodeSet:
        return NodeSet((2, "", 3.5))

    def row_count(self, repeat: str) -> int:
        return 3

    def current(self) -> Value:
        return self._current

    def attribute(self, name: str) -> Value:
        return ""

    def now(self) -> datetime:
        return datetime(2026, 11, 28, 12, 0)


def evaluate(text: str, current: Value = "") -> Value:
    compiled = compile_expression(
        text, ExprContext(SYMBOLS, current=Symbol("self", StaticType.ANY))
    )
    assert compiled.run is not None, compiled.problems
    return compiled.run(Scope(current))


NAN = math.nan

# (expression, value of '.', expected, source)
COLLECT_CASES: list[tuple[str, Value, Value, str]] = [
    # regex(): "Returns True if string is an exact and complete match for expression."
    ("regex(., '[0-9]{4}')", "12345", False, "docs: regex, exact and complete match"),
    ("regex(., '[0-9]{4}')", "1234", True, "docs: regex"),
    ("regex(${code}, '[0-9]+')", "", True, "docs: regex"),
    # number(): "If arg is a string of digits, returns the number value ... If arg cannot
    # be converted, returns NaN." JavaRosa's toNumeric: blanks trimmed, ',' read as '.',
    # only digits, '.' and '-' accepted (no exponent, no Infinity).
    ("number(.)", " 12 ", 12.0, "JavaRosa toNumeric: trims"),
    ("number(.)", "1,5", 1.5, "JavaRosa toNumeric: decimal comma"),
    ("number(.)", "1,000", 1.0, "JavaRosa toNumeric: a comma is always a decimal point"),
    ("number(.)", "-.5", -0.5, "JavaRosa toNumeric"),
    ("number(.)", "5.", 5.0, "JavaRosa toNumeric"),
    ("number(.)", "Infinity", NAN, "JavaRosa toNumeric: no Infinity"),
    ("number(.)", "inf", NAN, "JavaRosa toNumeric"),
    ("number(.)", "nan", NAN, "JavaRosa toNumeric"),
    ("number(.)", "1e6", NAN, "JavaRosa toNumeric: no scientific notation"),
    ("number(.)", "1_000", NAN, "JavaRosa toNumeric"),
    ("number(.)", "+5", NAN, "JavaRosa toNumeric"),
    ("number(.)", "", NAN, "docs: empty values are NaN in math"),
    ("number(true())", "", 1.0, "docs: number(True) is 1"),
    ("number(false())", "", 0.0, "docs: number(False) is 0"),
    (". * 2", " 10 ", 20.0, "JavaRosa XPathArithExpr: toNumeric on both sides"),
    (". > 9", "10", True, "JavaRosa XPathCmpExpr: toNumeric on both sides"),
    (". = 1.5", "1,5", True, "JavaRosa XPathEqExpr: a number on one side compares numbers"),
    ("int(.)", "7.9", 7.0, "docs: int truncates the fractional portion"),
    ("int(-2.7)", "", -2.0, "docs: int truncates"),
    # Empty values in math: "treated as NaN ... The result of a calculation including NaN
    # will also be NaN."
    ("${blank} + 1", "", NAN, "docs: form-logic, empty values in math"),
    ("coalesce(${blank}, 0) + 1", "", 1.0, "docs: form-logic, coalesce() for zero"),
    ("if(${blank} = '', 0, ${blank}) + 1", "", 1.0, "docs: form-logic, if() for zero"),
    # selected(): JavaRosa trims the choice argument.
    ("selected(${picked}, ' b ')", "", True, "JavaRosa multiSelected: trims the choice"),
    ("selected(${picked}, 'c')", "", False, "docs: selected"),
    ("selected(., 'b')", "a b", True, "docs: selected on a space-separated list"),
    ("count-selected(${picked})", "", 2.0, "docs: count-selected"),
    # Division by zero is IEEE arithmetic in Java.
    ("${amount} div 0", "", math.inf, "JavaRosa XPathArithExpr: Java double division"),
    ("-${amount} div 0", "", -math.inf, "JavaRosa XPathArithExpr"),
    ("0 div 0", "", NAN, "JavaRosa XPathArithExpr"),
    ("${amount} mod 0", "", NAN, "JavaRosa XPathArithExpr: Java %"),
    ("-7 mod 3", "", -1.0, "JavaRosa XPathArithExpr: the sign of the dividend"),
    ("string(1 div 0)", "", "Infinity", "JavaRosa toString"),
    ("string(-1 div 0)", "", "-Infinity", "JavaRosa toString"),
    ("string(0 div 0)", "", "NaN", "JavaRosa toString"),
    ("concat('total: ', ${blank} + 1)", "", "total: NaN", "JavaRosa toString"),
    ("string(0.1 + 0.2)", "", "0.30000000000000004", "JavaRosa toString: Java's digits"),
    ("string(10000000000)", "", "1.0E10", "JavaRosa toString: beyond int, Java's form"),
    ("string(0.0001)", "", "1.0E-4", "JavaRosa toString: Java's form"),
    ("string(1234567.5)", "", "1234567.5", "JavaRosa toString"),
    ("string(2.0000000000001)", "", "2", "JavaRosa toString: within 1e-12 of a whole"),
    # Equality of numbers has a tolerance for floating-point results.
    ("6.1 - 7.8 = -1.7", "", True, "JavaRosa XPathEqExpr: |a - b| < 1e-12"),
    ("0.1 + 0.2 = 0.3", "", True, "JavaRosa XPathEqExpr"),
    ("0.1 + 0.2 != 0.3", "", False, "JavaRosa XPathEqExpr"),
    ("1 div 0 = 1 div 0", "", False, "JavaRosa XPathEqExpr: Infinity - Infinity is NaN"),
    ("boolean(0.0000000000001)", "", False, "JavaRosa toBoolean: |x| > 1e-12"),
    # round(): "Rounds a decimal number to some number of decimal places."
    ("round(1.005, 2)", "", 1.01, "JavaRosa round: on the decimal digits, half up"),
    ("round(2.5)", "", 3.0, "JavaRosa round"),
    ("round(-2.5)", "", -2.0, "JavaRosa round: half towards zero below zero"),
    ("round(33.33, -1)", "", 30.0, "JavaRosa round: negative places"),
    ("round(5, 31)", "", NAN, "JavaRosa round: absurd places"),
    # Dates: date() and decimal-date-time() are each other's inverse; ISO 8601 offsets count.
    ("date('1970-1-2')", "", date(1970, 1, 2), "JavaRosa DateUtils.parseDate: unpadded"),
    ("decimal-date-time(date('1970-1-2'))", "", 1.0, "docs: inverse of date()"),
    ("date(1)", "", date(1970, 1, 2), "docs: date(days)"),
    ("decimal-date-time('1970-01-02T12:00:00Z')", "", 1.5, "docs: days since the epoch"),
    (
        "decimal-date-time('1970-01-02T12:00:00+06:00')",
        "",
        1.25,
        "JavaRosa DateUtils.parseTime: the offset is applied",
    ),
    (
        "(decimal-date-time('2026-03-01T10:00:00+01:00') - "
        "decimal-date-time('2026-03-01T10:00:00+02:00')) * 24",
        "",
        1.0,
        "JavaRosa DateUtils.parseTime",
    ),
    ("decimal-date-time('1970-01-02T12:00:00.500Z') * 86400", "", 129600.5, "milliseconds"),
    # Repeats: sum() leaves out rows that have no number, as JavaRosa's sum() does.
    ("sum(${weight})", "", 5.5, "JavaRosa sum: skips NaN members"),
    ("max(${weight})", "", 3.5, "JavaRosa max: skips NaN members"),
    ("min(${weight})", "", 2.0, "JavaRosa min: skips NaN members"),
    ("count(${rows})", "", 3.0, "docs: count"),
]


@pytest.mark.parametrize(
    ("text", "current", "expected", "source"),
    COLLECT_CASES,
    ids=[f"{case[0]} [{case[1]}]" for case in COLLECT_CASES],
)
def test_expression_gives_what_collect_gives(
    text: str, current: Value, expected: Value, source: str
) -> None:
    result = evaluate(text, current)
    if isinstance(expected, float) and math.isnan(expected):
        assert isinstance(result, float) and math.isnan(result), source
    elif isinstance(expected, float):
        assert type(result) is float and result == pytest.approx(expected, abs=1e-9), source
    else:
        assert result == expected, source


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (3.0, "3"),
        (-0.0, "0"),
        (0.5, "0.5"),
        (-0.001, "-0.001"),
        (0.000123, "1.23E-4"),
        (1e7, "10000000"),
        (3e9, "3.0E9"),
        (-2.5e-7, "-2.5E-7"),
        (123.456, "123.456"),
        (9999999.5, "9999999.5"),
        (1.0e21, "1.0E21"),
    ],
)
def test_numbers_print_as_java_prints_them(number: float, text: str) -> None:
    assert number_text(number) == text


@pytest.mark.parametrize("text", ["1", "-1", "1.", ".5", "-0.25", " 7 ", "\t7\n", "3,25", "007"])
def test_text_that_is_a_number(text: str) -> None:
    assert not math.isnan(text_to_number(text))


@pytest.mark.parametrize(
    "text", ["", "-", ".", "1-2", "--1", "1.2.3", "1 000", "١٢", "Infinity", "0x10", "1e6"]
)
def test_text_that_is_not_a_number(text: str) -> None:
    assert math.isnan(text_to_number(text))


def test_regex_in_a_constraint_refuses_a_longer_value() -> None:
    """The defect of issue 16: '12345' passed a four-digit constraint here, not in Collect."""
    assert evaluate("regex(., '[0-9]{4}')", "12345") is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date('1983-09-31')", "'1983-09-31' is never a valid date"),
        ("date('2026-13-01') > today()", "'2026-13-01' is never a valid date"),
        ("decimal-date-time('yesterday')", "'yesterday' is never a valid date"),
    ],
)
def test_checker_refuses_date_literals_that_can_never_be_valid(text: str, message: str) -> None:
    compiled = compile_expression(text, ExprContext(SYMBOLS))
    assert [problem.message.split(" (")[0] for problem in compiled.problems] == [message]
    assert compiled.problems[0].pos == text.index("'")


def test_a_valid_unpadded_date_literal_is_accepted() -> None:
    assert compile_expression("date('2026-2-28')", ExprContext(SYMBOLS)).problems == []


ENGINE_FORM = """
id: collect_semantics
version: "1"
title: {en: Collect semantics}
languages: [en]
roles: [boa]
retention_days: 30
questions:
  - type: repeat
    name: bags
    label: {en: Bags}
    questions:
      - {type: decimal, name: grams, label: {en: Grams}}
  - {type: calculate, name: total, calculation: "sum(${grams})"}
  - {type: decimal, name: a, label: {en: A}}
  - {type: decimal, name: b, label: {en: B}}
  - {type: calculate, name: ratio, calculation: "${a} div ${b}"}
  - {type: calculate, name: ratio_text, calculation: "concat('', ${ratio})"}
"""


def test_engine_keeps_values_as_collect_stores_them() -> None:
    from fieldapp.core.formfile import load_form_text

    session = load_form_text(ENGINE_FORM).session()
    first, _ = session.add_row("bags")
    second, _ = session.add_row("bags")
    session.set_answer("grams", 2.5, first)
    # JavaRosa's sum() leaves out the row without a number.
    assert session.value("total") == 2.5
    session.set_answer("grams", 1.0, second)
    assert session.value("total") == 3.5
    # NaN is stored as no value (JavaRosa's wrapData), so what reads it sees ''.
    assert session.value("ratio") == ""
    assert session.value("ratio_text") == ""
    session.set_answer("a", 3.0)
    session.set_answer("b", 0.0)
    assert session.value("ratio") == math.inf
    assert session.value("ratio_text") == "Infinity"
    session.set_answer("a", 0.0)
    assert session.value("ratio") == ""
