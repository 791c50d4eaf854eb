"""A cluster written as a proposed category: its precedence or narrowed condition under each
category policy, a patch the checker accepts (and one it refuses, reported with the proposal),
the legal basis and the texts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from maatwerk.insight.baseline import Baseline
from maatwerk.insight.dashboard import Period
from maatwerk.insight.decided import Approved, DecidedCase
from maatwerk.insight.features import CHOICE, Feature
from maatwerk.insight.pattern import Override
from maatwerk.insight.proposal import Group, Proposal, fit, patch, propose
from maatwerk.insight.rules import Literal, Rule
from maatwerk.simulate.reform import apply_text
from maatwerk.spec.model import Regulation
from maatwerk.spec.types import Type
from tests.conftest import regulation

NORMS = """
category_policy: {policy}
inputs:
  leefvorm:
    type: enum
    label: Leefvorm
    source: BRP
    values: {{alleen: alleen, ouder: ouder, samen: samen}}
  kostendelers: {{type: integer, label: Kostendelers, source: BRP, min: 1}}
parameters:
  norm_alleen:
    type: money
    values: [{{from: 2025-01-01, value: 1345.45, reference: art. 21 sub a}}]
  norm_gehuwd:
    type: money
    values: [{{from: 2025-01-01, value: 1922.07, reference: art. 21 sub b}}]
rules:
  norm: {{formula: norm_alleen}}
categories:
  samen:
    label: Samen
    when: leefvorm == 'samen'
    legal_basis: {{title: Participatiewet, article: art. 21 sub b}}
    {precedence}
    rules:
      norm: {{formula: norm_gehuwd}}
hardship:
  afstemming:
    label: Afstemming
    legal_basis: {{title: Participatiewet, bwb: BWBR0015703, article: art. 18 lid 1}}
    outputs:
      norm: {{min: "0", max: "2 * standard"}}
    grounds:
      omstandigheden: {{label: {{nl: Zeer bijzondere omstandigheden, en: Very special}}}}
    decider: {{role: caseworker}}
outputs: [norm]
"""
LEEFVORM = Feature("leefvorm", CHOICE, Type("enum", ("alleen", "ouder", "samen"), "leefvorm"),
                   "input", ("alleen", "ouder", "samen"))
GROUP = Group("afstemming", "norm", "omstandigheden")
DAY = dt.date(2025, 3, 1)


def norms(policy: str, precedence: str = "precedence: 10") -> Regulation:
    return regulation(NORMS.format(policy=policy, precedence=precedence))


def proposal(reg: Regulation, learned: str = "leefvorm == 'ouder'") -> Proposal:
    condition, precedence = fit(reg, "norm", learned)
    rule = Rule((Literal(LEEFVORM, "==", 1),), 8, 2)
    return Proposal("afstemming_omstandigheden", GROUP, rule, condition,
                    Override("norm_gehuwd", "parameter", 8, 8, {"nl": "x", "en": "x"}),
                    precedence, [f"ref-{i}" for i in range(8)], DAY)


@pytest.mark.parametrize(("policy", "precedence", "condition", "ours"), [
    ("collect", "precedence: 10", "leefvorm == 'ouder'", 20),
    ("collect", "", "(leefvorm == 'ouder') and not (leefvorm == 'samen')", 10),
    ("first", "precedence: 10", "leefvorm == 'ouder'", 0),
    ("unique", "", "(leefvorm == 'ouder') and not (leefvorm == 'samen')", None)])
def test_the_category_fits_the_policy_and_passes_the_checker(
        policy: str, precedence: str, condition: str, ours: int | None) -> None:
    reg = norms(policy, precedence)
    p = proposal(reg, "leefvorm == 'ouder'")
    assert (p.condition, p.precedence) == (condition, ours)
    patched = apply_text(reg, patch(reg, p, Period()), "voorstel.yaml")
    category = patched.categories["afstemming_omstandigheden"]
    assert category.when.text == condition and category.precedence == ours
    assert category.legal_basis.title == "Participatiewet"
    assert category.legal_basis.bwb == "BWBR0015703"
    assert category.legal_basis.article is not None
    assert "art. 18 lid 1" in category.legal_basis.article
    assert "Aanwijzing voor de regelgeving 5.25 lid 3" in category.legal_basis.article
    assert "8 goedgekeurde afwijkingen" in category.description.nl  # type: ignore[union-attr]


def test_the_patch_names_the_period_and_the_check_command() -> None:
    reg = norms("collect")
    text = patch(reg, proposal(reg), Period(start=dt.date(2025, 1, 1),
                                            end=dt.date(2025, 6, 30)))
    assert text.startswith("# Voorstel van maatwerk crystallise")
    assert "van 2025-01-01 tot en met 2025-06-30" in text
    assert "maatwerk check <regeling> --reform <dit bestand>" in text
    assert "version: 1+afstemming_omstandigheden" in text


def test_a_patch_the_checker_refuses_is_reported_with_the_proposal() -> None:
    reg = norms("collect")
    cases = [DecidedCase(i, f"ref-{i}", DAY, dt.datetime(2025, 3, 2, tzinfo=dt.UTC),
                         {"leefvorm": "ouder", "kostendelers": 1},
                         [Approved("afstemming", "norm", "omstandigheden", "1922.07")])
             for i in range(3)]
    base = Baseline(reg, cases, [{"leefvorm": "ouder"}] * 3, [{"norm": "1345.45"}] * 3,
                    [{"norm": "norm_alleen"}] * 3)
    bad = Rule((Literal(Feature("onbekend", CHOICE, LEEFVORM.type, "input",
                                LEEFVORM.values), "==", 1),), 3, 0)
    found = propose(base, GROUP, bad, np.ones(3, dtype=bool), "afstemming_omstandigheden",
                    Period())
    assert found.problems and "MW302" in found.problems[0] and "onbekend" in found.problems[0]
    assert found.coverage.cases == 0  # not measured
    good = propose(base, GROUP, Rule((Literal(LEEFVORM, "==", 1),), 3, 0),
                   np.ones(3, dtype=bool), "afstemming_omstandigheden", Period())
    assert good.problems == [] and good.override.formula == "norm_gehuwd"
    assert (good.coverage.deviations, good.coverage.covered, good.coverage.matched) == (3, 3, 3)
