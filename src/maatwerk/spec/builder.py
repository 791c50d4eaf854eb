"""Collecting the problems of one regulation while it is turned into the model."""

from __future__ import annotations

import datetime as dt
from typing import Any

from maatwerk.spec import schema
from maatwerk.spec.builtins import BUILTINS
from maatwerk.spec.errors import SpecError, SpecErrors
from maatwerk.spec.formula import KEYWORDS, FormulaError, parse
from maatwerk.spec.model import Formula
from maatwerk.spec.source import PathT, Source, dotted
from maatwerk.spec.types import Type
from maatwerk.spec.values import ValueProblem, coerce

RESERVED = KEYWORDS | set(BUILTINS) | {"peildatum", "standard", "need", "remaining"}


class Builder:
    """Collects the problems of one regulation while turning it into the model."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.errors: list[SpecError] = []

    def error(self, code: str, message: str, path: PathT, *, got: object = None,
              key: bool = False) -> None:
        self.errors.append(SpecError(code, message, path=dotted(path),
                                     position=self.source.position(path, key=key), got=got))

    def raise_if_errors(self) -> None:
        if self.errors:
            raise SpecErrors(self.errors)

    def formula(self, text: str, path: PathT, valid_from: dt.date | None = None,
                reference: str | None = None) -> Formula | None:
        try:
            expr = parse(text)
        except FormulaError as exc:
            self.errors.append(SpecError(exc.code, exc.message, path=dotted(path),
                                         position=self.source.position_in(path, exc.offset),
                                         got=exc.got))
            return None
        return Formula(expr, text, path, valid_from, reference)

    def value(self, raw: Any, type_: Type, path: PathT, keys: tuple[str, ...] | None) -> Any:
        if keys is None:
            try:
                return coerce(raw, type_)
            except ValueProblem as exc:
                self.error(exc.code, str(exc), path, got=raw)
                return None
        if not isinstance(raw, dict):
            self.error("MW203", f"expected a mapping with the keys {', '.join(keys)}", path,
                       got=raw)
            return None
        missing = [k for k in keys if k not in raw]
        extra = [k for k in raw if k not in keys]
        if missing or extra:
            parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
                [f"unknown {', '.join(extra)}"] if extra else [])
            self.error("MW307", f"the keys must be exactly {', '.join(keys)}: "
                       + "; ".join(parts), path)
            return None
        return {k: self.value(raw[k], type_, (*path, k), None) for k in keys}


def citation(basis: schema.LegalBasis) -> str:
    """A legal basis as one line: title and article."""
    return basis.title + (f" {basis.article}" if basis.article else "")
