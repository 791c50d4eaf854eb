"""The stateless HTTP decision: maatwerk's decide endpoint against OpenFisca's web API.

    .venv/bin/python bench/web_api.py --ref HEAD    # full run of the last commit -> results/http.md
    .venv/bin/python bench/web_api.py               # the same for the work tree as it is
    .venv/bin/python bench/web_api.py --quick       # smoke run, writes only *.tmp files
    .venv/bin/python bench/web_api.py --profile 20  # also profile maatwerk's server (needs py-spy)

Both servers run on loopback, each with 1 and with 2 worker processes: ``maatwerk serve``
(uvicorn) answering ``POST /api/regulations/zorgtoeslag/decide``, and ``openfisca serve``
(gunicorn) with the benchmark's own country package answering ``POST /calculate`` and
``POST /trace``, in its own venv. The load generator is wrk (one client for both), with a fixed
number of connections; the (server, variant) runs of a round come in a shuffled order, so machine
noise hits every server alike. Reported: requests/s, p50/p99 latency, server CPU per request and
the ratio maatwerk req/s ÷ OpenFisca req/s from the same run. See bench/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the standard library's ``http`` package, and Python puts the script's
# folder first on the path: take it off before anything imports ``http.client``, and put it last
# (for ``decision``, whose helpers this benchmark shares).
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.append(str(BENCH))

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import decision as common  # noqa: E402

ROOT = common.ROOT
RESULTS = common.RESULTS
ANCHORS = common.ANCHORS
OPENFISCA = common.System("openfisca-web", "OpenFisca web API", "", BENCH /
                          ".venv-anchors-openfisca-web",
                          ANCHORS / "requirements-openfisca-web.txt")
DECIDE = "/api/regulations/zorgtoeslag/decide"
BAR_RATIO = 10.0

# -- what is asked ----------------------------------------------------------------------------


def maatwerk_body(case: dict[str, Any], trace: bool, explanation: bool) -> dict[str, Any]:
    return {"peildatum": case["peildatum"],
            "inputs": {k: v for k, v in case.items() if k != "peildatum"},
            "trace": trace, "explanation": explanation}


MONEY = ("toetsingsinkomen", "toetsingsinkomen_partner", "vermogen")


def openfisca_body(case: dict[str, Any]) -> dict[str, Any]:
    """The same person as an OpenFisca situation: every input for the year of the peildatum,
    and ``zorgtoeslag`` asked for (null)."""
    year = case["peildatum"][:4]
    person: dict[str, Any] = {k: {year: (float(v) if k in MONEY else v)}
                              for k, v in case.items() if k != "peildatum"}
    person["zorgtoeslag"] = {year: None}
    return {"personen": {"aanvrager": person}}


def maatwerk_amount(answer: dict[str, Any], case: dict[str, Any]) -> int:
    return int(answer["outputs"]["zorgtoeslag"])


def calculate_amount(answer: dict[str, Any], case: dict[str, Any]) -> int:
    return round(float(answer["personen"]["aanvrager"]["zorgtoeslag"][case["peildatum"][:4]]))


def trace_amount(answer: dict[str, Any], case: dict[str, Any]) -> int:
    return round(float(answer["trace"][f"zorgtoeslag<{case['peildatum'][:4]}>"]["value"][0]))


@dataclass(frozen=True)
class Variant:
    system: str  # maatwerk | openfisca
    name: str
    path: str
    body: Callable[[dict[str, Any]], dict[str, Any]]
    amount: Callable[[dict[str, Any], dict[str, Any]], int]
    title: str


VARIANTS = [
    Variant("maatwerk", "amount", DECIDE, lambda c: maatwerk_body(c, False, False),
            maatwerk_amount, "`decide`, `trace: false, explanation: false` (the decision: "
            "outputs, layers, receipt)"),
    Variant("maatwerk", "trace", DECIDE, lambda c: maatwerk_body(c, True, False),
            maatwerk_amount, "`decide`, `trace: true, explanation: false` (+ the full trace)"),
    Variant("maatwerk", "trace+explanation", DECIDE, lambda c: maatwerk_body(c, True, True),
            maatwerk_amount, "`decide`, `trace: true, explanation: true` (+ the Dutch "
            "explanation; the API's default)"),
    Variant("openfisca", "calculate", "/calculate", openfisca_body, calculate_amount,
            "`POST /calculate` (the situation with the amount filled in)"),
    Variant("openfisca", "trace", "/trace", openfisca_body, trace_amount,
            "`POST /trace` (the amount and OpenFisca's flat trace)"),
]
BY_KEY = {(v.system, v.name): v for v in VARIANTS}

# (label, maatwerk variant, OpenFisca variant); the first is the headline (bar >= 10x).
RATIOS = [
    ("maatwerk amount / OpenFisca /calculate", "amount", "calculate"),
    ("maatwerk trace / OpenFisca /trace", "trace", "trace"),
    ("maatwerk trace+explanation / OpenFisca /trace", "trace+explanation", "trace"),
    ("maatwerk trace+explanation / OpenFisca /calculate", "trace+explanation", "calculate"),
]

# -- servers ----------------------------------------------------------------------------------


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    system: str
    workers: int
    port: int
    proc: subprocess.Popen[bytes]
    stderr: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def label(self) -> str:
        return f"{self.system} ({self.workers} worker{'s' if self.workers > 1 else ''})"

    def stop(self) -> None:
        """Stop the server and its workers (its own process group, started by us)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def start_maatwerk(workers: int, folder: Path) -> Server:
    port = free_port()
    tree = Path(common.TREE["root"])
    env = common.maatwerk_env()
    env.update(MAATWERK_DB=f"sqlite:///{folder / f'http-{workers}.sqlite'}",
               MAATWERK_REGULATIONS=str(tree / "regulations"), MAATWERK_SECRET="bench",
               PYTHONDONTWRITEBYTECODE="1")
    stderr = RESULTS / f"http-maatwerk-{workers}.stderr.tmp"
    proc = subprocess.Popen(
        [sys.executable, "-m", "maatwerk", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)], cwd=folder, env=env, stdout=stderr.open("w"),
        stderr=subprocess.STDOUT, start_new_session=True)
    return Server("maatwerk", workers, port, proc, stderr)


def start_openfisca(workers: int, folder: Path) -> Server:
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ANCHORS), PYTHONDONTWRITEBYTECODE="1")
    stderr = RESULTS / f"http-openfisca-{workers}.stderr.tmp"
    proc = subprocess.Popen(
        [str(OPENFISCA.python.parent / "openfisca"), "serve", "--country-package",
         "openfisca_zorgtoeslag", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=folder, env=env, stdout=stderr.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True)
    return Server("openfisca", workers, port, proc, stderr)


def wait_ready(server: Server, timeout: float = 90.0) -> None:
    path = "/api" if server.system == "maatwerk" else "/spec"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(server.url + path, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    tail = server.stderr.read_text()[-2000:]
    raise RuntimeError(f"{server.label} did not come up on {server.url}:\n{tail}")


def post(server: Server, path: str, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(server.url + path, data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        raw = answer.read()
        return json.loads(raw), len(raw)


def versions(server: Server) -> dict[str, str]:
    """The versions of the stack behind a server, asked of its own interpreter."""
    if server.system == "maatwerk":
        python = sys.executable
        names = ["fastapi", "starlette", "uvicorn", "pydantic", "uvloop", "httptools"]
        env = common.maatwerk_env()
        extra = ("import maatwerk; out['maatwerk'] = maatwerk.__version__; "
                 "out['from'] = maatwerk.__file__; ")
    else:
        python = str(OPENFISCA.python)
        names = ["openfisca-core", "flask", "werkzeug", "gunicorn", "numpy"]
        env = dict(os.environ)
        extra = ""
    code = ("import json, platform; from importlib.metadata import version; out = {}; " + extra
            + f"out.update({{n: version(n) for n in {names!r}}}); "
            "out['python'] = platform.python_version(); print(json.dumps(out))")
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=True)
    found: dict[str, str] = json.loads(done.stdout)
    return found


# -- the load generator -----------------------------------------------------------------------

LUA = """-- generated by bench/web_api.py: cycle through the cases, report wrk's numbers as JSON
local bodies = {%(bodies)s}
local headers = {["Content-Type"] = "application/json"}
local i = 0
request = function()
  i = i %% #bodies + 1
  return wrk.format("POST", "%(path)s", headers, bodies[i])
end
done = function(summary, latency, requests)
  io.write(string.format(
    "BENCH-RESULT {\\"requests\\":%%d,\\"duration_us\\":%%d,\\"bytes\\":%%d,\\"p50\\":%%d," ..
    "\\"p90\\":%%d,\\"p99\\":%%d,\\"mean\\":%%f,\\"max\\":%%d,\\"status\\":%%d," ..
    "\\"connect\\":%%d,\\"read\\":%%d,\\"write\\":%%d,\\"timeout\\":%%d}\\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.mean, latency.max,
    summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
"""


def lua_script(variant: Variant, folder: Path) -> Path:
    bodies = ", ".join("[==[" + json.dumps(variant.body(c), separators=(",", ":")) + "]==]"
                       for c in common.TIMED)
    path = folder / f"{variant.system}-{variant.name}.lua"
    path.write_text(LUA % {"bodies": bodies, "path": variant.path})
    return path


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        rest = stat.rpartition(")")[2].split()
        parents[int(entry.name)] = int(rest[1])
        ticks[int(entry.name)] = int(rest[11]) + int(rest[12])
    family, todo = set(), [pid]
    while todo:
        p = todo.pop()
        family.add(p)
        todo += [c for c, parent in parents.items() if parent == p and c not in family]
    return sum(ticks.get(p, 0) for p in family) / os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: int
    server_cpu_us: float  # server CPU per request
    client_cpu_pct: float  # wrk's CPU over the run, % of one core
    requests: int


def wrk(server: Server, script: Path, seconds: float, connections: int, threads: int) -> Run:
    cpu0 = tree_cpu(server.proc.pid)
    usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s",
         "--timeout", "10s", "-s", str(script), server.url],
        capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    usage1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu1 = tree_cpu(server.proc.pid)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH-RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    r = json.loads(line.split(" ", 1)[1])
    requests = max(1, r["requests"])
    client = (usage1.ru_utime + usage1.ru_stime) - (usage0.ru_utime + usage0.ru_stime)
    errors = r["status"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
    return Run(rps=r["requests"] / (r["duration_us"] / 1e6), p50_ms=r["p50"] / 1e3,
               p90_ms=r["p90"] / 1e3, p99_ms=r["p99"] / 1e3, errors=errors,
               server_cpu_us=(cpu1 - cpu0) / requests * 1e6,
               client_cpu_pct=100 * client / wall, requests=r["requests"])


# -- statistics and report --------------------------------------------------------------------


@dataclass
class Cell:
    variant: Variant
    workers: int
    runs: list[Run] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.runs)


def fmt(x: float) -> str:
    return common.fmt(x)


def ratio_rows(cells: dict[tuple[str, str, int], Cell], workers: list[int]) -> list[list[str]]:
    rows = []
    for label, mw, of in RATIOS:
        for n in workers:
            a, b = cells.get(("maatwerk", mw, n)), cells.get(("openfisca", of, n))
            if a is None or b is None or not a.runs or not b.runs:
                continue
            pooled = a.median("rps") / b.median("rps")
            per = sorted(x.rps / y.rps for x, y in zip(a.runs, b.runs, strict=True))
            verdict = "meets" if pooled >= BAR_RATIO else "misses"
            cpu = b.median("server_cpu_us") / a.median("server_cpu_us")
            rows.append([label, str(n), f"{pooled:.1f}×",
                         f"{statistics.median(per):.1f}× [{per[0]:.1f}–{per[-1]:.1f}]",
                         f"{cpu:.1f}×", verdict])
    return rows


def _header(info: dict[str, Any]) -> list[str]:
    m = info["machine"]
    a = info["args"]
    lines = [f"# Benchmark: the stateless HTTP decision, maatwerk against OpenFisca's web API "
             f"({info['date']})", "",
             f"- machine: {m['nproc']} cores (`nproc`), {m['cpu']}; {m['os']}",
             f"- project: maatwerk {info['versions']['maatwerk'].get('maatwerk', '?')} at commit "
             f"{m['commit']}; {m['python']}"]
    for system, v in info["versions"].items():
        lines.append(f"- {system} stack: " + ", ".join(f"{k} {x}" for k, x in v.items()
                                                        if k != "maatwerk"))
    lines.append(f"- load generator: {info['wrk']}, {a.threads} thread, {a.connections} "
                 f"connections (keep-alive where the server allows it), {a.duration:g} s per run, "
                 f"every request POSTs one of {len(common.TIMED)} cases in turn")
    if info["code_after"] != info["code_before"]:
        lines.append(f"- **src/ or the regulation changed during the run** (code fingerprint "
                     f"{info['code_before']} → {info['code_after']}): the numbers mix versions")
    else:
        lines.append(f"- code fingerprint (src/ and the regulation): {info['code_before']}")
    command = " ".join([".venv/bin/python bench/web_api.py", *info["argv"]])
    lines += [f"- run: {a.rounds} interleaved rounds after a {a.warmup:g} s warm-up per "
              f"(server, variant), {info['wall']:.0f} s wall; load average "
              f"{info['load_before']} before, {info['load_after']} after",
              f"- command: `{command}`", ""]
    return lines


def _checks(info: dict[str, Any]) -> list[str]:
    columns = [(s, v) for s, v in info["checks"]]
    rows = []
    for i, (label, _, expected) in enumerate(common.CHECKS):
        got = [info["checks"][k][i] for k in columns]
        rows.append([label, str(expected),
                     *(f"{g}" + ("" if g == expected else " ✗") for g in got)])
    sizes = ["answer size (bytes, first case)", "",
             *(f"{info['sizes'][k]:,}" for k in columns)]
    head = [f"{s} {v}" for s, v in columns]
    return ["## Correctness (yearly zorgtoeslag in €, over HTTP; every server and every worker "
            "count must agree before it is timed)", "",
            common.table(["case", "expected", *head], [*rows, sizes],
                         "lr" + "r" * len(columns)), ""]


def _results(cells: dict[tuple[str, str, int], Cell], workers: list[int]) -> list[str]:
    rows = []
    for n in workers:
        for v in VARIANTS:
            c = cells.get((v.system, v.name, n))
            if c is None or not c.runs:
                continue
            rps = sorted(r.rps for r in c.runs)
            rows.append([v.system, str(n), v.title, f"{c.median('rps'):,.0f}",
                         f"{rps[0]:,.0f}–{rps[-1]:,.0f}", fmt(c.median("p50_ms")),
                         fmt(c.median("p99_ms")), f"{c.median('server_cpu_us'):,.0f}",
                         f"{sum(r.requests for r in c.runs):,}",
                         str(sum(r.errors for r in c.runs))])
    return ["## Requests per second and latency", "",
            "Per (server, worker count, variant): the median over the rounds of requests/s and "
            "of each run's p50 and p99 latency (ms, as wrk measures them: from sending a request "
            "to its full answer, queueing included), the range of requests/s over the rounds, "
            "the server's CPU time per request (all its processes, µs) and the requests and "
            "errors (non-2xx, socket errors, timeouts) over all rounds.", "",
            common.table(["server", "workers", "what is asked", "req/s", "req/s range", "p50 ms",
                          "p99 ms", "server CPU µs/req", "requests", "errors"], rows,
                         "lrlrrrrrrr"), ""]


def _ratios(cells: dict[tuple[str, str, int], Cell], workers: list[int]) -> list[str]:
    return ["## Ratios (maatwerk req/s ÷ OpenFisca req/s, same run, same worker count)", "",
            "The ratio of the median requests/s, and the median [min–max] over the rounds of "
            "that round's ratio (the two runs were taken within a few minutes of each other); "
            "and, steadier on a noisy machine, the server CPU per request of OpenFisca ÷ that "
            f"of maatwerk. The project's bar is ≥ {BAR_RATIO:.0f}× for the first row.", "",
            common.table(["ratio", "workers", "req/s, of medians", "req/s, per round",
                          "CPU per request", f"bar ≥ {BAR_RATIO:.0f}× (req/s)"],
                         ratio_rows(cells, workers), "lrrrrl"), ""]


def _client(cells: dict[tuple[str, str, int], Cell]) -> list[str]:
    load = [r.client_cpu_pct for c in cells.values() for r in c.runs]
    if not load:
        return []
    return [f"The load generator itself used {min(load):.0f}–{max(load):.0f} % of one core "
            "during the runs (it shares the machine's cores with the server).", ""]


def _profile(profile: dict[str, Any] | None) -> list[str]:
    if not profile:
        return []
    lines = [f"## Where maatwerk's server spends its time ({profile['seconds']:g} s of py-spy, "
             f"1 worker, variant `{profile['variant']}`, {profile['samples']:,} samples with the "
             "GIL held)", "",
             "Share of the samples by the part of the request they fall in: the steps a request "
             "passes through one after the other (any frame of the sample in one), else the "
             "layers that wrap them all (the innermost frame in one); see bench/README.md:", "",
             common.table(["part", "share"],
                          [[k, f"{v:.1f} %"] for k, v in profile["buckets"]], "lr"), "",
             "Functions with the most samples of their own (self time):", "",
             common.table(["function", "self"],
                          [[f"`{k}`", f"{v:.1f} %"] for k, v in profile["self"]], "lr"), ""]
    return lines


def _bar(cells: dict[tuple[str, str, int], Cell], workers: list[int]) -> list[str]:
    lines = ["## Against the project's bar", ""]
    label, mw, of = RATIOS[0]
    for n in workers:
        a, b = cells.get(("maatwerk", mw, n)), cells.get(("openfisca", of, n))
        if a is None or b is None or not a.runs or not b.runs:
            continue
        r = a.median("rps") / b.median("rps")
        verdict = "meets" if r >= BAR_RATIO else "misses"
        lines.append(f"- {label}, {n} worker{'s' if n > 1 else ''} each: {r:.1f}×: **{verdict}** "
                     f"the bar of ≥ {BAR_RATIO:.0f}×")
    return [*lines, "", "Timings are of this machine and this run only; see bench/README.md for "
            "how to read them.", ""]


def report(info: dict[str, Any]) -> str:
    cells, workers = info["cells"], info["args"].workers
    return "\n".join([*_header(info), *_checks(info), *_results(cells, workers),
                      *_ratios(cells, workers), *_client(cells), *_profile(info["profile"]),
                      *_bar(cells, workers)])


# -- profiling --------------------------------------------------------------------------------

# The part of the server a sample belongs to. First the steps a request goes through one after
# the other: if any frame of the stack is in one, the sample is that step's (the first that
# matches, in this order). Otherwise the layers that wrap everything: walking from the innermost
# frame outwards, the first frame in one decides (frames of the standard library and of pydantic
# match none, so they count for whoever called them). (label, file fragment, function fragment)
STEPS = [
    ("maatwerk: the Dutch explanation (`Decision.explanation`)", "maatwerk/engine/decision",
     "explanation"),
    ("maatwerk: the decision as JSON (`Decision.to_json`, `trace()`)",
     "maatwerk/engine/decision", "to_json"),
    ("maatwerk: deciding (`Decider.decide`: inputs, rules, trace recorded)",
     "maatwerk/engine/decide", "decide"),
    ("maatwerk: the endpoint itself (records, headers)", "maatwerk/web/", ""),
    ("FastAPI: serialising the answer (`serialize_response`, pydantic `dump_json`)",
     "fastapi/routing", "serialize_response"),
    ("FastAPI: reading and validating the request (body, pydantic model)",
     "fastapi/dependencies", "solve_dependencies"),
    ("FastAPI: reading and validating the request (body, pydantic model)",
     "starlette/requests", "body"),
    ("FastAPI: reading and validating the request (body, pydantic model)",
     "starlette/requests", "json"),
]
LAYERS = [
    ("Starlette's session middleware (on every request)", "starlette/middleware/sessions", ""),
    ("thread pool hop (the endpoint is a sync `def`, run via anyio)", "anyio/", ""),
    ("thread pool hop (the endpoint is a sync `def`, run via anyio)", "starlette/concurrency",
     ""),
    ("FastAPI/Starlette: routing, middleware, exception handling", "fastapi/", ""),
    ("FastAPI/Starlette: routing, middleware, exception handling", "starlette/", ""),
    ("uvicorn: HTTP protocol (httptools) and writing the answer", "uvicorn/", ""),
    ("event loop (uvloop, in C) and asyncio", "asyncio/", ""),
    ("event loop (uvloop, in C) and asyncio", "uvloop", ""),
]
FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def bucket_of(frames: list[str]) -> str:
    parsed = [m for m in map(FRAME.match, frames) if m is not None]
    for label, fragment, func in STEPS:
        if any(fragment in m["file"] and func in m["func"] for m in parsed):
            return label
    for m in reversed(parsed):
        for label, fragment, func in LAYERS:
            if fragment in m["file"] and func in m["func"]:
                return label
    return "other"


def summarise_profile(raw: Path, seconds: float, variant: str) -> dict[str, Any]:
    buckets: Counter[str] = Counter()
    selfs: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [f for f in stack.split(";") if not f.startswith(("process ", "thread "))]
        total += n
        buckets[bucket_of(frames)] += n
        m = FRAME.match(frames[-1]) if frames else None
        name = (f"{m['func']} ({m['file'].split('site-packages/')[-1].split('/src/')[-1]})"
                if m else frames[-1] if frames else "?")
        selfs[name] += n
    total = max(total, 1)
    return {"seconds": seconds, "variant": variant, "samples": total,
            "buckets": [(k, 100 * v / total) for k, v in buckets.most_common()],
            "self": [(k, 100 * v / total) for k, v in selfs.most_common(15)]}


def profile_server(server: Server, script: Path, seconds: float, args: argparse.Namespace,
                   variant: str) -> dict[str, Any] | None:
    spy = args.py_spy or shutil.which("py-spy")
    if not spy:
        log("!! --profile: py-spy not found (pip install py-spy, or pass --py-spy PATH)")
        return None
    raw = RESULTS / f"http-profile-{variant}.txt.tmp"
    load = subprocess.Popen(
        ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d",
         f"{seconds + 4:g}s", "--timeout", "10s", "-s", str(script), server.url],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(2)
        done = subprocess.run([spy, "record", "--gil", "--format", "raw", "--rate", "250",
                               "--duration", f"{seconds:g}", "--pid", str(server.proc.pid),
                               "--output", str(raw)], capture_output=True, text=True,
                              check=False)
    finally:
        load.wait()
    if done.returncode != 0 or not raw.exists():
        log(f"!! py-spy failed: {done.stderr[-1000:]}")
        return None
    return summarise_profile(raw, seconds, variant)


# -- main -------------------------------------------------------------------------------------


def check(servers: list[Server], info: dict[str, Any]) -> bool:
    """Every server answers the check cases with the expected amount; False if any does not."""
    ok = True
    for server in servers:
        for v in VARIANTS:
            if v.system != server.system:
                continue
            got = []
            for i, (label, case, expected) in enumerate(common.CHECKS):
                answer, size = post(server, v.path, v.body(case))
                amount = v.amount(answer, case)
                got.append(amount)
                if i == 0:
                    info["sizes"].setdefault((v.system, v.name), size)
                if amount != expected:
                    ok = False
                    log(f"!! {server.label} {v.name}: {label}: expected {expected}, "
                        f"got {amount}")
            info["checks"].setdefault((v.system, v.name), got)
    return ok


def measure(args: argparse.Namespace, servers: dict[tuple[str, int], Server],
            scripts: dict[tuple[str, str], Path], start: float) -> dict[tuple[str, str, int], Cell]:
    cells = {(v.system, v.name, n): Cell(v, n) for n in args.workers for v in VARIANTS}
    rng = random.Random(args.seed)
    plan = list(cells)
    log(f"warm-up: {args.warmup:g} s per (server, variant) ...")
    for key in plan:
        system, name, n = key
        wrk(servers[(system, n)], scripts[(system, name)], args.warmup, args.connections,
            args.threads)
    for r in range(args.rounds):
        order = plan[:]
        rng.shuffle(order)
        for key in order:
            system, name, n = key
            run = wrk(servers[(system, n)], scripts[(system, name)], args.duration,
                      args.connections, args.threads)
            cells[key].runs.append(run)
            log(f"round {r + 1}/{args.rounds}: {system} {name} w{n}: {run.rps:,.0f} req/s, "
                f"p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms, errors {run.errors} "
                f"({time.perf_counter() - start:.0f} s)")
    return cells


def run(args: argparse.Namespace) -> int:
    RESULTS.mkdir(exist_ok=True)
    start = time.perf_counter()
    if shutil.which("wrk") is None:
        log("!! wrk is not installed (apt-get install wrk)")
        return 2
    if not args.skip_setup:
        common.setup_venv(OPENFISCA)
    if args.setup_only:
        return 0
    if args.ref:
        common.TREE.update(root=common.export(args.ref), ref=args.ref)
        log(f"measuring maatwerk from {args.ref}, exported to {common.TREE['root']}")
    folder = Path(tempfile.mkdtemp(prefix="maatwerk-bench-http-"))
    servers: dict[tuple[str, int], Server] = {}
    try:
        return measure_and_report(args, folder, servers, start)
    finally:
        for s in servers.values():
            s.stop()
        shutil.rmtree(folder, ignore_errors=True)
        if args.ref:
            shutil.rmtree(common.TREE["root"], ignore_errors=True)


def measure_and_report(args: argparse.Namespace, folder: Path,
                       servers: dict[tuple[str, int], Server], start: float) -> int:
    info: dict[str, Any] = {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": common.machine(), "load_before": common.loadavg(), "checks": {},
        "sizes": {}, "argv": sys.argv[1:], "code_before": common.fingerprint(), "args": args,
        "profile": None,
        "wrk": subprocess.run(["wrk", "--version"], capture_output=True, text=True,
                              check=False).stdout.split(" [")[0].strip() or "wrk"}
    for n in args.workers:
        servers[("maatwerk", n)] = start_maatwerk(n, folder)
        servers[("openfisca", n)] = start_openfisca(n, folder)
    for s in servers.values():
        wait_ready(s)
        log(f"{s.label} up on {s.url}")
    info["versions"] = {"maatwerk": versions(servers[("maatwerk", args.workers[0])]),
                        "openfisca": versions(servers[("openfisca", args.workers[0])])}
    log(f"maatwerk imported from {info['versions']['maatwerk'].pop('from')}")
    if not check(list(servers.values()), info):
        log("!! a server gave a wrong amount: not timed")
        return 1
    log("checks ok")
    scripts = {(v.system, v.name): lua_script(v, folder) for v in VARIANTS}
    cells = measure(args, servers, scripts, start)
    if args.profile:
        one = servers.get(("maatwerk", 1))
        if one is None:
            log("!! --profile needs a 1-worker maatwerk server (--workers 1,...)")
        else:
            info["profile"] = profile_server(one, scripts[("maatwerk", args.profile_variant)],
                                             args.profile, args, args.profile_variant)
    info.update(cells=cells, wall=time.perf_counter() - start, load_after=common.loadavg(),
                code_after=common.fingerprint())
    text = report(info)
    print(text)
    Path(args.out).write_text(text)
    log(f"written to {args.out}")
    (RESULTS / "http.json.tmp").write_text(json.dumps(
        {f"{k[0]}/{k[1]}/w{k[2]}": [r.__dict__ for r in c.runs] for k, c in cells.items()},
        indent=1))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds (default 4)")
    parser.add_argument("--duration", type=float, default=12.0,
                        help="seconds per wrk run (default 12)")
    parser.add_argument("--warmup", type=float, default=3.0,
                        help="seconds of discarded load per (server, variant) first (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--workers", default="1,2",
                        help="worker processes per server, comma-separated (default 1,2)")
    parser.add_argument("--seed", type=int, default=2025, help="seed of the round order")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1 round of 3 s runs, not written to results/")
    parser.add_argument("--profile", type=float, default=0.0, metavar="SECONDS",
                        help="after the runs, profile the 1-worker maatwerk server under load "
                             "with py-spy for this long and add the hotspots to the report")
    parser.add_argument("--profile-variant", default="amount",
                        choices=[v.name for v in VARIANTS if v.system == "maatwerk"])
    parser.add_argument("--py-spy", default="", help="path of py-spy (default: on PATH)")
    parser.add_argument("--out", default=str(RESULTS / "http.md"),
                        help="markdown report (default bench/results/http.md)")
    parser.add_argument("--ref", default="",
                        help="measure maatwerk as of this commit (src/ and the regulation are "
                             "exported with git archive) instead of the work tree")
    parser.add_argument("--setup-only", action="store_true",
                        help="only create/refresh the OpenFisca web API venv")
    parser.add_argument("--skip-setup", action="store_true",
                        help="use the OpenFisca web API venv as it is")
    args = parser.parse_args()
    args.workers = [int(w) for w in args.workers.split(",") if w.strip()]
    if args.quick:
        args.rounds, args.duration, args.warmup = 1, 3.0, 1.0
        if args.out == str(RESULTS / "http.md"):
            args.out = str(RESULTS / "http-quick.md.tmp")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
