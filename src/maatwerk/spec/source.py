"""Reading a regulation's YAML into plain data while keeping the position of every value.

The loader is deliberately small and strict. It builds the document from the parser's event
stream itself (so nothing is ever constructed from a tag), and it refuses what makes YAML dangerous
or ambiguous in a legal text: anchors and aliases (the "billion laughs" bomb), explicit tags,
duplicate keys, more than one document, deep nesting and huge files. Plain scalars are resolved
with the small core schema of YAML 1.2 (``true``/``false``, ``null``, integers and decimals, the
latter as exact ``Decimal``); everything else stays text, so ``no`` is never ``False`` and
``2025-01-01`` is read as text and parsed where a date is expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from maatwerk.spec.errors import Position, SpecError

MAX_BYTES = 2_000_000
MAX_DEPTH = 40
MAX_NODES = 50_000

Key = str | int
PathT = tuple[Key, ...]

_INT = re.compile(r"[-+]?[0-9]+(_[0-9]+)*\Z")
_DEC = re.compile(r"[-+]?[0-9]+(_[0-9]+)*\.[0-9]+(_[0-9]+)*\Z")
_BOOL = {"true": True, "false": False, "True": True, "False": False, "TRUE": True, "FALSE": False}
_NULL = {"", "~", "null", "Null", "NULL"}

try:  # libyaml's C parser when present: the same events, several times faster
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure Python fallback
    _Loader = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class Span:
    """Where a value sits: its start and end offsets in the text, and its scalar style."""

    line: int
    col: int
    start: int
    end: int
    style: str | None


@dataclass
class Source:
    """A regulation document: its plain data and the positions of every key and value in it."""

    file: str
    text: str
    data: Any
    values: dict[PathT, Span] = field(default_factory=dict)
    keys: dict[PathT, Span] = field(default_factory=dict)

    def position(self, path: PathT, *, key: bool = False) -> Position:
        """The position of the value (or key) at ``path``, or of its nearest known ancestor."""
        table = self.keys if key else self.values
        probe = path
        while True:
            span = table.get(probe) or self.values.get(probe)
            if span is not None:
                return Position(self.file, span.line, span.col)
            if not probe:
                return Position(self.file, 1, 1)
            probe = probe[:-1]

    def position_in(self, path: PathT, offset: int) -> Position:
        """The position of character ``offset`` of the text value at ``path`` (a formula)."""
        span = self.values.get(path)
        value = _get(self.data, path)
        if span is None or not isinstance(value, str):
            return self.position(path)
        index = _align(value, self.text, span, offset)
        line = self.text.count("\n", 0, index) + 1
        col = index - (self.text.rfind("\n", 0, index) + 1) + 1
        return Position(self.file, line, col)


def _get(data: Any, path: PathT) -> Any:
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _align(value: str, text: str, span: Span, offset: int) -> int:
    """Map an offset in a scalar's value to an index in the source text.

    Quoting, escapes and folded lines make the value differ from its source; walking both side by
    side and skipping source characters that do not appear in the value finds the place.
    """
    i = span.start
    if span.style in ("'", '"'):
        i += 1
    elif span.style in ("|", ">"):
        i = text.find("\n", i) + 1
    for ch in value[:offset]:
        if ch.isspace():
            continue
        found = text.find(ch, i, span.end)
        if found < 0:
            return i
        i = found + 1
    while i < span.end and text[i].isspace():
        i += 1
    return i


def load_text(text: str, file: str) -> Source:
    """Parse YAML text into a ``Source``; every problem is a ``SpecError`` with a position."""
    if len(text) > MAX_BYTES:
        raise SpecError("MW101", f"the file is larger than {MAX_BYTES:,} characters",
                        position=Position(file, 1, 1), got=f"{len(text):,} characters")
    source = Source(file=file, text=text, data=None)
    builder = _Builder(source)
    try:
        source.data = builder.build(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Position(file, mark.line + 1, mark.column + 1) if mark else Position(file, 1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:
            raise SpecError("MW105", f"the document is nested deeper than {MAX_DEPTH} levels",
                            position=_deep(text, file) or pos) from None
        if mark is not None and _char_at(text, mark.index) == "\t":
            problem = "a tab character; indent with spaces"
        raise SpecError("MW102", f"invalid YAML: {problem}", position=pos) from None
    except yaml.YAMLError as exc:
        raise SpecError("MW102", f"invalid YAML: {exc}", position=Position(file, 1, 1)) from None
    return source


def _char_at(text: str, index: int) -> str:
    return text[index] if 0 <= index < len(text) else ""


def _deep(text: str, file: str) -> Position | None:
    """Where flow brackets first pass the depth limit (libyaml gives up later, at 1000)."""
    depth = 0
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, i) + 1
                return Position(file, line, i - (text.rfind("\n", 0, i) + 1) + 1)
        elif ch in "]}":
            depth -= 1
    return None


def load_file(path: str | Path) -> Source:
    """Read and parse a regulation file."""
    p = Path(path)
    name = str(path)
    try:
        if p.stat().st_size > MAX_BYTES:
            raise SpecError("MW101", f"the file is larger than {MAX_BYTES:,} bytes",
                            position=Position(name, 1, 1), got=f"{p.stat().st_size:,} bytes")
        raw = p.read_bytes()
    except OSError as exc:
        raise SpecError("MW101", f"cannot read the file: {exc.strerror or exc}",
                        position=Position(name, 1, 1)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError("MW101", "the file is not UTF-8 text",
                        position=Position(name, 1, 1), got=f"byte {exc.start}") from None
    return load_text(text, name)


MAX_NUMBER_TEXT = 40  # longer numbers stay text, to be refused where a number is expected


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted) scalar under the core schema."""
    if len(text) > MAX_NUMBER_TEXT:
        return text
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text.replace("_", ""))
    if _DEC.match(text):
        try:
            return Decimal(text.replace("_", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            return text
    return text


class _Builder:
    """Builds plain data from parser events, recording positions and refusing unsafe YAML."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.nodes = 0
        self.events: Iterator[Any] = iter(())

    def _pos(self, mark: Any) -> Position:
        return Position(self.source.file, mark.line + 1, mark.column + 1)

    def _span(self, event: Any) -> Span:
        style = getattr(event, "style", None) or None
        return Span(event.start_mark.line + 1, event.start_mark.column + 1,
                    event.start_mark.index, event.end_mark.index, style)

    def build(self, events: Iterator[Any]) -> Any:
        self.events = iter(events)
        data: Any = None
        documents = 0
        for event in self.events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise SpecError("MW102", "a regulation file holds exactly one YAML document",
                                    position=self._pos(event.start_mark), got="a second document")
                data = self._node(next(self.events), (), 0)
        if documents == 0:
            raise SpecError("MW201", "the file is empty; a regulation needs at least 'id'",
                            position=Position(self.source.file, 1, 1))
        return data

    def _check(self, event: Any, depth: int) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise SpecError("MW105", f"the document has more than {MAX_NODES:,} nodes",
                            position=self._pos(event.start_mark))
        if depth > MAX_DEPTH:
            raise SpecError("MW105", f"the document is nested deeper than {MAX_DEPTH} levels",
                            position=self._pos(event.start_mark))
        if isinstance(event, yaml.AliasEvent):
            raise SpecError("MW104", "YAML aliases are not allowed; write the value out",
                            position=self._pos(event.start_mark), got=f"*{event.anchor}")
        if getattr(event, "anchor", None):
            raise SpecError("MW104", "YAML anchors are not allowed; write the value out",
                            position=self._pos(event.start_mark), got=f"&{event.anchor}")
        tag = getattr(event, "tag", None)
        implicit = getattr(event, "implicit", True)
        if tag and tag not in ("!", "?") and not (implicit is True or implicit == (True, True)):
            raise SpecError("MW104", "YAML tags are not allowed", position=self._pos(
                event.start_mark), got=tag)

    def _node(self, event: Any, path: PathT, depth: int) -> Any:
        self._check(event, depth)
        self.source.values[path] = self._span(event)
        if isinstance(event, yaml.ScalarEvent):
            if not event.style and event.implicit[0]:
                return resolve_plain(event.value)
            return event.value
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            for child in self.events:
                if isinstance(child, yaml.SequenceEndEvent):
                    return items
                items.append(self._node(child, (*path, len(items)), depth + 1))
        if isinstance(event, yaml.MappingStartEvent):
            return self._mapping(path, depth)
        raise SpecError("MW102", "unexpected YAML structure",  # pragma: no cover
                        position=self._pos(event.start_mark))

    def _mapping(self, path: PathT, depth: int) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        first_seen: dict[str, Position] = {}
        for key_event in self.events:
            if isinstance(key_event, yaml.MappingEndEvent):
                return mapping
            self._check(key_event, depth + 1)
            if not isinstance(key_event, yaml.ScalarEvent):
                raise SpecError("MW203", "a key must be a plain name, not a list or mapping",
                                position=self._pos(key_event.start_mark),
                                path=_dotted(path))
            key = key_event.value
            key_pos = self._pos(key_event.start_mark)
            if key in first_seen:
                raise SpecError("MW103", f"the key {key!r} occurs twice in this mapping "
                                f"(first at line {first_seen[key].line})",
                                position=key_pos, path=_dotted((*path, key)))
            first_seen[key] = key_pos
            self.source.keys[(*path, key)] = self._span(key_event)
            mapping[key] = self._node(next(self.events), (*path, key), depth + 1)
        return mapping  # pragma: no cover - the parser always closes a mapping


def _dotted(path: PathT) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


dotted = _dotted
