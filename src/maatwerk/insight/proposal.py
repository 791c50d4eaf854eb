"""A cluster of alike deviations written as a proposed policy category: a reform patch file that
``maatwerk check --reform`` and ``maatwerk simulate --reform`` accept, checked here the same way,
with its coverage measured by deciding the past cases under it.

The category: its condition is the learned rule, in the regulation's formula language; its rule
override sets the output to the cluster's pattern (``maatwerk.insight.pattern``); its legal
basis is the hardship clause's article, noting the Aanwijzing voor de regelgeving 5.25 lid 3
(a hardship practice that has crystallised for certain cases belongs in a general rule).

Where it meets the regulation's other categories:

- ``collect``: its precedence is 10 above every category that changes the same output, so it
  decides that output and leaves their other overrides; a category that changes the output
  without a precedence is excluded from the condition (``and not (...)``).
- ``first``: its precedence is 10 below every other category, so it applies only where no other
  category does (taking over would drop their other overrides).
- ``unique``: the condition excludes every other category's condition.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import yaml

from maatwerk.engine.decide import decider
from maatwerk.insight.baseline import Baseline
from maatwerk.insight.dashboard import Period
from maatwerk.insight.pattern import Member, Override, override, same, typed
from maatwerk.insight.rules import Rule
from maatwerk.simulate.reform import apply_text
from maatwerk.spec.errors import MaatwerkError, SpecErrors
from maatwerk.spec.library import Library
from maatwerk.spec.model import Regulation
from maatwerk.spec.values import to_json

AANWIJZING = "Aanwijzing voor de regelgeving 5.25 lid 3"


@dataclass(frozen=True, order=True)
class Group:
    """Deviations alike in their clause, output and ground."""

    clause: str
    output: str
    ground: str

    def of(self, case_deviations: Any) -> Any:
        """The value of this group's last deviation in a case (None when it has none)."""
        found = [d.value for d in case_deviations if (d.clause, d.output, d.ground) == (
            self.clause, self.output, self.ground)]
        return found[-1] if found else None


@dataclass
class Coverage:
    """What the proposed category would have done to the past cases, decided by the engine."""

    cases: int = 0  # decided cases examined
    deviations: int = 0  # cases with a deviation of the group
    covered: int = 0  # of those, where the category applies
    matched: int = 0  # of those covered, where it gives the deviation's value
    false_inclusions: int = 0  # cases without a deviation of the group where it applies
    other_deviations: int = 0  # of those, cases with another deviation of the same output
    change: Decimal | None = None  # the summed change of the output for the false inclusions
    refused: int = 0  # cases the patched regulation refuses


@dataclass
class Proposal:
    name: str
    group: Group
    rule: Rule
    condition: str
    override: Override
    precedence: int | None
    members: list[str]  # the references of the cluster's cases
    peildatum: dt.date | None = None  # the reference date most of its cases were decided on
    patch: str = ""
    coverage: Coverage = field(default_factory=Coverage)
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "clause": self.group.clause, "output": self.group.output,
            "ground": self.group.ground, "condition": self.condition,
            "learned": {"formula": self.rule.formula(), "positives": self.rule.positives,
                        "negatives": self.rule.negatives,
                        "precision": round(self.rule.precision, 4),
                        "chance": float(f"{self.rule.chance:.3g}")},
            "override": {"formula": self.override.formula, "pattern": self.override.kind,
                         "matched": self.override.matched, "members": self.override.members,
                         "describe": self.override.describe},
            "precedence": self.precedence, "members": self.members,
            "peildatum": self.peildatum.isoformat() if self.peildatum else None,
            "coverage": {k: to_json(v) for k, v in dataclasses.asdict(self.coverage).items()},
            "problems": self.problems, "patch": self.patch}


def members(base: Baseline, group: Group, mask: np.ndarray) -> list[Member]:
    return [Member(c.peildatum, base.before[i].get(group.output), group.of(c.deviations),
                   base.sources[i].get(group.output))
            for i, c in enumerate(base.cases) if mask[i]]


def propose(base: Baseline, group: Group, rule: Rule, mask: np.ndarray, name: str,
            period: Period, library: Library | None = None) -> Proposal:
    """The proposal for one cluster (``mask``: its members among ``base.cases``), with its patch
    checked and its coverage measured."""
    reg = base.reg
    condition, precedence = fit(reg, group.output, rule.formula())
    chosen = override(reg, group.output, members(base, group, mask))
    cluster = [c for i, c in enumerate(base.cases) if mask[i]]
    day = Counter(c.peildatum for c in cluster).most_common(1)[0][0] if cluster else None
    found = Proposal(name, group, rule, condition, chosen, precedence,
                     [c.reference for c in cluster], day)
    found.patch = patch(reg, found, period)
    try:
        patched = apply_text(reg, found.patch, f"{name}.yaml")
    except MaatwerkError as exc:
        found.problems = ([e.render() for e in exc.errors] if isinstance(exc, SpecErrors)
                          else [str(exc)])
        return found
    found.coverage = coverage(base, patched, found, library)
    return found


def fit(reg: Regulation, output: str, learned: str) -> tuple[str, int | None]:
    """The condition and precedence that fit the regulation's category policy (see the
    module)."""
    others = list(reg.categories.values())
    if reg.category_policy == "unique":
        excluded = others
        precedence = None
    elif reg.category_policy == "first":
        excluded = []
        precedence = min([c.precedence or 0 for c in others] or [10]) - 10
    else:
        rivals = [c for c in others if output in c.overrides()]
        excluded = [c for c in rivals if c.precedence is None]
        precedence = max([c.precedence or 0 for c in rivals] or [0]) + 10
    if not excluded:
        return learned, precedence
    parts = [f"({learned})"] + [f"not ({c.when.text.strip()})" for c in excluded]
    return " and ".join(parts), precedence


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def category(reg: Regulation, p: Proposal, period: Period) -> dict[str, Any]:
    clause = reg.hardship[p.group.clause]
    ground = clause.grounds[p.group.ground].label
    basis = clause.legal_basis
    label_nl, label_en = clause.label.nl, clause.label.en or clause.label.nl
    when = _when(period)
    n = len(p.members)
    found: dict[str, Any] = {
        "label": {"nl": f"Vastgelegde afwijking: {ground.nl}",
                  "en": f"Established deviation: {ground.en or ground.nl}"},
        "description": {
            "nl": f"Voorgesteld uit {n} goedgekeurde afwijkingen{when['nl']} op grond van "
                  f"'{label_nl}' ({basis.title} {basis.article or ''}) met als grond "
                  f"'{ground.nl}'. Een hardheidspraktijk die voor bepaalde gevallen is "
                  f"uitgekristalliseerd, hoort in een algemene regel ({AANWIJZING}). Deze "
                  f"groep krijgt voor {p.group.output}: {p.override.describe['nl']}.",
            "en": f"Proposed from {n} approved deviations{when['en']} under '{label_en}' "
                  f"({basis.title} {basis.article or ''}) on the ground "
                  f"'{ground.en or ground.nl}'. A hardship practice that has crystallised for "
                  f"certain cases belongs in a general rule ({AANWIJZING}). This group gets "
                  f"for {p.group.output}: {p.override.describe['en']}."},
        "when": p.condition,
        "legal_basis": {k: v for k, v in {
            "title": basis.title, "bwb": basis.bwb,
            "article": f"{basis.article or ''} ({label_nl}); vastgelegd volgens "
                       f"{AANWIJZING}".strip()}.items() if v},
    }
    if p.precedence is not None:
        found["precedence"] = p.precedence
    found["rules"] = {p.group.output: {
        "formula": p.override.formula,
        "reference": f"{basis.title} {basis.article or ''}; {AANWIJZING} (vastgelegde "
                     f"afwijkingspraktijk, {n} gevallen)",
        "explain": {"nl": f"Voor deze groep is {p.group.output} "
                          f"{p.override.describe['nl']} (vastgelegde afwijkingspraktijk).",
                    "en": f"For this group {p.group.output} is "
                          f"{p.override.describe['en']} (established deviation practice)."}}}
    return found


def _when(period: Period) -> dict[str, str]:
    start = period.start.isoformat() if period.start else None
    end = period.end.isoformat() if period.end else None
    if start and end:
        return {"nl": f" van {start} tot en met {end}", "en": f" from {start} to {end}"}
    if start:
        return {"nl": f" vanaf {start}", "en": f" from {start}"}
    if end:
        return {"nl": f" tot en met {end}", "en": f" until {end}"}
    return {"nl": "", "en": ""}


def patch(reg: Regulation, p: Proposal, period: Period) -> str:
    """The proposal as a reform patch file (YAML)."""
    data = {
        "reform": {"nl": f"Vastgelegde afwijkingspraktijk als beleidscategorie: {p.name}",
                   "en": f"Established deviation practice as a policy category: {p.name}"},
        "regulation": reg.id,
        "version": f"{reg.version}+{p.name}",
        "categories": {p.name: category(reg, p, period)},
    }
    header = (f"# Voorstel van maatwerk crystallise ({AANWIJZING}).\n"
              f"# Cluster: {len(p.members)} goedgekeurde afwijkingen {p.group.clause} "
              f"({p.group.output}, grond {p.group.ground}){_when(period)['nl']}.\n"
              f"# Geleerde voorwaarde: {p.rule.formula()} ({p.rule.positives} met afwijking, "
              f"{p.rule.negatives} zonder).\n"
              f"# Controleer: maatwerk check <regeling> --reform <dit bestand>\n")
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def coverage(base: Baseline, patched: Regulation, p: Proposal,
             library: Library | None = None) -> Coverage:
    """Every past case decided under the patched regulation, without deviations."""
    t = patched.type_of(p.group.output)
    found = Coverage(cases=len(base.cases))
    decide = decider(patched, library)
    change = Decimal(0)
    for i, case in enumerate(base.cases):
        deviated = typed(p.group.of(case.deviations), t)
        found.deviations += deviated is not None
        try:
            decision = decide.decide(case.peildatum, case.facts)
        except MaatwerkError:
            found.refused += 1
            continue
        if not any(c.name == p.name for c in decision.categories):
            continue
        value = decision.outputs.get(p.group.output)
        if deviated is not None:
            found.covered += 1
            found.matched += same(value, deviated, t)
            continue
        found.false_inclusions += 1
        found.other_deviations += any(d.output == p.group.output for d in case.deviations)
        before = base.before[i].get(p.group.output)
        if t.kind in ("money", "decimal", "integer") and before is not None and value is not None:
            change += Decimal(value) - Decimal(before)
    if t.kind in ("money", "decimal", "integer"):
        found.change = change
    return found



