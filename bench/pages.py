"""How fast the web faces answer at the demo's size, over real HTTP.

    .venv/bin/python bench/pages.py                 # the demo history (3,000 cases), 30 rounds
    .venv/bin/python bench/pages.py --quick         # 300 cases, 5 rounds, *.tmp only

The demo database is made once by ``maatwerk demo --no-serve`` (cached under bench/.cache) and
served by ``maatwerk demo`` itself — the same app, clock and data a user of the demo gets — on a
free port. Each page is asked once to warm up (the first chart drawn in a process starts the
chart renderer), then in rounds, pages in a shuffled order per round, one request at a time with
the demo account of its face (a bearer token). Reported per page: the median and p95 of the
whole request as the client sees it, against the bar of 300 ms. Written to
bench/results/pages.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# the scripts beside this one must not shadow modules of the standard library
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]

import httpx  # noqa: E402

ROOT = BENCH.parent
CACHE = BENCH / ".cache"
RESULTS = BENCH / "results"
TODAY = "2025-12-17"
BAR_MS = 300.0
MAATWERK = [sys.executable, "-m", "maatwerk"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def demo_database(cases: int) -> Path:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"demo-{cases}.sqlite"
    if not path.exists():
        subprocess.run([*MAATWERK, "demo", "--no-serve", "--cases", str(cases), "--db",
                        str(path), "--today", TODAY], check=True, cwd=CACHE)
    return path


def token(db: Path, username: str) -> str:
    done = subprocess.run([*MAATWERK, "users", "token", username, "--db", f"sqlite:///{db}"],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1]


def serve(db: Path, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([*MAATWERK, "demo", "--db", str(db), "--today", TODAY,
                                "--port", str(port)], cwd=CACHE, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the demo server did not start")


def pages(client: httpx.Client, tokens: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Page label → (path, account): one case of the citizen and one of the caseworker's queue."""
    def get(path: str, who: str) -> object:
        return client.get(path, headers={"Authorization": f"Bearer {tokens[who]}"}).json()

    mine: dict = get("/burger.json", "burger")  # type: ignore[assignment]
    queue: dict = get("/behandelaar.json", "behandelaar")  # type: ignore[assignment]
    citizen_case = _first_id(mine)
    worker_case = _first_id(queue)
    found = {
        "home": ("/", "burger"),
        "citizen: my cases": ("/burger", "burger"),
        "citizen: what do I get (bijstand)": ("/burger/regelingen/bijstand", "burger"),
        "citizen: a case": (f"/burger/zaken/{citizen_case}", "burger"),
        "caseworker: queue": ("/behandelaar", "behandelaar"),
        "caseworker: a case": (f"/behandelaar/zaken/{worker_case}", "behandelaar"),
        "manager: dashboard": ("/manager", "manager"),
        "manager: dashboard JSON": ("/manager.json", "manager"),
        "policy: regulations": ("/beleid", "beleid"),
        "policy: bijstand": ("/beleid/regelingen/bijstand", "beleid"),
        "policy: simulation (10 k)": ("/beleid/simulatie?regeling=zorgtoeslag&personen=10000"
                                      "&peildatum=2025-06-01&p.drempelinkomen=30000", "beleid"),
    }
    if client.get("/register").status_code == 200:
        found["public register"] = ("/register", "burger")
    return found


def _first_id(data: dict) -> int:  # type: ignore[type-arg]
    for key in ("cases", "queue", "items", "mine"):
        for item in data.get(key) or []:
            if isinstance(item, dict) and "id" in item:
                return int(item["id"])
    raise SystemExit(f"no case found in {sorted(data)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args()
    cases = args.cases or (300 if args.quick else 3000)
    rounds = args.rounds or (5 if args.quick else 30)
    db = demo_database(cases)
    tokens = {who: token(db, who) for who in ("burger", "behandelaar", "manager", "beleid")}
    port = _free_port()
    process = serve(db, port)
    times: dict[str, list[float]] = {}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            found = pages(client, tokens)
            for path, who in found.values():  # warm-up
                client.get(path, headers={"Authorization": f"Bearer {tokens[who]}"})
            order = list(found)
            rng = random.Random(7)
            for _ in range(rounds):
                rng.shuffle(order)
                for label in order:
                    path, who = found[label]
                    start = time.perf_counter()
                    answer = client.get(path, headers={"Authorization": f"Bearer {tokens[who]}"})
                    elapsed = (time.perf_counter() - start) * 1000
                    if answer.status_code != 200:
                        raise SystemExit(f"{path}: {answer.status_code} {answer.text[:300]}")
                    times.setdefault(label, []).append(elapsed)
    finally:
        process.terminate()
        process.wait(10)
    report(times, cases, rounds, args.quick)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def report(times: dict[str, list[float]], cases: int, rounds: int, quick: bool) -> None:
    lines = [
        "# Web pages at the demo's size",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}); one run of "
        f"`bench/pages.py{' --quick' if quick else ''}`: the demo history of {cases:,} cases, "
        f"served by `maatwerk demo` (SQLite), {rounds} rounds after a warm-up, one request at a "
        "time over HTTP.",
        "",
        f"| page | median | p95 | within {BAR_MS:.0f} ms (p95) |",
        "|---|---:|---:|---|",
    ]
    for label, values in times.items():
        p95 = _p95(values)
        lines.append(f"| {label} | {statistics.median(values):.0f} ms | {p95:.0f} ms | "
                     f"{'yes' if p95 <= BAR_MS else '**no**'} |")
    slow = [label for label, values in times.items() if _p95(values) > BAR_MS]
    lines += ["", f"Pages over the bar: {', '.join(slow) if slow else 'none'}."]
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / ("pages-quick.md.tmp" if quick else "pages.md")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
