"""The OpenFisca side of bench/population.py (runs in bench/.venv-anchors-openfisca).

    python openfisca_population.py FOLDER

Reads the population's columns from ``FOLDER/*.npy``, prints the versions as a JSON line, then
for every line on standard input builds a fresh simulation of the whole population (OpenFisca
caches what it calculated), sets the inputs (amounts in euros) and times
``simulation.calculate("zorgtoeslag", "2025")`` alone; prints ``{"seconds": ...}``. A line
``amounts`` also saves the amounts to ``FOLDER/openfisca.npy``."""

from __future__ import annotations

import json
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "anchors"))

from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_zorgtoeslag import CountryTaxBenefitSystem

AMOUNTS = ("toetsingsinkomen", "toetsingsinkomen_partner", "vermogen")  # in cents in the files


def main() -> None:
    folder = sys.argv[1]
    cols = {k: np.load(f"{folder}/{k}.npy") for k in (
        "leeftijd", "is_verzekerd", "heeft_toeslagpartner", *AMOUNTS)}
    n = cols["leeftijd"].shape[0]
    tbs = CountryTaxBenefitSystem()
    print(json.dumps({"openfisca-core": version("openfisca-core"), "numpy": np.__version__}),
          flush=True)
    for line in sys.stdin:
        sim = SimulationBuilder().build_default_simulation(tbs, count=n)
        for name, values in cols.items():
            sim.set_input(name, "2025", values / 100 if name in AMOUNTS else values)
        start = time.perf_counter()
        amounts = sim.calculate("zorgtoeslag", "2025")
        seconds = time.perf_counter() - start
        if line.strip() == "amounts":
            np.save(f"{folder}/openfisca.npy", np.asarray(amounts))
        print(json.dumps({"seconds": seconds}), flush=True)


if __name__ == "__main__":
    main()
