"""The dependency graph of a regulation: cycles, order, reachability, and the inputs an output
needs.

A graph maps each name to the names its formulas use directly. All walks are iterative, so a long
chain of rules cannot exhaust the stack.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from maatwerk.spec import ir
from maatwerk.spec.model import CategoryDef, Regulation

Graph = Mapping[str, frozenset[str]]


def find_cycle(graph: Graph) -> list[str] | None:
    """One cycle as a list of names (first name repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in sorted(graph):
        if state.get(root):
            continue
        path: list[str] = []
        stack: list[tuple[str, list[str]]] = [(root, sorted(graph.get(root, ())))]
        state[root] = 1
        path.append(root)
        while stack:
            node, pending = stack[-1]
            if not pending:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            nxt = pending.pop(0)
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, sorted(graph.get(nxt, ()))))
    return None


def topological(graph: Graph) -> list[str]:
    """Names in an order where every name comes after what it depends on (graph is acyclic)."""
    order: list[str] = []
    seen: set[str] = set()
    for root in sorted(graph):
        if root in seen:
            continue
        stack: list[tuple[str, bool]] = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if node in seen:
                continue
            seen.add(node)
            stack.append((node, True))
            stack.extend((d, False) for d in sorted(graph.get(node, ()), reverse=True)
                         if d in graph and d not in seen)
    return order


def reachable(graph: Graph, roots: Iterable[str]) -> set[str]:
    """Every name the roots depend on, directly or indirectly, and the roots themselves."""
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(graph.get(node, ()))
    return seen


def full_graph(reg: Regulation) -> dict[str, frozenset[str]]:
    """The regulation's graph including what its categories' rule overrides use."""
    graph = dict(reg.dependencies)
    for cat in reg.categories.values():
        for name, override in cat.rules.items():
            graph[name] = graph.get(name, frozenset()) | ir.names(override.formula.expr)
    return graph


def category_names(cat: CategoryDef) -> set[str]:
    """The names a category's condition and rule overrides use."""
    found = ir.names(cat.when.expr)
    for override in cat.rules.values():
        found |= ir.names(override.formula.expr)
    return found


def inputs_for(reg: Regulation, output: str) -> list[str]:
    """The inputs that deciding ``output`` may ask for, in declaration order.

    Includes the inputs of every category whose condition or overrides can affect the output.
    """
    graph = full_graph(reg)
    needed = reachable(graph, [output])
    for cat in reg.categories.values():
        if needed & cat.overrides():
            needed |= reachable(graph, category_names(cat))
    return [name for name in reg.inputs if name in needed]
