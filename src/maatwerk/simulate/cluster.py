"""Connecting to a dask.distributed cluster for a simulation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from maatwerk.simulate.population import SimulationError

TIMEOUT = "10s"


@contextmanager
def connect(address: str) -> Iterator[Any]:
    """A client of the scheduler at ``address``, or MW905 when it cannot be reached."""
    import distributed

    factory: Any = distributed.Client
    try:
        client = factory(address, timeout=TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SimulationError("MW905", f"the scheduler at {address} cannot be reached: "
                              f"{exc.__class__.__name__}", path="scheduler",
                              got=address) from None
    try:
        yield client
    finally:
        client.close()
