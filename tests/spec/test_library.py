"""The library: regulations found by id, next to each other in folders, loaded when named."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from maatwerk.engine.check import check
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.library import Library, facts_for, holder
from tests.chains import NORM, TOESLAG, chain_of_three, make
from tests.conftest import REGULATIONS


def _write(folder: Path, rid: str, body: str, name: str | None = None) -> Path:
    header = textwrap.dedent(f"""\
        id: {rid}
        version: "1"
        title: Regeling {rid}
        authority: Test
        legal_basis: [Testwet]
        subject: person
        valid: {{from: 2025-01-01, until: 2025-12-31}}
        """)
    path = folder / (name or f"{rid}.yaml")
    path.write_text(header + textwrap.dedent(body), "utf-8")
    return path


def test_a_regulation_finds_the_regulations_next_to_it(tmp_path: Path) -> None:
    _write(tmp_path, "norm", NORM)
    toeslag = _write(tmp_path, "toeslag", TOESLAG)
    result = check(toeslag)
    assert result.ok, [e.render() for e in result.errors]
    assert result.library is not None
    assert [r.id for r in result.library.find("norm")] == ["norm"]


def test_only_the_regulations_referenced_are_read(tmp_path: Path) -> None:
    """A broken regulation in the same folder does not stand in the way of another one."""
    _write(tmp_path, "norm", NORM)
    _write(tmp_path, "kapot", "inputs: {x: {type: geld}}\n")
    assert check(_write(tmp_path, "toeslag", TOESLAG)).ok


def test_a_referenced_regulation_that_does_not_load_is_named_with_its_problem(
        tmp_path: Path) -> None:
    _write(tmp_path, "norm", NORM.replace("formula: \"if", "formula: \"iff"))
    [error] = check(_write(tmp_path, "toeslag", TOESLAG)).errors
    assert error.code == "MW409"
    assert error.message.startswith("norm (norm.yaml) does not load: MW301 rules.norm.formula")


def test_a_folder_of_regulations_that_use_each_other_checks_clean(tmp_path: Path) -> None:
    """Checking every regulation of a folder with one library finds each regulation once
    (checking one after it was loaded as another's reference does not make it ambiguous)."""
    for rid, body in (("norm", NORM), ("toeslag", TOESLAG)):
        (tmp_path / rid).mkdir()
        _write(tmp_path / rid, rid, body, "regulation.yaml")
    library = Library([tmp_path])
    for name in ("toeslag", "norm", "toeslag"):
        assert check(tmp_path / name, library).ok


def test_the_worked_regulations_form_one_library() -> None:
    library = Library([REGULATIONS])
    [minima] = library.find("minimaregeling")
    assert library.namespace(minima).keys() >= {"netto_inkomen", "vermogen", "geboortedatum",
                                               "leefvorm", "aantal_kostendelers"}
    assert "bijstandsnorm" not in library.namespace(minima)  # an output: decided, not given


def test_the_facts_of_a_chain_are_named_as_each_regulation_names_them() -> None:
    reg, library = chain_of_three()
    assert set(library.namespace(reg)) == {"maandinkomen", "leeftijd", "woont_samen"}


def test_the_facts_an_output_may_ask_for_run_through_the_chain() -> None:
    reg, library = chain_of_three()
    assert list(facts_for(library, reg, "bijdrage")) == ["maandinkomen", "leeftijd",
                                                         "woont_samen"]


def test_a_reference_resolves_to_the_version_that_applies_on_the_date() -> None:
    later = make("norm", NORM, version="2026", valid="2026-01-01", until="2026-12-31")
    toeslag = make("toeslag", TOESLAG)
    library = Library(regulations=[make("norm", NORM), later, toeslag])
    ref = toeslag.references()["norm"]
    assert library.resolve(toeslag, ref, dt.date(2026, 5, 1)) is later
    with pytest.raises(DecisionError) as caught:
        library.resolve(toeslag, ref, dt.date(2027, 1, 1))
    assert caught.value.code == "MW603"


def test_the_folder_that_holds_a_regulation() -> None:
    assert holder("regulations/minimaregeling") == Path("regulations")
    assert holder("regelingen.yaml") == Path(".")
    assert holder(".") == Path.cwd().parent
