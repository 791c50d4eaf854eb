"""Small regulations that use each other, written inline: a chain of three.

``norm`` decides a monthly norm (a category for people living together); ``toeslag`` uses that
norm on the same date and gives the difference with the income; ``regeling`` uses the toeslag
of 1 January of the year and gives a fixed amount to whoever has one, with its own input
``maandinkomen`` mapped to toeslag's ``inkomen``.
"""

from __future__ import annotations

import textwrap

from maatwerk.spec.build import loads
from maatwerk.spec.library import Library
from maatwerk.spec.model import Regulation


def make(rid: str, body: str, *, version: str = "1", valid: str = "2025-01-01",
         until: str = "2025-12-31") -> Regulation:
    """A regulation with the given id and body (inputs, parameters, rules, outputs, ...)."""
    header = textwrap.dedent(f"""\
        id: {rid}
        version: "{version}"
        title: {{nl: Regeling {rid}, en: Regulation {rid}}}
        authority: Test
        legal_basis: [{{title: Testwet, bwb: BWBR0000001}}]
        subject: person
        valid: {{from: {valid}, until: {until}}}
        """)
    return loads(header + textwrap.dedent(body), f"{rid}-{version}.yaml")


NORM = """\
inputs:
  leeftijd: {type: integer, min: 0, source: BRP, label: {nl: Leeftijd, en: Age}}
  woont_samen: {type: bool, source: BRP, label: {nl: Woont samen, en: Lives together}}
parameters:
  basisnorm:
    type: money
    values:
      - {from: 2025-01-01, value: 1000, reference: Testwet art. 1}
      - {from: 2025-07-01, value: 1100, reference: Testwet art. 1 (juli)}
rules:
  norm:
    type: money
    label: {nl: Norm, en: Norm}
    formula: "if leeftijd < 18 then basisnorm / (leeftijd - leeftijd) else basisnorm"
outputs: [norm]
categories:
  samenwonend:
    label: {nl: Samenwonend, en: Living together}
    when: woont_samen
    legal_basis: {title: Testwet, article: art. 2}
    rules:
      norm: {formula: round_cents(70% * basisnorm)}
"""

TOESLAG = """\
inputs:
  inkomen: {type: money, min: 0, source: Belastingdienst, label: {nl: Inkomen, en: Income}}
  norm:
    type: money
    label: {nl: Norm uit de normregeling, en: Norm from the norm regulation}
    output_of: norm.norm
rules:
  toeslag:
    type: money
    label: {nl: Toeslag, en: Allowance}
    formula: max(0, norm - inkomen)
outputs: [toeslag]
"""

REGELING = """\
inputs:
  maandinkomen:
    type: money
    min: 0
    source: Aanvraag
    label: {nl: Maandinkomen, en: Monthly income}
  toeslag:
    type: money
    label: {nl: Toeslag op 1 januari, en: Allowance on 1 January}
    output_of:
      regulation: toeslag
      output: toeslag
      peildatum: date(year(peildatum), 1, 1)
      inputs: {inkomen: maandinkomen}
rules:
  bijdrage:
    type: money
    label: {nl: Bijdrage, en: Contribution}
    formula: "if toeslag > 0 then €100 else €0"
outputs: [bijdrage]
"""


CYCLE_STEP = """\
inputs:
  bedrag: {type: money, label: Bedrag, output_of: %s.uitkomst}
rules:
  uitkomst: {formula: bedrag + €1}
outputs: [uitkomst]
"""


def cycle_step(rid: str, uses: str) -> Regulation:
    """A regulation ``rid`` whose output is one more than the output of ``uses``."""
    return make(rid, CYCLE_STEP % uses)


def chain_of_three() -> tuple[Regulation, Library]:
    """``regeling`` → ``toeslag`` → ``norm``, and the library that holds them."""
    regs = [make("norm", NORM), make("toeslag", TOESLAG), make("regeling", REGELING)]
    return regs[2], Library(regulations=regs)
