"""Shared helpers: small regulations written inline."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from maatwerk.spec.build import loads
from maatwerk.spec.model import Regulation

ROOT = Path(__file__).resolve().parent.parent
REGULATIONS = ROOT / "regulations"

HEADER = """\
id: probe
version: "1"
title: Probe
authority: Test
legal_basis: [{title: Testwet, bwb: BWBR0000001}]
subject: person
valid: {from: 2025-01-01, until: 2025-12-31}
"""


def regulation(body: str, header: str = HEADER) -> Regulation:
    """A regulation from a YAML body (inputs, parameters, rules, outputs, ...)."""
    return loads(header + textwrap.dedent(body), "probe.yaml")


@pytest.fixture(scope="session")
def zorgtoeslag() -> Regulation:
    from maatwerk.spec.build import load
    return load(REGULATIONS / "zorgtoeslag")
