"""One zorgtoeslag decision with full trace: maatwerk side by side with OpenFisca and zen-engine.

    .venv/bin/python bench/decision.py            # full run (sets up the anchor venvs if needed)
    .venv/bin/python bench/decision.py --quick    # a smoke run, a few rounds
    .venv/bin/python bench/decision.py --setup-only

Each system runs in its own worker process (maatwerk in the project venv, each anchor in its own
venv under bench/.venv-anchors-*), all alive for the whole run. The orchestrator asks them for
batches of timed calls in rounds; within a round the (system, variant) batches come in a shuffled
order, so machine noise hits every system alike. Reported: median and p90 per call over all
rounds after a warm-up round, and ratios from the same run. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
WORKERS = BENCH / "workers"
ANCHORS = BENCH / "anchors"
# The tree whose src/ and regulations/zorgtoeslag are measured: the work tree, or an export of
# a commit (--ref).
TREE = {"root": ROOT, "ref": ""}

# -- what is measured -------------------------------------------------------------------------

P = "2025-06-01"


def case(income: str, *, partner: str | None = None, age: int = 30, insured: bool = True,
         assets: str = "5000") -> dict[str, Any]:
    c: dict[str, Any] = {"peildatum": P, "leeftijd": age, "is_verzekerd": insured,
                         "heeft_toeslagpartner": partner is not None,
                         "toetsingsinkomen": income, "vermogen": assets}
    if partner is not None:
        c["toetsingsinkomen_partner"] = partner
    return c


# The timed decisions cycle through these (one person each, peildatum 1 June 2025).
TIMED = [case("20000"), case("35000"), case("30000", partner="10000"), case("39720")]

# Every system must give these yearly amounts (Wzt art. 2, Awir art. 14) before it is timed.
CHECKS: list[tuple[str, dict[str, Any], int]] = [
    ("single, income 20000", case("20000"), 1573),
    ("single, income 39719 (published ceiling)", case("39719"), 24),
    ("single, income 39720 (rounds to 23 < 24)", case("39720"), 0),
    ("single, income 35000", case("35000"), 670),
    ("partner, 30000 + 10000", case("30000", partner="10000"), 1422),
    ("single, assets 150000 (above limit)", case("20000", assets="150000"), 0),
    ("single, age 17", case("20000", age=17), 0),
]


@dataclass
class System:
    name: str
    title: str
    worker: str
    venv: Path | None  # None: the project venv (this interpreter)
    requirements: Path | None = None
    # (variant, calls per round, calls in the warm-up round)
    plan: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def python(self) -> Path:
        return Path(sys.executable) if self.venv is None else self.venv / "bin" / "python"


SYSTEMS = [
    System("maatwerk", "maatwerk (in-process)", "maatwerk_worker.py", None, None,
           [("decide", 1000, 300), ("decide+trace", 500, 150),
            ("decide+trace+explanation", 300, 100), ("load", 3, 2), ("check", 3, 2)]),
    System("openfisca", "OpenFisca (in-process)", "openfisca_worker.py",
           BENCH / ".venv-anchors-openfisca", ANCHORS / "requirements-openfisca.txt",
           [("trace", 80, 40), ("trace+flat-trace-json", 80, 40), ("no-trace", 80, 40)]),
    System("zen", "GoRules zen-engine", "zen_worker.py",
           BENCH / ".venv-anchors-zen", ANCHORS / "requirements-zen.txt",
           [("trace", 500, 200), ("no-trace", 500, 200), ("trace, engine-reported", 300, 100)]),
]

# (label, numerator, denominator); the first is the design's bar (>= 45x).
RATIOS = [
    ("OpenFisca (trace) / maatwerk decide", ("openfisca", "trace"), ("maatwerk", "decide")),
    ("OpenFisca (trace + flat trace JSON) / maatwerk decide + trace()",
     ("openfisca", "trace+flat-trace-json"), ("maatwerk", "decide+trace")),
    ("OpenFisca (no trace) / maatwerk decide", ("openfisca", "no-trace"), ("maatwerk", "decide")),
    ("zen (trace) / maatwerk decide", ("zen", "trace"), ("maatwerk", "decide")),
    ("zen (trace) / maatwerk decide + trace()", ("zen", "trace"), ("maatwerk", "decide+trace")),
    ("zen (no trace) / maatwerk decide", ("zen", "no-trace"), ("maatwerk", "decide")),
]
BAR_US = 20.0
BAR_RATIO = 45.0

# -- anchor venvs -----------------------------------------------------------------------------


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def setup_venv(system: System) -> None:
    """Create the system's venv and install its pinned requirements, unless already done."""
    assert system.venv is not None and system.requirements is not None
    wanted = hashlib.sha256(system.requirements.read_bytes()).hexdigest()
    stamp = system.venv / ".bench-requirements.sha256"
    if system.python.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return
    log(f"setting up {system.venv.relative_to(ROOT)} from "
        f"{system.requirements.relative_to(ROOT)} ...")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(system.venv)], check=True)
    subprocess.run([str(system.python), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", "-r", str(system.requirements)], check=True)
    stamp.write_text(wanted + "\n")


# -- workers ----------------------------------------------------------------------------------


class Worker:
    def __init__(self, system: System, cases_file: Path) -> None:
        self.system = system
        self.stderr_path = RESULTS / f"{system.name}.stderr.tmp"
        env = maatwerk_env() if system.name == "maatwerk" else dict(os.environ)
        env.update(PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
        self.proc = subprocess.Popen(
            [str(system.python), str(WORKERS / system.worker), str(cases_file)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr_path.open("w"),
            text=True, cwd=ROOT, env=env)
        hello = self.ask({"op": "hello"})
        self.versions: dict[str, str] = hello["versions"]
        self.units: dict[str, str] = hello["variants"]

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            tail = self.stderr_path.read_text()[-2000:]
            raise RuntimeError(f"{self.system.name} worker died:\n{tail}")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"{self.system.name}: {answer['error']}")
        return answer

    def close(self) -> None:
        try:
            self.ask_quit()
        finally:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def ask_quit(self) -> None:
        if self.proc.poll() is None and self.proc.stdin is not None:
            self.proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
            self.proc.stdin.close()


# -- statistics -------------------------------------------------------------------------------


def maatwerk_env() -> dict[str, str]:
    """The environment for a maatwerk process: the measured tree's src/ first on the path."""
    env = dict(os.environ, BENCH_MAATWERK_TREE=str(TREE["root"]))
    env.pop("PYTHONPATH", None)
    if TREE["root"] != ROOT:
        env["PYTHONPATH"] = str(Path(TREE["root"]) / "src")
    return env


def export(ref: str) -> Path:
    """src/ and regulations/zorgtoeslag of commit ``ref`` in a temporary folder (read-only git)."""
    folder = Path(tempfile.mkdtemp(prefix="maatwerk-bench-"))
    archive = subprocess.run(["git", "archive", "--format=tar", ref, "src",
                              "regulations/zorgtoeslag"], cwd=ROOT, capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def quantile(sorted_values: list[float], q: float) -> float:
    """Linear-interpolated quantile of sorted values."""
    if len(sorted_values) == 1:
        return sorted_values[0]
    pos = q * (len(sorted_values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


@dataclass
class Series:
    unit: str
    samples: list[int] = field(default_factory=list)  # ns per call, all rounds
    round_medians: list[float] = field(default_factory=list)  # ns

    def scaled(self) -> float:
        return 1e3 if self.unit.startswith("us") else 1e6

    def stats(self) -> dict[str, float]:
        s = sorted(self.samples)
        k = self.scaled()
        rm = sorted(self.round_medians)
        return {"n": len(s), "median": quantile(s, 0.5) / k, "p90": quantile(s, 0.9) / k,
                "min": s[0] / k, "round_median_lo": rm[0] / k, "round_median_hi": rm[-1] / k}


# -- machine ----------------------------------------------------------------------------------


def sh(*cmd: str) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                              check=False).stdout.strip()
    except OSError:
        return ""


def machine() -> dict[str, str]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    if TREE["ref"]:
        commit = (f"{sh('git', 'rev-parse', '--short', str(TREE['ref']))} (`--ref "
                  f"{TREE['ref']}`: src/ and the regulation exported from git)")
        dirty = ""
    else:
        commit = sh("git", "rev-parse", "--short", "HEAD")
        dirty = sh("git", "status", "--porcelain", "--untracked-files=no", "--", "src",
                   "regulations")
    return {
        "nproc": sh("nproc") or str(os.cpu_count()),
        "cpu": model or platform.processor() or "?",
        "os": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "commit": commit + (" (src/ or regulations/ modified)" if dirty else ""),
    }


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


COLD = """
import time, sys
t0 = time.perf_counter(); import maatwerk; t1 = time.perf_counter()
maatwerk.load(sys.argv[1]); t2 = time.perf_counter()
print((t1 - t0) * 1e3, (t2 - t1) * 1e3)
"""


def cold_loads(times: int) -> tuple[list[float], list[float]] | None:
    """Import and first load in fresh interpreters (ms); None if that fails."""
    imports, firsts = [], []
    for _ in range(times):
        done = subprocess.run([sys.executable, "-c", COLD,
                               str(Path(TREE["root"]) / "regulations" / "zorgtoeslag")],
                              capture_output=True, text=True, check=False, cwd=ROOT,
                              env=maatwerk_env())
        if done.returncode != 0:
            log(f"!! cold load failed:\n{done.stderr[-1500:]}")
            return None
        out = done.stdout.split()
        imports.append(float(out[0]))
        firsts.append(float(out[1]))
    return imports, firsts


def fingerprint() -> str:
    """A hash of the code and regulation under test, to notice edits during a run."""
    h = hashlib.sha256()
    root = Path(TREE["root"])
    for path in sorted([*(root / "src").rglob("*.py"), *(root / "src").rglob("*.lark"),
                        *(root / "regulations" / "zorgtoeslag").rglob("*.yaml")]):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


# -- report -----------------------------------------------------------------------------------


def fmt(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def table(header: list[str], rows: list[list[str]], align: str) -> str:
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


DESCRIPTIONS = {
    ("maatwerk", "decide"): "`Decider.decide` (trace recorded)",
    ("maatwerk", "decide+trace"): "decide + `trace()` (JSON view)",
    ("maatwerk", "decide+trace+explanation"): "decide + `trace()` + `explanation()` (Dutch)",
    ("openfisca", "trace"): "build simulation + `calculate` with `trace=True`",
    ("openfisca", "trace+flat-trace-json"): "… + `tracer.get_serialized_flat_trace()`",
    ("openfisca", "no-trace"): "build simulation + `calculate`, no trace",
    ("zen", "trace"): "`ZenDecision.evaluate(ctx, {trace: True})`",
    ("zen", "no-trace"): "`ZenDecision.evaluate(ctx, {trace: False})`",
    ("zen", "trace, engine-reported"): "with trace, the engine's own `performance` figure "
                                       "(excludes the Python binding)",
    ("maatwerk", "load"): "`maatwerk.load` (parse + full check)",
    ("maatwerk", "check"): "`maatwerk.engine.check.check` (+ overlap search)",
}


def _header(info: dict[str, Any]) -> list[str]:
    m = info["machine"]
    project = info["versions"].get("maatwerk", {}).get("maatwerk", "?")
    lines = [f"# Benchmark: one zorgtoeslag decision with full trace ({info['date']})", "",
             f"- machine: {m['nproc']} cores (`nproc`), {m['cpu']}; {m['os']}",
             f"- project: maatwerk {project} at commit {m['commit']}; {m['python']}"]
    for name, v in info["versions"].items():
        if name != "maatwerk":
            lines.append(f"- anchor {name}: " + ", ".join(f"{k} {x}" for k, x in v.items()))
    for name, why in info["unavailable"].items():
        lines.append(f"- anchor {name}: **not measured** ({why})")
    if info["code_after"] != info["code_before"]:
        lines.append(f"- **src/ or the regulation changed during the run** (code fingerprint "
                     f"{info['code_before']} → {info['code_after']}): the numbers mix versions")
    else:
        lines.append(f"- code fingerprint (src/ and the regulation): {info['code_before']}")
    command = " ".join([".venv/bin/python bench/decision.py", *info["argv"]])
    lines += [f"- run: {info['rounds']} interleaved rounds after 1 warm-up round, "
              f"{info['wall']:.0f} s wall; load average {info['load_before']} before, "
              f"{info['load_after']} after",
              f"- command: `{command}`", ""]
    return lines


def _checks(info: dict[str, Any]) -> list[str]:
    names = list(info["checks"])
    rows = []
    for i, (label, _, expected) in enumerate(CHECKS):
        got = [info["checks"][n][i] for n in names]
        rows.append([label, str(expected),
                     *(f"{g}" + ("" if g == expected else " ✗") for g in got)])
    return ["## Correctness (yearly zorgtoeslag in €; every system must agree before it is timed)",
            "", table(["case", "expected", *names], rows, "lr" + "r" * len(names)), ""]


def _decisions(series: dict[tuple[str, str], Series]) -> list[str]:
    rows = []
    for s in SYSTEMS:
        for variant, _, _ in s.plan:
            key = (s.name, variant)
            if key not in series or not series[key].unit.startswith("us"):
                continue
            st = series[key].stats()
            rows.append([s.title, DESCRIPTIONS[key], fmt(st["median"]), fmt(st["p90"]),
                         f"{fmt(st['round_median_lo'])}–{fmt(st['round_median_hi'])}",
                         f"{st['n']:,}"])
    return ["## One decision (µs per decision)", "",
            table(["system", "what is timed", "median", "p90", "round medians", "calls"],
                  rows, "llrrrr"), ""]


def ratios(series: dict[tuple[str, str], Series]) -> dict[str, tuple[float, list[float]]]:
    """Per ratio: the ratio of the pooled medians and the sorted per-round ratios."""
    out = {}
    for label, num, den in RATIOS:
        if num in series and den in series:
            a, b = series[num], series[den]
            per = sorted(x / y for x, y in zip(a.round_medians, b.round_medians, strict=True))
            out[label] = (a.stats()["median"] / b.stats()["median"], per)
    return out


def _ratios(found: dict[str, tuple[float, list[float]]]) -> list[str]:
    rows = []
    for label, _, _ in RATIOS:
        if label not in found:
            rows.append([label, "n/a", "n/a"])
            continue
        r, per = found[label]
        rows.append([label, f"{r:.1f}×",
                     f"{statistics.median(per):.1f}× [{per[0]:.1f}–{per[-1]:.1f}]"])
    return ["## Ratios (same run)", "",
            "The ratio of the pooled medians, and the median [min–max] over the rounds of the "
            "ratio of that round's two medians (measured seconds apart).", "",
            table(["ratio", "of medians", "per round"], rows, "lrr"), ""]


def _loading(series: dict[tuple[str, str], Series],
             cold: tuple[list[float], list[float]] | None) -> list[str]:
    rows = []
    for variant in ("load", "check"):
        key = ("maatwerk", variant)
        if key in series:
            st = series[key].stats()
            rows.append([DESCRIPTIONS[key] + ", warm process", fmt(st["median"]),
                         fmt(st["p90"]), f"{st['n']}"])
    if cold:
        imports, firsts = cold
        rows.append(["first `maatwerk.load` in a fresh interpreter (also builds the parser)",
                     fmt(statistics.median(firsts)), fmt(max(firsts)), f"{len(firsts)}"])
        rows.append(["`import maatwerk` in a fresh interpreter",
                     fmt(statistics.median(imports)), fmt(max(imports)), f"{len(imports)}"])
    return ["## Loading and checking the regulation (ms)", "",
            table(["what", "median", "p90 (cold: max)", "runs"], rows, "lrrr"), ""]


def _bar(series: dict[tuple[str, str], Series],
         found: dict[str, tuple[float, list[float]]]) -> list[str]:
    lines = ["## Against the design's bar", ""]
    key = ("maatwerk", "decide")
    if key in series:
        med = series[key].stats()["median"]
        verdict = "meets" if med <= BAR_US else "misses"
        lines.append(f"- median maatwerk decision with trace recorded: {fmt(med)} µs: "
                     f"**{verdict}** the bar of ≤ {BAR_US:.0f} µs")
    head = RATIOS[0][0]
    if head in found:
        r, per = found[head]
        verdict = "meets" if r >= BAR_RATIO else "misses"
        lines.append(f"- OpenFisca / maatwerk: {r:.1f}× (per round: median "
                     f"{statistics.median(per):.1f}×): **{verdict}** the bar of "
                     f"≥ {BAR_RATIO:.0f}×")
    return [*lines, "", "Timings are of this machine and this run only; see bench/README.md "
            "for how to read them.", ""]


def report(info: dict[str, Any]) -> str:
    series: dict[tuple[str, str], Series] = info["series"]
    found = ratios(series)
    return "\n".join([*_header(info), *_checks(info), *_decisions(series), *_ratios(found),
                      *_loading(series, info["cold"]), *_bar(series, found)])


# -- main -------------------------------------------------------------------------------------


def start_workers(selected: list[System], info: dict[str, Any]) -> tuple[dict[str, Worker], bool]:
    """Start a worker per available system and check its amounts; (workers, any check failed)."""
    cases_file = RESULTS / "cases.json.tmp"
    cases_file.write_text(json.dumps(TIMED))
    workers: dict[str, Worker] = {}
    failed = False
    for s in selected:
        if s.name in info["unavailable"]:
            continue
        try:
            w = Worker(s, cases_file)
        except (RuntimeError, OSError) as exc:
            last = str(exc).strip().splitlines()[-1]
            info["unavailable"][s.name] = f"worker failed to start: {last}"
            log(f"!! {s.name}: {exc}")
            continue
        workers[s.name] = w
        info["versions"][s.name] = w.versions
        amounts = w.ask({"op": "check", "cases": [c for _, c, _ in CHECKS]})["amounts"]
        info["checks"][s.name] = amounts
        wrong = [(label, e, a) for (label, _, e), a in zip(CHECKS, amounts, strict=True)
                 if a != e]
        for label, e, a in wrong:
            log(f"!! {s.name}: {label}: expected {e}, got {a}")
        failed |= bool(wrong)
        log(f"{s.name}: {w.versions}; checks {'FAILED' if wrong else 'ok'}")
    return workers, failed


def measure(args: argparse.Namespace, workers: dict[str, Worker],
            start: float) -> dict[tuple[str, str], Series]:
    """The warm-up round, then the interleaved rounds."""
    plan = [(s.name, v, n, warm) for s in SYSTEMS if s.name in workers for v, n, warm in s.plan]
    series = {(name, v): Series(workers[name].units[v]) for name, v, _, _ in plan}
    rng = random.Random(args.seed)
    log("warm-up round ...")
    for name, v, _, warm in plan:
        workers[name].ask({"op": "run", "variant": v, "n": max(1, int(warm * args.scale))})
    for r in range(args.rounds):
        order = plan[:]
        rng.shuffle(order)
        for name, v, n, _ in order:
            ns = workers[name].ask({"op": "run", "variant": v,
                                    "n": max(1, int(n * args.scale))})["ns"]
            series[(name, v)].samples.extend(ns)
            series[(name, v)].round_medians.append(statistics.median(ns))
        if (r + 1) % 10 == 0 or r + 1 == args.rounds:
            log(f"round {r + 1}/{args.rounds} ({time.perf_counter() - start:.0f} s)")
    return series


def run(args: argparse.Namespace) -> int:
    RESULTS.mkdir(exist_ok=True)
    start = time.perf_counter()
    selected = [s for s in SYSTEMS if s.name in args.systems]
    unavailable: dict[str, str] = {}
    for s in selected:
        if s.venv is not None and not args.skip_setup:
            try:
                setup_venv(s)
            except (subprocess.CalledProcessError, OSError) as exc:
                unavailable[s.name] = f"setup failed: {exc}"
                log(f"!! {s.name}: setup failed ({exc}); continuing without it")
    if args.setup_only:
        return 1 if unavailable else 0
    if args.ref:
        TREE.update(root=export(args.ref), ref=args.ref)
        log(f"measuring maatwerk from {args.ref}, exported to {TREE['root']}")
        try:
            return measure_and_report(args, selected, unavailable, start)
        finally:
            shutil.rmtree(TREE["root"], ignore_errors=True)
    return measure_and_report(args, selected, unavailable, start)


def measure_and_report(args: argparse.Namespace, selected: list[System],
                       unavailable: dict[str, str], start: float) -> int:

    info: dict[str, Any] = {"date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
                            "machine": machine(), "load_before": loadavg(), "versions": {},
                            "checks": {}, "unavailable": unavailable, "argv": sys.argv[1:],
                            "code_before": fingerprint(), "cold": None}
    workers: dict[str, Worker] = {}
    try:
        workers, failed = start_workers(selected, info)
        if "maatwerk" in args.systems and "maatwerk" not in workers:
            log("!! maatwerk itself could not be measured; no report written")
            return 2
        if "maatwerk" in workers and args.cold:
            info["cold"] = cold_loads(args.cold)
        series = measure(args, workers, start)
    finally:
        for w in workers.values():
            w.close()
    info.update(series=series, rounds=args.rounds, wall=time.perf_counter() - start,
                load_after=loadavg(), code_after=fingerprint())
    if info["code_after"] != info["code_before"]:
        log("!! src/ or the regulation changed during the run: the numbers mix two versions")
    text = report(info)
    print(text)
    if args.out:
        Path(args.out).write_text(text)
        log(f"written to {args.out}")
    (RESULTS / "decision.json.tmp").write_text(json.dumps(
        {f"{k[0]}/{k[1]}": {"unit": s.unit, **s.stats()} for k, s in series.items()}, indent=1))
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=60, help="interleaved rounds (default 60)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the calls per batch by this (default 1)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 5 rounds, a quarter of the calls, not written to results/")
    parser.add_argument("--systems", default="maatwerk,openfisca,zen",
                        help="comma-separated subset of maatwerk,openfisca,zen")
    parser.add_argument("--cold", type=int, default=5,
                        help="fresh interpreters for the cold-load timing (default 5)")
    parser.add_argument("--seed", type=int, default=2025, help="seed of the round order")
    parser.add_argument("--out", default=str(RESULTS / "decision.md"),
                        help="markdown report (default bench/results/decision.md)")
    parser.add_argument("--ref", default="",
                        help="measure maatwerk as of this commit (src/ and the regulation are "
                             "exported with git archive) instead of the work tree")
    parser.add_argument("--setup-only", action="store_true",
                        help="only create/refresh the anchor venvs")
    parser.add_argument("--skip-setup", action="store_true",
                        help="use the anchor venvs as they are")
    args = parser.parse_args()
    args.systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    if args.quick:
        args.rounds, args.scale, args.cold = 5, 0.25, 2
        if args.out == str(RESULTS / "decision.md"):
            args.out = str(RESULTS / "decision-quick.md.tmp")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
