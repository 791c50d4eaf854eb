"""Running a simulation: a regulation, and optionally a reform, over a population file.

Two passes over the file. The first reads only the income (and weight) column and fixes the
income deciles; the second decides every batch under the baseline and the reform with the
vectorised engine and sums the batch into an exact ``Tally``. Memory is bounded by the batch
size, whatever the size of the population.

With a ``scheduler`` address the second pass runs on a dask.distributed cluster: the batches
are sent to the workers and their tallies merged here. Tallies are exact and their merge does not
depend on order, so the result is identical to the local run. Per-person results, when asked
for, are written in the population's order in both cases.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from maatwerk.engine.vector.evaluate import LAYERS, Result, decide
from maatwerk.simulate.compare import DECILES, Tally, amounts, report, tally
from maatwerk.simulate.output import Writer, person_table
from maatwerk.simulate.population import (
    BATCH,
    SimulationError,
    Source,
    check_columns,
    columns_of,
    exact,
    open_batches,
    to_population,
)
from maatwerk.spec.model import Regulation

Progress = Callable[[int], None]
CENTS = 100


@dataclass(frozen=True)
class Job:
    """What to simulate."""

    base: Regulation
    reform: Regulation | None
    day: dt.date
    output: str
    income: str = "inkomen"
    weight: str | None = "gewicht"
    identity: str | None = "persoon"

    @property
    def regulations(self) -> list[Regulation]:
        return [self.base] if self.reform is None else [self.base, self.reform]

    def columns(self, present: list[str]) -> list[str]:
        """The columns of the population a run reads: inputs, income, weight and identity."""
        wanted = {self.income, self.weight, self.identity}
        for reg in self.regulations:
            wanted |= set(reg.inputs)
        return [name for name in present if name in wanted]


@dataclass
class Outcome:
    """The result of a run: the tally, the decile boundaries and the report."""

    job: Job
    tally: Tally
    cuts: np.ndarray  # lower income bound of deciles 2..10, in cents

    def report(self) -> dict[str, Any]:
        data = report(self.tally, self.cuts, CENTS)
        data["regulation"] = self.job.base.id
        data["version"] = self.job.base.version
        data["reform"] = None if self.job.reform is None else self.job.reform.version
        data["date"] = self.job.day.isoformat()
        data["output"] = self.job.output
        return data


def default_output(reg: Regulation) -> str:
    """The first money output of a regulation (the amount a simulation is about)."""
    for name in reg.outputs:
        if reg.type_of(name).kind == "money":
            return name
    raise SimulationError("MW904", f"{reg.id} has no money output to simulate; name one",
                          path="outputs", got=", ".join(reg.outputs))


def check(job: Job, path: Source) -> list[str]:
    """Refuse a job that cannot run before anything is computed."""
    names = columns_of(path)
    for reg in job.regulations:
        if job.output not in reg.outputs:
            raise SimulationError("MW904", f"{reg.id} {reg.version} has no output {job.output!r}"
                                  f"; its outputs are {', '.join(reg.outputs)}", path="outputs",
                                  got=job.output)
        check_columns(reg, names)
    if job.income not in names:
        raise SimulationError("MW902", f"the population has no income column {job.income!r} "
                              "for the deciles; name one with --income", path="population",
                              got=job.income)
    if job.weight is not None and job.weight not in names:
        raise SimulationError("MW902", f"the population has no weight column {job.weight!r}",
                              path="population", got=job.weight)
    return names


def _cents(job: Job, batch: pa.RecordBatch, offset: int) -> np.ndarray:
    """Income in whole cents, rounded down (deciles need no finer income)."""
    q = exact(job.income, batch.column(job.income), offset)
    num = np.broadcast_to(np.asarray(q.num), (batch.num_rows,))
    return np.asarray(num * CENTS // q.den, dtype=np.int64)


def _weight(job: Job, batch: pa.RecordBatch, offset: int) -> np.ndarray:
    if job.weight is None or job.weight not in batch.schema.names:
        return np.ones(batch.num_rows, dtype=np.int64)
    q = exact(job.weight, batch.column(job.weight), offset)
    num = np.asarray(q.num)
    if np.any(num % np.asarray(q.den) != 0) or np.any(num < 0):
        raise SimulationError("MW903", f"column {job.weight!r}: a weight is a whole number of "
                              "persons, 0 or more", path=f"population.{job.weight}")
    return np.broadcast_to(np.asarray(num // np.asarray(q.den), dtype=np.int64),
                           (batch.num_rows,))


def deciles(job: Job, path: Source, batch_size: int = BATCH) -> np.ndarray:
    """The lower income bounds of deciles 2 to 10 (weighted), in cents."""
    incomes: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    offset = 0
    wanted = [job.income] if job.weight is None else [job.income, job.weight]
    for batch in open_batches(path, batch_size, wanted):
        incomes.append(_cents(job, batch, offset))
        weights.append(_weight(job, batch, offset))
        offset += batch.num_rows
    if not incomes or offset == 0:
        return np.zeros(DECILES - 1, dtype=np.int64)
    income = np.concatenate(incomes)
    del incomes
    order = np.argsort(income, kind="stable")
    cumulative = np.cumsum(np.concatenate(weights)[order])
    total = int(cumulative[-1])
    targets = [-(-total * d // DECILES) for d in range(1, DECILES)]  # ceil(total * d / 10)
    at = np.minimum(np.searchsorted(cumulative, targets, side="left") + 1, income.size - 1)
    return np.asarray(income[order][at], dtype=np.int64)


def run_batch(job: Job, batch: pa.RecordBatch, offset: int, cuts: np.ndarray,
              persons: bool) -> tuple[Tally, pa.Table | None]:
    """Decide one batch under baseline and reform, and sum it."""
    results: list[Result] = []
    for reg in job.regulations:
        population = to_population(reg, batch, offset).population
        results.append(decide(reg, job.day, population))
    base, reform = results[0], results[-1]
    income = _cents(job, batch, offset)
    weight = _weight(job, batch, offset)
    t = tally(job.base, job.output, base, reform, income, cuts, weight)
    table = None
    if persons:
        identity = ((job.identity, batch.column(job.identity))
                    if job.identity is not None and job.identity in batch.schema.names
                    else ("row", pa.array(np.arange(offset + 1, offset + batch.num_rows + 1))))
        table = person_table(job.output, identity, base, reform,
                             np.searchsorted(cuts, income, side="right") + 1,
                             reform_given=job.reform is not None)
    return t, table


def _local(job: Job, path: Source, cuts: np.ndarray, persons: bool,
           batch_size: int, columns: list[str]) -> Iterator[tuple[int, Tally, pa.Table | None]]:
    offset = 0
    for batch in open_batches(path, batch_size, columns):
        t, table = run_batch(job, batch, offset, cuts, persons)
        offset += batch.num_rows
        yield batch.num_rows, t, table


def _cluster(job: Job, path: Source, cuts: np.ndarray, persons: bool, batch_size: int,
             columns: list[str], scheduler: str
             ) -> Iterator[tuple[int, Tally, pa.Table | None]]:
    from maatwerk.simulate.cluster import connect

    with connect(scheduler) as client:
        shared = client.scatter(job, broadcast=True)
        window = 2 * max(1, len(client.scheduler_info().get("workers", {})))
        pending: deque[tuple[int, Any]] = deque()
        offset = 0
        for batch in open_batches(path, batch_size, columns):
            pending.append((batch.num_rows, client.submit(run_batch, shared, batch, offset, cuts,
                                                          persons, pure=False)))
            offset += batch.num_rows
            while len(pending) >= window:
                rows, future = pending.popleft()
                yield rows, *future.result()
        while pending:
            rows, future = pending.popleft()
            yield rows, *future.result()


def simulate(job: Job, path: Source, *, out: str | Path | None = None,
             scheduler: str | None = None, batch_size: int = BATCH,
             progress: Progress | None = None) -> Outcome:
    """Run ``job`` over the population at ``path`` (a file, or a table in memory)."""
    columns = job.columns(check(job, path))
    cuts = deciles(job, path, batch_size)
    persons = out is not None
    parts = (_cluster(job, path, cuts, persons, batch_size, columns, scheduler) if scheduler
             else _local(job, path, cuts, persons, batch_size, columns))
    total = Tally()
    writer = Writer(out) if out is not None else None
    try:
        for rows, t, table in parts:
            total = total.merge(t)
            if writer is not None and table is not None:
                writer.write(table)
            if progress is not None:
                progress(rows)
    finally:
        if writer is not None:
            writer.close()
    return Outcome(job, total, cuts)


def rows_of(path: Source) -> int | None:
    """The number of persons in a Parquet file or a table (None for CSV: unknown without
    reading)."""
    if isinstance(path, pa.Table):
        return int(path.num_rows)
    p = Path(path)
    if p.suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        try:
            return int(pq.ParquetFile(p).metadata.num_rows)
        except (OSError, pa.ArrowInvalid):
            return None
    return None


__all__ = ["LAYERS", "Job", "Outcome", "amounts", "default_output", "simulate"]
