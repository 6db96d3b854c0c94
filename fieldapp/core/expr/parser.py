"""Tokenizer and recursive-descent parser for the XLSForm expression subset.

Form text is parsed into a tree once, when a form loads; nothing here evaluates anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fieldapp.core.errors import ExprSyntaxError
from fieldapp.core.expr.ast import (
    PRECEDENCE,
    Bare,
    Binary,
    Call,
    Current,
    Literal,
    Negate,
    Node,
    Ref,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # num, str, ref, name, op, dot, end
    text: str
    pos: int


_TOKEN_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<num>\d+(?:\.\d*)?|\.\d+)
  | (?P<str>'[^']*'|"[^"]*")
  | (?P<ref>\$\{\s*(?P<refname>[A-Za-z_][A-Za-z0-9_]*)\s*\})
  | (?P<name>[A-Za-z_](?:[A-Za-z0-9_]|-(?=[A-Za-z_]))*)
  | (?P<op>!=|<=|>=|[=<>+\-*(),])
  | (?P<dot>\.)
    """,
    re.VERBOSE,
)

_WORD_OPERATORS = frozenset({"and", "or", "div", "mod"})


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            char = text[pos]
            if char in "'\"":
                raise ExprSyntaxError(f"text starting with {char} is never closed", pos)
            if text.startswith("${", pos):
                raise ExprSyntaxError("'${' must be followed by a name and '}'", pos)
            raise ExprSyntaxError(f"unexpected character {char!r}", pos)
        kind = match.lastgroup
        assert kind is not None
        if kind == "refname":  # the inner group of ref can be lastgroup
            kind = "ref"
        if kind == "ref":
            tokens.append(Token("ref", match["refname"], pos))
        elif kind == "name" and match["name"] in _WORD_OPERATORS:
            tokens.append(Token("op", match["name"], pos))
        elif kind != "space":
            tokens.append(Token(kind, match.group(kind), pos))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, text: str) -> Token:
        if self.token.kind == "op" and self.token.text == text:
            return self.advance()
        raise ExprSyntaxError(f"expected '{text}' but found {describe(self.token)}", self.token.pos)

    def parse(self) -> Node:
        if self.token.kind == "end":
            raise ExprSyntaxError("the expression is empty", 0)
        node = self.binary(1)
        if self.token.kind != "end":
            raise ExprSyntaxError(f"unexpected {describe(self.token)}", self.token.pos)
        return node

    def binary(self, level: int) -> Node:
        if level > max(PRECEDENCE.values()):
            return self.unary()
        node = self.binary(level + 1)
        while self.token.kind == "op" and PRECEDENCE.get(self.token.text) == level:
            op = self.advance()
            right = self.binary(level + 1)
            node = Binary(op.text, node, right, op.pos)
        return node

    def unary(self) -> Node:
        if self.token.kind == "op" and self.token.text == "-":
            op = self.advance()
            return Negate(self.unary(), op.pos)
        return self.primary()

    def primary(self) -> Node:
        token = self.token
        if token.kind == "num":
            self.advance()
            return Literal(float(token.text), token.pos)
        if token.kind == "str":
            self.advance()
            return Literal(token.text[1:-1], token.pos)
        if token.kind == "ref":
            self.advance()
            return Ref(token.text, token.pos)
        if token.kind == "dot":
            self.advance()
            return Current(token.pos)
        if token.kind == "op" and token.text == "(":
            self.advance()
            node = self.binary(1)
            self.expect(")")
            return node
        if token.kind == "name":
            self.advance()
            if self.token.kind == "op" and self.token.text == "(":
                return self.call(token)
            return Bare(token.text, token.pos)
        if token.kind == "end":
            raise ExprSyntaxError("the expression ends too early", token.pos)
        raise ExprSyntaxError(f"unexpected {describe(token)}", token.pos)

    def call(self, name: Token) -> Node:
        self.expect("(")
        args: list[Node] = []
        if not (self.token.kind == "op" and self.token.text == ")"):
            args.append(self.binary(1))
            while self.token.kind == "op" and self.token.text == ",":
                self.advance()
                args.append(self.binary(1))
        if not (self.token.kind == "op" and self.token.text == ")"):
            raise ExprSyntaxError(
                f"expected ',' or ')' in {name.text}() but found {describe(self.token)}",
                self.token.pos,
            )
        self.advance()
        return Call(name.text, tuple(args), name.pos)


def describe(token: Token) -> str:
    if token.kind == "end":
        return "the end of the expression"
    if token.kind == "ref":
        return "${" + token.text + "}"
    return f"'{token.text}'"


def parse(text: str) -> Node:
    """Parse expression text; raises `ExprSyntaxError` with the offset of the problem."""
    return _Parser(text).parse()
