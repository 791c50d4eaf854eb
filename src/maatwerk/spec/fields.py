"""The field types shared by the parts of a regulation document's schema."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints

IDENT_PATTERN = r"^[a-z][a-z0-9_]*$"
Identifier = Annotated[str, StringConstraints(pattern=IDENT_PATTERN, max_length=64)]
RegulationId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
InputKind = Literal["bool", "integer", "decimal", "money", "date", "enum", "text"]
ValueKind = Literal["bool", "integer", "decimal", "money", "date", "text"]
HitPolicy = Literal["unique", "first", "collect"]
Provenance = Literal["statute", "practice", "illustrative"]


def _as_text(value: Any) -> Any:
    """Formulas may be written as bare YAML numbers or booleans; keep them as formula text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    return value


def _as_translations(value: Any) -> Any:
    return {"nl": value} if isinstance(value, str) else value


def _as_basis(value: Any) -> Any:
    return {"title": value} if isinstance(value, str) else value


def as_subject(value: Any) -> Any:
    return {"type": value} if isinstance(value, str) else value


def as_reference(value: Any) -> Any:
    """``output_of: bijstand.bijstandsnorm`` is short for a mapping of regulation and output."""
    if not isinstance(value, str):
        return value
    regulation, dot, output = value.strip().partition(".")
    if not dot or not regulation or not output or "." in output:
        raise ValueError("write the reference as regulation.output (like "
                         "bijstand.bijstandsnorm) or as a mapping with 'regulation' and 'output'")
    return {"regulation": regulation, "output": output}


Expression = Annotated[str, BeforeValidator(_as_text)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Translations(Model):
    """Text in Dutch, with an optional English version."""

    nl: str
    en: str | None = None


Text = Annotated[Translations, BeforeValidator(_as_translations)]
Unit = Text  # a unit shown with a value: "jaar", or {nl: jaar, en: years}


class LegalBasis(Model):
    """A citation: the law or regulation, its BWB id, and the article."""

    title: str
    bwb: Annotated[str, StringConstraints(pattern=r"^BWBR[0-9]{7}$")] | None = None
    article: str | None = None
    url: str | None = None


Basis = Annotated[LegalBasis, BeforeValidator(_as_basis)]
