"""How fast the web faces answer at the demo's size, over real HTTP.

    .venv/bin/python bench/pages.py                 # the demo history (3,000 cases), 30 rounds
    .venv/bin/python bench/pages.py --quick         # 300 cases, 5 rounds, *.tmp only

The demo database is made once by ``maatwerk demo --no-serve`` (cached under bench/.cache), and
each run serves a copy of it (the run adds cases) with ``maatwerk demo`` itself — the same app,
clock and data a user of the demo gets — on a free port. Each page is asked once to warm up (the
first chart drawn in a process starts the chart renderer), then in rounds, pages in a shuffled
order per round, one request at a time with the demo account of its face (a bearer token).

The manager's dashboard keeps its figures and charts until the case file changes
(``maatwerk.web.memo``), so it is measured twice: asked again while nothing happened (the rows
of the other pages are measured that way too), and as the first request after a new event — the
demo citizen submits a case just before it (not timed), so the figures are computed afresh. A
chart whose data changed is an image drawn when the browser asks for it
(``maatwerk.web.drawing``): the HTML page is measured without it, and once more as the page
followed by every chart image it names, fetched one after the other (a browser fetches them at
once, but the server draws one chart at a time). Reported per page: the median and p95 of the
whole request as the client sees it, against the bar of 300 ms. Written to
bench/results/pages.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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


# a new case the demo citizen submits before each "after a new case" request
NEW_CASE = {"regulation": "bijstand", "peildatum": "2025-12-01", "facts": {
    "geboortedatum": "1980-03-01", "leefvorm": "alleenstaand", "aow_leeftijd_bereikt": False,
    "aantal_kostendelers": 1, "verblijft_in_inrichting": False, "vermogen": 0,
    "categorie_gedraging": "geen"}}
AFTER_EVENT = " (first request after a new case)"
# the dashboard and then every chart image it names (a chart not drawn before is drawn when the
# browser asks for it): the time until the page is complete
WITH_IMAGES = "manager: dashboard with its chart images"
CHART_IMAGE = re.compile(r'<img src="(/grafieken/[0-9a-f]{64}\.svg)"')


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
    deadline = time.monotonic() + 600  # the first start after making the demo can be slow
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the demo server did not start")


def pages(client: httpx.Client, tokens: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Page label → (path, account): one case of the citizen and one of the caseworker's queue."""
    def get(path: str, who: str) -> dict[str, Any]:
        found: dict[str, Any] = client.get(
            path, headers={"Authorization": f"Bearer {tokens[who]}"}).json()
        return found

    mine = get("/burger.json", "burger")
    queue = get("/behandelaar.json", "behandelaar")
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
    for label in ("manager: dashboard", "manager: dashboard JSON"):
        found[label + AFTER_EVENT] = found[label]
    found[WITH_IMAGES + AFTER_EVENT] = found["manager: dashboard"]
    return found


def chart_images(client: httpx.Client, page: str, headers: dict[str, str]) -> None:
    """The chart images a page names (charts drawn when the browser asks for them), one after
    the other."""
    for src in CHART_IMAGE.findall(page):
        answer = client.get(src, headers=headers)
        if answer.status_code != 200:
            raise SystemExit(f"{src}: {answer.status_code} {answer.text[:300]}")


def new_case(client: httpx.Client, tokens: dict[str, str]) -> None:
    """The demo citizen submits a case: a new event in the case file."""
    answer = client.post("/api/cases", json=NEW_CASE,
                         headers={"Authorization": f"Bearer {tokens['burger']}"})
    if answer.status_code != 201:
        raise SystemExit(f"submitting a case: {answer.status_code} {answer.text[:300]}")


def _first_id(data: dict[str, Any]) -> int:
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
    scratch = Path(tempfile.mkdtemp(prefix="maatwerk-pages-"))
    load = os.getloadavg()[0]  # the machine is shared: the report says how busy it was
    db = scratch / "demo.sqlite"
    shutil.copyfile(demo_database(cases), db)  # the run adds cases: to a copy
    tokens = {who: token(db, who) for who in ("burger", "behandelaar", "manager", "beleid")}
    port = _free_port()
    process = serve(db, port)
    times: dict[str, list[float]] = {}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            found = pages(client, tokens)
            for label, (path, who) in found.items():  # warm-up
                headers = {"Authorization": f"Bearer {tokens[who]}"}
                warm = client.get(path, headers=headers)
                if label.startswith(WITH_IMAGES):  # starts the chart renderer
                    chart_images(client, warm.text, headers)
            order = list(found)
            rng = random.Random(7)
            stale: set[str] = set()  # asked again after an event: ask once first, untimed
            for _ in range(rounds):
                rng.shuffle(order)
                for label in order:
                    path, who = found[label]
                    if label.endswith(AFTER_EVENT):
                        new_case(client, tokens)
                        stale = {x for x in found if x.startswith("manager:")} - {label}
                    elif label in stale:
                        client.get(path, headers={"Authorization": f"Bearer {tokens[who]}"})
                        stale.discard(label)
                    headers = {"Authorization": f"Bearer {tokens[who]}"}
                    start = time.perf_counter()
                    answer = client.get(path, headers=headers)
                    if answer.status_code != 200:
                        raise SystemExit(f"{path}: {answer.status_code} {answer.text[:300]}")
                    if label.startswith(WITH_IMAGES):
                        chart_images(client, answer.text, headers)
                    elapsed = (time.perf_counter() - start) * 1000
                    times.setdefault(label, []).append(elapsed)
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(scratch, ignore_errors=True)
    report(times, cases, rounds, args.quick, (load, os.getloadavg()[0]))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def report(times: dict[str, list[float]], cases: int, rounds: int, quick: bool,
           load: tuple[float, float]) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], check=False, cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    lines = [
        "# Web pages at the demo's size",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, load average {load[0]:.1f} at the start and {load[1]:.1f} "
        f"at the end, Python {platform.python_version()}, work tree at {commit}); one run of "
        f"`bench/pages.py{' --quick' if quick else ''}`: the demo history of {cases:,} cases, "
        f"served by `maatwerk demo` (SQLite), {rounds} rounds after a warm-up, one request at a "
        "time over HTTP. A page is asked again while nothing happened, except the rows marked "
        "*first request after a new case*: the demo citizen submitted a case just before "
        "(not timed), so the manager's dashboard computes its figures afresh; the charts whose "
        "data changed are images drawn when the browser asks for them, which the row *with its "
        "chart images* also fetches, one after the other, before its time is taken.",
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
