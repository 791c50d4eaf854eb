"""The documentation is tested against the code: every command, key, function and code is
documented."""

from __future__ import annotations

import re
import typing

import pytest
from pydantic import BaseModel

from maatwerk.cli import cli
from maatwerk.spec import schema
from maatwerk.spec.builtins import BUILTINS
from tests.conftest import ROOT

DOCS = ROOT / "docs"


def _read(name: str) -> str:
    return (DOCS / name).read_text("utf-8")


def test_every_cli_command_has_a_section() -> None:
    text = _read("cli.md")
    for name in cli.commands:
        assert f"## maatwerk {name}" in text, f"docs/cli.md has no section for {name!r}"


def test_every_cli_option_is_documented() -> None:
    text = _read("cli.md")
    for command in cli.commands.values():
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt not in ("--help",):
                    assert opt in text, f"docs/cli.md does not mention {command.name} {opt}"


def test_every_function_is_documented() -> None:
    text = _read("formulas.md")
    for name in BUILTINS:
        assert f"`{name}(" in text, f"docs/formulas.md does not document {name}()"


def _models() -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    stack: list[type[BaseModel]] = [schema.Regulation]
    while stack:
        model = stack.pop()
        if model in found:
            continue
        found.append(model)
        for field in model.model_fields.values():
            for t in _types(field.annotation):
                if isinstance(t, type) and issubclass(t, BaseModel):
                    stack.append(t)
    return found


def _types(annotation: object) -> list[object]:
    args = typing.get_args(annotation)
    return [annotation, *[t for a in args for t in _types(a)]]


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.__name__)
def test_every_key_of_the_language_is_documented(model: type[BaseModel]) -> None:
    text = _read("language.md") + _read("discretion.md")
    for name, field in model.model_fields.items():
        key = field.alias or name
        if model is schema.Translations:
            continue
        assert f"`{key}`" in text, f"docs/language.md does not document {model.__name__}.{key}"


def test_readme_gives_the_two_setup_commands_and_ci_runs_the_test_command() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    commands = re.findall(r"```sh\n(python3 -m venv .*)\n```", readme)
    assert len(commands) == 2
    assert commands[0].endswith("maatwerk demo")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert commands[1] in ci


def test_docs_links_resolve() -> None:
    for page in [ROOT / "README.md", *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text("utf-8")):
            if target.startswith("http"):
                continue
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_every_case_and_simulation_code_is_documented() -> None:
    from maatwerk.cases.errors import CaseError
    from maatwerk.simulate.population import SIMULATION_CODES

    for page, registry in (("case-file.md", CaseError.registry),
                           ("simulation.md", SIMULATION_CODES)):
        text = _read(page)
        for code in registry:
            assert f"| {code} |" in text, f"docs/{page} does not document {code}"
