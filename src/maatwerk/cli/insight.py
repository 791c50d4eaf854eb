"""The commands about insight from the case file: ``crystallise`` (the crystallisation loop)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click

from maatwerk.cli.base import cli
from maatwerk.cli.base import date_option_value as _date
from maatwerk.cli.server import DB_OPTION


@cli.command("crystallise")
@click.argument("path", type=click.Path())
@DB_OPTION
@click.option("--since", default=None, metavar="YYYY-MM-DD",
              help="Only cases decided on or after this day.")
@click.option("--until", default=None, metavar="YYYY-MM-DD",
              help="Only cases decided on or before this day.")
@click.option("--threshold", default=10, show_default=True, type=click.IntRange(2),
              help="Deviations a cluster needs within the period.")
@click.option("--min-precision", default=0.3, show_default=True,
              type=click.FloatRange(0, 1), help="Share of a cluster's cases that had the "
              "deviation.")
@click.option("--max-tests", default=3, show_default=True, type=click.IntRange(1, 6),
              help="Tests (and-ed) in a learned condition.")
@click.option("--out", "out", type=click.Path(file_okay=False), metavar="DIR",
              help="Write each proposal as a reform patch file DIR/NAME.yaml.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--library", "library_paths", multiple=True, type=click.Path(), metavar="PATH",
              help="Where regulations that this one uses are found (repeatable).")
def crystallise_command(path: str, db_url: str | None, since: str | None, until: str | None,
                        threshold: int, min_precision: float, max_tests: int, out: str | None,
                        as_json: bool, library_paths: Sequence[str]) -> None:
    """Find clusters of alike approved deviations of the regulation at PATH in the case file
    and propose each as a policy category (Aanwijzing voor de regelgeving 5.25 lid 3)."""
    from maatwerk.cases.db import Database
    from maatwerk.engine.check import load_checked
    from maatwerk.insight.crystallise import Options, crystallise
    from maatwerk.insight.dashboard import Period
    from maatwerk.spec.library import Library

    library = Library(library_paths) if library_paths else Library.around(path)
    reg = load_checked(path, library)
    period = Period(reg.id, _date(since, "--since") if since else None,
                    _date(until, "--until") if until else None)
    options = Options(threshold, min_precision, max_tests)
    database = Database(db_url)
    try:
        with database.reading() as s:
            report = crystallise(s, reg, period, options, library)
    finally:
        database.dispose()
    written = _write(report.proposals, out) if out else []
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        return
    _print(report, written)


def _write(proposals: Sequence[object], out: str) -> list[Path]:
    from maatwerk.insight.proposal import Proposal
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for p in proposals:
        assert isinstance(p, Proposal)
        target = folder / f"{p.name}.yaml"
        target.write_text(p.patch, "utf-8")
        written.append(target)
    return written


def _print(report: object, written: Sequence[Path]) -> None:
    from maatwerk.insight.crystallise import Report
    assert isinstance(report, Report)
    period = report.period
    click.echo(f"{report.regulation} {report.version}: {report.cases} decided cases"
               f"{' from ' + period.start.isoformat() if period.start else ''}"
               f"{' until ' + period.end.isoformat() if period.end else ''}"
               f"{f' ({report.refused} refused now, left out)' if report.refused else ''}")
    click.echo("approved deviations by clause, output and ground:")
    for g in report.groups:
        click.echo(f"  {g['clause']} / {g['output']} / {g['ground']}: {g['deviations']} "
                   f"deviations, {g['clusters']} cluster(s)")
    if not report.proposals:
        click.echo(f"no cluster of at least {report.options.threshold} alike deviations: "
                   "nothing to propose")
    for p in report.proposals:
        c = p.coverage
        click.echo(f"\nproposal {p.name}: {len(p.members)} deviations alike")
        click.echo(f"  when: {p.condition}")
        click.echo(f"  {p.group.output} = {p.override.formula} ({p.override.kind}; reproduces "
                   f"{p.override.matched} of {p.override.members})")
        click.echo(f"  precedence: {p.precedence}")
        click.echo(f"  coverage: {c.covered} of {c.deviations} deviations of the group covered, "
                   f"{c.matched} with the same value; {c.false_inclusions} other cases caught "
                   f"({c.other_deviations} with another deviation of {p.group.output}); "
                   f"change for those: {c.change}")
        for problem in p.problems:
            click.echo(f"  problem: {problem}")
    for target in written:
        click.echo(f"wrote {target}")
