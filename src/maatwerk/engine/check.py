"""Checking a regulation completely: the language checks, the overlap search, and the references
to other regulations (found in a library: by default the regulations next to it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from maatwerk.engine.overlap import overlaps
from maatwerk.spec.build import load
from maatwerk.spec.chain_check import check_references
from maatwerk.spec.errors import SpecError, SpecErrors
from maatwerk.spec.library import Library
from maatwerk.spec.model import Regulation


@dataclass
class CheckResult:
    path: Path
    regulation: Regulation | None = None
    errors: list[SpecError] = field(default_factory=list)
    library: Library | None = None  # where the regulations it uses were found

    @property
    def ok(self) -> bool:
        return not self.errors


def check(path: str | Path, library: Library | None = None) -> CheckResult:
    """Load and check one regulation; problems are collected, never raised. A regulation that
    uses other regulations finds them in ``library`` (default: the regulations next to it)."""
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
    if reg.references():
        library = library if library is not None else Library.around(path)
        library.add(reg, path)
        result.library = library
        result.errors += check_references(reg, library)
    return result


def load_checked(path: str | Path, library: Library | None = None) -> Regulation:
    """Load a regulation and raise ``SpecErrors`` if any check, including overlaps and its
    references, fails."""
    result = check(path, library)
    if result.errors:
        raise SpecErrors(result.errors)
    assert result.regulation is not None
    return result.regulation
