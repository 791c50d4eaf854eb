"""Benchmark worker for the GoRules zen-engine anchor (runs in bench/.venv-anchors-zen).

One decision = evaluate the JDM graph ``bench/anchors/zen_zorgtoeslag.json`` (loaded and
compiled once into a ``ZenDecision``) for one context, with and without ``trace``."""

from __future__ import annotations

import platform
import re
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import zen
from _protocol import Variant, main

GRAPH = Path(__file__).resolve().parents[1] / "anchors" / "zen_zorgtoeslag.json"
MONEY = ("toetsingsinkomen", "toetsingsinkomen_partner", "vermogen")
UNITS = {"ns": 1, "µs": 1_000, "us": 1_000, "ms": 1_000_000, "s": 1_000_000_000}
DURATION = re.compile(r"^\s*([0-9.]+)\s*(ns|µs|us|ms|s)\s*$")


def nanoseconds(performance: str) -> int:
    """The engine's own timing of an evaluation, e.g. "45.8µs", in nanoseconds."""
    m = DURATION.match(performance)
    if m is None:
        raise ValueError(f"unexpected performance figure {performance!r}")
    return round(float(m.group(1)) * UNITS[m.group(2)])


def context(case: dict[str, Any]) -> dict[str, Any]:
    # money as JSON numbers (zen computes with decimals internally)
    return {k: (float(v) if k in MONEY else v) for k, v in case.items()}


def build(cases: list[dict[str, Any]]) -> Any:
    decision = zen.ZenEngine().create_decision(GRAPH.read_text(encoding="utf-8"))
    args = [context(c) for c in cases]
    with_trace = {"trace": True}
    without = {"trace": False}

    def traced(ctx: dict[str, Any]) -> Any:
        return decision.evaluate(ctx, with_trace)

    def untraced(ctx: dict[str, Any]) -> Any:
        return decision.evaluate(ctx, without)

    def engine_reported(ctx: dict[str, Any]) -> int:
        return nanoseconds(decision.evaluate(ctx, with_trace)["performance"])

    def amounts(raw: list[dict[str, Any]]) -> list[int]:
        out = []
        for ctx in map(context, raw):
            response = decision.evaluate(ctx, with_trace)
            assert response["trace"]
            out.append(int(response["result"]["zorgtoeslag"]))
        return out

    variants: dict[str, Variant] = {
        "trace": ("us", traced, args),
        "no-trace": ("us", untraced, args),
        "trace, engine-reported": ("us-self", engine_reported, args),
    }
    versions = {"zen-engine": version("zen-engine"), "python": platform.python_version()}
    return "zen", versions, variants, amounts


if __name__ == "__main__":
    sys.exit(main(build))
