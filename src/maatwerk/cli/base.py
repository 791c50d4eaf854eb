"""The ``maatwerk`` command group and what its commands share.

Every command reports problems as one line each (``file:line:col: CODE path: message (got …)``)
on stderr and exits non-zero; no traceback reaches the user (set ``MAATWERK_DEBUG=1`` to see one
for an internal error).
"""

from __future__ import annotations

import datetime as dt
import sys

import click

from maatwerk import __version__

EXIT_PROBLEM = 1
EXIT_USAGE = 2


def date_option_value(value: str, what: str = "--date") -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date written as YYYY-MM-DD (got {value!r})",
                                 param_hint=what) from None


def fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(EXIT_PROBLEM)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="maatwerk")
def cli() -> None:
    """maatwerk: regulations as code, with tailoring as a declared and measured part of every
    decision."""
