"""Parsing is stable: printing a tree and parsing it again gives the same tree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from maatwerk.spec import ir
from maatwerk.spec.formula import parse

names = st.sampled_from(["a", "b", "inkomen", "x_1", "peildatum"]).map(ir.Name)
literals = st.one_of(
    st.integers(0, 10**6).map(lambda v: ir.Lit(v, "integer")),
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False).map(
        lambda v: ir.Lit(v, "decimal") if v != v.to_integral_value() else ir.Lit(
            int(v), "integer")),
    st.decimals(min_value=0, max_value=100, places=3, allow_nan=False).map(
        lambda v: ir.Lit(v / 100, "percent")),
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False).map(
        lambda v: ir.Lit(v, "money")),
    st.booleans().map(lambda v: ir.Lit(v, "bool")),
    st.text(alphabet="abc 'é\\", max_size=5).map(lambda v: ir.Lit(v, "text")),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(lambda v: ir.Lit(v, "date")),
)


def _extend(children: st.SearchStrategy[ir.Node]) -> st.SearchStrategy[ir.Node]:
    return st.one_of(
        st.builds(ir.Unary, st.sampled_from(["-", "not", "%"]), children),
        st.builds(ir.Binary, st.sampled_from(["+", "-", "*", "/", "and", "or", "==", "!=", "<",
                                              "<=", ">", ">="]), children, children),
        st.builds(ir.If, children, children, children),
        st.builds(ir.Call, st.sampled_from(["max", "min", "round"]),
                  st.lists(children, min_size=1, max_size=3).map(tuple)),
        st.builds(ir.Index, names, children),
        st.builds(ir.Member, children, st.lists(children, min_size=1, max_size=3).map(tuple),
                  st.booleans()),
    )


trees = st.recursive(st.one_of(names, literals), _extend, max_leaves=12)


_NUMERIC = ("integer", "decimal", "percent", "money")


def canonical(node: ir.Node) -> ir.Node:
    """The tree as the parser builds it: ``-5`` and ``5%`` of a literal are literals."""
    if isinstance(node, ir.Unary):
        arg = canonical(node.arg)
        if isinstance(arg, ir.Lit) and isinstance(arg.value, (int, Decimal)) and not isinstance(
                arg.value, bool):
            if node.op == "-" and arg.kind in _NUMERIC:
                return ir.Lit(-arg.value, arg.kind)
            if node.op == "%" and arg.kind in ("integer", "decimal"):
                return ir.Lit(Decimal(arg.value) / 100, "percent")
        return ir.Unary(node.op, arg)
    if isinstance(node, ir.Binary):
        return ir.Binary(node.op, canonical(node.left), canonical(node.right))
    if isinstance(node, ir.If):
        return ir.If(canonical(node.test), canonical(node.then), canonical(node.other))
    if isinstance(node, ir.Call):
        return ir.Call(node.func, tuple(canonical(a) for a in node.args))
    if isinstance(node, ir.Index):
        return ir.Index(node.base, canonical(node.key))
    if isinstance(node, ir.Member):
        return ir.Member(canonical(node.item), tuple(canonical(o) for o in node.options),
                         node.negated)
    return node


@settings(max_examples=300, deadline=None)
@given(trees)
def test_render_then_parse_gives_the_same_tree(tree: ir.Node) -> None:
    reparsed = parse(ir.render(tree))
    assert reparsed == canonical(tree)
    assert parse(ir.render(reparsed)) == reparsed


def test_render_keeps_needed_brackets() -> None:
    tree = ir.Binary("*", ir.Binary("+", ir.Name("a"), ir.Name("b")), ir.Name("c"))
    assert ir.render(tree) == "(a + b) * c"
    assert parse(ir.render(tree)) == tree
    assert ir.render(ir.Lit(Decimal("0.137"), "percent")) == "13.7%"
