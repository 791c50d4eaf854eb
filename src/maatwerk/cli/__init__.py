"""The ``maatwerk`` command: regulations (check, test, decide, ...), the case file (db, audit,
users) and the server."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from maatwerk.cli import insight, regulations, server, simulate  # noqa: F401  (they register their commands)
from maatwerk.cli.base import EXIT_PROBLEM, EXIT_USAGE, cli
from maatwerk.spec.errors import MaatwerkError

__all__ = ["cli", "main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: runs the command and turns every error into a message."""
    try:
        cli.main(args=argv, prog_name="maatwerk", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_PROBLEM)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except MaatwerkError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_PROBLEM)
    except SystemExit:
        raise
    except Exception as exc:  # an internal error: a message, never a traceback
        if os.environ.get("MAATWERK_DEBUG"):
            raise
        click.echo(f"maatwerk: internal error: {type(exc).__name__}: {exc} (set MAATWERK_DEBUG=1 "
                   "for details)", err=True)
        sys.exit(70)
