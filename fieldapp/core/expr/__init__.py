"""The XLSForm expression subset: parse once, check against a form, compile to closures."""

from fieldapp.core.errors import ExprSyntaxError
from fieldapp.core.expr.ast import Node, to_text
from fieldapp.core.expr.compiler import (
    FUNCTIONS,
    CompiledExpression,
    ExprContext,
    Problem,
    Scope,
    StaticType,
    Symbol,
    compile_expression,
)
from fieldapp.core.expr.parser import parse
from fieldapp.core.expr.values import NodeSet, Value

__all__ = [
    "FUNCTIONS",
    "CompiledExpression",
    "ExprContext",
    "ExprSyntaxError",
    "Node",
    "NodeSet",
    "Problem",
    "Scope",
    "StaticType",
    "Symbol",
    "Value",
    "compile_expression",
    "parse",
    "to_text",
]
