"""Benchmark worker for maatwerk (runs in the project venv)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from _protocol import Variant, main

import maatwerk
from maatwerk.engine.check import check

TREE = Path(os.environ.get("BENCH_MAATWERK_TREE") or Path(__file__).resolve().parents[2])
REGULATION = str(TREE / "regulations" / "zorgtoeslag")
MONEY = ("toetsingsinkomen", "toetsingsinkomen_partner", "vermogen")


def native(case: dict[str, Any]) -> tuple[dt.date, dict[str, Any]]:
    inputs = {k: (Decimal(v) if k in MONEY else v) for k, v in case.items() if k != "peildatum"}
    return dt.date.fromisoformat(case["peildatum"]), inputs


def build(cases: list[dict[str, Any]]) -> Any:
    reg = maatwerk.load(REGULATION)
    decider = maatwerk.Decider(reg)
    args = [native(c) for c in cases]

    def decide(a: tuple[dt.date, dict[str, Any]]) -> Any:
        return decider.decide(a[0], a[1])

    def decide_trace(a: tuple[dt.date, dict[str, Any]]) -> Any:
        return decider.decide(a[0], a[1]).trace()

    def decide_trace_explain(a: tuple[dt.date, dict[str, Any]]) -> Any:
        decision = decider.decide(a[0], a[1])
        decision.trace()
        return decision.explanation()

    def amounts(raw: list[dict[str, Any]]) -> list[int]:
        out = []
        for day, inputs in map(native, raw):
            decision = decider.decide(day, inputs)
            assert decision.trace() and decision.explanation()
            out.append(int(decision.outputs["zorgtoeslag"]))
        return out

    variants: dict[str, Variant] = {
        "decide": ("us", decide, args),
        "decide+trace": ("us", decide_trace, args),
        "decide+trace+explanation": ("us", decide_trace_explain, args),
        "load": ("ms", maatwerk.load, [REGULATION]),
        "check": ("ms", check, [REGULATION]),
    }
    versions = {"maatwerk": maatwerk.__version__, "python": platform.python_version(),
                "from": str(Path(maatwerk.__file__).resolve().parent)}
    return "maatwerk", versions, variants, amounts


if __name__ == "__main__":
    sys.exit(main(build))
