"""The demo: decide the worked regulations' sample cases and print their explanations."""

from __future__ import annotations

from pathlib import Path

import click

from maatwerk.engine.check import load_checked
from maatwerk.engine.decide import decider
from maatwerk.engine.format import text
from maatwerk.spec.build import discover
from maatwerk.spec.errors import DecisionError
from maatwerk.spec.library import Library, holder


def run_demo(path: str | Path, lang: str = "nl") -> None:
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
