"""The synthetic cases of each worked regulation, planned as timed steps on the case file.

Each ``plan_*`` method draws the people (or terrains) and their facts from the distributions
described in ``maatwerk.simulate.history`` and plans what happens to their case: who submits it,
who handles it, whether the citizen asks for maatwerk, which deviations are proposed and whether
they are approved, the investigation, the decision, the announcement and any objection. Steps
that fall after the history's today are not taken, so recent cases are still open.

The planning of each regulation is a module of its own (``history_zorgtoeslag``,
``history_bijstand``, ``history_bijzondere_bijstand``, ``history_wmo``, ``history_cbr``,
``history_staatsbosbeheer``, and ``history_demo`` for the demo accounts' cases) on the shared
``history_planning``; ``Planner`` brings them together. All of them draw from one random
generator, so the history depends on the order in which the cases are planned.
"""

from __future__ import annotations

from collections.abc import Sequence

from maatwerk.simulate.history_bijstand import BijstandCases
from maatwerk.simulate.history_bijzondere_bijstand import BijzondereBijstandCases
from maatwerk.simulate.history_cbr import CbrCases
from maatwerk.simulate.history_planning import Window
from maatwerk.simulate.history_staatsbosbeheer import StaatsbosbeheerCases
from maatwerk.simulate.history_wmo import WmoCases
from maatwerk.simulate.history_zorgtoeslag import ZorgtoeslagCases


class Planner(ZorgtoeslagCases, BijstandCases, BijzondereBijstandCases, WmoCases, CbrCases,
              StaatsbosbeheerCases):
    """Plans the synthetic cases of every worked regulation; every draw comes from one seeded
    random generator."""


def share(total: int, weights: Sequence[tuple[str, float]]) -> dict[str, int]:
    """``total`` split by weight (largest remainder), each at least one when there is room."""
    whole = sum(w for _, w in weights)
    exact = {name: total * w / whole for name, w in weights}
    counts = {name: int(v) for name, v in exact.items()}
    for name in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[
            :total - sum(counts.values())]:
        counts[name] += 1
    for name, count in list(counts.items()):
        if count == 0 and total >= len(weights):
            donor = max(counts, key=lambda k: counts[k])
            counts[donor] -= 1
            counts[name] = 1
    return counts


__all__ = ["Planner", "Window", "share"]
