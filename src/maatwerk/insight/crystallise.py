"""The crystallisation loop (Aanwijzing voor de regelgeving 5.25 lid 3): a hardship practice
that has crystallised for certain cases belongs in a general rule.

For one regulation and a period:

1. read the cases whose standing decision falls in the period and decide each again without
   deviations (``decided``, ``baseline``);
2. group their approved deviations by clause, output and ground; a group with fewer than
   ``threshold`` deviations in the period is only listed;
3. in each remaining group, find clusters of alike facts by learning rules that single out the
   cases with such a deviation from the other decided cases (``rules``: sequential covering,
   each rule a conjunction of at most ``max_literals`` tests on the inputs and the standard
   layer's rules and tables). A rule that covers at least ``threshold`` of the group's
   deviations, with a precision of at least ``min_precision``, that is unlikely to be chance, is
   a cluster;
4. propose each cluster as a policy category (``proposal``): condition, override of the output
   to the cluster's pattern, legal basis, precedence — a reform patch that the checker accepts —
   and its coverage of the past cases, decided by the engine under the patched regulation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from maatwerk.insight.baseline import baseline
from maatwerk.insight.dashboard import Period
from maatwerk.insight.decided import decided_cases
from maatwerk.insight.features import columns, condition_features
from maatwerk.insight.proposal import Group, Proposal, propose
from maatwerk.insight.rules import Settings, learn
from maatwerk.spec.library import Library
from maatwerk.spec.model import Regulation


@dataclass(frozen=True)
class Options:
    threshold: int = 10  # deviations of a cluster within the period
    # share of the cluster's cases that had such a deviation: a third, for alike cases without
    # one are often those who did not ask (see docs/insight.md, "Clusters")
    min_precision: float = 0.3
    max_literals: int = 3  # tests in a condition

    def settings(self) -> Settings:
        return Settings(min_support=self.threshold, min_precision=self.min_precision,
                        max_literals=self.max_literals)


@dataclass
class Report:
    regulation: str
    version: str
    period: Period
    options: Options
    cases: int = 0  # decided cases in the period, decided again without deviations
    refused: int = 0  # decided cases the regulation refuses now (left out)
    groups: list[dict[str, Any]] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"regulation": self.regulation, "version": self.version,
                "period": self.period.to_json(),
                "options": {"threshold": self.options.threshold,
                            "min_precision": self.options.min_precision,
                            "max_literals": self.options.max_literals},
                "cases": self.cases, "refused": self.refused, "groups": self.groups,
                "proposals": [p.to_json() for p in self.proposals]}


def crystallise(s: Session, reg: Regulation, period: Period | None = None,
                options: Options | None = None, library: Library | None = None) -> Report:
    """The clusters of alike approved deviations of ``reg`` in ``period`` and a proposed
    category for each (see the module)."""
    period = Period(reg.id, period.start if period else None, period.end if period else None)
    options = options or Options()
    base = baseline(reg, decided_cases(s, reg.id, period), library)
    report = Report(reg.id, reg.version, period, options, len(base.cases), base.refused)
    counts = Counter(g for c in base.cases for g in {
        Group(d.clause, d.output, d.ground) for d in c.deviations})
    taken = set(reg.categories)
    for group, count in sorted(counts.items()):
        entry: dict[str, Any] = {"clause": group.clause, "output": group.output,
                                 "ground": group.ground, "deviations": count, "clusters": 0}
        report.groups.append(entry)
        if count < options.threshold or group.clause not in reg.hardship or (
                group.output not in reg.rules):
            continue
        labels = np.array([group.of(c.deviations) is not None for c in base.cases])
        features, cols = columns(condition_features(reg, group.output), base.rows)
        for rule in learn(features, cols, labels, options.settings()):
            mask = rule.mask(cols, labels.size) & labels
            name = _name(f"{group.clause}_{group.ground}", taken)
            taken.add(name)
            report.proposals.append(propose(base, group, rule, mask, name, period, library))
            entry["clusters"] += 1
    return report


def _name(stem: str, taken: set[str]) -> str:
    name, k = stem, 1
    while name in taken:
        k += 1
        name = f"{stem}_{k}"
    return name
