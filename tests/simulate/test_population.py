"""Reading a population: exact values from Parquet and CSV, clear refusals for missing and
mistyped columns, and batches that do not change the answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from maatwerk.engine.decide import decide as scalar_decide
from maatwerk.engine.vector.evaluate import decide
from maatwerk.simulate.population import (
    SimulationError,
    check_columns,
    columns_of,
    open_batches,
    to_population,
)
from maatwerk.spec.build import load
from tests.conftest import REGULATIONS

DAY = dt.date(2025, 6, 1)
ZORGTOESLAG = load(REGULATIONS / "zorgtoeslag")
BIJSTAND = load(REGULATIONS / "bijstand")


def _rows() -> dict[str, list[object]]:
    return {"leeftijd": [30, 17, 45, None], "is_verzekerd": [True, True, False, True],
            "heeft_toeslagpartner": [False, False, True, False],
            "toetsingsinkomen": ["28000.55", "0", "41000.10", "1.01"],
            "toetsingsinkomen_partner": ["0", "0", "20000", "0"],
            "vermogen": [0, 10, 200000, 5]}


def _decide_file(path: Path, batch_size: int = 1000) -> list[object]:
    values: list[object] = []
    offset = 0
    for batch in open_batches(path, batch_size):
        result = decide(ZORGTOESLAG, DAY, to_population(ZORGTOESLAG, batch, offset).population)
        values += [result.value("zorgtoeslag", i) if result.status[i] == 0 else None
                   for i in range(result.n)]
        offset += batch.num_rows
    return values


def _scalar(rows: dict[str, list[object]]) -> list[object]:
    out: list[object] = []
    for i in range(len(rows["leeftijd"])):
        inputs = {k: (Decimal(str(v[i])) if k.startswith("toetsing") else v[i])
                  for k, v in rows.items() if v[i] is not None}
        decision = scalar_decide(ZORGTOESLAG, DAY, inputs)
        out.append(decision.outputs["zorgtoeslag"] if decision.determined else None)
    return out


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_csv_and_parquet_are_read_exactly(tmp_path: Path, suffix: str) -> None:
    rows = _rows()
    path = tmp_path / f"p{suffix}"
    table = pa.table({k: pa.array(v) for k, v in rows.items()})
    if suffix == ".csv":
        pacsv.write_csv(table, path)
    else:
        table = table.set_column(3, "toetsingsinkomen",
                                 pa.array([Decimal(str(x)) for x in rows["toetsingsinkomen"]]))
        pq.write_table(table, path)
    assert _decide_file(path) == _scalar(rows)


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    rows = _rows()
    del rows["vermogen"]
    pacsv.write_csv(pa.table(rows), path)
    with pytest.raises(SimulationError) as caught:
        check_columns(ZORGTOESLAG, columns_of(path))
    assert caught.value.code == "MW902"
    assert "vermogen" in str(caught.value)


def test_a_mistyped_value_names_column_row_and_value(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    rows = _rows()
    rows["toetsingsinkomen"][2] = "veertig"
    pacsv.write_csv(pa.table(rows), path)
    with pytest.raises(SimulationError) as caught:
        _decide_file(path)
    message = str(caught.value)
    assert caught.value.code == "MW903"
    assert "'toetsingsinkomen', row 3" in message and "veertig" in message


def test_a_wrong_enumeration_value_is_refused(tmp_path: Path) -> None:
    table = pa.table({"leefvorm": ["alleenstaand", "samenwonend"]})
    with pytest.raises(SimulationError) as caught:
        to_population(BIJSTAND, table.to_batches()[0], offset=10)
    assert "row 12" in str(caught.value) and "samenwonend" in str(caught.value)


def test_floats_are_accepted_only_with_a_short_exact_decimal_form(tmp_path: Path) -> None:
    good = pa.table({"toetsingsinkomen": pa.array([28000.55, 12.1], pa.float64())})
    population = to_population(ZORGTOESLAG, good.to_batches()[0]).population
    assert population.cols["toetsingsinkomen"].value.num.tolist() == [2800055, 1210]
    bad = pa.table({"toetsingsinkomen": pa.array([1 / 3], pa.float64())})
    with pytest.raises(SimulationError, match="no short exact decimal form"):
        to_population(ZORGTOESLAG, bad.to_batches()[0])


def test_batches_do_not_change_the_answer(tmp_path: Path) -> None:
    rows = _rows()
    many = {k: v * 300 for k, v in rows.items()}
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table(many), path)
    assert _decide_file(path, batch_size=7) == _decide_file(path, batch_size=10_000)


def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    path.write_text("not parquet")
    with pytest.raises(SimulationError) as caught:
        list(open_batches(path))
    assert caught.value.code == "MW901"
    with pytest.raises(SimulationError, match=r"\.parquet or \.csv"):
        list(open_batches(tmp_path / "p.xlsx"))
