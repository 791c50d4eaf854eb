"""Reading a population from Parquet or CSV into the vectorised engine's columns.

Each input of the regulation is a column of the same name. Amounts and decimals are read
exactly (decimal columns as scaled integers, integer columns as they are, text as decimal
notation; a float column only where every value has a short exact decimal form); empty cells are
missing values. A column the regulation needs that is absent, or a value that does not fit its
input's type, is refused naming the column, the row and the value (MW902, MW903). Files are
read in batches, so a population larger than memory is processed with bounded memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from maatwerk.engine.vector import rational as r
from maatwerk.engine.vector.columns import Col
from maatwerk.engine.vector.evaluate import Population
from maatwerk.spec.errors import CodedError
from maatwerk.spec.graph import inputs_for
from maatwerk.spec.model import InputDef, Regulation

SIMULATION_CODES: dict[str, str] = {
    "MW901": "the population file cannot be read",
    "MW902": "the population lacks a column the regulation needs",
    "MW903": "a value in the population does not fit its input's type",
    "MW904": "the reform does not fit its regulation",
    "MW905": "the scheduler of the cluster cannot be reached",
}
BATCH = 500_000
MAX_FLOAT_DECIMALS = 6


class SimulationError(CodedError):
    """A population or reform that cannot be simulated; nothing was computed."""

    registry: ClassVar[dict[str, str]] = SIMULATION_CODES


@dataclass
class Batch:
    """One batch of persons: the engine's population and the columns kept beside it."""

    population: Population
    extra: dict[str, np.ndarray]
    offset: int


Source: TypeAlias = "str | Path | pa.Table"  # a Parquet or CSV file, or a table in memory


def open_batches(path: Source, batch_size: int = BATCH,
                 columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
    """The record batches of a Parquet or CSV file or a table (only ``columns``, if given). A
    CSV file is read in blocks of 16 MB rather than ``batch_size`` rows."""
    if isinstance(path, pa.Table):
        chosen = path.select(columns) if columns is not None else path
        yield from chosen.to_batches(max_chunksize=batch_size)
        return
    p = Path(path)
    try:
        if p.suffix in (".parquet", ".pq"):
            yield from pq.ParquetFile(p).iter_batches(batch_size=batch_size, columns=columns)
        elif p.suffix == ".csv":
            reader = pacsv.open_csv(p, read_options=pacsv.ReadOptions(block_size=1 << 24),
                                    convert_options=pacsv.ConvertOptions(
                                        strings_can_be_null=True,
                                        include_columns=columns or []))
            yield from reader
        else:
            raise SimulationError("MW901", "a population is a .parquet or .csv file",
                                  path="population", got=p.name)
    except (OSError, pa.ArrowInvalid) as exc:
        raise SimulationError("MW901", f"cannot read the population: {exc}",
                              path="population", got=p.name) from None


def columns_of(path: Source) -> list[str]:
    if isinstance(path, pa.Table):
        return list(path.column_names)
    p = Path(path)
    if p.suffix in (".parquet", ".pq"):
        try:
            return list(pq.ParquetFile(p).schema_arrow.names)
        except (OSError, pa.ArrowInvalid) as exc:
            raise SimulationError("MW901", f"cannot read the population: {exc}",
                                  path="population", got=p.name) from None
    first = next(open_batches(p, 1024), None)
    return list(first.schema.names) if first is not None else []


def check_columns(reg: Regulation, names: list[str]) -> None:
    """Refuse a population without the columns the regulation's outputs need."""
    needed: list[str] = []
    for output in reg.outputs:
        if output in reg.rules or output in reg.tables:
            needed += [n for n in inputs_for(reg, output) if n not in needed]
    absent = [n for n in needed if n not in names]
    if absent:
        raise SimulationError("MW902", f"the population has no column for {', '.join(absent)}"
                              f"; {reg.id} needs {', '.join(needed)}", path="population",
                              got=", ".join(absent))


def _bad(name: str, array: pa.Array, mask: Any, offset: int, expected: str) -> SimulationError:
    index = int(np.flatnonzero(np.asarray(mask))[0])
    value = array[index].as_py()
    return SimulationError("MW903", f"column {name!r}, row {offset + index + 1}: expected "
                           f"{expected}", path=f"population.{name}", got=value)


def _exact_float(name: str, values: np.ndarray, offset: int, array: pa.Array) -> r.Q:
    finite = np.isfinite(values)
    if not finite.all():
        raise _bad(name, array, ~finite, offset, "a finite number")
    for places in range(MAX_FLOAT_DECIMALS + 1):
        scaled = np.round(values * 10**places)
        if np.array_equal(scaled / 10**places, values) and np.all(np.abs(scaled) < 2**53):
            return r.Q(scaled.astype(np.int64), 10**places)
    raise SimulationError("MW903", f"column {name!r}: its floating-point values have no short "
                          f"exact decimal form; store amounts as decimals or cents",
                          path=f"population.{name}")


def unscaled(array: pa.Array) -> np.ndarray:
    """The integers behind a decimal column (value times 10**scale), read from its buffer:
    int64 where every value fits, Python integers otherwise; missing values are 0."""
    words_per_value = array.type.byte_width // 8
    n = len(array)
    raw = np.frombuffer(array.buffers()[1], dtype=np.int64,
                        count=(array.offset + n) * words_per_value)
    words = raw.reshape(-1, words_per_value)[array.offset:]
    low = words[:, 0].copy()
    fits = np.all(words[:, 1:] == (low >> 63)[:, None], axis=1)
    valid = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    if np.all(fits | ~valid):
        low[~valid] = 0
        return low
    values = np.zeros(n, dtype=object)
    for i in np.flatnonzero(valid):
        values[i] = int.from_bytes(words[i].tobytes(), "little", signed=True)
    return values


def _fewest_places(nums: np.ndarray, scale: int) -> r.Q:
    """``nums / 10**scale`` over the smallest power of ten that holds every value (one
    denominator for the column keeps the engine on its fast path)."""
    while scale > 0 and not np.any(nums % 10):
        nums = nums // 10
        scale -= 1
    return r.Q(nums, 10**scale)


def exact(name: str, array: pa.Array, offset: int = 0) -> r.Q:
    """A numeric column as exact rationals (missing values as 0)."""
    return _number(name, array, offset, False)


def _number(name: str, array: pa.Array, offset: int, integer: bool) -> r.Q:
    kind = array.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        try:
            array = pc.cast(pc.utf8_trim_whitespace(array), pa.decimal128(38, 12))
        except pa.ArrowInvalid:
            bad = pc.invert(pc.match_substring_regex(array, r"^\s*-?[0-9]+(\.[0-9]+)?\s*$"))
            raise _bad(name, array, pc.fill_null(bad, False).to_numpy(zero_copy_only=False),
                       offset, "a whole number" if integer else
                       "a number written with a decimal point") from None
        kind = array.type
    if pa.types.is_decimal(kind):
        q = _fewest_places(unscaled(array), kind.scale)
    elif pa.types.is_integer(kind) or pa.types.is_boolean(kind):
        q = r.Q(np.asarray(array.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64))
    elif pa.types.is_floating(kind):
        q = _exact_float(name, np.asarray(array.fill_null(0).to_numpy(zero_copy_only=False),
                                          dtype=np.float64), offset, array)
    else:
        raise SimulationError("MW903", f"column {name!r} has type {kind}; expected numbers",
                              path=f"population.{name}")
    if integer and not (isinstance(q.den, int) and q.den == 1):
        fractional = np.asarray(q.num) % q.den != 0
        if fractional.any():
            raise _bad(name, array, fractional, offset, "a whole number")
        q = r.Q(np.asarray(q.num) // q.den)
    return q


def _bool(name: str, array: pa.Array, offset: int) -> np.ndarray:
    if pa.types.is_boolean(array.type):
        return np.asarray(array.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    if pa.types.is_integer(array.type):
        values = np.asarray(array.fill_null(0).to_numpy(zero_copy_only=False))
        bad = (values != 0) & (values != 1)
        if bad.any():
            raise _bad(name, array, bad, offset, "true or false (1 or 0)")
        return np.asarray(values == 1)
    text = pc.utf8_lower(pc.utf8_trim_whitespace(array.cast(pa.string())))
    truth = pc.is_in(text, pa.array(["true", "ja", "yes", "1"]))
    falsity = pc.is_in(text, pa.array(["false", "nee", "no", "0"]))
    bad = pc.and_(pc.invert(pc.or_(truth, falsity)), pc.is_valid(text))
    if pc.any(bad).as_py():
        raise _bad(name, array, bad.to_numpy(zero_copy_only=False), offset, "true or false")
    return np.asarray(truth.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _date(name: str, array: pa.Array, offset: int) -> np.ndarray:
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        try:
            array = pc.cast(array, pa.date32())
        except pa.ArrowInvalid:
            raise SimulationError("MW903", f"column {name!r}: expected dates written as "
                                  "YYYY-MM-DD", path=f"population.{name}") from None
    if pa.types.is_timestamp(array.type):
        array = pc.cast(array, pa.date32())
    if not pa.types.is_date(array.type):
        raise SimulationError("MW903", f"column {name!r} has type {array.type}; expected dates",
                              path=f"population.{name}")
    filled = array.fill_null(pa.scalar(dt.date(2000, 1, 1), array.type))
    return np.asarray(filled.to_numpy(zero_copy_only=False), dtype="datetime64[D]")


def _text(name: str, array: pa.Array, offset: int, definition: InputDef,
          population: Population) -> np.ndarray:
    values = array.cast(pa.string()).fill_null("")
    if definition.type.kind == "enum":
        allowed = pa.array(list(definition.type.values))
        bad = pc.and_(pc.invert(pc.is_in(values, allowed)), pc.is_valid(array))
        if pc.any(bad).as_py():
            raise _bad(name, array, bad.to_numpy(zero_copy_only=False), offset,
                       f"one of: {', '.join(definition.type.values)}")
    encoded = values.dictionary_encode()
    lookup = np.array([population.strings.code(str(s)) for s in encoded.dictionary.to_pylist()],
                      dtype=np.int32)
    return lookup[np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)]


def to_population(reg: Regulation, batch: pa.RecordBatch, offset: int = 0,
                  keep: tuple[str, ...] = ()) -> Batch:
    """The engine's population for one batch, and the ``keep`` columns as arrays."""
    n = batch.num_rows
    population = Population(reg, {}, n=n)  # every input missing; filled in below
    names = batch.schema.names
    for bit, (name, definition) in enumerate(reg.inputs.items()):
        if name not in names:
            continue
        array = batch.column(name)
        kind = definition.type.kind
        if kind in ("integer", "decimal", "money"):
            value: Any = _number(name, array, offset, kind == "integer")
        elif kind == "bool":
            value = _bool(name, array, offset)
        elif kind == "date":
            value = _date(name, array, offset)
        else:
            value = _text(name, array, offset, definition, population)
        nulls = np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        unknown = np.where(nulls, 1 << bit, 0).astype(np.int64) if nulls.any() else None
        population.cols[name] = Col(value, unknown)
        bounds_population(population, definition, value, nulls, n)
    extra = {k: batch.column(k).to_numpy(zero_copy_only=False) for k in keep if k in names}
    return Batch(population, extra, offset)


def bounds_population(population: Population, definition: InputDef, value: Any,
                      nulls: np.ndarray, n: int) -> None:
    population._bounds(definition, value, nulls, n)
