"""What the generator and the runner of a kernel share: the layout of the input columns, where
each value is written in the output matrices, and the generated kernel with what it needs to run
and to read its results.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputSpec:
    """One input column of the kernel: its kind (num | bool | code | date), the denominator the
    kernel works with (num) and whether the column has an unknown mask."""

    name: str
    kind: str
    den: int = 1
    unknown: bool = False


@dataclass(frozen=True)
class OutSpec:
    """Where the kernel writes one value: rows of the int64 (``i``), bool (``b``) or int32
    (``c``) output matrices; ``den`` the static denominator, or None when ``den_row`` holds it."""

    kind: str
    row: int
    den: int | None = 1
    den_row: int = -1
    unk_row: int = -1
    err_row: int = -1


@dataclass
class Generated:
    """The generated source and what the caller needs to run it and read its results."""

    source: str
    inputs: tuple[InputSpec, ...]
    texts: tuple[str, ...]
    limits: tuple[int, ...]  # per input, the largest magnitude the proof allows
    n_int: int
    n_bool: int
    n_code: int
    n_small: int
    outputs: dict[str, OutSpec]
    standard: dict[str, OutSpec] | None
    categories: dict[str, int]  # category -> row of the bool matrix
    deciding: dict[str, int]  # output -> row of the int8 matrix
    may_err: bool  # whether a case can be refused (then listed in ``op``)
    may_unknown: bool  # whether a case can be indeterminate (then listed in ``op``)
