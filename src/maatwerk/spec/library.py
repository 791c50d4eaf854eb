"""A library of regulations, found by their id: how a regulation finds the regulations it uses.

A ``Library`` holds regulations given to it and the regulations under folders (a regulation
file, a regulation folder, or a folder of them, as ``maatwerk check`` takes them). Those under
folders are indexed by the top-level ``id:`` line of their file and loaded and checked only when
a reference names that id, so a library over a large folder costs nothing until it is used.

A reference resolves to the regulations with its id (and, when pinned, its version). On a
reference date exactly one of them must apply: none is a refusal (MW603), two are ambiguous
(MW410). ``maatwerk.spec.chain_check`` checks the references of a regulation against the
library; the engine decides through them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from maatwerk.spec.build import discover, load, regulation_files
from maatwerk.spec.errors import DecisionError, SpecError, SpecErrors
from maatwerk.spec.graph import inputs_for
from maatwerk.spec.model import InputDef, Reference, Regulation
from maatwerk.spec.source import dotted
from maatwerk.spec.typecheck import suggest

_ID = re.compile(r"""^id:[ \t]*(["']?)([A-Za-z0-9_.-]+)\1[ \t]*(?:#.*)?$""", re.MULTILINE)
_HEAD = 65_536  # the id is read from the first bytes of a file


@dataclass(frozen=True)
class Entry:
    """A regulation of the library, or the first problem that keeps it from loading."""

    name: str  # how messages name it: the file or folder name
    regulation: Regulation | None = None
    problem: SpecError | None = None
    key: Path | None = None  # where it was found


def _scan_id(path: Path) -> str | None:
    main, _ = regulation_files(path)
    try:
        with main.open("rb") as handle:
            head = handle.read(_HEAD).decode("utf-8", "replace")
    except OSError:
        return None
    found = _ID.search(head)
    return found.group(2) if found else None


def _key(path: Path) -> Path:
    return path.resolve()


class Library:
    """Regulations by id: given ones, and those under folders, loaded when first named."""

    def __init__(self, paths: Iterable[str | Path] = (),
                 regulations: Iterable[Regulation] = ()) -> None:
        self.paths = [Path(p) for p in paths]
        self._index: dict[str, list[Path]] | None = None
        self._unscanned: list[Path] = []
        self._entries: dict[str, list[Entry]] = {}
        self._done: set[Path] = set()
        self._resolved: dict[tuple[str, str | None, dt.date], Regulation] = {}
        self._namespaces: dict[Regulation, dict[str, InputDef]] = {}
        for reg in regulations:
            self.add(reg)

    @classmethod
    def around(cls, path: str | Path) -> Library:
        """The regulations next to the regulation at ``path`` (in the folder that holds it)."""
        return cls([holder(path)])

    def add(self, reg: Regulation, path: str | Path | None = None) -> None:
        """Add a loaded regulation (found at ``path``, which is then not loaded again)."""
        key = _key(Path(path)) if path is not None else None
        name = Path(path).name if path is not None else Path(reg.source.file).name
        if key is not None:
            self._done.add(key)
            for entries in self._entries.values():
                entries[:] = [e for e in entries if e.key != key]
        self._entries.setdefault(reg.id, []).append(Entry(name, reg, key=key))
        self._resolved.clear()
        self._namespaces.clear()

    # -- finding ---------------------------------------------------------------------------------

    def _scan(self) -> dict[str, list[Path]]:
        if self._index is None:
            self._index = {}
            for path in discover(self.paths) if self.paths else []:
                found = _scan_id(path)
                if found is None:
                    self._unscanned.append(path)
                else:
                    self._index.setdefault(found, []).append(path)
        return self._index

    def _load(self, path: Path) -> None:
        key = _key(path)
        if key in self._done:
            return
        self._done.add(key)
        try:
            reg = load(path)
        except SpecError as exc:
            problem = next(iter(exc)) if isinstance(exc, SpecErrors) else exc
            self._entries.setdefault(_scan_id(path) or path.name, []).append(
                Entry(path.name, problem=problem, key=key))
            return
        self._entries.setdefault(reg.id, []).append(Entry(path.name, reg, key=key))

    def entries(self, regulation_id: str) -> list[Entry]:
        """Every regulation with this id, loading it when first asked for."""
        for path in self._scan().get(regulation_id, []):
            self._load(path)
        if regulation_id not in self._entries:
            for path in self._unscanned:
                self._load(path)
        return [e for e in self._entries.get(regulation_id, [])
                if e.regulation is None or e.regulation.id == regulation_id]

    def find(self, regulation_id: str, version: str | None = None) -> list[Regulation]:
        """The loaded regulations with this id (and version, when given)."""
        return [e.regulation for e in self.entries(regulation_id) if e.regulation is not None
                and (version is None or e.regulation.version == version)]

    def ids(self) -> list[str]:
        """Every id known to the library (for suggestions)."""
        return sorted({*self._scan(), *self._entries})

    # -- resolving on a reference date ----------------------------------------------------------

    def resolve(self, user: Regulation, ref: Reference, day: dt.date) -> Regulation:
        """The one regulation ``ref`` (an input of ``user``) names on ``day``; raises
        ``DecisionError`` when there is none or more than one."""
        key = (ref.regulation, ref.version, day)
        found = self._resolved.get(key)
        if found is not None:
            return found
        path, position = dotted(ref.path), user.source.position(ref.path)
        candidates = self.find(ref.regulation, ref.version)
        if not candidates:
            raise DecisionError("MW409", self.not_found(ref), got=str(ref), path=path,
                                position=position)
        applying = [reg for reg in candidates if reg.valid_on(day)]
        if not applying:
            spans = "; ".join(f"{r.version} {validity(r)}" for r in candidates)
            raise DecisionError("MW603", f"no version of {ref.regulation} applies on {day} "
                                f"(the reference date of {user.id}'s input "
                                f"{ref.path[1]!r}); found: {spans}", got=day.isoformat(),
                                path=path, position=position)
        if len(applying) > 1:
            raise DecisionError("MW410", f"{ref.regulation} is ambiguous on {day}: "
                                + " and ".join(f"version {r.version}" for r in applying)
                                + " both apply; pin one with 'version'", got=str(ref),
                                path=path, position=position)
        self._resolved[key] = applying[0]
        return applying[0]

    def not_found(self, ref: Reference) -> str:
        """Why ``ref`` finds no regulation: none with the id, not that version, or it does not
        load."""
        entries = self.entries(ref.regulation)
        problems = [e for e in entries if e.problem is not None]
        loaded = [e.regulation for e in entries if e.regulation is not None]
        if ref.version is not None and loaded:
            return (f"no version {ref.version!r} of {ref.regulation}; found "
                    + ", ".join(repr(r.version) for r in loaded))
        if problems:
            problem = problems[0].problem
            assert problem is not None
            return (f"{ref.regulation} ({problems[0].name}) does not load: {problem.code} "
                    f"{problem.path + ': ' if problem.path else ''}{problem.message}")
        where = ", ".join(p.name or str(p) for p in self.paths) or "nowhere"
        return (f"no regulation {ref.regulation!r} is found (looked in: {where})"
                f"{suggest(ref.regulation, self.ids())}")

    # -- the facts of a case ---------------------------------------------------------------------

    def namespace(self, reg: Regulation) -> dict[str, InputDef]:
        """The inputs a case under ``reg`` is given: its own facts and, under their own names,
        those of the regulations it uses that its references do not map (over every version)."""
        found = self._namespaces.get(reg)
        if found is None:
            found = self._namespace(reg, frozenset())
            self._namespaces[reg] = found
        return found

    def _namespace(self, reg: Regulation, seen: frozenset[str]) -> dict[str, InputDef]:
        names = {n: i for n, i in reg.inputs.items() if i.reference is None}
        if reg.id in seen:
            return names
        for ref in reg.references().values():
            for other in self.find(ref.regulation, ref.version):
                for name, definition in self._namespace(other, seen | {reg.id}).items():
                    if name not in ref.inputs:
                        names.setdefault(name, definition)
        return names


def facts_for(library: Library, reg: Regulation, output: str,
              seen: frozenset[str] = frozenset()) -> dict[str, InputDef]:
    """The facts deciding ``output`` may ask for, in declaration order: an input that is the
    output of another regulation stands for the facts that output may ask for there (under this
    case's names)."""
    found: dict[str, InputDef] = {}
    for name in inputs_for(reg, output):
        ref = reg.inputs[name].reference
        if ref is None:
            found.setdefault(name, reg.inputs[name])
            continue
        for other in library.find(ref.regulation, ref.version):
            if ref.output not in other.outputs or other.id in seen:
                continue
            for theirs, definition in facts_for(library, other, ref.output,
                                                seen | {reg.id}).items():
                ours = ref.inputs.get(theirs, theirs)
                found.setdefault(ours, reg.inputs.get(ours, definition))
    return found


def holder(path: str | Path) -> Path:
    """The folder that holds the regulation at ``path`` (kept relative when it is)."""
    p = Path(path)
    return p.parent if p.name and p.name != ".." else p.resolve().parent


def validity(reg: Regulation) -> str:
    """A regulation's validity in words: 'from 2025-01-01 until 2025-12-31'."""
    return f"from {reg.valid_from}" + (f" until {reg.valid_until}" if reg.valid_until else "")
