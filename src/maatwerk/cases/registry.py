"""The regulations the case file knows: loaded and checked from folders, stored by content.

A regulation version is stored once per sha256 of its text; a case points at the version it was
decided under and keeps being decided under that version, even after a newer one is loaded. A
regulation that uses outputs of other regulations is decided through the current versions of
those regulations in the registry; its decision document names each of them (``receipts``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from maatwerk.cases.db import upsert
from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import RegulationVersion
from maatwerk.engine.check import load_checked
from maatwerk.engine.decide import Decider, decider
from maatwerk.spec.build import build, discover
from maatwerk.spec.library import Library
from maatwerk.spec.model import Regulation
from maatwerk.spec.source import load_text
from maatwerk.spec.typecheck import suggest


class Registry:
    def __init__(self, paths: Iterable[str | Path] = ()) -> None:
        self.current: dict[str, Regulation] = {}
        self.by_sha: dict[str, Regulation] = {}
        self.library = Library()  # the current versions, for regulations that use others
        for path in discover(paths):
            self.add(load_checked(path))

    def add(self, reg: Regulation) -> None:
        self.current[reg.id] = reg
        self.by_sha[reg.sha256] = reg
        self.library = Library(regulations=self.current.values())

    def get(self, regulation_id: str) -> Regulation:
        reg = self.current.get(regulation_id)
        if reg is None:
            raise CaseError("MW803", f"no regulation {regulation_id!r}"
                            f"{suggest(regulation_id, list(self.current))}; known: "
                            f"{', '.join(sorted(self.current))}", path="regulation",
                            got=regulation_id)
        return reg

    def store(self, session: Session, reg: Regulation) -> RegulationVersion:
        """The stored version of ``reg``, stored now if it was not (by whichever of two
        transactions at the same moment comes first; the other uses it)."""
        query = select(RegulationVersion).where(RegulationVersion.sha256 == reg.sha256)
        found = session.execute(query).scalar_one_or_none()
        if found is None:
            upsert(session, RegulationVersion, {
                "regulation": reg.id, "version": reg.version, "sha256": reg.sha256,
                "title": reg.title.nl, "source": reg.source.text}, "sha256")
            found = session.execute(query).scalar_one()
        return found

    def pinned(self, version: RegulationVersion) -> Regulation:
        """The regulation a case is pinned to, rebuilt from its stored text when needed."""
        reg = self.by_sha.get(version.sha256)
        if reg is None:
            reg = build(load_text(version.source, f"{version.regulation}@{version.version}"))
            self.by_sha[reg.sha256] = reg
        return reg

    def pinned_by_sha(self, sha256: str) -> Regulation | None:
        """A regulation version already loaded or rebuilt, by its sha256."""
        return self.by_sha.get(sha256)

    def decider(self, version: RegulationVersion) -> Decider:
        return decider(self.pinned(version), self.library)

    def decider_for(self, reg: Regulation) -> Decider:
        return decider(reg, self.library)
