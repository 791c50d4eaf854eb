"""Benchmark worker for the OpenFisca anchor (runs in bench/.venv-anchors-openfisca).

One decision = build a simulation for one person from a situation dict (the documented
``SimulationBuilder.build_from_entities`` route, as the Web API does) and calculate
``zorgtoeslag`` for the year of the peildatum, with tracing on."""

from __future__ import annotations

import platform
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "anchors"))

from _protocol import Variant, main
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_zorgtoeslag import CountryTaxBenefitSystem

INPUTS = ("leeftijd", "is_verzekerd", "heeft_toeslagpartner", "toetsingsinkomen",
          "toetsingsinkomen_partner", "vermogen")
MONEY = ("toetsingsinkomen", "toetsingsinkomen_partner", "vermogen")


def situation(case: dict[str, Any]) -> tuple[dict[str, Any], str]:
    year = case["peildatum"][:4]
    person = {k: {year: (float(case[k]) if k in MONEY else case[k])} for k in INPUTS if k in case}
    return {"personen": {"aanvrager": person}}, year


def build(cases: list[dict[str, Any]]) -> Any:
    tbs = CountryTaxBenefitSystem()
    args = [situation(c) for c in cases]

    def simulate(a: tuple[dict[str, Any], str], trace: bool) -> Any:
        sim = SimulationBuilder().build_from_entities(tbs, a[0])
        sim.trace = trace
        sim.calculate("zorgtoeslag", a[1])
        return sim

    def traced(a: tuple[dict[str, Any], str]) -> Any:
        return simulate(a, True)

    def traced_json(a: tuple[dict[str, Any], str]) -> Any:
        return simulate(a, True).tracer.get_serialized_flat_trace()

    def untraced(a: tuple[dict[str, Any], str]) -> Any:
        return simulate(a, False)

    def amounts(raw: list[dict[str, Any]]) -> list[int]:
        out = []
        for sit, year in map(situation, raw):
            sim = SimulationBuilder().build_from_entities(tbs, sit)
            sim.trace = True
            out.append(round(float(sim.calculate("zorgtoeslag", year)[0])))
            assert sim.tracer.get_serialized_flat_trace()
        return out

    variants: dict[str, Variant] = {
        "trace": ("us", traced, args),
        "trace+flat-trace-json": ("us", traced_json, args),
        "no-trace": ("us", untraced, args),
    }
    versions = {"openfisca-core": version("openfisca-core"), "numpy": version("numpy"),
                "python": platform.python_version()}
    return "openfisca", versions, variants, amounts


if __name__ == "__main__":
    sys.exit(main(build))
