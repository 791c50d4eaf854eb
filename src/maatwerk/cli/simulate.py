"""The commands about populations: ``simulate`` (a regulation and a reform over a population)
and ``population`` (a synthetic population to simulate with)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from maatwerk.cli.base import cli
from maatwerk.cli.base import date_option_value as _date
from maatwerk.engine.check import load_checked
from maatwerk.simulate import charts
from maatwerk.simulate.patches import parameter_patch
from maatwerk.simulate.population import BATCH, columns_of
from maatwerk.simulate.reform import apply_text, load_reform
from maatwerk.simulate.run import Job, Outcome, default_output, rows_of, simulate
from maatwerk.simulate.synthetic import MAPPINGS, write
from maatwerk.spec.model import Regulation

WORDS = {
    "nl": {"persons": "personen", "budget": "Budget", "base": "basis", "reform": "hervorming",
           "change": "verandering", "winners": "winnaars", "losers": "verliezers",
           "unchanged": "gelijk", "decile": "deciel", "from": "vanaf inkomen",
           "categories": "Effect per categorie", "category": "categorie",
           "manual": "Verwachte handmatige behandeling", "refused": "geweigerd",
           "indeterminate": "onbepaald", "assessments": "individuele beoordeling",
           "hardship": "kandidaten hardheidsclausule", "total": "totaal"},
    "en": {"persons": "persons", "budget": "Budget", "base": "baseline", "reform": "reform",
           "change": "change", "winners": "winners", "losers": "losers",
           "unchanged": "unchanged", "decile": "decile", "from": "from income",
           "categories": "Effect per category", "category": "category",
           "manual": "Expected manual caseload", "refused": "refused",
           "indeterminate": "indeterminate", "assessments": "individual assessment",
           "hardship": "hardship-clause candidates", "total": "total"},
}


@cli.command("simulate")
@click.argument("path", type=click.Path())
@click.option("--population", "population", required=True, type=click.Path(),
              help="The population: a Parquet or CSV file with a column per input.")
@click.option("--reform", "reform_path", type=click.Path(),
              help="A patch file or a second version of the regulation.")
@click.option("--set", "sets", multiple=True, metavar="PARAMETER=VALUE",
              help="A quick reform: a new value for a parameter on the date (name.key for a "
              "keyed one); repeatable.")
@click.option("--date", "date_", default=None, help="The reference date (default: today).")
@click.option("--out", "out", type=click.Path(), help="Write per-person results (.parquet/.csv).")
@click.option("--report", "report_dir", type=click.Path(file_okay=False),
              help="Write the tables (JSON, CSV) and charts (SVG) to this folder.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on the dask.distributed scheduler at ADDRESS (tcp://host:port).")
@click.option("--output", "output", default=None, help="The output to compare (default: the "
              "first money output).")
@click.option("--income", default="inkomen", show_default=True, help="The income column for "
              "the deciles.")
@click.option("--weight", default="gewicht", show_default=True, help="The weight column (persons "
              "per row); ignored when absent.")
@click.option("--batch-size", default=BATCH, show_default=True, type=click.IntRange(1000),
              help="Persons per batch (bounds memory).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
def simulate_command(path: str, population: str, reform_path: str | None,
                     sets: tuple[str, ...], date_: str | None,
                     out: str | None, report_dir: str | None, scheduler: str | None,
                     output: str | None, income: str, weight: str, batch_size: int,
                     as_json: bool, lang: str) -> None:
    """Simulate a regulation, and a reform of it, over a population: budget, winners and
    losers, change per income decile, effect per category and the manual caseload."""
    base = load_checked(path)
    day = _date(date_) if date_ else dt.date.today()
    reform = _reform(base, day, reform_path, sets)
    columns = columns_of(population)
    job = Job(base, reform, day, output or default_output(base), income=income,
              weight=weight if weight in columns else None)
    total = rows_of(population)
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True,
                  disable=not console.is_terminal) as bar:
        task = bar.add_task(f"{base.id}: {Path(population).name}", total=total)
        outcome = simulate(job, population, out=out, scheduler=scheduler,
                           batch_size=batch_size,
                           progress=lambda rows: bar.advance(task, rows))
    data = outcome.report()
    if report_dir:
        write_report(outcome, Path(report_dir), lang)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        show(data, lang)


def _reform(base: Regulation, day: dt.date, path: str | None,
            sets: tuple[str, ...]) -> Regulation | None:
    if path and sets:
        raise click.UsageError("give a reform as --reform FILE or as --set, not both")
    if path:
        return load_reform(base, path)
    if not sets:
        return None
    changes = {}
    for item in sets:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"expected PARAMETER=VALUE (got {item!r})",
                                     param_hint="--set")
        changes[name.strip()] = value
    return apply_text(base, parameter_patch(base, day, changes), "--set")


def show(data: dict[str, Any], lang: str) -> None:
    """The report as tables on the terminal."""
    w = WORDS[lang]
    console = Console(width=110)
    reform = data["reform"] is not None
    budget = data["budget"]
    console.print(f"[bold]{data['regulation']}[/] {data['version']}"
                  + (f" → {data['reform']}" if reform else "")
                  + f", {data['date']}, {data['output']}: {data['persons']:,} {w['persons']}")
    head = Table(title=w["budget"])
    for name in ("base", *(("reform", "change") if reform else ())):
        head.add_column(w[name], justify="right")
    head.add_row(*[budget[k] for k in ("base", *(("reform", "change") if reform else ()))])
    console.print(head)
    if reform:
        console.print(f"{w['winners']}: {data['winners']:,}   {w['losers']}: "
                      f"{data['losers']:,}   {w['unchanged']}: {data['unchanged']:,}")
    deciles = Table()
    for name in ("decile", "from", "persons", "base", *(("reform", "change") if reform else ())):
        deciles.add_column(w[name], justify="right")
    for row in data["deciles"]:
        values = [str(row["decile"]), row["from_income"] or "", f"{row['persons']:,}",
                  row["mean_base"] or ""]
        if reform:
            values += [row["mean_reform"] or "", row["mean_change"] or ""]
        deciles.add_row(*values)
    console.print(deciles)
    if data["categories"]:
        cats = Table(title=w["categories"])
        for name in ("category", "persons", "change"):
            cats.add_column(w[name])
        for row in data["categories"]:
            cats.add_row(row["category"], f"{row['persons']:,}", row["change"])
        console.print(cats)
    manual = data["manual_caseload"]
    console.print(f"{w['manual']}: {manual['total']:,} ({w['refused']} {manual['refused']:,}, "
                  f"{w['indeterminate']} {manual['indeterminate']:,}, {w['assessments']} "
                  f"{manual['assessments']:,}, {w['hardship']} "
                  f"{manual['hardship_candidates']:,})")


def _csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["empty"])
        writer.writeheader()
        writer.writerows(rows)


def write_report(outcome: Outcome, folder: Path, lang: str) -> None:
    """summary.json, deciles.csv, categories.csv, budget.csv, deciles.svg and budget.svg."""
    data = outcome.report()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    _csv(folder / "deciles.csv", data["deciles"])
    _csv(folder / "categories.csv", data["categories"])
    _csv(folder / "budget.csv", [{"step": k, "amount": v} for k, v in data["budget"].items()])
    (folder / "deciles.svg").write_text(charts.svg(charts.deciles(data, lang), lang),
                                        encoding="utf-8")
    if data["reform"] is not None:
        (folder / "budget.svg").write_text(charts.svg(charts.waterfall(data, lang), lang),
                                           encoding="utf-8")


@cli.command("population")
@click.argument("regulation", type=click.Choice(sorted(MAPPINGS)))
@click.option("--size", default=100_000, show_default=True, type=click.IntRange(1),
              help="The number of persons.")
@click.option("--seed", default=2025, show_default=True, type=int)
@click.option("--date", "date_", default=None, help="The reference date for ages "
              "(default: today).")
@click.option("--out", "out", required=True, type=click.Path(), help="A .parquet or .csv file.")
def population_command(regulation: str, size: int, seed: int, date_: str | None,
                       out: str) -> None:
    """Write a synthetic population (labelled synthetic: no real persons) for a worked
    regulation."""
    day = _date(date_) if date_ else dt.date.today()
    write(regulation, size, out, seed, day)
    click.echo(f"{size:,} synthetic persons for {regulation} → {out}")
