"""What the samples of the dilemma monitor read of the case file: the standing decisions'
documents (only what the figures use of them), the cases' references and their facts.

Decision rows and case references do not change once written, and facts are only ever added
(a later record of a name supersedes an earlier one; ``maatwerk.cases.models.Fact``). So what
was read of a decision can be kept by its id (``decisions``), and a case's facts are known to
be unchanged while its *fact version* — the largest id and the number of its fact rows — is
(``fact_versions``): the equality figures keep what they computed under a key of their
sample that holds it (``maatwerk.insight.equality``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from maatwerk.cases.models import Case, Decision, Fact

DEVIATION_FIELDS = ("clause", "output", "standard", "value")
CHUNK = 1000  # ids per statement


@dataclass(frozen=True)
class Read:
    """What the figures read of a decision: its outputs, its deciding layers and, of its
    document's layers, what ``slim`` keeps."""

    id: int
    outputs: dict[str, Any]
    deciding_layer: dict[str, str]
    layers: list[Any]


@dataclass(frozen=True)
class Row:
    """A sampled case with its standing decision's outputs, deciding layers and layers."""

    case_id: int
    reference: str
    regulation: str
    peildatum: dt.date
    caseworker: str
    team: str
    outputs: dict[str, Any]
    deciding_layer: dict[str, str]
    layers: list[Any]


def slim(layers: Any) -> Any:
    """Of a decision document's layers, what the figures read (``equality.categories``,
    ``certainty.how_far`` and ``certainty.cost``): each layer's name, the ids of its policy
    categories, its deviations' clause, output, standard and value, and the outputs of the
    first and the last layer. The layers stay in their order, so that the first and the last
    are the same; anything that is not a list of objects is kept as it is."""
    if not isinstance(layers, list):
        return layers
    found: list[Any] = []
    for i, layer in enumerate(layers):
        if not isinstance(layer, dict):
            found.append(layer)
            continue
        kept = {k: layer[k] for k in ("layer",) if k in layer}
        if i in (0, len(layers) - 1) and "outputs" in layer:
            kept["outputs"] = layer["outputs"]
        for name, fields in (("categories", ("id",)), ("deviations", DEVIATION_FIELDS)):
            if name in layer:
                items = layer[name]
                kept[name] = [{k: x[k] for k in fields if k in x} if isinstance(x, dict)
                              else x for x in items] if isinstance(items, list) else items
        found.append(kept)
    return found


def decisions(s: Session, ids: Sequence[int],
              kept: MutableMapping[int, Read] | None = None) -> dict[int, Read]:
    """What the figures read of decisions (``Read``), by id, read by primary key (a bounded
    number). Those in ``kept`` are not read again and those read are added to it: a cohort's
    ``documents``, where the samples of several figures overlap (a decision's row does not
    change once written)."""
    found: dict[int, Read] = {}
    for i in ids:
        known = None if kept is None else kept.get(i)
        if known is not None:
            found[i] = known
    unread = list(dict.fromkeys(i for i in ids if i not in found))
    for start in range(0, len(unread), CHUNK):
        for row in s.execute(select(Decision.id, Decision.outputs, Decision.deciding_layer,
                                    Decision.document["layers"].label("layers"))
                             .where(Decision.id.in_(unread[start:start + CHUNK]))):
            found[row.id] = Read(row.id, row.outputs, row.deciding_layer, slim(row.layers))
            if kept is not None:
                kept[row.id] = found[row.id]
    return found


def rows(s: Session, chosen: Sequence[Any],
         kept: MutableMapping[int, Read] | None = None) -> list[Row]:
    """The chosen cases (rows of ``Cohort.sample``) with their reference and their standing
    decision's outputs, deciding layers and layers (decisions kept in ``kept``)."""
    found = decisions(s, [r.decision_id for r in chosen], kept)
    references: dict[int, str] = {}
    ids = [r.case_id for r in chosen]
    for start in range(0, len(ids), CHUNK):
        references.update((i, ref) for i, ref in s.execute(
            select(Case.id, Case.reference).where(Case.id.in_(ids[start:start + CHUNK]))))
    return [Row(r.case_id, references[r.case_id], r.regulation, r.peildatum, r.caseworker,
                r.team, found[r.decision_id].outputs, found[r.decision_id].deciding_layer,
                found[r.decision_id].layers) for r in chosen]


def facts_of(s: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The facts of the cases as they stand (a later record of a name supersedes)."""
    found: dict[int, dict[str, Any]] = {i: {} for i in ids}
    for start in range(0, len(ids), 5 * CHUNK):
        chunk = list(ids[start:start + 5 * CHUNK])
        for case_id, name, value in s.execute(
                select(Fact.case_id, Fact.name, Fact.value)
                .where(Fact.case_id.in_(chunk)).order_by(Fact.id)):
            found[case_id][name] = value
    return found


def fact_versions(s: Session, ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Per case, the largest id and the number of its fact rows ((0, 0) for none): read from
    the index on the facts' case, without their values. Facts are only added, so the facts of
    a case are the same as long as this is."""
    found = dict.fromkeys(ids, (0, 0))
    for start in range(0, len(ids), 5 * CHUNK):
        chunk = list(ids[start:start + 5 * CHUNK])
        for case_id, last, n in s.execute(
                select(Fact.case_id, func.max(Fact.id), func.count())
                .where(Fact.case_id.in_(chunk)).group_by(Fact.case_id)):
            found[case_id] = (int(last), int(n))
    return found
