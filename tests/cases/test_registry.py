"""Regulation versions: stored once by content, and a case stays pinned to the version it was
submitted under -- also after a changed version is loaded, and after a restart that knows only
the new text."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.db import Database
from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import RegulationVersion
from maatwerk.cases.registry import Registry
from maatwerk.engine.check import load_checked
from maatwerk.spec.model import Regulation
from tests.cases.helpers import (
    BIJSTAND,
    BIJSTAND_DAY,
    BIJSTAND_FACTS,
    BIJSTAND_NORM,
    CONSIDERED,
    GROUNDS,
    SECRET,
    Clock,
    People,
)
from tests.conftest import REGULATIONS

NEW_NORM = "1400.00"


def changed_bijstand(tmp_path: Path) -> Regulation:
    """Bijstand 2025.3: a copy with another norm for a single person from 1 July 2025."""
    text = (REGULATIONS / "bijstand" / "regulation.yaml").read_text(encoding="utf-8")
    old_norm = "{from: 2025-07-01, value: 1369.06,"
    assert text.count(old_norm) == 1 and text.count('version: "2025.2"') == 1
    text = text.replace(old_norm, "{from: 2025-07-01, value: 1400.00,").replace(
        'version: "2025.2"', 'version: "2025.3"')
    folder = tmp_path / "bijstand-2025.3"
    folder.mkdir()
    (folder / "regulation.yaml").write_text(text, encoding="utf-8")
    return load_checked(folder)


def copy_of(registry: Registry) -> Registry:
    fresh = Registry()
    for reg in registry.current.values():
        fresh.add(reg)
    return fresh


def versions(cf: CaseFile) -> list[tuple[str, str]]:
    with cf.db.reading() as s:
        return [(v.regulation, v.version) for v in s.execute(
            sa.select(RegulationVersion).order_by(RegulationVersion.id)).scalars()]


def test_a_regulation_is_found_by_name_or_a_suggestion_is_given(registry: Registry) -> None:
    assert registry.get(BIJSTAND).version == "2025.2"
    with pytest.raises(CaseError) as caught:
        registry.get("bijstnd")
    assert caught.value.code == "MW803"
    assert "did you mean 'bijstand'" in caught.value.message
    assert "zorgtoeslag" in caught.value.message  # the known ones


def test_a_case_stays_pinned_to_its_version(
        db: Database, registry: Registry, clock: Clock, people: People, tmp_path: Path) -> None:
    own = copy_of(registry)
    cf = CaseFile(db, own, SECRET, clock=clock)
    old = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)
    cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)
    assert versions(cf) == [(BIJSTAND, "2025.2")]  # stored once

    new_reg = changed_bijstand(tmp_path)
    own.add(new_reg)
    assert own.get(BIJSTAND).version == "2025.3"
    new = cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS, peildatum=BIJSTAND_DAY)
    assert (new["regulation_version"], new["regulation_sha256"]) == ("2025.3", new_reg.sha256)
    assert versions(cf) == [(BIJSTAND, "2025.2"), (BIJSTAND, "2025.3")]

    for case, norm in ((old, BIJSTAND_NORM), (new, NEW_NORM)):
        cf.start(people.carla, case["id"])
        cf.consider(people.carla, case["id"], "afstemming", CONSIDERED)
        cf.record_facts(people.carla, case["id"], {"vermogen": 10})
        proposal = cf.propose(people.carla, case["id"])
        assert proposal["outputs"]["bijstandsnorm"] == norm
        decision = cf.decide(people.alex, case["id"])
        assert decision["outputs"]["bijstandsnorm"] == norm
        assert decision["receipt"]["sha256"] == case["regulation_sha256"]
    assert cf.get(people.carla, old["id"])["regulation_version"] == "2025.2"

    # A restart that only knows the new text still decides the old case under its own version
    # (rebuilt from the stored text), also when an objection is upheld.
    restarted = Registry()
    restarted.add(new_reg)
    cf = CaseFile(db, restarted, SECRET, clock=clock)
    cf.announce(people.carla, old["id"])
    cf.object(people.anna, old["id"], GROUNDS)
    cf.decide_objection(people.bo, old["id"], True, "Het bezwaar is gegrond.")
    redecision = cf.get(people.anna, old["id"])["decisions"][-1]
    assert redecision["kind"] == "redecision"
    assert redecision["outputs"]["bijstandsnorm"] == BIJSTAND_NORM
    assert (redecision["receipt"]["version"], redecision["receipt"]["sha256"]) == (
        "2025.2", old["regulation_sha256"])
    assert versions(cf) == [(BIJSTAND, "2025.2"), (BIJSTAND, "2025.3")]
