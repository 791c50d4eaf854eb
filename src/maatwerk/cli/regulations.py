"""The commands about regulations: check, test, decide, inputs, plan, profile, schema, errors
and the demo (a synthetic history of the worked regulations, served)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from maatwerk.cli.base import EXIT_PROBLEM, cli
from maatwerk.cli.base import date_option_value as _date
from maatwerk.cli.base import fail as _fail
from maatwerk.engine.check import check as check_one
from maatwerk.engine.check import load_checked
from maatwerk.engine.decide import decider
from maatwerk.engine.plan import Plans
from maatwerk.engine.testing import run
from maatwerk.spec.build import discover
from maatwerk.spec.errors import CODES
from maatwerk.spec.library import Library, facts_for, holder
from maatwerk.spec.records import Consideration, Deviation, read_assessment, read_deviations
from maatwerk.spec.schema import json_schema
from maatwerk.spec.source import load_file
from maatwerk.spec.values import to_json as data_value

LIBRARY_HELP = ("Where regulations that others use are found (repeatable; default: the "
                "folders that hold the given regulations).")


def _library(paths: Sequence[str | Path], library_paths: Sequence[str]) -> Library:
    """The library of a command: the given folders, or those holding the regulations."""
    if library_paths:
        return Library(library_paths)
    return Library(sorted({holder(p) for p in paths}))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--library", "library_paths", multiple=True, type=click.Path(), metavar="PATH",
              help=LIBRARY_HELP)
@click.option("--reform", "reform_path", type=click.Path(), metavar="FILE",
              help="Check the regulation with this reform (a patch file) applied.")
def check(paths: Sequence[str], library_paths: Sequence[str], reform_path: str | None) -> None:
    """Check regulations: schema, names, types, cycles, overlaps, unreachable rules, tests, and
    their references to other regulations."""
    failed = 0
    found = discover(paths)
    library = _library(found, library_paths)
    if reform_path is not None:
        _check_reform(found, library, reform_path)
        return
    for path in found:
        result = check_one(path, library)
        if result.ok and result.regulation is not None:
            reg = result.regulation
            click.echo(f"ok  {path}: {reg.id} {reg.version} — {len(reg.rules)} rules, "
                       f"{len(reg.tables)} tables, {len(reg.categories)} categories, "
                       f"{len(reg.tests)} tests")
        else:
            failed += 1
            for error in result.errors:
                click.echo(error.render(), err=True)
    if failed:
        _fail(f"{failed} regulation(s) with problems")


def _check_reform(found: Sequence[Path], library: Library, reform_path: str) -> None:
    """Check one regulation with a reform applied, as ``maatwerk simulate --reform`` reads it."""
    from maatwerk.simulate.reform import load_reform
    from maatwerk.spec.errors import SpecErrors
    if len(found) != 1:
        _fail(f"--reform applies to one regulation; got {len(found)}: "
              f"{', '.join(str(p) for p in found)}")
    base = load_checked(found[0], library)
    try:
        reg = load_reform(base, reform_path)
    except SpecErrors as exc:
        for error in exc.errors:
            click.echo(error.render(), err=True)
        _fail(f"the reform {reform_path} does not fit {base.id} {base.version}")
    click.echo(f"ok  {found[0]} + {reform_path}: {reg.id} {reg.version} — {len(reg.rules)} "
               f"rules, {len(reg.tables)} tables, {len(reg.categories)} categories")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-v", "--verbose", is_flag=True, help="List every test, not only failures.")
@click.option("--library", "library_paths", multiple=True, type=click.Path(), metavar="PATH",
              help=LIBRARY_HELP)
def test(paths: Sequence[str], verbose: bool, library_paths: Sequence[str]) -> None:
    """Run the tests written as data in regulations."""
    passed = failed = 0
    found = discover(paths)
    library = _library(found, library_paths)
    for path in found:
        reg = load_checked(path, library)
        for outcome in run(reg, library=library):
            if outcome.passed:
                passed += 1
                if verbose:
                    click.echo(f"PASS {outcome.report()}")
            else:
                failed += 1
                click.echo(f"FAIL {outcome.report()}", err=True)
    click.echo(f"{passed} passed, {failed} failed")
    if failed:
        sys.exit(EXIT_PROBLEM)


def _read_data(file: str, hint: str) -> Any:
    """A JSON or YAML file's data (YAML read as strictly as a regulation)."""
    if file.endswith(".json"):
        try:
            return json.loads(Path(file).read_text("utf-8"), parse_float=str)
        except (OSError, json.JSONDecodeError) as exc:
            raise click.BadParameter(f"cannot read {file}: {exc}", param_hint=hint) from None
    return load_file(file).data


def _read_inputs(file: str | None, sets: Sequence[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if file:
        loaded = _read_data(file, "--inputs")
        if not isinstance(loaded, dict):
            raise click.BadParameter(f"{file} must hold a mapping of input names to values",
                                     param_hint="--inputs")
        values.update(loaded)
    for item in sets:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected name=value (got {item!r})", param_hint="--set")
        values[name.strip()] = value.strip()
    return values


@cli.command()
@click.argument("path", type=click.Path())
@click.option("--date", "date_", required=True, help="The reference date (peildatum).")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="An input value.")
@click.option("--inputs", "inputs_file", type=click.Path(), help="Inputs from a JSON/YAML file.")
@click.option("--assessment", "assessment_file", type=click.Path(),
              help="An assessment record (YAML/JSON) for a standard-maatwerk regulation.")
@click.option("--deviation", "deviation_files", multiple=True, type=click.Path(),
              help="A deviation (or considerations) record (YAML/JSON); repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole decision as JSON.")
@click.option("--explain", is_flag=True, help="Print the explanation.")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--library", "library_paths", multiple=True, type=click.Path(), metavar="PATH",
              help=LIBRARY_HELP)
def decide(path: str, date_: str, sets: Sequence[str], inputs_file: str | None,
           assessment_file: str | None, deviation_files: Sequence[str], as_json: bool,
           explain: bool, lang: str, library_paths: Sequence[str]) -> None:
    """Decide one case: outputs, layers, deciding layer, trace, explanation and receipt; inputs
    that are outputs of other regulations are decided by them."""
    day = _date(date_)
    library = _library([path], library_paths)
    reg = load_checked(path, library)
    assessment = (read_assessment(_read_data(assessment_file, "--assessment"))
                  if assessment_file else None)
    deviations: list[Deviation] = []
    considerations: list[Consideration] = []
    for file in deviation_files:
        devs, cons = read_deviations(_read_data(file, "--deviation"))
        deviations += devs
        considerations += cons
    decision = decider(reg, library).decide(day, _read_inputs(inputs_file, sets),
                                            assessment=assessment, deviations=deviations,
                                            considerations=considerations)
    if as_json:
        click.echo(json.dumps(decision.to_json(), ensure_ascii=False, indent=2))
        return
    if explain:
        click.echo(decision.explanation(lang))
        return
    data = decision.to_json(trace=False, explanation=False)
    click.echo(f"status: {decision.status}")
    for name, value in data["outputs"].items():
        click.echo(f"{name}: {value}  ({decision.deciding_layer.get(name)})")
    if decision.missing:
        click.echo(f"missing: {', '.join(decision.missing)}")
    for link in decision.links:
        r = link.decision.receipt
        value = data_value(link.value) if link.known else "unknown"
        click.echo(f"{link.input}: {value} from {r.regulation} {r.version} on {r.peildatum} "
                   f"({link.deciding_layer or 'undecided'})")


@cli.command()
@click.argument("path", type=click.Path())
@click.argument("output")
@click.option("--json", "as_json", is_flag=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--library", "library_paths", multiple=True, type=click.Path(), metavar="PATH",
              help=LIBRARY_HELP)
def inputs(path: str, output: str, as_json: bool, lang: str,
           library_paths: Sequence[str]) -> None:
    """The inputs that deciding OUTPUT may need, with their questions and sources (through the
    regulations it uses)."""
    from maatwerk.engine.format import text
    library = _library([path], library_paths)
    reg = load_checked(path, library)
    if output not in reg.rules and output not in reg.tables:
        from maatwerk.spec.typecheck import suggest
        _fail(f"{output!r} is not a rule or table of {reg.id}"
              f"{suggest(output, [*reg.rules, *reg.tables])}; outputs: {', '.join(reg.outputs)}")
    rows = []
    for name, inp in facts_for(library, reg, output).items():
        rows.append({"name": name, "type": str(inp.type.kind), "unit": text(inp.unit, lang) or None,
                     "source": inp.source, "label": text(inp.label, lang),
                     "question": text(inp.question, lang) or None,
                     "values": list(inp.type.values) or None})
    if as_json:
        click.echo(json.dumps({"regulation": reg.id, "output": output, "inputs": rows},
                              ensure_ascii=False, indent=2))
        return
    for row in rows:
        values = f" [{', '.join(row['values'])}]" if row["values"] else ""
        question = f" — {row['question']}" if row["question"] else ""
        click.echo(f"{row['name']}: {row['type']}{values} (bron: {row['source']}){question}")


@cli.command()
@click.argument("path", type=click.Path())
@click.option("--date", "date_", required=True, help="The reference date (peildatum).")
@click.option("--category", "categories", multiple=True, help="Apply this category.")
def plan(path: str, date_: str, categories: Sequence[str]) -> None:
    """Show the plan in force on a date: formulas, parameter values, categories."""
    reg = load_checked(path)
    chosen = []
    for name in categories:
        if name not in reg.categories:
            _fail(f"{name!r} is not a category of {reg.id}; categories: "
                  f"{', '.join(reg.categories) or 'none'}")
        chosen.append(reg.categories[name])
    click.echo(Plans(reg).get(_date(date_), chosen).explain())


@cli.command()
@click.argument("path", type=click.Path())
@click.option("--json", "as_json", is_flag=True)
def profile(path: str, as_json: bool) -> None:
    """The declared maatwerk profile: the variants used, for which outputs, and where the room
    for maatwerk sits."""
    from maatwerk.spec.profile import profile as declared
    from maatwerk.spec.profile import render
    data = declared(load_checked(path))
    click.echo(json.dumps(data, ensure_ascii=False, indent=2) if as_json else render(data))


@cli.command()
def schema() -> None:
    """Print the JSON Schema of a regulation document."""
    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@cli.command()
def errors() -> None:
    """List every error code with its summary: the language and engine (docs/errors.md), the
    case file (docs/case-file.md) and simulation (docs/simulation.md)."""
    from maatwerk.cases.errors import CaseError
    from maatwerk.simulate.population import SIMULATION_CODES

    for registry in (CODES, CaseError.registry, SIMULATION_CODES):
        for code, summary in registry.items():
            click.echo(f"{code}  {summary}")


@cli.command()
@click.option("--db", "db_path", default="demo.sqlite", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The demo's SQLite file; reused when it holds a history.")
@click.option("--fresh", is_flag=True, help="Start a new database even if one exists.")
@click.option("--seed", default=1, show_default=True, type=int,
              help="The seed of the synthetic history (the same seed, the same history).")
@click.option("--cases", default=3000, show_default=True, type=click.IntRange(1, 100_000),
              help="How many cases the history holds.")
@click.option("--today", "today_", default=None, metavar="YYYY-MM-DD",
              help="The history's today (default: the real date, or 14 days before the "
                   "regulations' earliest end of validity).")
@click.option("--regulations", "regulations_path", default=None, type=click.Path(
              file_okay=False, path_type=Path), help="The worked regulations (default: "
              "./regulations).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Generate (or reuse) the history and exit.")
@click.option("--print", "print_path", is_flag=False, flag_value="regulations", default=None,
              metavar="[PATH]", help="Only decide the sample cases of the regulations in PATH "
              "(default: regulations) and print their explanations.")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True,
              help="The language of --print.")
def demo(db_path: Path, fresh: bool, seed: int, cases: int, today_: str | None,
         regulations_path: Path | None, host: str, port: int, no_serve: bool,
         print_path: str | None, lang: str) -> None:
    """Create a demo database with a synthetic history of the worked regulations, print the
    address and a demo account per role, and serve it on HOST:PORT."""
    from maatwerk import demo as demo_module
    if print_path is not None:
        demo_module.run_demo(print_path, lang)
        return
    demo_module.run(db_path, regulations=regulations_path or demo_module.default_regulations(),
                    seed=seed, cases=cases, today=_date(today_, "--today") if today_ else None,
                    host=host, port=port, serve=not no_serve, fresh=fresh)
