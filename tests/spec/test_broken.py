"""Deliberately broken regulations: every error code is triggered, located and worded as intended.

Each file in ``tests/spec/broken/`` is named ``MWxxx-short-slug.yaml`` and is a small regulation
broken in exactly one way. Its leading comment block states what must happen, one ``# key: value``
line per fact (other comment lines are free text for the reader)::

    # expect: MW302 at 22:22 path rules.toeslag.formula
    # message: unknown name 'grns'; did you mean 'grens'?
    # got: grns

``expect`` gives the code, the position as ``line:col`` (``-`` for none) and the path (``-`` for
none); ``message`` is the exact message (``…`` stands for any text, for an example found by a
search that the file cannot predict) and ``got`` the offending value as rendered in ``(got …)``
(``-`` for none). Optional lines:

``# errors: N`` / ``# errors: <=N``
    how many errors ``check`` reports (default: exactly 1); the first, in file order, is compared;
``# decide: YYYY-MM-DD {json inputs}``
    the regulation loads (``maatwerk check`` finds nothing but, at most, the overlap that the
    error is the runtime form of); deciding this case must raise the expected ``DecisionError``
    (6xx and 7xx codes);
``# deviation: {json}`` / ``# assessment: {json}``
    with ``decide``: the discretion records the case is decided with (a deviation, or
    ``deviations``/``considerations``; an assessment), read as ``maatwerk decide`` reads them;
``# hostile: what``
    a file built to attack the loader; it must be refused within ``HOSTILE_SECONDS`` of CPU;
``# generate: encode CODEC`` / ``# generate: repeat N "json text"``
    the file is transformed before it is checked: written in another encoding than UTF-8, or
    the marker ``<<REPEAT>>`` replaced by the text repeated N times (inputs too big to commit);
``# xfail: reason``
    a known defect: the header states the correct behaviour, the current code does not meet it.

The folders in ``tests/spec/broken/`` (``keten-*/``) are not broken files: they are the
regulations the cross-regulation files (MW409-MW413) refer to, found in the library of the folder
that holds a checked file.

Every code in ``CODES`` must have a broken file and a section in ``docs/errors.md``, and every
error line printed in ``docs/errors.md`` must be what a broken file really produces (``…`` marks
a part left out).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from maatwerk.engine.check import check
from maatwerk.engine.decide import Decider
from maatwerk.spec.build import load
from maatwerk.spec.errors import CODES, CodedError, DecisionError
from maatwerk.spec.formula import parse
from maatwerk.spec.records import read_assessment, read_deviations
from tests.conftest import ROOT

BROKEN = Path(__file__).resolve().parent / "broken"
DOCS = ROOT / "docs" / "errors.md"

HOSTILE_SECONDS = 5.0  # CPU seconds: a guard against blow-ups, not a speed measurement (bench/)
ANY_SECONDS = 10.0  # CPU seconds, every other file, the overlap search included
MARKER = "<<REPEAT>>"
WILDCARD = "…"
OVERLAP_CODES = frozenset({"MW403", "MW404"})  # found by check; MW606/MW607 when deciding

_NAME = re.compile(r"(MW[0-9]{3})-[a-z0-9]+(-[a-z0-9]+)*\.yaml\Z")
_HEADER = re.compile(
    r"#\s*(expect|message|got|errors|decide|deviation|assessment|hostile|generate|xfail):\s?(.*)\Z")
_EXPECT = re.compile(r"(MW[0-9]{3}) at (-|[0-9]+:[0-9]+) path (\S+)\Z")
_ERRORS = re.compile(r"(<=)?([0-9]+)\Z")
_DECIDE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2}) (\{.*\})\Z")
_REPEAT = re.compile(r'repeat ([0-9]+) (".*")\Z')
_ENCODE = re.compile(r"encode ([a-z0-9_-]+)\Z")
_SECTION = re.compile(r"^## (MW[0-9]{3}) — \S.*$", re.MULTILINE)
_TEXT_BLOCK = re.compile(r"^```text\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_ERROR_LINE = re.compile(r"(\S+\.yaml:[0-9]+:[0-9]+: )?MW[0-9]{3}[ :]")


@dataclass(frozen=True)
class Broken:
    """One broken file and what it must produce."""

    file: Path
    code: str
    position: tuple[int, int] | None
    path: str
    message: str
    got: str | None
    errors: tuple[bool, int] = (False, 1)  # (at most?, count)
    decide: tuple[dt.date, dict[str, Any]] | None = None
    deviation: Any = None  # the JSON of a deviation (or considerations) record
    assessment: Any = None  # the JSON of an assessment record
    hostile: str | None = None
    generate: tuple[str, ...] = ()
    xfail: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What checking (or deciding) a broken file did."""

    file: Path  # the file checked: the broken file or the one generated from it
    errors: tuple[CodedError, ...] = ()
    seconds: float = 0.0
    crash: str | None = None  # an exception that is not a maatwerk error
    unsound: tuple[str, ...] = ()  # a decision file's regulation: what check found
    decided: str | None = None  # a decision file whose case was decided: its status

    def printed(self) -> str | None:
        """The first error as maatwerk prints it, with the file's name only."""
        if not self.errors:
            return None
        return self.errors[0].render().replace(f"{self.file.parent}/", "")


def _parse(file: Path) -> Broken:
    """Read the expectation from the leading comment block of a broken file."""
    facts: dict[str, str] = {}
    generate: list[str] = []
    for line in file.read_text("utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "generate":
            generate.append(value.strip())
        elif key in facts:
            raise ValueError(f"{file.name}: '# {key}:' occurs twice")
        else:
            facts[key] = value
    for required in ("expect", "message", "got"):
        if required not in facts:
            raise ValueError(f"{file.name}: the header has no '# {required}:' line")
    expect = _EXPECT.match(facts["expect"].strip())
    if not expect:
        raise ValueError(f"{file.name}: cannot read '# expect: {facts['expect']}'")
    code, at, path = expect.groups()
    position = None if at == "-" else (int(at.split(":")[0]), int(at.split(":")[1]))
    errors = (False, 1)
    if "errors" in facts:
        count = _ERRORS.match(facts["errors"].strip())
        if not count:
            raise ValueError(f"{file.name}: cannot read '# errors: {facts['errors']}'")
        errors = (count.group(1) is not None, int(count.group(2)))
    decide = None
    if "decide" in facts:
        case = _DECIDE.match(facts["decide"].strip())
        if not case:
            raise ValueError(f"{file.name}: cannot read '# decide: {facts['decide']}'")
        inputs = json.loads(case.group(2), parse_float=str)
        decide = (dt.date.fromisoformat(case.group(1)), inputs)
    records = {key: json.loads(facts[key], parse_float=str)
               for key in ("deviation", "assessment") if key in facts}
    if records and decide is None:
        raise ValueError(f"{file.name}: a record needs a '# decide:' line")
    return Broken(file=file, code=code, position=position, path="" if path == "-" else path,
                  message=facts["message"], got=None if facts["got"] == "-" else facts["got"],
                  errors=errors, decide=decide, deviation=records.get("deviation"),
                  assessment=records.get("assessment"), hostile=facts.get("hostile"),
                  generate=tuple(generate), xfail=facts.get("xfail"))


CASES = [_parse(f) for f in sorted(BROKEN.glob("*.yaml"))]


def _params() -> list[Any]:
    return [pytest.param(case, id=case.file.stem, marks=(
        [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []))
        for case in CASES]


def _materialise(case: Broken, folder: Path) -> Path:
    """The file to check: the broken file itself, or the file its ``generate`` lines describe."""
    if not case.generate:
        return case.file
    text = case.file.read_text("utf-8")
    encoding = "utf-8"
    for step in case.generate:
        repeat, encode = _REPEAT.match(step), _ENCODE.match(step)
        if encode:
            encoding = encode.group(1)
        elif repeat:
            assert MARKER in text, f"{case.file.name}: 'repeat' needs the marker {MARKER}"
            text = text.replace(MARKER, json.loads(repeat.group(2)) * int(repeat.group(1)), 1)
        else:
            raise ValueError(f"{case.file.name}: unknown '# generate: {step}'")
    target = folder / case.file.name
    target.write_bytes(text.encode(encoding))
    return target


def _run(case: Broken, file: Path) -> Outcome:
    """Check the file (or decide its case), catching anything that is not a maatwerk error."""
    if case.decide is None:
        start = time.process_time()
        try:
            errors = check(file).errors
        except Exception as exc:  # a traceback instead of a message is a defect
            return Outcome(file, crash=f"check raised {type(exc).__name__}: {exc}")
        return Outcome(file, tuple(errors), time.process_time() - start)
    day, inputs = case.decide
    try:
        reg = load(file)
        unsound = tuple(e.render() for e in check(file).errors if e.code not in OVERLAP_CODES)
    except Exception as exc:
        return Outcome(file, crash=f"the regulation does not load: {type(exc).__name__}: {exc}")
    start = time.process_time()
    try:
        deviations, considerations = (read_deviations(case.deviation)
                                      if case.deviation is not None else ([], []))
        assessment = read_assessment(case.assessment) if case.assessment is not None else None
        decision = Decider(reg).decide(day, inputs, assessment=assessment,
                                       deviations=deviations, considerations=considerations)
    except DecisionError as exc:
        return Outcome(file, (exc,), time.process_time() - start, unsound=unsound)
    except Exception as exc:  # a traceback instead of a message is a defect
        return Outcome(file, crash=f"deciding raised {type(exc).__name__}: {exc}",
                       unsound=unsound)
    return Outcome(file, (), time.process_time() - start, unsound=unsound,
                   decided=decision.status)


class Outcomes:
    """Each broken file is checked once per session, whichever test asks first."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.done: dict[Path, Outcome] = {}
        parse("1 + 1")  # build the formula parser now, so no file's time budget pays for it

    def __call__(self, case: Broken) -> Outcome:
        if case.file not in self.done:
            self.done[case.file] = _run(case, _materialise(case, self.folder))
        return self.done[case.file]


@pytest.fixture(scope="session")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Outcomes:
    return Outcomes(tmp_path_factory.mktemp("broken"))


def _same(expected: str, actual: str) -> bool:
    """Whether ``actual`` is ``expected``, where ``…`` in ``expected`` stands for any text."""
    pattern = ".*".join(re.escape(part) for part in expected.split(WILDCARD))
    return re.fullmatch(pattern, actual, re.DOTALL) is not None


def _assert_error(case: Broken, error: CodedError, file: Path) -> None:
    """The error has the expected code, position, path, message and value, and renders so."""
    shown = error.render()
    assert error.code == case.code, shown
    assert _same(case.message, error.message), shown
    assert error.path == case.path, shown
    assert error.as_dict()["got"] == case.got, shown
    where = ""
    if case.position is None:
        assert error.position is None, shown
    else:
        assert error.position is not None, shown
        assert (error.position.line, error.position.col) == case.position, shown
        assert error.position.file == str(file), shown
        where = f"{error.position}: "
    path = f" {case.path}" if case.path else ""
    got = f" (got {case.got})" if case.got is not None else ""
    assert _same(f"{where}{case.code}{path}: {case.message}{got}", shown)


@pytest.mark.parametrize("case", _params())
def test_broken_file(case: Broken, outcomes: Outcomes) -> None:
    outcome = outcomes(case)
    assert outcome.crash is None, outcome.crash
    assert not outcome.unsound, "the regulation of a decision file must be sound"
    assert outcome.decided is None, f"the case was decided ({outcome.decided})"
    assert outcome.errors, f"{case.file.name} was not refused; expected {case.code}"
    at_most, count = case.errors
    if at_most:
        assert len(outcome.errors) <= count, f"{len(outcome.errors)} errors reported"
    else:
        assert len(outcome.errors) == count, "\n".join(e.render() for e in outcome.errors)
    _assert_error(case, outcome.errors[0], outcome.file)
    budget = HOSTILE_SECONDS if case.hostile else ANY_SECONDS
    assert outcome.seconds < budget, f"refused after {outcome.seconds:.2f} s (budget {budget} s)"


def test_names_match_codes() -> None:
    for case in CASES:
        match = _NAME.match(case.file.name)
        assert match, f"{case.file.name}: name it MWxxx-short-slug.yaml"
        assert match.group(1) == case.code, f"{case.file.name} expects {case.code}"
        assert case.code in CODES, f"{case.file.name}: {case.code} is not registered"
        deciding = case.code.startswith(("MW6", "MW7"))
        assert (case.decide is not None) == deciding, f"{case.file.name}: '# decide:' iff 6xx/7xx"


def test_every_code_has_a_broken_file() -> None:
    covered = {case.code for case in CASES}
    missing = [code for code in CODES if code not in covered]
    assert not missing, f"no file in tests/spec/broken/ for {', '.join(missing)}"


def test_every_code_is_documented() -> None:
    documented = _SECTION.findall(DOCS.read_text("utf-8"))
    missing = [code for code in CODES if code not in documented]
    assert not missing, f"docs/errors.md has no '## CODE — title' section for {missing}"
    unknown = [code for code in documented if code not in CODES]
    assert not unknown, f"docs/errors.md documents unregistered codes {unknown}"
    assert documented == list(CODES), "docs/errors.md: one section per code, in CODES order"


def _printed_in_docs() -> Iterator[str]:
    for block in _TEXT_BLOCK.findall(DOCS.read_text("utf-8")):
        for line in block.splitlines():
            if _ERROR_LINE.match(line):
                yield line


def test_docs_show_what_maatwerk_prints(outcomes: Outcomes) -> None:
    """Every error line in docs/errors.md is the output of one of the broken files (``…`` in a
    line stands for a part left out)."""
    printed = [shown for case in CASES if (shown := outcomes(case).printed()) is not None]
    lines = list(_printed_in_docs())
    assert len(lines) >= len(CODES)
    stale = [line for line in lines if not any(_same(line, shown) for shown in printed)]
    assert not stale, "docs/errors.md shows output no broken file produces:\n" + "\n".join(stale)


def test_a_missing_file_is_reported() -> None:
    missing = BROKEN / "does-not-exist.yaml"
    result = check(missing)
    assert [e.render() for e in result.errors] == [
        f"{missing}:1:1: MW101: cannot read the file: No such file or directory"]
