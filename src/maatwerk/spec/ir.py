"""The immutable expression tree (IR) that every formula compiles to.

A formula's text is parsed once into these nodes; the type checker, the dependency graph, the trace,
the explanation and every execution backend read the same tree. Nodes are frozen and hashable;
``span`` is the (start, end) character range of the node in its formula, used to point at errors.
``render`` prints a node back as formula text (what ``explain`` and the trace show).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

Span = tuple[int, int]
LitValue = int | Decimal | bool | str | dt.date


@dataclass(frozen=True, slots=True)
class Lit:
    """A literal: ``18``, ``1.5``, ``13.7%`` (kind percent, value 0.137), ``€24`` (kind money),
    ``'a'``, ``true``, ``2025-01-01``."""

    value: LitValue
    kind: str  # integer | decimal | percent | money | bool | text | date
    span: Span = field(default=(0, 0), compare=False)


@dataclass(frozen=True, slots=True)
class Name:
    """A reference to an input, parameter, rule, table or the built-in ``peildatum``."""

    name: str
    span: Span = field(default=(0, 0), compare=False)


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "-" | "not" | "%" (percent: divided by 100)
    arg: Node
    span: Span = field(default=(0, 0), compare=False)


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # + - * / and or == != < <= > >=
    left: Node
    right: Node
    span: Span = field(default=(0, 0), compare=False)


@dataclass(frozen=True, slots=True)
class If:
    test: Node
    then: Node
    other: Node
    span: Span = field(default=(0, 0), compare=False)


@dataclass(frozen=True, slots=True)
class Call:
    func: str
    args: tuple[Node, ...]
    span: Span = field(default=(0, 0), compare=False)


@dataclass(frozen=True, slots=True)
class Index:
    """A keyed parameter look-up: ``vermogensgrens['partner']``."""

    base: Name
    key: Node
    span: Span = field(default=(0, 0), compare=False)


@dataclass(frozen=True, slots=True)
class Member:
    """Membership: ``x in [a, b]`` or ``x not in [a, b]``."""

    item: Node
    options: tuple[Node, ...]
    negated: bool
    span: Span = field(default=(0, 0), compare=False)


Node = Lit | Name | Unary | Binary | If | Call | Index | Member

ARITHMETIC = ("+", "-", "*", "/")
COMPARISON = ("==", "!=", "<", "<=", ">", ">=")
LOGIC = ("and", "or")
_PRECEDENCE = {"or": 1, "and": 2, "not": 3, "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4,
               "in": 4, "+": 5, "-": 5, "*": 6, "/": 6, "neg": 7}


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of a node."""
    if isinstance(node, Unary):
        return (node.arg,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, If):
        return (node.test, node.then, node.other)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Index):
        return (node.base, node.key)
    if isinstance(node, Member):
        return (node.item, *node.options)
    return ()


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, parents before children."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def names(node: Node) -> set[str]:
    """The names a formula refers to directly."""
    return {n.name for n in walk(node) if isinstance(n, Name)}


def render_literal(value: LitValue, kind: str) -> str:
    if kind == "bool":
        return "true" if value else "false"
    if kind == "text":
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"
    if kind == "money":
        assert isinstance(value, (int, Decimal))
        return f"-€{-value}" if value < 0 else f"€{value}"
    if kind == "date":
        return str(value)
    if kind == "percent" and isinstance(value, Decimal):
        return format((value * 100).normalize(), "f") + "%"
    return str(value)


def render(node: Node, parent: int = 0) -> str:
    """Formula text for a node; parenthesised only where precedence needs it."""
    if isinstance(node, Lit):
        text = render_literal(node.value, node.kind)
        return f"({text})" if text.startswith("-") and parent > 7 else text
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Unary):
        if node.op == "not":
            return _wrap(f"not {render(node.arg, 3)}", 3, parent)
        if node.op == "%":
            return f"{render(node.arg, 8)}%"
        return _wrap(f"-{render(node.arg, 7)}", 7, parent)
    if isinstance(node, Binary):
        prec = _PRECEDENCE[node.op]
        left_prec = prec + 1 if prec == 4 else prec  # comparisons do not chain
        right_prec = prec + 1  # the tree is left-associative; a right operand keeps brackets
        text = f"{render(node.left, left_prec)} {node.op} {render(node.right, right_prec)}"
        return _wrap(text, prec, parent)
    if isinstance(node, If):
        text = f"if {render(node.test)} then {render(node.then)} else {render(node.other)}"
        return _wrap(text, 0, parent) if parent else text
    if isinstance(node, Call):
        return f"{node.func}({', '.join(render(a) for a in node.args)})"
    if isinstance(node, Index):
        return f"{node.base.name}[{render(node.key)}]"
    options = ", ".join(render(o) for o in node.options)
    op = "not in" if node.negated else "in"
    return _wrap(f"{render(node.item, 5)} {op} [{options}]", 4, parent)


def _wrap(text: str, prec: int, parent: int) -> str:
    return f"({text})" if prec < parent or (prec == 0 and parent) else text
