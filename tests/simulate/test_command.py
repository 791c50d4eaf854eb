"""``maatwerk population`` and ``maatwerk simulate`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from maatwerk.cli import main
from tests.conftest import REGULATIONS

ZT = str(REGULATIONS / "zorgtoeslag")
PATCH = """\
reform: {nl: Hogere standaardpremie, en: Higher standard premium}
regulation: zorgtoeslag
version: "2025.9-voorstel"
parameters:
  standaardpremie:
    values: [{from: 2024-01-01, value: 2200, reference: Voorstel}]
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "bevolking.parquet"
    main_args = ["population", "zorgtoeslag", "--size", "2000", "--seed", "3", "--date",
                 "2025-06-01", "--out", str(path)]
    try:
        main(main_args)
    except SystemExit as exc:  # pragma: no cover - a failure shows in the assertion below
        assert exc.code == 0
    return path


def test_population_writes_a_synthetic_population(population: Path) -> None:
    table = pq.read_table(population)
    assert table.num_rows == 2000
    assert {"persoon", "inkomen", "gewicht", "toetsingsinkomen"} <= set(table.column_names)


def test_simulate_prints_budget_winners_losers_and_deciles(
        capsys: pytest.CaptureFixture[str], population: Path, tmp_path: Path) -> None:
    patch = tmp_path / "voorstel.yaml"
    patch.write_text(PATCH, encoding="utf-8")
    code, out, err = run(capsys, "simulate", ZT, "--population", str(population), "--reform",
                         str(patch), "--date", "2025-06-01")
    assert code == 0, err
    assert "zorgtoeslag 2026.1 → 2025.9-voorstel" in out
    assert "winnaars" in out and "verliezers" in out
    assert "Verwachte handmatige behandeling" in out


def test_simulate_json_report_and_files(capsys: pytest.CaptureFixture[str], population: Path,
                                        tmp_path: Path) -> None:
    patch = tmp_path / "voorstel.yaml"
    patch.write_text(PATCH, encoding="utf-8")
    report = tmp_path / "rapport"
    out_file = tmp_path / "personen.csv"
    code, out, err = run(capsys, "simulate", ZT, "--population", str(population), "--reform",
                         str(patch), "--date", "2025-06-01", "--json", "--report", str(report),
                         "--out", str(out_file), "--lang", "en")
    assert code == 0, err
    data = json.loads(out)
    assert data["reform"] == "2025.9-voorstel" and data["persons"] == 2000
    assert sorted(p.name for p in report.iterdir()) == [
        "budget.csv", "budget.svg", "categories.csv", "deciles.csv", "deciles.svg",
        "summary.json"]
    assert json.loads((report / "summary.json").read_text("utf-8")) == data
    assert "Change of the budget" in (report / "budget.svg").read_text("utf-8")
    persons = pacsv.read_csv(out_file)
    assert persons.num_rows == 2000
    assert persons.column_names == ["persoon", "decile", "base", "reform", "change",
                                    "base_status", "reform_status", "layer", "refusal"]
    winners = sum(1 for c in persons.column("change").to_pylist() if c > 0)
    assert winners == data["winners"]


def test_simulate_without_a_reform_reports_the_baseline(capsys: pytest.CaptureFixture[str],
                                                        population: Path) -> None:
    code, out, _ = run(capsys, "simulate", ZT, "--population", str(population), "--date",
                       "2025-06-01", "--json")
    data = json.loads(out)
    assert code == 0 and data["reform"] is None
    assert data["budget"]["base"] == data["budget"]["reform"]


def test_a_mistyped_column_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bevolking.csv"
    path.write_text("leeftijd,is_verzekerd,heeft_toeslagpartner,toetsingsinkomen,"
                    "toetsingsinkomen_partner,vermogen,inkomen\n"
                    "30,ja,nee,20000,0,0,20000\n40,misschien,nee,1,0,0,1\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "maatwerk", "simulate", ZT, "--population",
                             str(path), "--date", "2025-06-01"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "MW903 population.is_verzekerd: column 'is_verzekerd', row 2: expected true or " \
           "false (got misschien)" in result.stderr


def test_a_missing_column_names_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bevolking.csv"
    path.write_text("leeftijd,inkomen\n30,1\n", encoding="utf-8")
    code, _, err = run(capsys, "simulate", ZT, "--population", str(path))
    assert code == 1
    assert "MW902" in err and "is_verzekerd" in err
