from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from maatwerk.spec import ir
from maatwerk.spec.formula import FormulaError, parse


def test_percent_money_and_date_literals() -> None:
    assert parse("13.7%") == ir.Lit(Decimal("0.137"), "percent")
    assert parse("€2_112.50") == ir.Lit(Decimal("2112.50"), "money")
    assert parse("2025-01-01") == ir.Lit(dt.date(2025, 1, 1), "date")
    assert parse("-5") == ir.Lit(-5, "integer")


def test_precedence_and_associativity() -> None:
    assert ir.render(parse("a - b - c")) == "a - b - c"
    assert ir.render(parse("a - (b - c)")) == "a - (b - c)"
    assert ir.render(parse("a + b * c")) == "a + b * c"
    assert ir.render(parse("(a + b) * c")) == "(a + b) * c"
    assert ir.render(parse("not a and b or c")) == "not a and b or c"
    tree = parse("a or b and c")
    assert isinstance(tree, ir.Binary) and tree.op == "or"


def test_conditional_membership_index_and_calls() -> None:
    tree = parse("if x in ['a', 'b'] then p['k'] else max(1, 2, 3)")
    assert isinstance(tree, ir.If)
    assert isinstance(tree.test, ir.Member) and not tree.test.negated
    assert isinstance(tree.then, ir.Index)
    assert isinstance(tree.other, ir.Call) and len(tree.other.args) == 3
    assert parse("x not in [1]") == ir.Member(ir.Name("x"), (ir.Lit(1, "integer"),), True)


def test_postfix_percent_of_an_expression() -> None:
    assert ir.render(parse("((40 + 30 * a) / a)% * n")) == "((40 + 30 * a) / a)% * n"


def test_keywords_are_not_names_but_prefixes_are() -> None:
    assert parse("iffy + andy") == ir.Binary("+", ir.Name("iffy"), ir.Name("andy"))


@pytest.mark.parametrize(("text", "offset", "message"), [
    ("a = b", 2, "unexpected character '='; compare with '=='"),
    ("max(1,", 6, "the formula ends too early; expected a value"),
    ("a b", 2, "unexpected 'b'; expected an operator or the end of the formula"),
    ("if a then b", 11, "the formula ends too early; expected 'else'"),
    ("a && b", 2, "unexpected character '&'; use 'and', 'or' and 'not'"),
])
def test_syntax_errors(text: str, offset: int, message: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse(text)
    assert info.value.code == "MW301"
    assert info.value.offset == offset
    assert info.value.message.startswith(message)


def test_limits() -> None:
    with pytest.raises(FormulaError) as big:
        parse("1234567890123456")
    assert big.value.code == "MW305"
    with pytest.raises(FormulaError) as precise:
        parse("0.1234567890123")
    assert precise.value.code == "MW305"
    with pytest.raises(FormulaError) as deep:
        parse("(" * 40 + "1" + ")" * 40)
    assert deep.value.code == "MW306"
    with pytest.raises(FormulaError) as chain:
        parse("-" * 100 + "x")
    assert chain.value.code == "MW306"
    with pytest.raises(FormulaError) as long:
        parse("a + " * 2000 + "a")
    assert long.value.code == "MW306"


def test_invalid_calendar_date() -> None:
    with pytest.raises(FormulaError) as info:
        parse("2025-02-30")
    assert info.value.code == "MW203"
