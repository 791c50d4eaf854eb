"""The synthetic population: reproducible from a seed, labelled synthetic, plausible in shape,
and valid input for the regulations it is made for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from maatwerk.engine.vector.evaluate import decide
from maatwerk.simulate import synthetic
from maatwerk.simulate.population import SimulationError, to_population
from maatwerk.spec.build import load
from tests.conftest import REGULATIONS

DAY = dt.date(2025, 6, 1)


def test_the_same_seed_gives_the_same_population() -> None:
    a = synthetic.table("zorgtoeslag", 2000, seed=7, day=DAY)
    b = synthetic.table("zorgtoeslag", 2000, seed=7, day=DAY)
    c = synthetic.table("zorgtoeslag", 2000, seed=8, day=DAY)
    assert a.equals(b)
    assert not a.equals(c)


def test_the_population_is_labelled_synthetic() -> None:
    assert "SYNTHETIC" in (synthetic.__doc__ or "")


def test_the_shape_is_plausible() -> None:
    people = synthetic.persons(50_000, seed=3)
    age = people["age"]
    assert age.min() >= 18 and age.max() <= 100
    assert 0.45 < people["partner"].mean() < 0.65
    income = people["income"] / 100
    assert 0.06 < np.mean(income == 0) < 0.10
    assert 25_000 < np.median(income[income > 0]) < 45_000
    assert np.all(people["partner_income"][~people["partner"]] == 0)


@pytest.mark.parametrize("name", sorted(synthetic.MAPPINGS))
def test_the_persons_are_valid_input(name: str) -> None:
    reg = load(REGULATIONS / name)
    table = synthetic.table(name, 3000, seed=1, day=DAY)
    result = decide(reg, DAY, to_population(reg, table.to_batches()[0]).population)
    assert np.mean(result.status == 0) > 0.9
    # the rest fall in a situation the regulation does not cover and leaves to the municipality
    refused = np.flatnonzero(result.status != 0)
    assert {result.refusal(int(i)) for i in refused} <= {"MW608"}


def test_a_large_population_is_written_in_chunks(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(synthetic, "CHUNK", 1000)
    path = tmp_path / "p.parquet"
    synthetic.write("zorgtoeslag", 2500, path, seed=4, day=DAY)
    table = pq.read_table(path)
    assert table.num_rows == 2500
    assert table.column("persoon").to_pylist() == list(range(1, 2501))
    first = synthetic.table("zorgtoeslag", 1000, seed=4, day=DAY)
    assert table.slice(0, 1000).equals(first)


def test_only_worked_regulations_have_a_synthetic_population() -> None:
    with pytest.raises(SimulationError, match="only for"):
        synthetic.table("wmo-maatwerkvoorziening", 10)
