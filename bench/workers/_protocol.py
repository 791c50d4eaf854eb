"""The worker side of the benchmark protocol (standard library only).

A worker is one process per system, started by ``bench/decision.py`` with the Python of the venv
that system lives in. It reads one JSON request per line on stdin and answers with one JSON line:

    {"op": "hello"}                       -> {"system", "versions", "variants": {name: unit}}
    {"op": "check", "cases": [...]}       -> {"amounts": [int, ...]}   (yearly zorgtoeslag)
    {"op": "run", "variant": v, "n": n}   -> {"ns": [int, ...]}        (one timing per call)
    {"op": "quit"}                        -> exits

Anything the system under test prints goes to stderr: the protocol has its own copy of stdout.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Callable
from time import perf_counter_ns
from typing import Any

# A variant: (unit shown in the report, the call to time, the argument list it cycles through).
# Units: "us" or "ms" (timed here, around the call), "us-self" (the call returns a duration in
# nanoseconds that the system measured itself, e.g. an engine's own performance figure).
Variant = tuple[str, Callable[[Any], Any], list[Any]]


def time_calls(fn: Callable[[Any], Any], args: list[Any], n: int,
               self_timed: bool = False) -> list[int]:
    """Time ``n`` single calls of ``fn``, cycling through ``args``; nanoseconds per call.

    The collector runs before the batch (so garbage left by an earlier batch is not charged to
    this one) and stays enabled during it (as in production)."""
    gc.collect()
    out = [0] * n
    k = len(args)
    clock = perf_counter_ns
    for i in range(n):
        arg = args[i % k]
        if self_timed:
            out[i] = int(fn(arg))
            continue
        t0 = clock()
        fn(arg)
        out[i] = clock() - t0
    return out


def serve(system: str, versions: dict[str, str], variants: dict[str, Variant],
          amounts: Callable[[list[dict[str, Any]]], list[int]]) -> None:
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # the system's own prints go to stderr
    sys.stdout = sys.stderr
    for line in sys.stdin:
        req = json.loads(line)
        op = req["op"]
        if op == "hello":
            answer: dict[str, Any] = {"system": system, "versions": versions,
                                      "variants": {k: v[0] for k, v in variants.items()}}
        elif op == "check":
            answer = {"amounts": amounts(req["cases"])}
        elif op == "run":
            unit, fn, args = variants[req["variant"]]
            answer = {"ns": time_calls(fn, args, int(req["n"]), unit.endswith("-self"))}
        elif op == "quit":
            return
        else:
            answer = {"error": f"unknown op {op!r}"}
        proto.write(json.dumps(answer) + "\n")


def main(build: Callable[[list[dict[str, Any]]], tuple[str, dict[str, str], dict[str, Variant],
                                                      Callable[[list[dict[str, Any]]], list[int]]]]
         ) -> None:
    """Read the benchmark cases (JSON) from argv[1], build the system, then serve requests."""
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    serve(*build(cases))
