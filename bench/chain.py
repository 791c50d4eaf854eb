"""A decision through a chain of regulations, against deciding the regulations one by one.

    .venv/bin/python bench/chain.py [--rounds N] [--batch N]

The bar (issue 8): a decision through a chain stays within 2x the time of deciding the
regulations one by one. Measured on the worked example: the minimaregeling, whose income limit
and asset limit are outputs of the bijstand regulation.

- *one by one*: decide bijstand for the household (on 1 January, the minimaregeling's reference
  date for the norm), then decide the minimaregeling on its own with the norm and the asset limit
  given as inputs (a ``Decider`` without a library takes them as ordinary inputs);
- *through the chain*: decide the minimaregeling with a library; the engine decides bijstand
  itself and keeps its decision as a link.

Both variants give the same outcome (checked before timing). Rounds are interleaved and shuffled
so that machine noise hits both alike; reported are medians per decision and their ratio from
the same run, written to bench/results/chain.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import platform
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
# the scripts beside this one must not shadow modules of the standard library (bench/web_api.py)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]

from maatwerk.engine.decide import Decider  # noqa: E402
from maatwerk.spec.library import Library  # noqa: E402

ROOT = BENCH.parent
DAY = dt.date(2025, 9, 1)
JANUARY = dt.date(2025, 1, 1)
OWN = {"netto_inkomen": "2200", "vermogen": "0"}
BIJSTAND = {"geboortedatum": "1990-03-01", "leefvorm": "gehuwd", "aow_leeftijd_bereikt": False,
            "geboortedatum_partner": "1991-01-01", "partner_aow_leeftijd_bereikt": False,
            "aantal_kostendelers": 2, "verblijft_in_inrichting": False, "vermogen": "0"}


def _interleaved() -> Any:
    """bench/interleaved.py, loaded by its path (bench/ is not on sys.path here)."""
    spec = importlib.util.spec_from_file_location("interleaved", BENCH / "interleaved.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def variants(library: Library) -> dict[str, Callable[[], Any]]:
    minima = library.find("minimaregeling")[0]
    bijstand = library.find("bijstand")[0]
    chained, alone, bijstand_alone = Decider(minima, library), Decider(minima), Decider(bijstand)

    def one_by_one() -> Any:
        norm = bijstand_alone.decide(JANUARY, BIJSTAND)
        return alone.decide(DAY, {**OWN, "bijstandsnorm": norm.outputs["bijstandsnorm"],
                                  "vermogensgrens": norm.outputs["vermogensgrens_huishouden"]})

    def through_the_chain() -> Any:
        return chained.decide(DAY, {**OWN, **BIJSTAND})

    return {"one by one (bijstand, then the minimaregeling)": one_by_one,
            "through the chain": through_the_chain,
            "bijstand alone, for scale": lambda: bijstand_alone.decide(JANUARY, BIJSTAND)}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    library = Library([ROOT / "regulations"])
    runs = variants(library)
    names = list(runs)
    first, chained = runs[names[0]](), runs[names[1]]()
    assert first.outputs == chained.outputs, (first.outputs, chained.outputs)
    timing = _interleaved()
    medians = timing.medians(runs, args.rounds, args.batch, seed=8)
    base = medians[names[0]]
    ratio = medians[names[1]] / base
    lines = [
        "# A decision through a chain against the regulations one by one",
        "",
        f"{dt.datetime.now():%Y-%m-%d %H:%M}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.machine()}; {args.rounds} rounds of "
        f"{args.batch} decisions per variant, interleaved and shuffled. Regulations: "
        "`regulations/minimaregeling` (its norm and asset limit are outputs of "
        "`regulations/bijstand`, on 1 January) for a married couple.",
        "",
        "| variant | median µs per decision | ratio to one by one |",
        "|---|---:|---:|",
    ]
    lines += timing.rows(medians, base)
    lines += ["", f"A decision through the chain takes {ratio:.2f}× the time of deciding the "
              "regulations one by one (bar: within 2×). The chain does more than the two "
              "decisions: it checks the case's names against both regulations, computes the "
              "reference date, finds bijstand in the library and keeps its decision as a link "
              "with its receipt."]
    timing.write("chain.md", lines)


if __name__ == "__main__":
    main()
