"""The demo: a case file with a synthetic history, served on this machine.

``maatwerk demo`` creates an SQLite database, loads the worked regulations, generates a synthetic
history through the case file (``maatwerk.simulate.history``), starts the server on 127.0.0.1
and prints the address and a demo account per role. An existing demo database with a history is
reused (``--fresh`` makes a new one).

The server runs on the history's clock: when a worked regulation is no longer valid on the real
date, the history ends 14 days before the earliest end of validity, and the server's today is
that day (time runs on from there). Otherwise the clock is the real one.

``maatwerk demo --print [PATH]`` decides the worked regulations' sample cases and prints their
explanations, as the first demo did.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from maatwerk.engine.check import load_checked
from maatwerk.engine.decide import decider
from maatwerk.engine.format import text
from maatwerk.spec.build import discover
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.library import Library, holder

DEMO_SECRET = "maatwerk-demo-secret-not-for-production"
ROLES_NL = {"citizen": "burger", "caseworker": "behandelaar", "approver": "goedkeurder",
            "manager": "manager", "policy_maker": "beleid", "administrator": "beheer"}


def run_demo(path: str | Path, lang: str = "nl") -> None:
    """Decide the sample cases (tests marked ``demo: true``) and print their explanations."""
    found = discover([path])
    if not found:
        raise click.ClickException(f"no regulations found in {path}")
    library = Library(sorted({holder(p) for p in found}))  # for regulations that use others
    rule = "═" * 78
    for reg_path in found:
        reg = load_checked(reg_path, library)
        samples = [c for c in reg.tests if c.demo] or list(reg.tests[:1])
        click.echo(rule)
        click.echo(f"{text(reg.title, lang)} ({reg.id} {reg.version}) — {reg.authority}")
        click.echo(rule)
        for case in samples:
            click.echo(f"\n▶ {case.name}")
            description = text(case.description, lang)
            if description:
                click.echo(f"  {description}")
            click.echo("")
            try:
                decision = decider(reg, library).decide(
                    case.date, case.inputs, assessment=case.assessment,
                    deviations=case.deviations, considerations=case.considerations)
            except DecisionError as exc:
                click.echo(f"  geweigerd: {exc}" if lang == "nl" else f"  refused: {exc}")
                continue
            click.echo(decision.explanation(lang))
        click.echo("")


def default_regulations() -> Path:
    """``regulations`` here, else the worked regulations of the source tree."""
    here = Path("regulations")
    if here.is_dir():
        return here
    source = Path(__file__).resolve().parents[2] / "regulations"
    if source.is_dir():
        return source
    raise click.ClickException("no regulations folder here; pass --regulations PATH")


class RichReporter:
    """The generator's progress as rich progress bars, one per stage."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def stage(self, label: str, total: int | None = None) -> None:
        self.finish()
        self.task = self.progress.add_task(label, total=total)

    def advance(self, amount: int = 1) -> None:
        if self.task is not None:
            self.progress.advance(self.task, amount)

    def finish(self) -> None:
        if self.task is not None:
            task = self.progress.tasks[-1]
            total = task.total if task.total is not None else 1
            self.progress.update(self.task, total=total, completed=total)


def _progress(console: Console) -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), console=console)


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            candidate.unlink()


def demo_clock(today: dt.date) -> Callable[[], dt.datetime] | None:
    """The server's clock: the real time moved back to ``today`` (None: the real clock)."""
    shift = dt.date.today() - today
    if shift.days <= 0:
        return None
    return lambda: dt.datetime.now(dt.UTC) - shift


def run(db_path: Path, *, regulations: Path, seed: int, cases: int, today: dt.date | None,
        host: str, port: int, serve: bool, fresh: bool) -> None:
    """Create (or reuse) the demo database with its history, print the address and the demo
    accounts, and serve."""
    console = Console(highlight=False, soft_wrap=True)
    if serve and not _port_free(host, port):
        raise click.ClickException(f"port {port} on {host} is in use; choose another with "
                                   "--port")
    if fresh:
        _remove(db_path)
    secret = os.environ.get("MAATWERK_SECRET") or DEMO_SECRET
    url = f"sqlite:///{db_path}"
    console.print(f"[bold]maatwerk demo[/bold] — database {db_path} "
                  "(all people and cases in it are synthetic)")
    day = _history(console, db_path, url, regulations, secret, seed=seed, cases=cases,
                   today=today)
    clock = demo_clock(day)
    _print_access(console, host, port, day, clock is not None, serve)
    if serve:
        _serve(url, regulations, secret, clock, host, port)


def _history(console: Console, db_path: Path, url: str, regulations: Path, secret: str, *,
             seed: int, cases: int, today: dt.date | None) -> dt.date:
    """Open (and migrate) the demo database, generate the history unless it holds one and say
    what it holds; the history's today."""
    from sqlalchemy import func, select

    from maatwerk.cases.db import Database
    from maatwerk.cases.migrate import upgrade
    from maatwerk.cases.models import AuditEntry, Case, User
    from maatwerk.cases.registry import Registry
    from maatwerk.simulate import history

    with _progress(console) as progress:
        reporter = RichReporter(progress)
        reporter.stage("Database: create or open, migrate")
        database = Database(url)
        upgrade(database)
        reporter.stage("Regulations: load and check")
        registry = Registry([regulations])
        with database.reading() as s:
            existing = s.execute(select(func.count()).select_from(Case)).scalar_one()
            people = s.execute(select(func.count()).select_from(User)).scalar_one()
            last = s.execute(select(func.max(AuditEntry.at))).scalar_one()
        if not existing and people:
            raise click.ClickException(f"{db_path} holds accounts but no history (an "
                                       "interrupted generation?); run again with --fresh")
        summary = None
        if not existing:
            options = history.Options(seed=seed, cases=cases, today=today)
            try:
                summary = history.generate(database, registry, secret.encode(), options,
                                           reporter)
            except KeyboardInterrupt:
                database.dispose()
                _remove(db_path)
                console.print("Interrupted: the incomplete demo database was removed.")
                raise click.Abort() from None
        reporter.finish()
    if summary is not None:
        _print_summary(console, summary)
        day = summary.today
    else:
        day = today or max(history.history_today(registry), last.date() if last else dt.date.min)
        console.print(f"Reusing the history in {db_path} ({existing} cases; --fresh makes a "
                      "new one).")
    database.dispose()
    return day


def _print_summary(console: Console, summary: Any) -> None:
    table = Table(title=f"Synthetic history {summary.start} – {summary.today} "
                        f"(seed {summary.seed}): {summary.total} cases in "
                        f"{summary.seconds:.0f} s", title_justify="left")
    table.add_column("regulation")
    table.add_column("cases", justify="right")
    table.add_column("states")
    table.add_column("decisions by deciding layer")
    for regulation, states in summary.cases.items():
        table.add_row(regulation, str(sum(states.values())),
                      ", ".join(f"{k} {v}" for k, v in states.items()),
                      ", ".join(f"{k} {v}" for k, v in summary.layers.get(regulation,
                                                                           {}).items()))
    console.print(table)
    console.print("Requests for maatwerk and deviations: " + ", ".join(
        f"{k} {v}" for k, v in summary.deviations.items()))
    console.print(f"Investigations {sum(summary.assessments.values())}, considerations "
                  f"{summary.considerations}, objections " + ", ".join(
                      f"{k} {v}" for k, v in summary.objections.items()) +
                  f"; open cases past a term: {summary.overdue}.")
    if summary.planted:
        console.print(_planted(summary.planted))
    state = "intact" if summary.audit_ok else "BROKEN"
    console.print(f"Audit chain {state}: {summary.audit_entries} entries.")
    if summary.failures:
        console.print(f"[yellow]{len(summary.failures)} planned steps were refused by the case "
                      f"file; the first: {summary.failures[0]}[/yellow]")


def _planted(planted: dict[str, Any]) -> str:
    """The planted patterns in one line."""
    deviant, recurring, assertive = planted["deviant"], planted["recurring"], planted["assertive"]
    line = (f"Planted for insight: {deviant['caseworker']} flags a deviation in "
            f"{deviant['flag_rate']:.0%} of his bijstand cases (peers "
            f"{deviant['peer_median_flag_rate']:.0%}); {recurring['deviations']} alike "
            f"mantelzorg deviations ({recurring['clause']}, {recurring['ground']}); requested "
            f"deviations approved {_share(assertive['requested']['rate'])}, proactive ones "
            f"{_share(assertive['flagged']['rate'])}")
    asked, passive = assertive.get("alike_asked"), assertive.get("alike_not_asked")
    if asked and passive:
        line += (f"; in the mantelzorg situation {asked['granted']} of {asked['households']} "
                 f"who asked got it, {passive['granted']} of {passive['households']} who did not")
    return line + "."


def _share(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def _print_access(console: Console, host: str, port: int, day: dt.date, shifted: bool,
                  serve: bool) -> None:
    from maatwerk.simulate.history import DEMO_ACCOUNTS, DEMO_PASSWORD

    table = Table(title="Demo accounts — for this demo only, never for real data",
                  title_justify="left")
    for column in ("role", "username", "password", "what"):
        table.add_column(column)
    for username, role, what in DEMO_ACCOUNTS:
        table.add_row(f"{ROLES_NL[role]} ({role})", username, DEMO_PASSWORD, what)
    console.print(table)
    if shifted:
        console.print(f"The demo's today is {day}: the worked regulations are not valid on the "
                      "real date, so the server's clock runs from the history's end.")
    if host not in ("127.0.0.1", "localhost", "::1"):
        console.print(f"[yellow]Serving on {host}: anyone who can reach it can sign in with "
                      "the published demo passwords.[/yellow]")
    address = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    if serve:
        console.print(f"[bold]maatwerk demo serving on {address}[/bold] (sign in: "
                      f"{address}/login, API: {address}/api/docs); stop with Ctrl-C.")
    else:
        console.print(f"Not serving (--no-serve); `maatwerk demo` serves it on {address}.")


def _serve(url: str, regulations: Path, secret: str,
           clock: Callable[[], dt.datetime] | None, host: str, port: int) -> None:
    import uvicorn

    from maatwerk.cases.casefile import CaseFile
    from maatwerk.cases.db import Database
    from maatwerk.web.app import create_app, settle
    from maatwerk.web.settings import Settings

    settings = Settings(db=url, regulations=(str(regulations),), secret=secret)
    app = create_app(settings, db=Database(url))
    if clock is not None:
        files = app.state.casefile
        app.state.casefile = CaseFile(files.db, files.registry, files.secret, clock=clock)
    settle()
    uvicorn.run(app, host=host, port=port, log_level="warning")
