"""Reforms: a second version of a regulation, or a small patch file applied to one.

A patch changes what a policy change changes and nothing else::

    reform: {nl: Hogere standaardpremie, en: Higher standard premium}
    regulation: zorgtoeslag
    version: "2026.1-voorstel"
    parameters:
      standaardpremie:
        values: [{from: 2024-01-01, value: 2250, reference: "Voorstel, variant A"}]
    rules:
      normpremie: {formula: "...", reference: "..."}
    categories:
      nieuwe_groep: {label: ..., when: ..., legal_basis: ..., rules: {...}}
    remove_categories: [oude_groep]

``parameters`` replace the values of existing parameters; ``rules`` replace or add rules;
``categories`` add or replace categories; ``remove_categories`` removes some. The patched
regulation is checked like any regulation, and every problem points into the patch file where
the patch is the cause (otherwise into the base regulation).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from pydantic import Field

from maatwerk.engine.check import load_checked
from maatwerk.engine.overlap import overlaps
from maatwerk.simulate.population import SimulationError
from maatwerk.spec.build import build
from maatwerk.spec.errors import Position, SpecErrors
from maatwerk.spec.fields import Identifier, Model, Text
from maatwerk.spec.model import Regulation
from maatwerk.spec.source import PathT, Source, load_file, load_text
from maatwerk.spec.validate import validate


class Patch(Model):
    reform: Text
    regulation: str
    version: str
    description: Text | None = None
    parameters: dict[Identifier, dict[str, Any]] = Field(default_factory=dict)
    rules: dict[Identifier, dict[str, Any]] = Field(default_factory=dict)
    categories: dict[Identifier, dict[str, Any]] = Field(default_factory=dict)
    remove_categories: list[Identifier] = Field(default_factory=list)


class PatchedSource(Source):
    """The merged document; positions come from the patch where it is the source."""

    def __init__(self, base: Source, patch: Source, data: Any,
                 mapping: dict[PathT, PathT]) -> None:
        super().__init__(file=base.file, text=base.text + "\n# reform\n" + patch.text,
                         data=data, values=base.values, keys=base.keys)
        self.base = base
        self.patch = patch
        self.mapping = mapping

    def _route(self, path: PathT) -> tuple[Source, PathT]:
        for prefix, target in self.mapping.items():
            if path[:len(prefix)] == prefix:
                return self.patch, (*target, *path[len(prefix):])
        return self.base, path

    def position(self, path: PathT, *, key: bool = False) -> Position:
        source, mapped = self._route(path)
        return source.position(mapped, key=key)

    def position_in(self, path: PathT, offset: int) -> Position:
        source, mapped = self._route(path)
        return source.position_in(mapped, offset)


def is_patch(path: str | Path) -> bool:
    p = Path(path)
    if p.is_dir():
        return False
    data = load_file(p).data
    return isinstance(data, dict) and "reform" in data


def apply(base: Regulation, patch_path: str | Path) -> Regulation:
    """The base regulation with the patch file applied, checked completely."""
    return apply_source(base, load_file(patch_path))


def apply_text(base: Regulation, text: str, file: str = "hervorming.yaml") -> Regulation:
    """The base regulation with a patch given as text (``file`` names it in errors)."""
    return apply_source(base, load_text(text, file))


def apply_source(base: Regulation, patch_source: Source) -> Regulation:
    """The base regulation with a loaded patch applied, checked completely."""
    patch = validate(patch_source, Patch)
    if patch.regulation != base.id:
        raise SimulationError("MW904", f"the reform is for {patch.regulation!r}, not {base.id!r}",
                              path="regulation", got=patch.regulation)
    data = copy.deepcopy(base.source.data)
    mapping: dict[PathT, PathT] = {("version",): ("version",)}
    data["version"] = patch.version
    for section in ("parameters", "rules", "categories"):
        changes: dict[str, dict[str, Any]] = getattr(patch, section)
        target = data.setdefault(section, {})
        for name, change in changes.items():
            mapping[(section, name)] = (section, name)
            if section == "parameters":
                if name not in target:
                    raise SimulationError("MW904", f"{base.id} has no parameter {name!r} to "
                                          "change", path=f"parameters.{name}", got=name)
                target[name] = {**target[name], **change}
                for key in change:
                    mapping[(section, name, key)] = (section, name, key)
            else:
                target[name] = change
    for name in patch.remove_categories:
        data.get("categories", {}).pop(name, None)
    source = PatchedSource(base.source, patch_source, data, mapping)
    reg = build(source)
    problems = overlaps(reg)
    if problems:
        raise SpecErrors(problems)
    return reg


def load_reform(base: Regulation, path: str | Path) -> Regulation:
    """A reform given as a patch file or as a second version of the regulation."""
    if is_patch(path):
        return apply(base, path)
    reg = load_checked(path)
    if reg.id != base.id:
        raise SimulationError("MW904", f"the reform is regulation {reg.id!r}, not {base.id!r}",
                              path="id", got=reg.id)
    return reg
