"""Parsing formula text into the IR (``maatwerk.spec.ir``).

The grammar lives in ``formula.lark`` (an LALR grammar, so parsing is linear and never recursive).
Errors are ``FormulaError``: a code, a message, the character offset in the formula and what was
found there; the regulation builder turns them into positioned ``SpecError``\\ s.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from maatwerk.spec import ir

MAX_LENGTH = 4000
MAX_DEPTH = 60
MAX_INTEGER_DIGITS = 15
MAX_FRACTION_DIGITS = 12
KEYWORDS = frozenset({"if", "then", "else", "and", "or", "not", "in", "true", "false"})


class FormulaError(Exception):
    """A problem in one formula, located by character offset."""

    def __init__(self, code: str, message: str, offset: int, got: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.offset = offset
        self.got = got


def check_number(text: str, offset: int) -> Decimal:
    """The exact value of a numeric literal, refused when too large or too precise."""
    digits = text.replace("_", "")
    whole, _, frac = digits.partition(".")
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise FormulaError("MW305", f"a number may have at most {MAX_INTEGER_DIGITS} digits "
                           "before the decimal point", offset, text)
    if len(frac) > MAX_FRACTION_DIGITS:
        raise FormulaError("MW305", f"a number may have at most {MAX_FRACTION_DIGITS} decimals",
                           offset, text)
    return Decimal(digits)


def _span(*parts: Any) -> ir.Span:
    spans: list[tuple[int, int]] = [
        p.span if not isinstance(p, Token) else (p.start_pos or 0, p.end_pos or 0)
        for p in parts if p is not None]
    return (min(s[0] for s in spans), max(s[1] for s in spans))


class _ToIR(Transformer[Token, ir.Node]):
    """Builds IR nodes while the LALR parser reduces (no recursion over the tree)."""

    def if_(self, c: list[Any]) -> ir.Node:
        return ir.If(c[0], c[1], c[2], _span(*c))

    def or_(self, c: list[Any]) -> ir.Node:
        return ir.Binary("or", c[0], c[1], _span(*c))

    def and_(self, c: list[Any]) -> ir.Node:
        return ir.Binary("and", c[0], c[1], _span(*c))

    def not_(self, c: list[Any]) -> ir.Node:
        return ir.Unary("not", c[0], _span(*c))

    def compare(self, c: list[Any]) -> ir.Node:
        return ir.Binary(str(c[1]), c[0], c[2], _span(*c))

    def arith(self, c: list[Any]) -> ir.Node:
        return ir.Binary(str(c[1]), c[0], c[2], _span(*c))

    def neg(self, c: list[Any]) -> ir.Node:
        arg = c[1]
        if isinstance(arg, ir.Lit) and arg.kind in ("integer", "decimal", "percent", "money"):
            assert isinstance(arg.value, (int, Decimal))
            return ir.Lit(-arg.value, arg.kind, _span(*c))
        return ir.Unary("-", arg, _span(*c))

    def pct(self, c: list[Any]) -> ir.Node:
        arg = c[0]
        if isinstance(arg, ir.Lit) and arg.kind in ("integer", "decimal"):
            assert isinstance(arg.value, (int, Decimal))
            return ir.Lit(Decimal(arg.value) / 100, "percent", _span(*c))
        return ir.Unary("%", arg, _span(*c))

    def in_(self, c: list[Any]) -> ir.Node:
        return ir.Member(c[0], tuple(c[1]), False, _span(c[0]))

    def not_in(self, c: list[Any]) -> ir.Node:
        return ir.Member(c[0], tuple(c[1]), True, _span(c[0]))

    def items(self, c: list[Any]) -> list[ir.Node]:
        return [x for x in c if x is not None]

    def index(self, c: list[Any]) -> ir.Node:
        return ir.Index(ir.Name(str(c[0]), _span(c[0])), c[1], _span(*c))

    def call(self, c: list[Any]) -> ir.Node:
        args = tuple(x for x in c[1:] if x is not None)
        return ir.Call(str(c[0]), args, _span(*c))

    def name(self, c: list[Any]) -> ir.Node:
        return ir.Name(str(c[0]), _span(c[0]))

    def number(self, c: list[Any]) -> ir.Node:
        tok = c[0]
        value = check_number(str(tok), tok.start_pos)
        if "." in str(tok):
            return ir.Lit(value, "decimal", _span(tok))
        return ir.Lit(int(value), "integer", _span(tok))

    def percent(self, c: list[Any]) -> ir.Node:
        tok = c[0]
        value = check_number(str(tok)[:-1], tok.start_pos)
        return ir.Lit(value / 100, "percent", _span(tok))

    def money(self, c: list[Any]) -> ir.Node:
        tok = c[0]
        value = check_number(str(tok)[1:].strip(), tok.start_pos)
        return ir.Lit(value, "money", _span(tok))

    def date(self, c: list[Any]) -> ir.Node:
        tok = c[0]
        try:
            value = dt.date.fromisoformat(str(tok))
        except ValueError:
            raise FormulaError("MW203", "not a valid calendar date", tok.start_pos,
                               str(tok)) from None
        return ir.Lit(value, "date", _span(tok))

    def string(self, c: list[Any]) -> ir.Node:
        tok = c[0]
        raw = str(tok)[1:-1]
        out, i = [], 0
        while i < len(raw):
            if raw[i] == "\\" and i + 1 < len(raw):
                i += 1
            out.append(raw[i])
            i += 1
        return ir.Lit("".join(out), "text", _span(tok))

    def true(self, c: list[Any]) -> ir.Node:
        return ir.Lit(True, "bool", _span(c[0]))

    def false(self, c: list[Any]) -> ir.Node:
        return ir.Lit(False, "bool", _span(c[0]))


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = resources.files("maatwerk.spec").joinpath("formula.lark").read_text("utf-8")
    return Lark(grammar, parser="lalr", transformer=_ToIR(), maybe_placeholders=False)


_FRIENDLY = {
    "CMP": "a comparison", "PLUS": "'+'", "MINUS": "'-'", "STAR": "'*'", "PCT": "'%'",
    "SLASH": "'/'",
    "NAME": "a name", "NUMBER": "a number", "PERCENT": "a percentage", "MONEY": "an amount",
    "DATE": "a date", "STRING": "a text", "TRUE": "true", "FALSE": "false", "LPAR": "'('",
    "RPAR": "')'", "LSQB": "'['", "RSQB": "']'", "COMMA": "','", "IF": "'if'", "THEN": "'then'",
    "ELSE": "'else'", "AND": "'and'", "OR": "'or'", "NOT": "'not'", "IN": "'in'",
    "$END": "the end of the formula",
}


_OPERATORS = {"'+'", "'-'", "'%'", "'*'", "'/'", "a comparison", "'and'", "'or'", "'in'",
              "'not'", "'['", "'('"}


def _expected(names: set[str]) -> str:
    friendly = sorted({_FRIENDLY.get(n, n.lower()) for n in names})
    if {"a name", "a number", "'('"} <= set(friendly):
        return "a value (a name, number, amount, text, '(' or 'if')"
    if {"'+'", "'*'"} <= set(friendly):
        rest = [f for f in friendly if f not in _OPERATORS]
        return " or ".join(["an operator", *rest])
    if len(friendly) > 6:
        friendly = [*friendly[:6], "..."]
    return " or ".join(friendly)


def _syntax_error(text: str, exc: UnexpectedInput) -> FormulaError:
    offset = getattr(exc, "pos_in_stream", None) or 0
    if isinstance(exc, UnexpectedCharacters):
        ch = text[offset] if offset < len(text) else ""
        hint = ""
        if ch == "=":
            hint = "; compare with '=='"
        elif ch in "&|!":
            hint = "; use 'and', 'or' and 'not'"
        return FormulaError("MW301", f"unexpected character {ch!r}{hint}", offset, ch)
    if isinstance(exc, UnexpectedEOF):
        return FormulaError("MW301", f"the formula ends too early; expected "
                            f"{_expected(set(exc.expected))}", len(text.rstrip()), "end")
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        expected = _expected(set(exc.accepts or exc.expected))
        if tok.type == "$END":
            return FormulaError("MW301", f"the formula ends too early; expected {expected}",
                                len(text.rstrip()), "end")
        return FormulaError("MW301", f"unexpected {str(tok)!r}; expected {expected}",
                            tok.start_pos or 0, str(tok))
    return FormulaError("MW301", "syntax error", offset)  # pragma: no cover


def depth(node: ir.Node) -> int:
    """The nesting depth of a tree, computed without recursion."""
    deepest = 0
    stack = [(node, 1)]
    while stack:
        current, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((child, d + 1) for child in ir.children(current))
    return deepest


def parse(text: str) -> ir.Node:
    """Parse one formula into its IR; raises ``FormulaError``."""
    bare = text.strip()
    if bare and bare.replace("_", "").replace(".", "", 1).isdigit():
        check_number(bare, text.index(bare[0]))  # a lone number: refuse it as a number
    if len(text) > MAX_LENGTH:
        raise FormulaError("MW306", f"a formula may be at most {MAX_LENGTH} characters long", 0,
                           f"{len(text)} characters")
    if not text.strip():
        raise FormulaError("MW301", "the formula is empty", 0)
    _check_brackets(text)
    try:
        tree: ir.Node = _parser().parse(text)  # type: ignore[assignment]
    except UnexpectedInput as exc:
        raise _syntax_error(text, exc) from None
    except FormulaError:
        raise
    if depth(tree) > MAX_DEPTH:
        raise FormulaError("MW306", f"the formula has more than {MAX_DEPTH} levels of "
                           "operations; split it into named rules", 0)
    return tree


def _check_brackets(text: str) -> None:
    """Refuse runaway nesting before the parser sees it."""
    level = 0
    for i, ch in enumerate(text):
        if ch in "([":
            level += 1
            if level > MAX_DEPTH // 2:
                raise FormulaError("MW306", f"brackets are nested deeper than {MAX_DEPTH // 2} "
                                   "levels; split the formula into named rules", i)
        elif ch in ")]":
            level -= 1
