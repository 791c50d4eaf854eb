"""A decision with an assessment and a deviation, against the same decision without them.

    .venv/bin/python bench/discretion.py [--rounds N] [--batch N] [--calls N]
                                                            # writes results/discretion.md

The bar (issue: discretion as a construct): a decision with an assessment and a deviation stays
within 2x the time of the same decision without them. *The same decision without them* is the
regulation of ``bench/fixtures/discretion.yaml`` with its assessment taken out and what the
assessment decides (the provision and its amount) given as facts of the case, read by two rules of
the same names: the same rules, category, hardship clause and outputs, the same values, decided in
the standard layer alone (the run checks that its outputs equal those of the decision with the
assessment). Without its assessment the regulation itself gives an indeterminate decision
with no outputs at all (each waits for the investigation), reached by another route (the rules
are tried strictly, then evaluated three-valued): another decision, so no like-for-like base. It
is timed too; it was the base of the reports before 2026-11-28. Rounds are interleaved and
shuffled so that machine noise hits every variant alike; reported are medians per decision and
ratios from the same run, written to bench/results/discretion.md. Where valgrind is installed the
report adds the instructions a decision of each variant executes (``--calls`` decisions counted,
0 to leave them out): a figure the machine's load does not change. Beside the probe, a worked
regulation: bijstand with and without the deviation of art. 18 lid 1 (its assessment-free half of
the bar, on real rules).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

import interleaved  # bench/interleaved.py, beside this script
import yaml

import maatwerk
from maatwerk.spec.model import Regulation
from maatwerk.spec.records import read_assessment, read_deviations

BENCH = Path(__file__).resolve().parent
FIXTURE = BENCH / "fixtures" / "discretion.yaml"
DAY = dt.date(2025, 6, 1)
INPUTS = {"huishouden": 2, "inkomen": "30000"}
ASSESSMENT = read_assessment({
    "assessor": {"id": "s1", "role": "caseworker", "unit": "wmo"},
    "answers": {"uren_nodig": 6, "uren_mantelzorg": 2}, "provision": "hulp", "amount": 4,
    "report": {"weergave": "Verslag van het keukentafelgesprek."}})
DEVIATIONS = read_deviations({
    "clause": "afstemming", "output": "eigen_bijdrage", "value": "10", "ground": "draagkracht",
    "motivation": "Hoge vaste lasten door een chronische ziekte.",
    "proposer": {"id": "c1", "role": "caseworker", "unit": "wmo"},
    "approver": {"id": "a1", "role": "approver", "unit": "wmo"}})[0]
GIVEN = "gekozen_"  # the facts that stand in for what the assessment decides
BASE = "same decision without them (outcome given as facts)"
FULL = "assessment + deviation"


def without_assessment(reg: Regulation) -> Regulation:
    """The fixture with its assessment taken out: its provision and amount are facts of the case
    (``gekozen_<name>``), read by rules named like the assessed values."""
    frame = reg.assessment
    assert frame is not None
    doc = yaml.safe_load(FIXTURE.read_text("utf-8"))
    outcome = doc.pop("assessment")["outcome"]
    doc["inputs"][GIVEN + frame.provision] = {
        "type": "enum", "label": "Voorziening", "source": "Onderzoek",
        "values": {name: p["label"] for name, p in outcome["provisions"].items()}}
    doc["inputs"][GIVEN + frame.amount] = {"type": frame.amount_type.kind, "label": "Omvang",
                                           "source": "Onderzoek"}
    doc["rules"] = {frame.provision: {"formula": GIVEN + frame.provision},
                    frame.amount: {"formula": GIVEN + frame.amount}, **doc["rules"]}
    return maatwerk.loads(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True),
                          "discretion-without-assessment.yaml")


def variants(reg: Regulation) -> dict[str, Callable[[], Any]]:
    decider = maatwerk.Decider(reg)
    plain = without_assessment(reg)
    plain_decider = maatwerk.Decider(plain)
    facts = {**INPUTS, GIVEN + "voorziening": ASSESSMENT.provision,
             GIVEN + "omvang": ASSESSMENT.amount}
    assessed = decider.decide(DAY, INPUTS, assessment=ASSESSMENT)
    base = plain_decider.decide(DAY, facts)
    assert base.status == assessed.status == "determined"
    assert base.outputs == assessed.outputs, (base.outputs, assessed.outputs)
    return {
        BASE: lambda: plain_decider.decide(DAY, facts),
        "no assessment (indeterminate)": lambda: decider.decide(DAY, INPUTS),
        "assessment": lambda: decider.decide(DAY, INPUTS, assessment=ASSESSMENT),
        FULL: lambda: decider.decide(DAY, INPUTS, assessment=ASSESSMENT,
                                     deviations=DEVIATIONS),
    }


# A worked regulation beside the probe: bijstand (Participatiewet), a single person on 1 July
# 2025, with and without the deviation of art. 18 lid 1 that raises the norm to € 1,500
# (regulations/bijstand/tests/afstemming.yaml); the norm is read by the outputs after it, so
# the deviation layer evaluates them again.
BIJSTAND_DAY = dt.date(2025, 7, 1)
BIJSTAND_CASE = {"geboortedatum": "1990-03-01", "leefvorm": "alleenstaand",
                 "aow_leeftijd_bereikt": False, "aantal_kostendelers": 1,
                 "verblijft_in_inrichting": False, "vermogen": 0, "categorie_gedraging": "geen"}
BIJSTAND_DEVIATION = read_deviations({
    "clause": "afstemming", "output": "bijstandsnorm", "value": "1500.00",
    "ground": "omstandigheden",
    "motivation": "Medisch noodzakelijk dieet en vervoer naar de behandeling.",
    "proposer": {"id": "m.jansen", "role": "caseworker", "unit": "team-zuid"},
    "approver": {"id": "p.devries", "role": "approver", "unit": "team-noord"}})[0]
BIJSTAND_BASE = "bijstand: the same decision without the deviation"
BIJSTAND_FULL = "bijstand: a decision with a deviation (art. 18 lid 1)"


def all_variants() -> dict[str, Callable[[], Any]]:
    runs = variants(maatwerk.load(FIXTURE))
    bijstand = maatwerk.Decider(maatwerk.load(BENCH.parent / "regulations" / "bijstand"))
    runs[BIJSTAND_BASE] = lambda: bijstand.decide(BIJSTAND_DAY, BIJSTAND_CASE)
    runs[BIJSTAND_FULL] = lambda: bijstand.decide(BIJSTAND_DAY, BIJSTAND_CASE,
                                                  deviations=BIJSTAND_DEVIATION)
    zt = maatwerk.load(BENCH.parent / "regulations" / "zorgtoeslag")
    zt_inputs = {"leeftijd": 30, "is_verzekerd": True, "heeft_toeslagpartner": False,
                 "toetsingsinkomen": "20000", "vermogen": "5000"}
    zt_decider = maatwerk.Decider(zt)
    runs["zorgtoeslag (no discretion), for scale"] = lambda: zt_decider.decide(DAY, zt_inputs)
    return runs


def _rows(figures: dict[str, float], show: Callable[[str, float], str]) -> list[str]:
    """A table row per variant with its ratio to its base: the probe's variants (and
    zorgtoeslag) to the probe's base, bijstand's to bijstand without the deviation."""
    def base(name: str) -> float:
        return figures[BIJSTAND_BASE if name.startswith("bijstand") else BASE]
    return [f"| {name} | {show(name, value)} | {value / base(name):.2f}× |"
            for name, value in figures.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--batch", type=int, default=300)
    parser.add_argument("--calls", type=int, default=2000,
                        help="decisions per variant counted under valgrind (0: none)")
    parser.add_argument("--count", nargs=2, metavar=("VARIANT", "CALLS"),
                        help=argparse.SUPPRESS)  # the run valgrind counts
    args = parser.parse_args()
    runs = all_variants()
    if args.count:
        name, calls = args.count
        interleaved.repeat(runs.get(name, lambda: None), int(calls))
        return
    load_before = os.getloadavg()
    medians = interleaved.medians(runs, args.rounds, args.batch, seed=7)
    load_after = os.getloadavg()
    counted = (interleaved.instructions(Path(__file__), list(runs), args.calls)
               if args.calls else None)
    base, full = medians[BASE], medians[FULL]
    ratio = full / base
    lines = [
        "# A decision with and without the discretionary layers",
        "",
        f"{dt.datetime.now():%Y-%m-%d %H:%M}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.machine()}; {args.rounds} rounds of "
        f"{args.batch} decisions per variant, interleaved; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (2 cores). Regulation: "
        "`bench/fixtures/discretion.yaml` (rules, a category, an assessment, a hardship clause).",
        "",
        f"The base is *the {BASE}*: the same regulation with its assessment taken out and the "
        "provision and amount the assessment decides (hulp, 4) given as facts, read by rules of "
        "the same names; its outputs equal those of the decision with the assessment (checked "
        "before timing). Reports before 2026-11-28 took as the base the decision without an "
        "assessment under the regulation itself: an indeterminate decision with no outputs, "
        "reached by trying the rules strictly and then evaluating them three-valued.",
        "",
        "| variant | median µs per decision | ratio to the same decision without them (bijstand: "
        "without its deviation) |",
        "|---|---:|---:|",
    ]
    lines += _rows(medians, lambda name, value: f"{value:.1f}")
    if counted:
        lines += ["", f"Instructions per decision, counted by valgrind over {args.calls} "
                  "decisions of each variant (the same on a loaded machine as on a quiet one):",
                  "", "| variant | instructions per decision | ratio |", "|---|---:|---:|"]
        lines += _rows(counted, lambda name, value: f"{value:,.0f}")
    verdict = "met" if ratio <= 2 else "**missed**"
    lines += [
        "",
        f"With an assessment and a deviation a decision takes {ratio:.2f}× the time of the "
        f"same decision without them (bar: within 2×): {verdict}. With its assessment only: "
        f"{medians['assessment'] / base:.2f}×. Against the indeterminate decision (the base "
        f"of earlier reports): {full / medians['no assessment (indeterminate)']:.2f}×.",
    ]
    if counted:
        lines += ["", f"In instructions the decision with an assessment and a deviation takes "
                  f"{counted[FULL] / counted[BASE]:.2f}× the same decision without them."]
    lines += ["", "On a worked regulation, bijstand, a decision with the deviation of art. 18 "
              f"lid 1 takes {medians[BIJSTAND_FULL] / medians[BIJSTAND_BASE]:.2f}× the time of "
              "the same decision without it"
              + (f" ({counted[BIJSTAND_FULL] / counted[BIJSTAND_BASE]:.2f}× in instructions)"
                 if counted else "") + "."]
    interleaved.write("discretion.md", lines)


if __name__ == "__main__":
    main()
