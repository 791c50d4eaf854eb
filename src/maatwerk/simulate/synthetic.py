"""A synthetic Dutch population, reproducible from a seed. SYNTHETIC: no real persons.

Persons are drawn independently with distributions chosen to resemble the Netherlands in broad
strokes (they are illustrations, not statistics):

- age: 18 and over; bands 18–29 19 %, 30–44 23 %, 45–64 33 %, 65–79 19 %, 80–100 6 %,
  uniform within a band;
- partner: by age 18–24 10 %, 25–34 50 %, 35–64 65 %, 65–79 60 %, 80+ 35 %; the partner is
  of about the same age (±5 years);
- own yearly income: 8 % none; otherwise log-normal with a median by age (18–24 € 15,000;
  25–34 € 35,000; 35–64 € 42,000; 65+ € 25,000), σ 0.6, in whole cents; a partner's income by
  the same rule at the partner's age;
- household assets: 35 % under € 1,000; otherwise log-normal, median € 25,000, σ 1.3, in whole
  euros;
- insured (Zvw): 99 %;
- household: with a partner 2 persons, otherwise 1; 18 % of households share the home with 1–3
  more adults (kostendelers);
- others: no one lives in an institution; 2 % have a culpable behaviour on record (categories
  spread evenly).

``table(regulation, n, seed, day)`` gives the columns of a worked regulation's inputs
(zorgtoeslag, bijstand) plus ``persoon`` (an id), ``inkomen`` (own plus partner income, for
deciles) and ``gewicht`` (1: each row is one person or household).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from maatwerk.simulate.population import SimulationError

AGE_BANDS = ((18, 29, 0.19), (30, 44, 0.23), (45, 64, 0.33), (65, 79, 0.19), (80, 100, 0.06))
AOW_AGE = 67  # illustrative: the AOW age itself moves with life expectancy
MONEY = pa.decimal128(15, 2)


def _ages(rng: np.random.Generator, n: int) -> np.ndarray:
    band = rng.choice(len(AGE_BANDS), size=n, p=[b[2] for b in AGE_BANDS])
    low = np.array([b[0] for b in AGE_BANDS])[band]
    high = np.array([b[1] for b in AGE_BANDS])[band]
    return rng.integers(low, high + 1)


def _partner_chance(age: np.ndarray) -> np.ndarray:
    return np.select([age < 25, age < 35, age < 65, age < 80], [0.10, 0.50, 0.65, 0.60], 0.35)


def _income_cents(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    median = np.select([age < 25, age < 35, age < 65], [15_000, 35_000, 42_000], 25_000)
    euros = rng.lognormal(np.log(median), 0.6)
    none = rng.random(age.size) < 0.08
    return np.where(none, 0, np.round(euros * 100)).astype(np.int64)


def persons(n: int, seed: int) -> dict[str, np.ndarray]:
    """The generic attributes of ``n`` synthetic persons."""
    rng = np.random.default_rng(seed)
    age = _ages(rng, n)
    partner = rng.random(n) < _partner_chance(age)
    partner_age = np.clip(age + rng.integers(-5, 6, n), 18, 100)
    income = _income_cents(rng, age)
    partner_income = np.where(partner, _income_cents(rng, partner_age), 0)
    assets = np.where(rng.random(n) < 0.35, rng.integers(0, 1000, n),
                      np.round(rng.lognormal(np.log(25_000), 1.3, n))).astype(np.int64)
    sharers = np.where(rng.random(n) < 0.18, rng.integers(1, 4, n), 0)
    behaviour = np.where(rng.random(n) < 0.02, rng.integers(1, 4, n), 0)
    return {"age": age, "partner": partner, "partner_age": partner_age, "income": income,
            "partner_income": partner_income, "assets": assets,
            "insured": rng.random(n) < 0.99, "sharers": sharers, "behaviour": behaviour}


def _cents(values: np.ndarray) -> pa.Array:
    """Whole cents as an exact decimal column in euros."""
    whole = pc.cast(pa.array(values.astype(np.int64)), pa.decimal128(19, 0))
    return pc.cast(pc.multiply(whole, pa.scalar(Decimal("0.01"), pa.decimal128(3, 2))), MONEY)


def _birth(day: dt.date, age: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    born = np.datetime64(day, "D") - (age * 365.25).astype("timedelta64[D]")
    return np.asarray(born - rng.integers(0, 365, age.size).astype("timedelta64[D]"))


def _zorgtoeslag(p: dict[str, np.ndarray], day: dt.date, rng: np.random.Generator
                 ) -> dict[str, Any]:
    return {"leeftijd": p["age"], "is_verzekerd": p["insured"],
            "heeft_toeslagpartner": p["partner"], "toetsingsinkomen": _cents(p["income"]),
            "toetsingsinkomen_partner": _cents(p["partner_income"]),
            "vermogen": pa.array(p["assets"], pa.int64())}


def _bijstand(p: dict[str, np.ndarray], day: dt.date, rng: np.random.Generator
              ) -> dict[str, Any]:
    age = p["age"]
    partner = p["partner"]
    single_parent = ~partner & (rng.random(age.size) < 0.12) & (age < 60)
    form = np.where(partner, "gehuwd", np.where(single_parent, "alleenstaande_ouder",
                                                "alleenstaand"))
    behaviour = np.array(["geen", "eerste", "tweede", "derde"])[p["behaviour"]]
    return {"geboortedatum": _birth(day, age, rng), "leefvorm": form,
            "aow_leeftijd_bereikt": age >= AOW_AGE,
            "geboortedatum_partner": _birth(day, p["partner_age"], rng),
            "partner_aow_leeftijd_bereikt": partner & (p["partner_age"] >= AOW_AGE),
            "aantal_kostendelers": 1 + partner.astype(np.int64) + p["sharers"],
            "verblijft_in_inrichting": np.zeros(age.size, dtype=bool),
            "vermogen": pa.array(np.minimum(p["assets"], 60_000), pa.int64()),
            "categorie_gedraging": behaviour}


MAPPINGS: dict[str, Callable[[dict[str, np.ndarray], dt.date, np.random.Generator],
                             dict[str, Any]]] = {
    "zorgtoeslag": _zorgtoeslag,
    "bijstand": _bijstand,
}


CHUNK = 1_000_000


def _chunk(regulation: str, n: int, seed: int, day: dt.date, first: int) -> pa.Table:
    mapping = MAPPINGS.get(regulation)
    if mapping is None:
        raise SimulationError("MW901", f"there is no synthetic population for {regulation!r} "
                              f"(only for {', '.join(MAPPINGS)}); give a population file",
                              path="population", got=regulation)
    people = persons(n, seed)
    columns = mapping(people, day, np.random.default_rng(seed + 1))
    columns["persoon"] = np.arange(first, first + n)
    columns["inkomen"] = _cents(people["income"] + people["partner_income"])
    columns["gewicht"] = np.ones(n, dtype=np.int64)
    return pa.table(columns)


def chunks(regulation: str, n: int, seed: int = 2025, day: dt.date | None = None
           ) -> Iterator[pa.Table]:
    """A synthetic population in chunks of at most a million persons; chunk ``k`` is drawn
    with seed ``seed + 2 k`` (the next seed draws its household details)."""
    day = day or dt.date(2025, 6, 1)
    for k, first in enumerate(range(0, n, CHUNK)):
        yield _chunk(regulation, min(CHUNK, n - first), seed + 2 * k, day, first + 1)


def table(regulation: str, n: int, seed: int = 2025, day: dt.date | None = None) -> pa.Table:
    """A synthetic population for a worked regulation, as an Arrow table."""
    return pa.concat_tables(chunks(regulation, n, seed, day))


def write(regulation: str, n: int, path: str | Path, seed: int = 2025,
          day: dt.date | None = None) -> None:
    """Write a synthetic population to a Parquet or CSV file, a chunk at a time."""
    target = Path(path)
    if target.suffix not in (".parquet", ".pq", ".csv"):
        raise SimulationError("MW901", "a population is a .parquet or .csv file",
                              path="out", got=target.name)
    writer: Any = None
    try:
        for part in chunks(regulation, n, seed, day):
            if writer is None:
                writer = (pacsv.CSVWriter(target, part.schema) if target.suffix == ".csv"
                          else pq.ParquetWriter(target, part.schema))
            writer.write_table(part)
    finally:
        if writer is not None:
            writer.close()
