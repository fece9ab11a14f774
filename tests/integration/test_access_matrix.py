"""Every store operation × every role × own city or another city: allowed or refused, on SQLite and
PostgreSQL. A refused operation raises NotAllowed and writes nothing.

The expected outcomes below are written from the roles as the product defines them (viewer reads;
editor also answers; coordinator also manages the city and its assessments; a network administrator
sees what exists and manages cities, never a city's answers unless a member), independently of the
permission table in ``access/roles.py``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from access.accounts import Accounts
from access.guard import GuardedStore
from access.roles import Actor, NotAllowed, Role
from scoring.records import City, RecordedAnswer
from storage.migrate import upgrade_database
from storage.store import Store
from storage.transfer import export_csv, export_json
from tests.postgres import clone_database

FRAMEWORK = "scn-transatlantic"
ACTORS = ["nobody", "viewer", "editor", "coordinator", "network admin"]
READERS = {"viewer", "editor", "coordinator"}
EDITORS = {"editor", "coordinator"}
COORDINATORS = {"coordinator"}
SEERS = READERS | {"network admin"}
ADMINS = {"network admin"}


def _seed(store: Store) -> dict[str, dict[str, Any]]:
    """Cities A and B, each with a submitted assessment and a draft with one answer."""
    seeded: dict[str, dict[str, Any]] = {}
    for name in ("A", "B"):
        profile = {"name": f"City {name}", "country": "Freedonia", "region": "europe", "population_band": "100k_500k"}
        city = store.create_city(City.model_validate(profile), "Set-up")
        done = store.start_assessment(city.id or 0, f"{name} 2025", "Set-up", framework_id=FRAMEWORK)
        store.save_answer(done.id or 0, RecordedAnswer(question_id="Q1.1", level=2), "Set-up")
        store.submit_assessment(done.id or 0, "Set-up")
        draft = store.start_assessment(city.id or 0, f"{name} 2026", "Set-up", framework_id=FRAMEWORK)
        store.save_answer(draft.id or 0, RecordedAnswer(question_id="Q1.2", level=1), "Set-up")
        seeded[name] = {"city": city.id, "submitted": done.id, "draft": draft.id, "draft_title": draft.title}
    people = Accounts(store)
    for name in ("A", "B"):
        member = people.add(f"member-{name}@test.example", f"Member of {name}", "Set-up")
        people.add_member(member.id, seeded[name]["city"], Role.VIEWER, "Set-up")
        seeded[name]["member"] = member.id
    seeded["accounts"] = {
        kind: people.add(f"{kind.replace(' ', '-')}@test.example", f"Test {kind}", "Set-up").id for kind in ACTORS
    }
    return seeded


@pytest.fixture(scope="module")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory, frameworks) -> tuple[Path, dict[str, dict[str, Any]]]:
    path = tmp_path_factory.mktemp("access") / "seeded.db"
    upgrade_database(f"sqlite:///{path}")
    store = Store.open(f"sqlite:///{path}", frameworks)
    ids = _seed(store)
    store.engine.dispose()
    return path, ids


@pytest.fixture(scope="module")
def seeded_postgres(request: pytest.FixtureRequest, frameworks) -> tuple[str, str, dict[str, dict[str, Any]]]:
    server = request.getfixturevalue("postgres_server")
    url = clone_database(server, request.getfixturevalue("postgres_template"))
    store = Store.open(url, frameworks)
    ids = _seed(store)
    store.engine.dispose()
    return server, url.rsplit("/", 1)[1], ids


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path: Path, frameworks) -> Iterator[tuple[Store, dict[str, Any]]]:
    """A fresh copy of the seeded store on each backend, and the ids in it."""
    if request.param == "sqlite":
        path, ids = request.getfixturevalue("seeded_sqlite")
        shutil.copy(path, tmp_path / "copy.db")
        url = f"sqlite:///{tmp_path / 'copy.db'}"
    else:
        server, template, ids = request.getfixturevalue("seeded_postgres")
        url = clone_database(server, template)
    store = Store.open(url, frameworks)
    yield store, ids
    store.engine.dispose()


def _actor(kind: str, ids: dict[str, Any]) -> Actor:
    roles = {} if kind in ("nobody", "network admin") else {ids["A"]["city"]: Role(kind)}
    return Actor(ids["accounts"][kind], name=f"Test {kind}", roles=roles, network_admin=kind == "network admin")


def _file_for(store: Store, target: dict[str, Any]) -> bytes:
    """A portable file of the target city's submitted assessment, which the store no longer holds."""
    data = export_json(store, target["submitted"])
    record = store.assessment(target["submitted"])
    store.delete_assessment(target["submitted"], "Set-up", confirm=record.title)
    return data


Op = Callable[[GuardedStore, Store, dict[str, Any]], Any]
OPERATIONS: dict[str, tuple[set[str], Op]] = {
    "see the city": (SEERS, lambda g, s, t: g.city(t["city"])),
    "list its assessments": (SEERS, lambda g, s, t: g.assessments(t["city"])),
    "see an assessment": (SEERS, lambda g, s, t: g.assessment(t["draft"])),
    "read answers": (READERS, lambda g, s, t: g.answers(t["draft"])),
    "read the audit trail": (READERS, lambda g, s, t: g.audit_trail(t["city"])),
    "export the portable file": (READERS, lambda g, s, t: g.export_json(t["submitted"])),
    "export a spreadsheet": (READERS, lambda g, s, t: g.export_xlsx(t["submitted"])),
    "export a CSV table": (READERS, lambda g, s, t: g.export_csv(t["submitted"], "theme_scores")),
    "export the action plan's calendar": (READERS, lambda g, s, t: g.export_calendar(t["city"])),
    "save an answer": (EDITORS, lambda g, s, t: g.save_answer(t["draft"], RecordedAnswer(question_id="Q2.1", level=3))),
    "save many answers": (
        EDITORS,
        lambda g, s, t: g.save_answers(t["draft"], [RecordedAnswer(question_id="Q2.2", level=1)], replace=False),
    ),
    "import answers from CSV": (
        EDITORS,
        lambda g, s, t: g.import_answers_csv(t["draft"], export_csv(s, t["submitted"]), replace=True),
    ),
    "change the city profile": (
        COORDINATORS,
        lambda g, s, t: g.update_city(s.city(t["city"]).model_copy(update={"country": "Sylvania"})),
    ),
    "start an assessment": (
        COORDINATORS,
        lambda g, s, t: g.start_assessment(t["city"], "Another", framework_id=FRAMEWORK),
    ),
    "set targets": (COORDINATORS, lambda g, s, t: g.set_targets(t["draft"], {"T1": 70})),
    "submit": (COORDINATORS, lambda g, s, t: g.submit_assessment(t["draft"])),
    "reopen": (COORDINATORS, lambda g, s, t: g.reopen_assessment(t["submitted"])),
    "delete an assessment": (COORDINATORS, lambda g, s, t: g.delete_assessment(t["draft"], t["draft_title"])),
    "import a file into the city": (COORDINATORS, lambda g, s, t: g.apply_import(g.plan_import(t["file"]))),
    "delete the city": (ADMINS, lambda g, s, t: g.delete_city(t["city"], s.city(t["city"]).name)),
    "make the report": (READERS, lambda g, s, t: g.report_context(t["submitted"])),
    "see the benchmarks": (
        READERS,
        lambda g, s, t: g.benchmark(s.framework_of(s.assessment(t["submitted"])), t["submitted"]),
    ),
    "list the members": (SEERS, lambda g, s, t: Accounts(s).members(t["city"], g.actor)),
    "invite a member": (
        COORDINATORS | ADMINS,
        lambda g, s, t: Accounts(s).invite("new@test.example", "New", t["city"], Role.EDITOR, g.actor),
    ),
    "change a member's role": (
        COORDINATORS | ADMINS,
        lambda g, s, t: Accounts(s).change_role(t["member"], t["city"], Role.EDITOR, g.actor),
    ),
    "remove a member": (
        COORDINATORS | ADMINS,
        lambda g, s, t: Accounts(s).change_role(t["member"], t["city"], None, g.actor),
    ),
}


def _writes(store: Store) -> tuple[int, int]:
    return store.change_count(), len(store.audit_trail())


@pytest.mark.parametrize("target", ["own city", "another city"])
@pytest.mark.parametrize("kind", ACTORS)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_each_operation_is_allowed_exactly_for_the_roles_that_may_do_it(
    world: tuple[Store, dict[str, Any]], operation: str, kind: str, target: str
) -> None:
    store, ids = world
    allowed_roles, run = OPERATIONS[operation]
    city = ids["A"] if target == "own city" else ids["B"]
    member_here = target == "own city" and kind in READERS
    expected = kind in allowed_roles and (member_here or kind == "network admin")
    guarded = GuardedStore(store, _actor(kind, ids))
    if operation == "import a file into the city":
        city = {**city, "file": _file_for(store, city)}  # set-up, before the writes are counted
    before = _writes(store)
    if expected:
        run(guarded, store, city)
    else:
        with pytest.raises(NotAllowed):
            run(guarded, store, city)
        assert _writes(store) == before, "a refused operation wrote something"


@pytest.mark.parametrize("kind", ACTORS)
def test_the_network_overview_is_for_administrators_and_holds_no_answer_or_score(
    world: tuple[Store, dict[str, Any]], kind: str
) -> None:
    store, ids = world
    guarded = GuardedStore(store, _actor(kind, ids))
    if kind != "network admin":
        with pytest.raises(NotAllowed):
            guarded.network_overview()
        return
    overview = {row.name: row for row in guarded.network_overview()}
    assert set(overview) == {"City A", "City B"}
    assert (overview["City A"].drafts, overview["City A"].submitted) == (1, 1)
    fields = set(type(overview["City A"]).__dataclass_fields__)
    assert not fields & {"answers", "score", "scores", "index", "level"}


@pytest.mark.parametrize("kind", ACTORS)
def test_only_a_network_administrator_creates_a_city(world: tuple[Store, dict[str, Any]], kind: str) -> None:
    store, ids = world
    guarded = GuardedStore(store, _actor(kind, ids))
    city = City(name="City C", country="Freedonia", region="europe", population_band="under_100k")
    before = _writes(store)
    if kind == "network admin":
        made = guarded.create_city(city)
        assert Accounts(store).actor(ids["accounts"][kind]).roles == {made.id: Role.COORDINATOR}  # its creator's
    else:
        with pytest.raises(NotAllowed):
            guarded.create_city(city)
        assert _writes(store) == before


@pytest.mark.parametrize("kind", ACTORS)
def test_the_city_list_shows_a_member_only_their_own_city_and_an_administrator_every_city(
    world: tuple[Store, dict[str, Any]], kind: str
) -> None:
    store, ids = world
    names = {c.name for c in GuardedStore(store, _actor(kind, ids)).cities()}
    expected = {"City A", "City B"} if kind == "network admin" else {"City A"} if kind in READERS else set()
    assert names == expected
