"""A regulation's dependency graph drawn as SVG, with a simple layered layout of its own.

Columns from left to right: what the rules read (inputs, the investigation's results,
parameters), then each rule or table one column right of the furthest thing it reads (longest
path over ``reg.dependencies``, walked in ``reg.order``); an output that nothing else reads goes
to the last column, so the graph reads from inputs through rules to outputs. Within a column the
nodes are ordered by the mean position of their neighbours (a few sweeps each way), which keeps
most edges short and uncrossed. Edges are curves from the right edge of what is read to the left
edge of what reads it.

Every node is a link to its definition on the page (``#def-<name>``), so the graph can be
walked with the keyboard; the same dependencies are also given as a table on the page.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from maatwerk.spec.model import Regulation

ROW, NODE_H, GAP, PAD, CHAR = 30, 22, 56, 12, 7.4
SWEEPS = 4
STYLE = {  # fill, stroke, dash: each with ≥ 3:1 stroke contrast on white
    "input": ("#e7f0fb", "#154273", ""),
    "assessment": ("#eef7ee", "#1a5e20", ""),
    "parameter": ("#f3f5f8", "#4a4a4a", "4 3"),
    "rule": ("#ffffff", "#1b1b1b", ""),
    "table": ("#ffffff", "#1b1b1b", "1 3"),
}


@dataclass
class Node:
    name: str
    kind: str  # input | assessment | parameter | rule | table
    output: bool
    column: int = 0
    label: str = ""
    reads: list[str] = field(default_factory=list)
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0


def layout(reg: Regulation) -> tuple[dict[str, Node], list[list[str]]]:
    """The nodes with their columns and positions, and the columns top to bottom."""
    deps = reg.dependencies
    read = sorted({n for names in deps.values() for n in names} - set(deps),
                  key=_source_order(reg))
    nodes: dict[str, Node] = {}
    for name in read:
        nodes[name] = Node(name, reg.kind_of(name) or "input", name in reg.outputs)
    for name in reg.order:
        kind = "table" if name in reg.tables else "rule"
        reads = sorted(deps.get(name, ()))
        column = 1 + max((nodes[d].column for d in reads if d in nodes), default=0)
        nodes[name] = Node(name, kind, name in reg.outputs, column, reads=reads)
    used = {n for names in deps.values() for n in names}
    last = max((n.column for n in nodes.values()), default=0)
    for node in nodes.values():
        if node.output and node.name not in used and node.kind in ("rule", "table"):
            node.column = last
    columns: list[list[str]] = [[] for _ in range(last + 1)]
    for node in nodes.values():
        columns[node.column].append(node.name)
    _order(nodes, columns)
    _place(nodes, columns)
    return nodes, columns


def _source_order(reg: Regulation) -> Any:
    rank = {"input": 0, "assessment": 1, "parameter": 2}
    position = {n: i for i, n in enumerate([*reg.inputs, *reg.assessed(), *reg.parameters])}

    def key(name: str) -> tuple[int, int]:
        return rank.get(reg.kind_of(name) or "input", 3), position.get(name, 0)
    return key


def _order(nodes: dict[str, Node], columns: list[list[str]]) -> None:
    """Reorder each column by the mean row of its neighbours in the column before (sweeping
    right) or after (sweeping left)."""
    readers: dict[str, list[str]] = {n: [] for n in nodes}
    for node in nodes.values():
        for d in node.reads:
            readers[d].append(node.name)

    def mean(names: list[str], where: dict[str, int], fallback: int) -> float:
        found = [where[n] for n in names if n in where]
        return sum(found) / len(found) if found else float(fallback)

    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        indices = range(1, len(columns)) if forward else range(len(columns) - 2, -1, -1)
        for i in indices:
            where = {n: r for c in columns for r, n in enumerate(c)}
            current = {n: r for r, n in enumerate(columns[i])}
            columns[i].sort(key=lambda n: (mean(nodes[n].reads if forward else readers[n],
                                                where, current[n]), current[n]))


def _place(nodes: dict[str, Node], columns: list[list[str]]) -> None:
    tallest = max((len(c) for c in columns), default=0)
    x = float(PAD)
    for column in columns:
        width = max((len(n) * CHAR + 2 * PAD for n in column), default=0.0)
        top = PAD + (tallest - len(column)) * ROW / 2
        for row, name in enumerate(column):
            node = nodes[name]
            node.x, node.y, node.width = x, top + row * ROW, width
        x += width + GAP


def svg(reg: Regulation, *, title: str, description: str, labels: dict[str, str],
        kinds: dict[str, str]) -> str:
    """The graph as inline SVG; ``labels`` names each node for people (shown on hover and read
    out), ``kinds`` translates the node kinds."""
    nodes, columns = layout(reg)
    tallest = max((len(c) for c in columns), default=0)
    width = max((n.x + n.width for n in nodes.values()), default=0.0) + PAD
    height = tallest * ROW + 2 * PAD
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="depgraph" width="{width:.0f}" '
           f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="group" '
           f'aria-labelledby="graph-title graph-desc">',
           f'<title id="graph-title">{html.escape(title)}</title>',
           f'<desc id="graph-desc">{html.escape(description)}</desc>',
           '<defs><marker id="graph-arrow" viewBox="0 0 8 8" refX="8" refY="4" '
           'markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" '
           'fill="#4a4a4a"/></marker></defs>',
           '<g class="edges" fill="none" stroke="#4a4a4a" stroke-width="1.2" '
           'stroke-opacity="0.75" aria-hidden="true">']
    for node in nodes.values():
        for d in node.reads:
            source = nodes[d]
            x1, y1 = source.x + source.width, source.y + NODE_H / 2
            x2, y2 = node.x, node.y + NODE_H / 2
            bend = max(24.0, (x2 - x1) / 2)
            out.append(f'<path d="M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} '
                       f'{x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}" '
                       'marker-end="url(#graph-arrow)"/>')
    out.append('</g><g class="nodes" font-size="12" '
               'font-family="ui-monospace, SFMono-Regular, Menlo, monospace">')
    for node in nodes.values():
        fill, stroke, dash = STYLE.get(node.kind, STYLE["rule"])
        name = html.escape(node.name)
        said = html.escape(f"{kinds.get(node.kind, node.kind)}"
                           f"{' (' + kinds['output'] + ')' if node.output else ''}: "
                           f"{labels.get(node.name) or node.name} ({node.name})")
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        bold = ' font-weight="700"' if node.output else ""
        out.append(f'<a href="#def-{name}" aria-label="{said}"><title>{said}</title>'
                   f'<rect x="{node.x:.1f}" y="{node.y:.1f}" width="{node.width:.1f}" '
                   f'height="{NODE_H}" rx="4" fill="{fill}" stroke="{stroke}" '
                   f'stroke-width="{3 if node.output else 1.3}"{dashed}/>'
                   f'<text x="{node.x + PAD:.1f}" y="{node.y + NODE_H / 2 + 4:.1f}" '
                   f'fill="#1b1b1b"{bold}>{name}</text></a>')
    out.append("</g></svg>")
    return "".join(out)


def edges(reg: Regulation) -> list[dict[str, Any]]:
    """What each rule and table reads, in order of evaluation (the graph as a table)."""
    return [{"name": n, "kind": "table" if n in reg.tables else "rule",
             "output": n in reg.outputs, "reads": sorted(reg.dependencies.get(n, ()))}
            for n in reg.order]
