"""A pytest plugin that collects the tests written as data in regulations.

Enable it by listing the folders that hold regulations in the ``maatwerk_regulations`` ini option
(``[tool.pytest.ini_options]`` in ``pyproject.toml``) and including them in the paths pytest
collects. Every regulation yields one item that checks it completely and one item per test case;
a failure names the file and line of the test case and what differed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from maatwerk.engine.check import check
from maatwerk.engine.testing import run_case
from maatwerk.spec.build import REGULATION_FILE
from maatwerk.spec.library import Library
from maatwerk.spec.model import Regulation, TestCase


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("maatwerk_regulations", "folders whose YAML files are maatwerk regulations",
                  type="linelist", default=[])


def _roots(config: pytest.Config) -> list[Path]:
    base = config.rootpath
    return [(base / p).resolve() for p in config.getini("maatwerk_regulations")]


def _regulation_path(file_path: Path, roots: list[Path]) -> Path | None:
    """The regulation a YAML file stands for, if it is one (a file or a folder's main file)."""
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    for root in roots:
        if file_path.parent == root:
            return file_path
        if file_path.name == REGULATION_FILE and file_path.parent.parent == root:
            return file_path.parent
    return None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    target = _regulation_path(file_path.resolve(), _roots(parent.config))
    if target is None:
        return None
    collector: RegulationFile = RegulationFile.from_parent(parent, path=file_path)
    collector.target = target
    return collector


class RegulationError(Exception):
    """A regulation failed its check or one of its tests."""


class RegulationFile(pytest.File):
    target: Path

    def collect(self) -> Iterator[pytest.Item]:
        result = check(self.target)
        yield CheckItem.from_parent(self, name="check", result_text=(
            "\n".join(e.render() for e in result.errors)))
        if result.regulation is None:
            return
        seen: dict[str, int] = {}
        for case in result.regulation.tests:
            count = seen.get(case.name, 0)
            seen[case.name] = count + 1
            name = case.name if not count else f"{case.name} [{count + 1}]"
            yield CaseItem.from_parent(self, name=name, regulation=result.regulation, case=case,
                                       library=result.library)


class CheckItem(pytest.Item):
    def __init__(self, *, result_text: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.result_text = result_text

    def runtest(self) -> None:
        if self.result_text:
            raise RegulationError(self.result_text)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, RegulationError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)  # type: ignore[return-value]

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, 0, f"maatwerk check {self.path}"


class CaseItem(pytest.Item):
    def __init__(self, *, regulation: Regulation, case: TestCase, library: Library | None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.regulation = regulation
        self.case = case
        self.library = library  # where the regulations it uses are found

    def runtest(self) -> None:
        outcome = run_case(self.regulation, self.case, self.library)
        if not outcome.passed:
            raise RegulationError(outcome.report())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, RegulationError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)  # type: ignore[return-value]

    def reportinfo(self) -> tuple[Path, int | None, str]:
        pos = self.case.position
        return Path(pos.file), pos.line - 1, f"{self.regulation.id}: {self.case.name}"
