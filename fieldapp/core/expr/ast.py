"""Syntax tree of the XLSForm expression subset, and printing it back to text.

Positions (`pos`, an offset into the source text) are kept for error messages and do not
take part in equality, so `parse(print(tree)) == tree` is a meaningful round trip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Literal:
    value: str | float
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Ref:
    """``${name}``: an answer, a calculation or a parameter."""

    name: str
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Current:
    """``.``: the answer being checked by a constraint."""

    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Bare:
    """A bare name: a choice attribute inside a ``choice_filter``."""

    name: str
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Negate:
    operand: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Node, ...]
    pos: int = field(default=0, compare=False)


Node = Literal | Ref | Current | Bare | Negate | Binary | Call

#: Binary operators by precedence level, loosest first (XPath 1.0 order).
PRECEDENCE: dict[str, int] = {
    "or": 1,
    "and": 2,
    "=": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "div": 6,
    "mod": 6,
}
UNARY_PRECEDENCE = 7


def to_text(node: Node) -> str:
    """Print a tree as expression text with only the parentheses it needs."""
    return _print(node, 0)


def _print(node: Node, context: int) -> str:
    match node:
        case Literal(value=str() as text):
            quote = "'" if "'" not in text else '"'
            return f"{quote}{text}{quote}"
        case Literal(value=float() as number):
            return _number_text(number)
        case Ref(name=name):
            return "${" + name + "}"
        case Current():
            return "."
        case Bare(name=name):
            return name
        case Negate(operand=operand):
            return "-" + _print(operand, UNARY_PRECEDENCE)
        case Binary(op=op, left=left, right=right):
            level = PRECEDENCE[op]
            # Left-associative: the right operand needs parentheses at the same level.
            text = f"{_print(left, level)} {op} {_print(right, level + 1)}"
            return f"({text})" if level < context else text
        case Call(name=name, args=args):
            return f"{name}({', '.join(_print(arg, 0) for arg in args)})"
    raise AssertionError(f"unknown node {node!r}")


def _number_text(number: float) -> str:
    if math.isfinite(number) and number == int(number):
        return str(int(number))
    text = repr(number)
    # The expression language has no exponent notation.
    return format(Decimal(text), "f") if "e" in text else text


def walk(node: Node) -> list[Node]:
    """Every node of a tree, parents before children."""
    found: list[Node] = [node]
    match node:
        case Negate(operand=operand):
            found.extend(walk(operand))
        case Binary(left=left, right=right):
            found.extend(walk(left))
            found.extend(walk(right))
        case Call(args=args):
            for arg in args:
                found.extend(walk(arg))
        case _:
            pass
    return found


def references(node: Node) -> set[str]:
    """Names of every ``${…}`` in a tree."""
    return {sub.name for sub in walk(node) if isinstance(sub, Ref)}
