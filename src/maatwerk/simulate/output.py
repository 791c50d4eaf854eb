"""Per-person results of a simulation, written to Parquet or CSV batch by batch.

Amounts are exact decimal columns (never floats): an output whose values are whole cents is a
``decimal128`` column with two places. The columns are the person's identity, ``decile`` (income
decile, 1 to 10), ``base`` and ``reform`` (the output; empty where the person is not decided),
``change``, ``base_status`` and ``reform_status`` (determined, indeterminate, refused),
``reform_layer`` (standard or category) and ``refusal`` (the engine's code, if any).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from maatwerk.engine.vector.columns import CODES
from maatwerk.engine.vector.evaluate import LAYERS, Result
from maatwerk.simulate.compare import amounts
from maatwerk.simulate.population import SimulationError

STATUS = ("determined", "indeterminate", "refused")
MAX_PLACES = 18


def _places(den: int) -> int | None:
    for places in range(MAX_PLACES + 1):
        if 10**places % den == 0:
            return places
    return None


def decimals(num: np.ndarray, den: int, valid: np.ndarray) -> pa.Array:
    """Exact values ``num / den`` as a decimal column (text where no decimal form exists)."""
    places = _places(den)
    n = num.size
    if places is None:
        text = [str(Fraction(int(v), den)) if ok else None
                for v, ok in zip(num, valid, strict=True)]
        return pa.array(text, pa.string())
    scaled = num * (10**places // den)
    kind = pa.decimal128(38, places)
    if scaled.dtype == object:
        values = [Decimal(int(v)).scaleb(-places) if ok else None
                  for v, ok in zip(scaled, valid, strict=True)]
        return pa.array(values, kind)
    low = np.asarray(scaled, dtype=np.int64)
    words = np.empty((n, 2), dtype=np.int64)
    words[:, 0] = low
    words[:, 1] = np.where(low < 0, -1, 0)
    array = pa.Array.from_buffers(kind, n, [None, pa.py_buffer(words.tobytes())])
    if valid.all():
        return array
    return pc.if_else(pa.array(valid), array, pa.scalar(None, kind))


def _codes(names: tuple[str, ...], codes: np.ndarray) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(codes, dtype=np.int8)),
                                          pa.array(list(names))).cast(pa.string())


def refusals(result: Result) -> pa.Array:
    """The engine's refusal code per person (empty where the person is not refused)."""
    codes = np.full(result.n, len(CODES), dtype=np.int8)
    for index, bit in reversed(list(enumerate(CODES))):
        codes[(result.error & bit) != 0] = index
    names = pa.array([*CODES.values(), None], pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(codes), names).cast(pa.string())


def person_table(output: str, identity: tuple[str, pa.Array], base: Result, reform: Result,
                 decile: np.ndarray, *, reform_given: bool) -> pa.Table:
    """One batch's per-person results."""
    b_num, b_den = amounts(base, output)
    f_num, f_den = amounts(reform, output)
    b_ok = base.status == 0
    f_ok = reform.status == 0
    columns: dict[str, pa.Array] = {
        identity[0]: identity[1],
        "decile": pa.array(np.asarray(decile, dtype=np.int8)),
        "base": decimals(b_num, b_den, b_ok),
    }
    if reform_given:
        common = b_den * f_den // int(np.gcd(b_den, f_den))
        change = f_num * (common // f_den) - b_num * (common // b_den)
        columns["reform"] = decimals(f_num, f_den, f_ok)
        columns["change"] = decimals(change, common, b_ok & f_ok)
    columns["base_status"] = _codes(STATUS, base.status)
    if reform_given:
        columns["reform_status"] = _codes(STATUS, reform.status)
    final = reform if reform_given else base
    columns["layer"] = _codes(LAYERS, final.deciding_layer[output])
    columns["refusal"] = refusals(final)
    return pa.table(columns)


class Writer:
    """Writes per-person tables to one Parquet or CSV file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.suffix not in (".parquet", ".pq", ".csv"):
            raise SimulationError("MW901", "per-person results go to a .parquet or .csv file",
                                  path="out", got=self.path.name)
        self._parquet: pq.ParquetWriter | None = None
        self._csv: pacsv.CSVWriter | None = None

    def write(self, table: pa.Table) -> None:
        if self.path.suffix == ".csv":
            if self._csv is None:
                self._csv = pacsv.CSVWriter(self.path, table.schema)
            self._csv.write_table(table)
        else:
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self.path, table.schema)
            self._parquet.write_table(table)

    def close(self) -> None:
        for writer in (self._parquet, self._csv):
            if writer is not None:
                writer.close()
