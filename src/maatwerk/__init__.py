"""maatwerk: regulations as code, with tailoring as a declared, bounded and measured part of
every decision.

    >>> import maatwerk
    >>> reg = maatwerk.load("regulations/zorgtoeslag")
    >>> decision = maatwerk.decide(reg, datetime.date(2025, 6, 1), {...})
"""

from __future__ import annotations

__version__ = "0.1.0"

from maatwerk.engine.decide import Decider, decide
from maatwerk.spec.build import load, loads
from maatwerk.spec.errors import DecisionError, MaatwerkError, SpecError, SpecErrors

__all__ = [
           "Decider",
           "DecisionError",
           "MaatwerkError",
           "SpecError",
           "SpecErrors",
           "__version__",
           "decide",
           "load",
           "loads",
]
