"""The manager's dashboard keeps its figures and charts per revision of the case file
(``maatwerk.web.memo``): asked again while nothing happened they are not computed again, and
any action on a case makes the next request show the new figures. The equality and legal
certainty figures are kept per regulation by what they were computed from: after an event, a
regulation whose samples it did not change is not measured again, and the figures are those
computed from scratch."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from maatwerk.cases.models import Fact, User
from maatwerk.cases.registry import Registry
from maatwerk.cases.service import Actor
from maatwerk.insight import certainty, equality
from maatwerk.insight.cohort import Cohort
from maatwerk.insight.dashboard import Period
from maatwerk.web import memo
from maatwerk.web.pages import manager
from maatwerk.web.render import jsonable
from tests.conftest import REGULATIONS
from tests.web.sites import Site, site


@pytest.fixture
def web(tmp_path: Any) -> Iterator[Site]:
    registry = Registry([REGULATIONS / "bijstand", REGULATIONS / "zorgtoeslag"])
    with site(tmp_path, registry) as found:
        yield found


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the figures and the charts were computed."""
    calls = {"figures": 0, "charts": 0}

    def counting(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return fn(*args, **kwargs)
        return call

    monkeypatch.setattr(manager, "_figures", counting("figures", manager._figures))
    monkeypatch.setattr(manager, "_all_charts", counting("charts", manager._all_charts))
    return calls


def actor(web: Site, username: str) -> Actor:
    with web.app.state.casefile.db.reading() as s:
        return Actor.of(s.execute(sa.select(User).where(User.username == username)).scalar_one())


def figures(web: Site, query: str = "") -> dict[str, Any]:
    answer = web.client.get(f"/manager.json{query}", headers=web.as_("max"))
    assert answer.status_code == 200
    data: dict[str, Any] = answer.json()
    return data


def lead(data: dict[str, Any], regulation: str) -> tuple[int, int]:
    found = next(x for x in data["lead_times"]["by_regulation"]
                 if x["regulation"] == regulation)
    return found["median_days"], found["p90_days"]


def test_a_repeated_request_is_answered_from_what_was_kept(web: Site,
                                                           counted: dict[str, int]) -> None:
    first = figures(web)
    assert figures(web) == first
    assert counted == {"figures": 1, "charts": 0}
    dutch = web.client.get("/manager", headers=web.as_("pim")).text
    assert web.client.get("/manager", headers=web.as_("max")).text.count("<svg") == (
        dutch.count("<svg"))
    assert counted == {"figures": 1, "charts": 1}  # the HTML page and its twin share figures
    english = web.client.get("/manager?lang=en", headers=web.as_("max")).text
    assert counted == {"figures": 1, "charts": 2} and "Key figures" in english
    figures(web, "?regeling=zorgtoeslag")  # another filter: other figures
    assert counted == {"figures": 2, "charts": 2}


def test_an_action_on_a_case_shows_in_the_next_request(web: Site,
                                                       counted: dict[str, int]) -> None:
    before = figures(web)
    page = web.client.get("/manager", headers=web.as_("max")).text
    assert before["summary"]["decided"] == 4 and lead(before, "zorgtoeslag") == (30, 30)
    files = web.app.state.casefile
    files.propose(actor(web, "mo"), web.history.z2)  # received 2025-03-01, decided on TODAY
    after = figures(web)
    assert after["summary"]["decided"] == 4  # a proposal is not a decision, but it is news:
    assert counted["figures"] == 2
    files.decide(actor(web, "alex"), web.history.z2)
    after = figures(web)
    assert after["summary"]["decided"] == 5 and lead(after, "zorgtoeslag") == (30, 50)
    assert counted["figures"] == 3
    again = web.client.get("/manager", headers=web.as_("max")).text
    assert again != page and counted == {"figures": 3, "charts": 2}
    table = again[again.index('id="lead-by-regulation-caption"'):]
    assert "50" in table[:table.index("</figure>")]


def test_the_revision_moves_with_every_event_and_every_row(web: Site) -> None:
    db = web.app.state.casefile.db
    with db.reading() as s:
        first = memo.revision(s)
    web.app.state.casefile.start(actor(web, "carla"), web.history.b4)  # a state and the log
    with db.reading() as s:
        started = memo.revision(s)
    assert started[0] > first[0] and started[1] != first[1]
    carla = actor(web, "carla")
    with db.transaction() as s:  # a row written past the case service, without an entry
        s.execute(sa.insert(Fact).values(case_id=web.history.b4, name="vermogen", value=0,
                                         source="tests", recorded_by=carla.id))
    with db.reading() as s:
        inserted = memo.revision(s)
    assert inserted[:2] == started[:2] and inserted != started


def test_a_value_is_computed_once_for_threads_asking_at_once() -> None:
    kept = memo.Memo(size=2)
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def slow() -> str:
        calls.append(1)
        started.set()
        release.wait(10)
        return "value"

    found: list[str] = []
    first = threading.Thread(target=lambda: found.append(kept.get("k", slow)))
    first.start()
    started.wait(10)
    second = threading.Thread(target=lambda: found.append(kept.get("k", slow)))
    second.start()
    release.set()
    first.join(10)
    second.join(10)
    assert found == ["value", "value"] and len(calls) == 1
    kept.get("a", lambda: 1)
    kept.get("b", lambda: 2)
    assert len(kept) == 2 and kept.get("k", lambda: "again") == "again"  # the oldest went


def test_a_failed_computation_is_not_kept() -> None:
    kept = memo.Memo()

    def fails() -> int:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        kept.get("k", fails)
    assert kept.get("k", lambda: 1) == 1


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The regulations whose equality figures (``regulation``) and whose legal certainty
    figures (``certainty:regulation``) were computed, not taken from the memo."""
    found: list[str] = []

    def counting(module: Any, label: str) -> None:
        compute = module._measured

        def call(s: Any, cohort: Any, regulation: str, *args: Any) -> Any:
            found.append(label + regulation)
            return compute(s, cohort, regulation, *args)

        monkeypatch.setattr(module, "_measured", call)

    counting(equality, "")
    counting(certainty, "certainty:")
    return found


def from_scratch(web: Site) -> dict[str, Any]:
    """The equality and legal certainty figures computed without anything kept."""
    files = web.app.state.casefile
    with files.db.reading() as s, Cohort.gather(s, Period()) as cohort:
        found: dict[str, Any] = jsonable({
            "equality": equality.equality(s, cohort, files.registry.current),
            "certainty": certainty.certainty(s, cohort)})
    return found


def sampled(data: dict[str, Any]) -> dict[str, Any]:
    monitor = data["dilemmas"]
    return {"equality": monitor["equality"],
            "certainty": {"sample": monitor["legal_certainty"]["sample"],
                          "seed": monitor["legal_certainty"]["seed"],
                          "how_far": monitor["legal_certainty"]["how_far"],
                          "cost": monitor["efficiency"]["cost"]}}


def by_regulation(data: dict[str, Any]) -> dict[str, Any]:
    return {r["regulation"]: r for r in data["dilemmas"]["equality"]["regulations"]}


def test_an_event_in_one_regulation_measures_only_that_one_again(web: Site,
                                                                 measured: list[str]) -> None:
    first = by_regulation(figures(web))
    assert sorted(measured) == ["bijstand", "certainty:bijstand", "zorgtoeslag"]
    assert first["zorgtoeslag"]["sampled"] == 1
    files = web.app.state.casefile
    files.propose(actor(web, "mo"), web.history.z2)
    files.decide(actor(web, "alex"), web.history.z2)  # a second zorgtoeslag case decided
    measured.clear()
    data = figures(web)
    after = by_regulation(data)
    assert measured == ["zorgtoeslag"]  # bijstand's samples did not change
    assert after["zorgtoeslag"]["sampled"] == 2 and after["bijstand"] == first["bijstand"]
    assert sampled(data) == from_scratch(web)


def test_a_fact_recorded_on_a_sampled_case_measures_its_regulation_again(
        web: Site, measured: list[str]) -> None:
    first = by_regulation(figures(web))
    carla = actor(web, "carla")
    with web.app.state.casefile.db.transaction() as s:  # past the case service: b2 is alone now
        s.execute(sa.insert(Fact).values(case_id=web.history.b2, name="leefvorm",
                                         value="gehuwd", source="tests", recorded_by=carla.id))
    measured.clear()
    data = figures(web)
    after = by_regulation(data)
    assert measured == ["bijstand"] and after["zorgtoeslag"] == first["zorgtoeslag"]
    assert after["bijstand"] != first["bijstand"]
    assert sampled(data) == from_scratch(web)
