from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from maatwerk.cli import main
from tests.chains import cycle_step
from tests.conftest import REGULATIONS

ZT = str(REGULATIONS / "zorgtoeslag")
CASE = ["--date", "2025-06-01", "--set", "leeftijd=30", "--set", "is_verzekerd=ja",
        "--set", "heeft_toeslagpartner=nee", "--set", "toetsingsinkomen=20000",
        "--set", "vermogen=0"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_check_reports_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", ZT)
    assert code == 0
    assert "ok  " in out and "zorgtoeslag 2026.1" in out


def test_check_reports_each_problem_on_one_line(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    text = (REGULATIONS / "zorgtoeslag" / "regulation.yaml").read_text("utf-8")
    broken.write_text(text.replace("max(0, standaardpremie_huishouden - normpremie)",
                                   "max(0, standaardpremie_huishouden - normpremi)"), "utf-8")
    code, _, err = run(capsys, "check", str(broken))
    assert code == 1
    line = err.splitlines()[0]
    assert line.startswith(f"{broken}:")
    assert ("MW302 rules.berekende_zorgtoeslag.formula: unknown name 'normpremi'; did you mean "
            "'normpremie'? (got normpremi)") in line


def test_decide_json_has_the_whole_decision(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "decide", ZT, *CASE, "--json")
    assert code == 0
    data = json.loads(out)
    assert {"status", "outputs", "missing", "layers", "deciding_layer", "trace", "explanation",
            "receipt"} <= set(data)
    assert data["outputs"]["zorgtoeslag"] == "1573"
    assert data["receipt"]["regulation"] == "zorgtoeslag"
    assert "Zorgtoeslag per jaar: € 1.573" in data["explanation"]["nl"]


def test_decide_indeterminate_lists_what_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "decide", ZT, "--date", "2025-06-01", "--set", "leeftijd=30",
                       "--json")
    assert code == 0
    data = json.loads(out)
    assert data["status"] == "indeterminate"
    assert data["missing"] == ["is_verzekerd", "heeft_toeslagpartner", "toetsingsinkomen",
                               "toetsingsinkomen_partner", "vermogen"]


def test_decide_explain_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "decide", ZT, *CASE, "--explain", "--lang", "en")
    assert code == 0
    assert "Healthcare allowance per year: €1,573" in out


def test_decide_refuses_bad_input_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "decide", ZT, "--date", "2025-06-01", "--set", "leeftijd=oud")
    assert code == 1 and out == ""
    assert err.strip() == ("MW601 inputs.leeftijd: expected a whole number (got oud)")


def test_decide_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "decide", ZT, "--date", "1-6-2025")
    assert code == 2
    assert "expected a date written as YYYY-MM-DD" in err


def test_inputs_of_an_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "inputs", ZT, "zorgtoeslag", "--json")
    assert code == 0
    names = [i["name"] for i in json.loads(out)["inputs"]]
    assert names == ["leeftijd", "is_verzekerd", "heeft_toeslagpartner", "toetsingsinkomen",
                     "toetsingsinkomen_partner", "vermogen"]
    code, _, err = run(capsys, "inputs", ZT, "zorgtoeslg")
    assert code == 1 and "did you mean 'zorgtoeslag'?" in err


def test_test_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "test", ZT)
    assert code == 0 and out.strip().endswith("passed, 0 failed")


def test_plan_shows_the_formulas_and_values_in_force(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", ZT, "--date", "2024-03-01")
    assert code == 0
    assert "standaardpremie = 1987 from 2024-01-01" in out
    assert "drempelinkomen = 26819 from 2024-01-01  (statutory: 26819.42)" in out


def test_schema_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0 and json.loads(out)["title"] == "maatwerk regulation"
    code, out, _ = run(capsys, "errors")
    assert code == 0 and out.startswith("MW101")


def test_no_traceback_reaches_the_user(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text("a: &a [1, 2]\nb: *a\n", "utf-8")
    for args in (["check", str(hostile)], ["decide", str(hostile), "--date", "2025-01-01"],
                 ["check", str(tmp_path / "absent.yaml")]):
        done = subprocess.run([sys.executable, "-m", "maatwerk", *args], capture_output=True,
                              text=True, check=False)
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert "MW10" in done.stderr


def test_demo_print_decides_the_sample_cases(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo", "--print", ZT)
    assert code == 0
    assert "Zorgtoeslag (zorgtoeslag 2026.1) — Dienst Toeslagen" in out


def test_demo_generates_a_history_and_exits(tmp_path: Path) -> None:
    """`maatwerk demo --no-serve` makes the database with its history, prints the demo
    accounts, and exits; run again, it reuses the history. It runs from any folder (the worked
    regulations of the source tree are found)."""
    db = tmp_path / "demo.sqlite"
    command = [sys.executable, "-m", "maatwerk", "demo", "--no-serve", "--cases", "50",
               "--db", str(db), "--today", "2025-12-17"]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert db.exists()
    assert "50 cases" in done.stdout
    assert "Audit chain intact" in done.stdout
    for username in ("burger", "behandelaar", "goedkeurder", "manager", "beleid", "beheer"):
        assert username in done.stdout
    assert "Not serving (--no-serve)" in done.stdout
    again = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Reusing the history" in again.stdout and "(50 cases" in again.stdout


MINIMA = str(REGULATIONS / "minimaregeling")
COUPLE = ["--date", "2025-09-01", "--set", "netto_inkomen=2200", "--set", "vermogen=0",
          "--set", "geboortedatum=1990-03-01", "--set", "leefvorm=gehuwd",
          "--set", "aow_leeftijd_bereikt=nee", "--set", "geboortedatum_partner=1991-01-01",
          "--set", "partner_aow_leeftijd_bereikt=nee", "--set", "aantal_kostendelers=2",
          "--set", "verblijft_in_inrichting=nee"]


def test_decide_finds_the_regulation_it_uses_next_to_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "decide", MINIMA, *COUPLE)
    assert code == 0, out
    assert "inkomensgrens: 2306.48  (standard)" in out
    assert "bijstandsnorm: 1922.07 from bijstand 2025.2 on 2025-01-01 (category)" in out
    code, out, _ = run(capsys, "decide", MINIMA, *COUPLE, "--json")
    receipts = json.loads(out)["receipts"]
    assert [(r["regulation"], r["peildatum"]) for r in receipts] == [
        ("minimaregeling", "2025-09-01"), ("bijstand", "2025-01-01")]


def test_a_regulation_away_from_the_ones_it_uses_needs_library(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    alone = tmp_path / "minimaregeling"
    shutil.copytree(MINIMA, alone)
    code, _, err = run(capsys, "check", str(alone))
    assert code == 1
    assert "MW409 inputs.bijstandsnorm.output_of.regulation: no regulation 'bijstand' is found" \
        in err
    code, out, _ = run(capsys, "check", str(alone), "--library", str(REGULATIONS))
    assert code == 0 and "ok  " in out
    code, out, _ = run(capsys, "test", str(alone), "--library", str(REGULATIONS))
    assert code == 0 and "12 passed, 0 failed" in out


def test_check_names_a_cycle_between_regulations(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    for rid, uses in (("kring-a", "kring-b"), ("kring-b", "kring-a")):
        (tmp_path / f"{rid}.yaml").write_text(cycle_step(rid, uses).source.text, "utf-8")
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 1
    assert "regulations use each other's outputs in a cycle: kring-a → kring-b → kring-a" in err
    assert "kring-b → kring-a → kring-b" in err
