"""Running a simulation: the sums equal the scalar engine's decisions person by person, batches
and a Dask cluster give identical results, and per-person results are exact."""

from __future__ import annotations

import datetime as dt
import itertools
import textwrap
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maatwerk.engine.decide import decide
from maatwerk.simulate import synthetic
from maatwerk.simulate.compare import Tally
from maatwerk.simulate.population import SimulationError
from maatwerk.simulate.reform import load_reform
from maatwerk.simulate.run import Job, deciles, run_batch, simulate
from maatwerk.spec.build import load
from maatwerk.spec.errors import DecisionError
from tests.conftest import REGULATIONS

DAY = dt.date(2025, 6, 1)
ZORGTOESLAG = load(REGULATIONS / "zorgtoeslag")
BIJSTAND = load(REGULATIONS / "bijstand")
PATCH = """\
reform: {nl: Hogere drempel, en: Higher threshold}
regulation: zorgtoeslag
version: "2025.9-voorstel"
parameters:
  drempelinkomen:
    values: [{from: 2024-01-01, value: 30000, reference: Voorstel}]
categories:
  jonge_verzekerden:
    label: {nl: Jonge verzekerden, en: Young insured}
    when: leeftijd < 21 and recht_op_zorgtoeslag
    legal_basis: {title: Voorstel, article: art. 1}
    rules:
      zorgtoeslag:
        formula: "€1800"
        reference: Voorstel art. 1
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("simulate")
    table = synthetic.table("zorgtoeslag", 1200, seed=11, day=DAY)
    pq.write_table(table, folder / "zorg.parquet", row_group_size=300)
    pacsv.write_csv(table, folder / "zorg.csv")
    pq.write_table(synthetic.table("bijstand", 1500, seed=5, day=DAY), folder / "bijstand.parquet")
    (folder / "patch.yaml").write_text(PATCH, encoding="utf-8")
    return {"parquet": folder / "zorg.parquet", "csv": folder / "zorg.csv",
            "bijstand": folder / "bijstand.parquet", "patch": folder / "patch.yaml"}


@pytest.fixture(scope="module")
def job(files: dict[str, Path]) -> Job:
    return Job(ZORGTOESLAG, load_reform(ZORGTOESLAG, files["patch"]), DAY, "zorgtoeslag")


def _scalar(reg: Any, rows: list[dict[str, Any]], output: str) -> list[Decimal | None]:
    values: list[Decimal | None] = []
    for row in rows:
        inputs = {k: v for k, v in row.items() if k in reg.inputs and v is not None}
        try:
            decision = decide(reg, DAY, inputs)
        except DecisionError:
            values.append(None)
            continue
        values.append(decision.outputs[output] if decision.determined else None)
    return values


def test_the_sums_are_the_scalar_engines_decisions_added_up(files: dict[str, Path],
                                                            job: Job) -> None:
    outcome = simulate(job, files["parquet"], batch_size=1000)
    report = outcome.report()
    rows = pq.read_table(files["parquet"]).to_pylist()
    base = _scalar(job.base, rows, "zorgtoeslag")
    assert job.reform is not None
    reform = _scalar(job.reform, rows, "zorgtoeslag")
    assert Decimal(report["budget"]["base"]) == sum(v for v in base if v is not None)
    assert Decimal(report["budget"]["reform"]) == sum(v for v in reform if v is not None)
    pairs = [(b, f) for b, f in zip(base, reform, strict=True) if b is not None and f is not None]
    assert report["winners"] == sum(f > b for b, f in pairs)
    assert report["losers"] == sum(f < b for b, f in pairs)
    young = [row for row in rows if row["leeftijd"] < 21]
    assert report["categories"][0]["category"] == "jonge_verzekerden"
    assert 0 < report["categories"][0]["persons"] <= len(young)
    assert sum(d["persons"] for d in report["deciles"]) == len(rows)


def test_the_deciles_split_the_population_by_income(files: dict[str, Path], job: Job) -> None:
    cuts = deciles(job, files["parquet"])
    incomes = np.array([int(Decimal(str(row["inkomen"])) * 100)
                        for row in pq.read_table(files["parquet"]).to_pylist()])
    counts = np.bincount(np.searchsorted(cuts, incomes, side="right"), minlength=10)
    assert list(cuts) == sorted(cuts)
    assert all(abs(int(c) - 120) <= 1 for c in counts)


def test_csv_parquet_and_batch_sizes_agree(files: dict[str, Path], job: Job) -> None:
    reference = simulate(job, files["parquet"], batch_size=100_000).report()
    assert simulate(job, files["parquet"], batch_size=1000).report() == reference
    assert simulate(job, files["csv"], batch_size=1000).report() == reference


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(1, 1199), max_size=4, unique=True))
def test_tallies_merge_to_the_same_total_however_split(cuts_at: list[int]) -> None:
    table = synthetic.table("zorgtoeslag", 1200, seed=11, day=DAY)
    job = Job(ZORGTOESLAG, None, DAY, "zorgtoeslag")
    cuts = np.arange(1, 10) * 4_000_000
    bounds = [0, *sorted(cuts_at), table.num_rows]
    parts = [run_batch(job, table.slice(a, b - a).to_batches()[0], a, cuts, False)[0]
             for a, b in itertools.pairwise(bounds) if b > a]
    whole = run_batch(job, table.to_batches()[0], 0, cuts, False)[0]
    merged = Tally()
    for part in reversed(parts):
        merged = part.merge(merged)
    assert merged == whole


def test_per_person_results_are_exact(files: dict[str, Path], job: Job,
                                      tmp_path: Path) -> None:
    out = tmp_path / "personen.parquet"
    simulate(job, files["parquet"], out=out, batch_size=500)
    table = pq.read_table(out)
    assert table.schema.field("base").type == pa.decimal128(38, 0) or \
        pa.types.is_decimal(table.schema.field("base").type)
    rows = pq.read_table(files["parquet"]).to_pylist()
    base = _scalar(job.base, rows, "zorgtoeslag")
    assert table.column("base").to_pylist() == base
    assert table.column("persoon").to_pylist() == list(range(1, len(rows) + 1))
    changes = table.column("change").to_pylist()
    reform = table.column("reform").to_pylist()
    assert all(c == f - b for c, f, b in zip(changes, reform, base, strict=True)
               if b is not None and f is not None)
    assert set(table.column("layer").to_pylist()) == {"standard", "category"}


def test_refusals_and_hardship_candidates_count_as_manual_work(files: dict[str, Path],
                                                               tmp_path: Path) -> None:
    patch = tmp_path / "bijstand.yaml"
    patch.write_text(textwrap.dedent("""\
        reform: {nl: Lagere norm, en: Lower norm}
        regulation: bijstand
        version: "2025.9-voorstel"
        parameters:
          norm_gehuwden:
            values: [{from: 2025-01-01, value: 1700, reference: Voorstel}]
        """), encoding="utf-8")
    job = Job(BIJSTAND, load_reform(BIJSTAND, patch), DAY, "bijstandsnorm")
    out = tmp_path / "personen.csv"
    report = simulate(job, files["bijstand"], out=out).report()
    manual = report["manual_caseload"]
    persons = pacsv.read_csv(out, convert_options=pacsv.ConvertOptions(
        strings_can_be_null=True))
    refused = persons.column("refusal").drop_null().to_pylist()
    assert manual["refused"] == len(refused) > 0
    assert set(refused) == {"MW608"}
    assert manual["hardship_candidates"] > 0
    assert manual["total"] == manual["refused"] + manual["indeterminate"] + \
        manual["hardship_candidates"]
    assert report["losers"] >= manual["hardship_candidates"]


def test_a_job_that_cannot_run_is_refused_before_anything_is_computed(
        files: dict[str, Path], job: Job, tmp_path: Path) -> None:
    bad = Job(ZORGTOESLAG, None, DAY, "zorgtoeslag", income="netto")
    with pytest.raises(SimulationError, match="--income"):
        simulate(bad, files["parquet"], out=tmp_path / "x.parquet")
    assert not (tmp_path / "x.parquet").exists()
    with pytest.raises(SimulationError, match="no output 'bijstandsnorm'"):
        simulate(Job(ZORGTOESLAG, None, DAY, "bijstandsnorm"), files["parquet"])


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    import distributed

    factory: Any = distributed.LocalCluster
    with factory(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as running:
        yield str(running.scheduler_address)


def test_a_dask_cluster_gives_identical_results(files: dict[str, Path], job: Job,
                                                cluster: str, tmp_path: Path) -> None:
    local = simulate(job, files["parquet"], out=tmp_path / "local.csv", batch_size=250)
    remote = simulate(job, files["parquet"], out=tmp_path / "remote.csv", batch_size=250,
                      scheduler=cluster)
    assert remote.report() == local.report()
    assert (tmp_path / "remote.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()


def test_an_error_on_a_worker_reaches_the_user(files: dict[str, Path], cluster: str,
                                               tmp_path: Path) -> None:
    table = pq.read_table(files["parquet"])
    broken = table.set_column(table.schema.get_field_index("vermogen"), "vermogen",
                              pa.array(["veel"] * table.num_rows))
    path = tmp_path / "broken.parquet"
    pq.write_table(broken, path)
    with pytest.raises(SimulationError) as caught:
        simulate(Job(ZORGTOESLAG, None, DAY, "zorgtoeslag"), path, scheduler=cluster)
    assert caught.value.code == "MW903" and "'vermogen', row 1" in str(caught.value)


def test_an_unreachable_scheduler_is_named(files: dict[str, Path], job: Job,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from maatwerk.simulate import cluster as module

    monkeypatch.setattr(module, "TIMEOUT", "1s")
    with pytest.raises(SimulationError) as caught:
        simulate(job, files["parquet"], scheduler="tcp://127.0.0.1:9")
    assert caught.value.code == "MW905" and "tcp://127.0.0.1:9" in str(caught.value)
