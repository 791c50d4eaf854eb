"""The crystallisation loop on a history with a planted truth (``tests.insight.crystal_history``),
on SQLite and PostgreSQL: the planted cluster is found and nothing else, its proposal passes the
real checker and decides the planted cases, its coverage is what happened; a history without
the pattern proposes nothing; the threshold and the period are honoured; the command."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from maatwerk.cases.db import Database
from maatwerk.cli import main
from maatwerk.engine.check import load_checked
from maatwerk.engine.decide import decide
from maatwerk.insight.crystallise import Options, Report, crystallise
from maatwerk.insight.dashboard import Period
from maatwerk.simulate.reform import apply_text
from maatwerk.spec.model import Regulation
from tests.conftest import REGULATIONS
from tests.insight.crystal_history import (
    NORM,
    PEILDATUM,
    PLANTED_TESTS,
    Planted,
    history_in,
)

OPTIONS = Options(threshold=8)


@pytest.fixture(scope="module")
def bijstand() -> Regulation:
    return load_checked(REGULATIONS / "bijstand")


@pytest.fixture
def planted(kind: str, tmp_path: Path) -> Iterator[tuple[Database, Planted]]:
    with history_in(kind, tmp_path) as found:
        yield found


def command(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def run(db: Database, reg: Regulation, period: Period | None = None,
        options: Options = OPTIONS) -> Report:
    with db.reading() as s:
        return crystallise(s, reg, period, options)


def test_the_planted_cluster_is_found_and_nothing_else(
        planted: tuple[Database, Planted], bijstand: Regulation) -> None:
    db, truth = planted
    report = run(db, bijstand)
    assert report.cases == 55 and report.refused == 0
    assert [(g["ground"], g["deviations"], g["clusters"]) for g in report.groups] == [
        ("middelen", 2, 0), ("omstandigheden", 14, 1)]
    [proposal] = report.proposals
    assert {lit.formula() for lit in proposal.rule.literals} == PLANTED_TESTS
    assert proposal.condition == proposal.rule.formula()  # collect: nothing to exclude
    assert (proposal.rule.positives, proposal.rule.negatives) == (10, 2)
    assert sorted(proposal.members) == sorted(truth.references[i] for i in truth.of("deviated"))
    assert (proposal.override.formula, proposal.override.kind) == ("norm_alleenstaand",
                                                                   "parameter")
    assert (proposal.override.matched, proposal.override.members) == (10, 10)
    assert proposal.precedence == 30  # above the kostendelersnorm (20) it decides over
    assert proposal.problems == []


def test_the_proposal_passes_the_checker_and_decides_the_planted_cases(
        planted: tuple[Database, Planted], bijstand: Regulation, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    db, truth = planted
    [proposal] = run(db, bijstand).proposals
    patch = tmp_path / "voorstel.yaml"
    patch.write_text(proposal.patch, "utf-8")
    code, out, err = command(capsys, "check", str(REGULATIONS / "bijstand"), "--reform",
                             str(patch))
    assert code == 0, err
    assert out.startswith("ok  ") and "2025.2+afstemming_omstandigheden" in out
    patched = apply_text(bijstand, proposal.patch)
    category = patched.categories[proposal.name]
    assert category.when.text == proposal.condition
    assert "art. 18 lid 1" in (category.legal_basis.article or "")
    assert "Aanwijzing voor de regelgeving 5.25 lid 3" in (category.legal_basis.article or "")
    for case_id in truth.of("deviated"):
        decision = decide(patched, PEILDATUM, truth.facts[case_id])
        assert decision.outputs["bijstandsnorm"] == Decimal(NORM)
        # the category lifts the kostendelersnorm back to the standard single norm
        assert proposal.name in {c.name for c in decision.categories}
        assert decide(bijstand, PEILDATUM, truth.facts[case_id]).outputs[
            "bijstandsnorm"] < Decimal(NORM)  # the kostendelersnorm, without the category


def test_the_coverage_is_what_happened(planted: tuple[Database, Planted],
                                       bijstand: Regulation) -> None:
    db, truth = planted
    [proposal] = run(db, bijstand).proposals
    c = proposal.coverage
    assert (c.cases, c.deviations, c.covered, c.matched) == (55, 14, 10, 10)
    assert (c.false_inclusions, c.other_deviations, c.refused) == (2, 0, 0)
    considered = [i for i in truth.of("planted") if i not in truth.of("deviated")]
    assert len(considered) == 2
    expected = sum(Decimal(NORM) - decide(bijstand, PEILDATUM, truth.facts[i]).outputs[
        "bijstandsnorm"] for i in considered)
    assert c.change == expected


def test_a_history_without_the_pattern_proposes_nothing(
        kind: str, tmp_path: Path, bijstand: Regulation) -> None:
    with history_in(kind, tmp_path, planted=False) as (db, _):
        report = run(db, bijstand)
    assert [(g["ground"], g["deviations"]) for g in report.groups] == [("omstandigheden", 10)]
    assert report.proposals == []


def test_the_threshold_and_the_period(planted: tuple[Database, Planted],
                                      bijstand: Regulation) -> None:
    db, truth = planted
    assert run(db, bijstand, options=Options(threshold=15)).proposals == []  # 14 in the group
    assert run(db, bijstand, options=Options(threshold=11)).proposals == []  # 10 planted
    # household i is decided on 20 January + 3 i days
    since = dt.date(2025, 3, 1)
    later = [i for i in truth.of("deviated") if dt.date(2025, 1, 20) + dt.timedelta(
        days=3 * (i - 1)) >= since]
    assert len(later) == 9
    found = run(db, bijstand, Period(start=since))
    assert found.cases == 55 - 14
    [proposal] = found.proposals
    assert sorted(proposal.members) == sorted(truth.references[i] for i in later)
    early = run(db, bijstand, Period(end=dt.date(2025, 3, 31)))
    assert early.cases == 24 and early.proposals == []


def test_the_command_prints_the_cluster_and_writes_the_patch(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with history_in("sqlite", tmp_path) as (db, _):
        url = db.url
        out = tmp_path / "voorstellen"
        code, printed, err = command(
            capsys, "crystallise", str(REGULATIONS / "bijstand"), "--db", url, "--threshold",
            "8", "--until", "2025-12-31", "--out", str(out))
        assert code == 0, err
        assert "when: leefvorm == 'alleenstaande_ouder' and aantal_kostendelers >= 2" in printed
        assert "bijstandsnorm = norm_alleenstaand (parameter; reproduces 10 of 10)" in printed
        assert (out / "afstemming_omstandigheden.yaml").read_text("utf-8").startswith("# ")
        code, printed, err = command(
            capsys, "crystallise", str(REGULATIONS / "bijstand"), "--db", url, "--json",
            "--since", "2025-04-01", "--threshold", "8")
        assert code == 0, err
        report = json.loads(printed)
        assert report["proposals"] == [] and report["period"]["start"] == "2025-04-01"
