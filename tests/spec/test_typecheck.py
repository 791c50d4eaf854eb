from __future__ import annotations

import pytest

from maatwerk.spec.formula import parse
from maatwerk.spec.typecheck import Checker, Fault, Symbol
from maatwerk.spec.types import BOOL, DATE, DECIMAL, INTEGER, MONEY, TEXT, Type

LEEFSITUATIE = Type("enum", ("alleenstaand", "gehuwd"), "leefsituatie")
SCOPE = {
    "inkomen": Symbol("input", MONEY),
    "leeftijd": Symbol("input", INTEGER),
    "factor": Symbol("parameter", DECIMAL),
    "partner": Symbol("input", BOOL),
    "geboren": Symbol("input", DATE),
    "naam": Symbol("input", TEXT),
    "leefsituatie": Symbol("input", LEEFSITUATIE),
    "grens": Symbol("parameter", MONEY, ("alleenstaand", "gehuwd")),
}


def infer(text: str) -> str:
    return str(Checker(SCOPE).infer(parse(text)).type)


def fault(text: str) -> Fault:
    with pytest.raises(Fault) as info:
        Checker(SCOPE).infer(parse(text))
    return info.value


@pytest.mark.parametrize(("text", "expected"), [
    ("max(0, inkomen - €100)", "money"),
    ("13.7% * inkomen", "money"),
    ("inkomen / 12", "money"),
    ("inkomen / inkomen", "decimal"),
    ("leeftijd * 2", "integer"),
    ("leeftijd / 2", "decimal"),
    ("factor * leeftijd", "decimal"),
    ("round_euro(inkomen * factor)", "money"),
    ("completed_years(geboren, peildatum) >= 18", "bool"),
    ("if partner then inkomen else 0", "money"),
    ("grens[leefsituatie]", "money"),
    ("leefsituatie == 'gehuwd'", "bool"),
    ("leefsituatie in ['gehuwd', 'alleenstaand']", "bool"),
    ("add_months(geboren, 6)", "date"),
    ("(leeftijd)%", "decimal"),
])
def test_types(text: str, expected: str) -> None:
    assert infer(text) == expected


@pytest.mark.parametrize(("text", "code", "message"), [
    ("inkomen + leeftijd", "MW304", "cannot add money and integer"),
    ("inkomen * inkomen", "MW304", "cannot multiply two amounts"),
    ("leeftijd / inkomen", "MW304", "cannot divide integer by money"),
    ("if leeftijd then 1 else 2", "MW304", "the condition of 'if' must be true or false"),
    ("if partner then inkomen else 'x'", "MW304", "the branches of 'if' have different types"),
    ("geboren - peildatum", "MW304", "dates cannot be subtracted; use days_between()"),
    ("naam < 'b'", "MW304", "cannot order text and text"),
    ("leefsituatie == 'gehuwde'", "MW307", "'gehuwde' is not a value of leefsituatie; expected "
     "one of: alleenstaand, gehuwd; did you mean 'gehuwd'?"),
    ("grens['samen']", "MW307", "'samen' is not a key of grens"),
    ("grens", "MW304", "'grens' is a keyed parameter"),
    ("inkomn * 2", "MW302", "unknown name 'inkomn'; did you mean 'inkomen'?"),
    ("maxx(1, 2)", "MW303", "unknown function 'maxx'; did you mean 'max'?"),
    ("max(1)", "MW303", "max() takes at least 2 argument(s)"),
    ("round(inkomen, leeftijd)", "MW304", "round() takes the number of decimal places as a "
     "literal whole number"),
    ("inkomen%", "MW304", "only a number can be a percentage, not money"),
    ("not leeftijd", "MW304", "the operand of 'not' must be true or false"),
    ("max", "MW302", "'max' is a function"),
])
def test_type_errors(text: str, code: str, message: str) -> None:
    found = fault(text)
    assert found.code == code
    assert found.message.startswith(message), found.message


def test_fault_points_at_the_offending_node() -> None:
    found = fault("1 + (leeftijd + inkomen)")
    assert found.span[0] == 5
