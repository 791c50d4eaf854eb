"""A decision with an assessment and a deviation, against the same decision without them.

    .venv/bin/python bench/discretion.py [--rounds N]

The bar (issue: discretion as a construct): a decision with an assessment and a deviation stays
within 2x the time of the same decision without them. Without the assessment the decision is
indeterminate (the investigation is missing), which is timed too, as is each layer alone. Rounds
are interleaved and shuffled so that machine noise hits every variant alike; reported are medians
per decision and ratios from the same run, written to bench/results/discretion.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

import interleaved  # bench/interleaved.py, beside this script

import maatwerk
from maatwerk.spec.records import read_assessment, read_deviations

BENCH = Path(__file__).resolve().parent
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


def variants(decider: maatwerk.Decider) -> dict[str, Callable[[], Any]]:
    plain = {**INPUTS}
    return {
        "no assessment (indeterminate)": lambda: decider.decide(DAY, plain),
        "assessment": lambda: decider.decide(DAY, plain, assessment=ASSESSMENT),
        "assessment + deviation": lambda: decider.decide(DAY, plain, assessment=ASSESSMENT,
                                                         deviations=DEVIATIONS),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--batch", type=int, default=300)
    args = parser.parse_args()
    reg = maatwerk.load(BENCH / "fixtures" / "discretion.yaml")
    zt = maatwerk.load(BENCH.parent / "regulations" / "zorgtoeslag")
    zt_inputs = {"leeftijd": 30, "is_verzekerd": True, "heeft_toeslagpartner": False,
                 "toetsingsinkomen": "20000", "vermogen": "5000"}
    decider, zt_decider = maatwerk.Decider(reg), maatwerk.Decider(zt)
    runs = variants(decider)
    runs["zorgtoeslag (no discretion), for scale"] = lambda: zt_decider.decide(DAY, zt_inputs)
    medians = interleaved.medians(runs, args.rounds, args.batch, seed=7)
    base = medians["assessment"]
    lines = [
        "# A decision with and without the discretionary layers",
        "",
        f"{dt.datetime.now():%Y-%m-%d %H:%M}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.machine()}; {args.rounds} rounds of "
        f"{args.batch} decisions per variant, interleaved. Regulation: "
        "`bench/fixtures/discretion.yaml` (rules, a category, an assessment, a hardship clause).",
        "",
        "| variant | median µs per decision | ratio to the decision with its assessment only |",
        "|---|---:|---:|",
    ]
    lines += interleaved.rows(medians, base)
    full = medians["assessment + deviation"]
    plain = medians["no assessment (indeterminate)"]
    lines += ["", f"With an assessment and a deviation a decision takes {full / plain:.2f}× the "
              "time of the same decision without them (bar: within 2×)."]
    interleaved.write("discretion.md", lines)


if __name__ == "__main__":
    main()
