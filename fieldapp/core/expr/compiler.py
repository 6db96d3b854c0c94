"""Checks an expression tree against a form's symbols and compiles it into a Python closure.

Compilation happens once per form load. The closures read answers through a `Scope`, so
the same compiled form serves every inspection; no form text is ever passed to `eval`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from fieldapp.core.errors import ExprSyntaxError
from fieldapp.core.expr.ast import Bare, Binary, Call, Current, Literal, Negate, Node, Ref
from fieldapp.core.expr.parser import parse
from fieldapp.core.expr.values import (
    NAN,
    NodeSet,
    Value,
    arithmetic,
    compare,
    decimal_date_time,
    is_empty,
    parse_date_time_text,
    parse_time_text,
    to_bool,
    to_date,
    to_number,
    to_string,
    xpath_round,
)


class StaticType(StrEnum):
    NUMBER = "number"
    TEXT = "text"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    TIME = "time"
    MULTI = "multiple choice"
    NODESET = "repeat values"
    REPEAT = "repeat"
    ANY = "any"


TEMPORAL = frozenset({StaticType.DATE, StaticType.DATETIME, StaticType.TIME})


@dataclass(frozen=True, slots=True)
class Symbol:
    """What an expression may know about a name: its type and where it lives."""

    name: str
    type: StaticType
    repeat: str | None = None
    choices: frozenset[str] | None = None
    constant: Value | None = None


@dataclass(frozen=True, slots=True)
class ExprContext:
    """Where an expression stands: the form's symbols and the question that owns it."""

    symbols: Mapping[str, Symbol]
    repeat: str | None = None
    current: Symbol | None = None
    choice_attributes: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    message: str
    pos: int


class Scope(Protocol):
    """What compiled expressions read at run time."""

    def value(self, name: str) -> Value: ...

    def nodeset(self, name: str) -> NodeSet: ...

    def row_count(self, repeat: str) -> int: ...

    def current(self) -> Value: ...

    def attribute(self, name: str) -> Value: ...

    def now(self) -> datetime: ...


Compiled = Callable[[Scope], Value]


@dataclass(slots=True)
class CompiledExpression:
    text: str
    tree: Node | None
    run: Compiled | None
    type: StaticType
    references: frozenset[str]
    problems: list[Problem] = field(default_factory=list)


def compile_expression(text: str, context: ExprContext) -> CompiledExpression:
    """Parse, check and compile; `run` is None when there are problems."""
    try:
        tree = parse(text)
    except ExprSyntaxError as error:
        return CompiledExpression(
            text, None, None, StaticType.ANY, frozenset(), [Problem(error.message, error.pos)]
        )
    compiler = _Compiler(context)
    static_type, run = compiler.visit(tree)
    if static_type in (StaticType.NODESET, StaticType.REPEAT):
        compiler.problem(_nodeset_message(tree), tree)
    return CompiledExpression(
        text,
        tree,
        None if compiler.problems else run,
        static_type,
        frozenset(compiler.references),
        compiler.problems,
    )


def _nodeset_message(node: Node) -> str:
    name = node.name if isinstance(node, Ref) else "this"
    return (
        f"${{{name}}} holds one answer per row of a repeat; "
        "use it inside sum(), count(), max(), min() or join()"
    )


def _constant(value: Value) -> Compiled:
    return lambda scope: value


# name -> (min args, max args or None)
_ARITY: dict[str, tuple[int, int | None]] = {
    "selected": (2, 2),
    "count-selected": (1, 1),
    "count": (1, 1),
    "sum": (1, 1),
    "max": (1, 1),
    "min": (1, 1),
    "max-sum-by": (2, 2),
    "join": (2, 2),
    "if": (3, 3),
    "coalesce": (2, None),
    "string-length": (1, 1),
    "regex": (2, 2),
    "contains": (2, 2),
    "starts-with": (2, 2),
    "concat": (1, None),
    "today": (0, 0),
    "now": (0, 0),
    "int": (1, 1),
    "round": (1, 2),
    "number": (1, 1),
    "string": (1, 1),
    "date": (1, 1),
    "decimal-date-time": (1, 1),
    "not": (1, 1),
    "boolean": (1, 1),
    "true": (0, 0),
    "false": (0, 0),
    "abs": (1, 1),
}
_AGGREGATES = frozenset({"count", "sum", "max", "min"})
FUNCTIONS = frozenset(_ARITY)


class _Compiler:
    def __init__(self, context: ExprContext) -> None:
        self.context = context
        self.problems: list[Problem] = []
        self.references: set[str] = set()

    def problem(self, message: str, node: Node) -> None:
        self.problems.append(Problem(message, node.pos))

    def visit(self, node: Node) -> tuple[StaticType, Compiled]:
        match node:
            case Literal(value=value):
                return (
                    StaticType.TEXT if isinstance(value, str) else StaticType.NUMBER,
                    _constant(value),
                )
            case Ref():
                return self.ref(node)
            case Current():
                current = self.context.current
                if current is None:
                    self.problem("'.' stands for the answer itself: only in a constraint", node)
                    return StaticType.ANY, _constant("")
                return current.type, lambda scope: scope.current()
            case Bare(name=name):
                attributes = self.context.choice_attributes
                if attributes is None:
                    self.problem(f"unknown name '{name}'; write ${{{name}}} for a question", node)
                elif name not in attributes and name != "name":
                    self.problem(f"unknown choice attribute '{name}'", node)
                return StaticType.ANY, lambda scope: scope.attribute(name)
            case Negate(operand=operand):
                kind, run = self.visit_scalar(operand)
                self.require_numeric(kind, operand)
                return StaticType.NUMBER, lambda scope: -to_number(run(scope))
            case Binary():
                return self.binary(node)
            case Call():
                return self.call(node)
        raise AssertionError(f"unknown node {node!r}")

    def visit_scalar(self, node: Node) -> tuple[StaticType, Compiled]:
        kind, run = self.visit(node)
        if kind in (StaticType.NODESET, StaticType.REPEAT):
            self.problem(_nodeset_message(node), node)
        return kind, run

    def ref(self, node: Ref) -> tuple[StaticType, Compiled]:
        symbol = self.context.symbols.get(node.name)
        if symbol is None:
            self.problem(f"unknown reference ${{{node.name}}}", node)
            return StaticType.ANY, _constant("")
        self.references.add(node.name)
        name = node.name
        if symbol.constant is not None:
            return symbol.type, _constant(symbol.constant)
        if symbol.type is StaticType.REPEAT:
            return StaticType.REPEAT, lambda scope: float(scope.row_count(name))
        if symbol.repeat is not None and symbol.repeat != self.context.repeat:
            return StaticType.NODESET, lambda scope: scope.nodeset(name)
        return symbol.type, lambda scope: scope.value(name)

    def require_numeric(self, kind: StaticType, node: Node) -> None:
        if isinstance(node, Literal) and isinstance(node.value, str):
            if math.isnan(to_number(node.value)):
                self.problem(f"'{node.value}' is text, not a number", node)
        elif kind is StaticType.MULTI:
            self.problem("a multiple-choice answer is not a number; use count-selected()", node)
        elif kind is StaticType.TEXT and isinstance(node, Ref | Current):
            symbol = self.symbol_of(node)
            if symbol is not None and symbol.choices is None:
                self.problem(f"${{{symbol.name}}} is text, not a number", node)

    def symbol_of(self, node: Node) -> Symbol | None:
        if isinstance(node, Ref):
            return self.context.symbols.get(node.name)
        if isinstance(node, Current):
            return self.context.current
        return None

    def check_choice(self, subject: Node, candidate: Node, *, trimmed: bool = False) -> None:
        """A literal compared with a select answer must be one of its choices."""
        symbol = self.symbol_of(subject)
        if symbol is None or symbol.choices is None or not isinstance(candidate, Literal):
            return
        name = to_string(candidate.value)
        name = name.strip() if trimmed else name
        if name not in symbol.choices:
            known = ", ".join(sorted(symbol.choices))
            self.problem(
                f"'{name}' is not a choice of ${{{symbol.name}}} (choices: {known})", candidate
            )

    def check_comparable(
        self, left: tuple[StaticType, Node], right: tuple[StaticType, Node]
    ) -> None:
        for (kind, _), (other_kind, other) in ((left, right), (right, left)):
            literal_text = (
                other.value if isinstance(other, Literal) and isinstance(other.value, str) else None
            )
            if kind is StaticType.NUMBER and literal_text and math.isnan(to_number(literal_text)):
                self.problem(f"compares a number with the text '{literal_text}'", other)
                return
            if kind is StaticType.NUMBER and other_kind is StaticType.TEXT:
                symbol = self.symbol_of(other)
                if symbol is not None and symbol.choices is None and symbol.constant is None:
                    self.problem(f"compares a number with the text ${{{symbol.name}}}", other)
                    return
            if (
                kind in TEMPORAL
                and literal_text
                and to_date(literal_text) is None
                and not _is_time(literal_text)
            ):
                self.problem(f"compares a {kind.value} with '{literal_text}'", other)
                return

    def check_date_literal(self, node: Node) -> None:
        """A quoted date that no day can match (``date('1983-09-31')``) is a mistake."""
        if not isinstance(node, Literal) or not isinstance(node.value, str):
            return
        if node.value.strip() and parse_date_time_text(node.value) is None:
            self.problem(
                f"'{node.value}' is never a valid date (write YYYY-MM-DD, a day that exists)",
                node,
            )

    def binary(self, node: Binary) -> tuple[StaticType, Compiled]:
        left_kind, left = self.visit_scalar(node.left)
        right_kind, right = self.visit_scalar(node.right)
        op = node.op
        if op == "and":
            return StaticType.BOOLEAN, lambda scope: to_bool(left(scope)) and to_bool(right(scope))
        if op == "or":
            return StaticType.BOOLEAN, lambda scope: to_bool(left(scope)) or to_bool(right(scope))
        if op in ("=", "!=", "<", "<=", ">", ">="):
            self.check_comparable((left_kind, node.left), (right_kind, node.right))
            if op in ("=", "!="):
                self.check_choice(node.left, node.right)
                self.check_choice(node.right, node.left)
            return StaticType.BOOLEAN, lambda scope: compare(op, left(scope), right(scope))
        self.require_numeric(left_kind, node.left)
        self.require_numeric(right_kind, node.right)
        return StaticType.NUMBER, lambda scope: arithmetic(op, left(scope), right(scope))

    def call(self, node: Call) -> tuple[StaticType, Compiled]:
        name, args = node.name, node.args
        if name not in _ARITY:
            self.problem(f"unknown function {name}()", node)
            return StaticType.ANY, _constant("")
        low, high = _ARITY[name]
        if len(args) < low or (high is not None and len(args) > high):
            if low == high:
                wanted = str(low)
            else:
                wanted = f"{low} or more" if high is None else f"{low} to {high}"
            self.problem(f"{name}() takes {wanted} argument(s), not {len(args)}", node)
            return StaticType.ANY, _constant("")
        if name in _AGGREGATES:
            return self.aggregate(node)
        if name == "max-sum-by":
            return self.max_sum_by(node)
        if name == "join":
            return self.join(node)
        if name == "regex":
            return self.regex(node)
        compiled = [self.visit_scalar(arg) for arg in args]
        runs = [run for _, run in compiled]
        if name == "selected":
            self.check_choice(args[0], args[1], trimmed=True)
            subject, choice = runs
            return StaticType.BOOLEAN, lambda scope: _selected(subject(scope), choice(scope))
        if name == "if":
            test, then, other = runs
            kinds = {compiled[1][0], compiled[2][0]}
            kind = kinds.pop() if len(kinds) == 1 else StaticType.ANY
            return kind, lambda scope: then(scope) if to_bool(test(scope)) else other(scope)
        if name == "coalesce":
            return compiled[0][0], lambda scope: _coalesce(runs, scope)
        if name in ("int", "round", "abs"):
            for kind, arg in zip((kind for kind, _ in compiled), args, strict=True):
                self.require_numeric(kind, arg)
        if name in ("date", "decimal-date-time"):
            self.check_date_literal(args[0])
        function, kind = _SIMPLE[name]
        if not runs:
            return kind, lambda scope: function(scope)
        if len(runs) == 1:
            (only,) = runs
            return kind, lambda scope: function(scope, only(scope))
        return kind, lambda scope: function(scope, *(run(scope) for run in runs))

    def aggregate(self, node: Call) -> tuple[StaticType, Compiled]:
        (arg,) = node.args
        kind, run = self.visit(arg)
        allowed = (
            (StaticType.NODESET, StaticType.REPEAT)
            if node.name == "count"
            else (StaticType.NODESET,)
        )
        if kind not in allowed:
            what = "a repeat or a question inside one" if node.name == "count" else "a question"
            self.problem(f"{node.name}() takes {what} inside a repeat", arg)
            return StaticType.NUMBER, _constant(NAN)
        if kind is StaticType.REPEAT:
            return StaticType.NUMBER, run
        reduce = _AGGREGATE_FUNCTIONS[node.name]
        return StaticType.NUMBER, lambda scope: reduce(_as_nodeset(run(scope)))

    def max_sum_by(self, node: Call) -> tuple[StaticType, Compiled]:
        """The largest total of the values per key: ``max-sum-by(${grams}, ${buyer})``.

        Both are questions of one repeat; rows without a key each count on their own.
        """
        (values_node, keys_node) = node.args
        values_kind, values = self.visit(values_node)
        keys_kind, keys = self.visit(keys_node)
        if values_kind is not StaticType.NODESET or keys_kind is not StaticType.NODESET:
            self.problem("max-sum-by() takes two questions inside one repeat", node)
            return StaticType.NUMBER, _constant(NAN)
        value_symbol, key_symbol = self.symbol_of(values_node), self.symbol_of(keys_node)
        if value_symbol is not None and key_symbol is not None:
            if value_symbol.repeat != key_symbol.repeat:
                self.problem("max-sum-by() takes two questions of the same repeat", node)
            self.require_numeric(value_symbol.type, values_node)
        return StaticType.NUMBER, lambda scope: _max_sum_by(
            _as_nodeset(values(scope)), _as_nodeset(keys(scope))
        )

    def join(self, node: Call) -> tuple[StaticType, Compiled]:
        _, separator = self.visit_scalar(node.args[0])
        kind, values = self.visit(node.args[1])
        if kind is not StaticType.NODESET:
            self.problem("join() takes a question inside a repeat as its second argument", node)
        return StaticType.TEXT, lambda scope: to_string(separator(scope)).join(
            to_string(value) for value in _as_nodeset(values(scope)) if not is_empty(value)
        )

    def regex(self, node: Call) -> tuple[StaticType, Compiled]:
        _, subject = self.visit_scalar(node.args[0])
        pattern_node = node.args[1]
        if isinstance(pattern_node, Literal) and isinstance(pattern_node.value, str):
            try:
                pattern = re.compile(pattern_node.value)
            except re.error as error:
                self.problem(f"regex() pattern is not valid: {error}", pattern_node)
                return StaticType.BOOLEAN, _constant(False)
            return (
                StaticType.BOOLEAN,
                # The whole value must match, as in Collect (Java's Pattern.matches).
                lambda scope: pattern.fullmatch(to_string(subject(scope))) is not None,
            )
        self.problem("regex() takes its pattern as a quoted text", pattern_node)
        return StaticType.BOOLEAN, _constant(False)


def _is_time(text: str) -> bool:
    return parse_time_text(text.strip()) is not None


def _as_nodeset(value: Value) -> NodeSet:
    return value if isinstance(value, NodeSet) else NodeSet((value,))


def _selected(answer: Value, choice: Value) -> bool:
    wanted = to_string(choice).strip()  # Collect trims the choice, not the answer
    if isinstance(answer, tuple):
        return wanted in answer
    return wanted in to_string(answer).split(" ")


def _coalesce(runs: list[Compiled], scope: Scope) -> Value:
    for run in runs:
        value = run(scope)
        if not is_empty(value):
            return value
    return ""


def _numbers(values: NodeSet) -> list[float]:
    numbers = (to_number(value) for value in values if not is_empty(value))
    return [number for number in numbers if not math.isnan(number)]


_AGGREGATE_FUNCTIONS: dict[str, Callable[[NodeSet], Value]] = {
    "count": lambda values: float(len(values)),
    "sum": lambda values: float(sum(_numbers(values))),
    "max": lambda values: max(_numbers(values), default=NAN),
    "min": lambda values: min(_numbers(values), default=NAN),
}


def _max_sum_by(values: NodeSet, keys: NodeSet) -> float:
    totals: dict[str, float] = {}
    for row, (value, key) in enumerate(zip(values, keys, strict=False)):
        number = to_number(value)
        if math.isnan(number):
            continue
        group = f"row {row}" if is_empty(key) else f"key {to_string(key)}"
        totals[group] = totals.get(group, 0.0) + number
    return max(totals.values(), default=NAN)


def _round(value: Value, digits: Value = 0.0) -> float:
    return xpath_round(to_number(value), to_number(digits))


def _int(value: Value) -> float:
    number = to_number(value)
    return number if math.isnan(number) or math.isinf(number) else float(math.trunc(number))


def _date(value: Value) -> Value:
    result = to_date(value)
    return "" if result is None else result


def _decimal_date_time(value: Value) -> Value:
    if isinstance(value, datetime):
        return decimal_date_time(value)
    if isinstance(value, str):
        if not value:
            return ""  # as Collect: an empty answer stays empty
        parsed = parse_date_time_text(value)
        return NAN if parsed is None else to_number(parsed)
    return to_number(value)


def _string_length(value: Value) -> float:
    return float(len(to_string(value)))


def _count_selected(value: Value) -> float:
    if isinstance(value, tuple):
        return float(len(value))
    return float(len(to_string(value).split()))


def _contains(text: Value, part: Value) -> bool:
    return to_string(part) in to_string(text)


def _starts_with(text: Value, part: Value) -> bool:
    return to_string(text).startswith(to_string(part))


def _concat(*values: Value) -> str:
    return "".join(to_string(value) for value in values)


def _today(scope: Scope) -> date:
    return scope.now().date()


# Functions that evaluate all their arguments: name -> (implementation, result type).
# The implementation takes the scope first so today()/now() can read the session's clock.
_SIMPLE: dict[str, tuple[Callable[..., Value], StaticType]] = {
    "count-selected": (lambda s, v: _count_selected(v), StaticType.NUMBER),
    "string-length": (lambda s, v: _string_length(v), StaticType.NUMBER),
    "contains": (lambda s, a, b: _contains(a, b), StaticType.BOOLEAN),
    "starts-with": (lambda s, a, b: _starts_with(a, b), StaticType.BOOLEAN),
    "concat": (lambda s, *v: _concat(*v), StaticType.TEXT),
    "today": (_today, StaticType.DATE),
    "now": (lambda s: s.now(), StaticType.DATETIME),
    "int": (lambda s, v: _int(v), StaticType.NUMBER),
    "round": (lambda s, *v: _round(*v), StaticType.NUMBER),
    "number": (lambda s, v: to_number(v), StaticType.NUMBER),
    "abs": (lambda s, v: abs(to_number(v)), StaticType.NUMBER),
    "string": (lambda s, v: to_string(v), StaticType.TEXT),
    "date": (lambda s, v: _date(v), StaticType.DATE),
    "decimal-date-time": (lambda s, v: _decimal_date_time(v), StaticType.NUMBER),
    "not": (lambda s, v: not to_bool(v), StaticType.BOOLEAN),
    "boolean": (lambda s, v: to_bool(v), StaticType.BOOLEAN),
    "true": (lambda s: True, StaticType.BOOLEAN),
    "false": (lambda s: False, StaticType.BOOLEAN),
}
