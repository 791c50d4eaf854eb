"""Checking a regulation completely: the language checks plus the overlap search."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from maatwerk.engine.overlap import overlaps
from maatwerk.spec.build import load
from maatwerk.spec.errors import SpecError, SpecErrors
from maatwerk.spec.model import Regulation


@dataclass
class CheckResult:
    path: Path
    regulation: Regulation | None = None
    errors: list[SpecError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check(path: str | Path) -> CheckResult:
    """Load and check one regulation; problems are collected, never raised."""
    result = CheckResult(Path(path))
    try:
        reg = load(path)
    except SpecErrors as exc:
        result.errors = list(exc)
        return result
    except SpecError as exc:
        result.errors = [exc]
        return result
    result.regulation = reg
    result.errors = overlaps(reg)
    return result


def load_checked(path: str | Path) -> Regulation:
    """Load a regulation and raise ``SpecErrors`` if any check, including overlaps, fails."""
    result = check(path)
    if result.errors:
        raise SpecErrors(result.errors)
    assert result.regulation is not None
    return result.regulation
