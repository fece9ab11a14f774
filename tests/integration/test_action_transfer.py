"""The city's action plan in and out of the store, on SQLite and PostgreSQL: in the portable file (owners by
name, matched on import, duplicates left out, bad questions refused with nothing written), as a
spreadsheet table with formulas neutralised, and as a calendar only the city's members may have."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from access.accounts import Accounts
from access.guard import GuardedStore
from access.roles import NotAllowed, Role
from questionnaire.model import Framework
from scoring.actions import Action, ActionStatus, ActionTarget, Priority
from scoring.plan import NO_OWNER
from scoring.records import City
from storage.actions import Actions
from storage.errors import ImportRefused
from storage.migrate import upgrade_database
from storage.store import Store
from storage.tables import action_targets, action_updates, actions, answers, assessments, audit_events, cities
from storage.transfer import (
    apply_import,
    export_calendar,
    export_csv,
    export_json,
    export_tables,
    export_xlsx,
    plan_import,
)
from tests.files import riverton_plan, signed

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "assessment-file.schema.json").read_text("utf-8"))
HOSTILE = '=HYPERLINK("http://x","y")'
RIVERTON = City(name="Riverton", country="Freedonia", region="europe", population_band="100k_500k")


def _counts(store: Store) -> tuple[int, ...]:
    with store.engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (cities, assessments, answers, audit_events, actions, action_targets, action_updates)
        )


def _fresh(tmp_path: Path, frameworks: dict[str, Framework], name: str = "other") -> Store:
    url = f"sqlite:///{tmp_path / f'{name}.db'}"
    upgrade_database(url)
    return Store.open(url, frameworks)


@pytest.fixture
def planned(store: Store, team: dict[str, Any]) -> dict[str, Any]:
    """Riverton's plan: Ana's action in progress with a log line, a partner's, one with no owner, one done."""
    plan = Actions(store)
    city = team["city"]
    rota = plan.add(
        city,
        Action(
            title="Victim liaison rota",
            description="A named officer calls every victim.\nWithin two days.",
            targets=(ActionTarget(question_id="Q4.2", target_level=3), ActionTarget(question_id="Q12.7")),
            themes=("T4",),
            owner_account_id=team["Ana"].account_id,
            start_on=date(2026, 1, 10),
            due_on=date(2026, 3, 31),
            priority=Priority.HIGH,
            money_planned=12_000,
            staff_days_planned=40,
            source="Next step of Q4.2",
        ),
        team["Ana"],
    )
    plan.change(rota.model_copy(update={"status": ActionStatus.IN_PROGRESS}), team["Ana"], "Rota drafted")
    plan.add(
        city,
        Action(title=HOSTILE, owner_partner="Victim Support", due_on=date(2026, 5, 1), description="-5% budget"),
        team["Cora"],
    )
    plan.add(city, Action(title="Unowned", targets=(ActionTarget(question_id="Q1.1"),)), team["Cora"])
    plan.add(city, Action(title="Done already", status=ActionStatus.DONE, done_on=date(2026, 2, 1)), team["Cora"])
    return team


def _shape(found: list[Action]) -> list[tuple[Any, ...]]:
    return [(a.title, a.targets, a.themes, a.status, a.due_on, a.done_on, a.money_planned) for a in found]


def test_the_plan_travels_in_the_file_and_a_member_owner_is_matched_by_name(
    store: Store, planned: dict[str, Any], tmp_path: Path, frameworks: dict[str, Framework]
) -> None:
    data = export_json(store, planned["draft"])
    content = json.loads(data)
    assert content["format_version"] == 3 and len(content["actions"]) == 4
    jsonschema.validate(content, SCHEMA)
    assert content["actions"][0]["owner"] == {"kind": "member", "name": "Ana"}
    assert "account" not in data.decode()
    assert [a["owner"] for a in content["actions"][1:]] == [{"kind": "partner", "name": "Victim Support"}, None, None]
    assert content["actions"][0]["updates"][0]["text"] == "Rota drafted"

    other = _fresh(tmp_path, frameworks)
    city = other.create_city(RIVERTON, "Set-up")
    people = Accounts(other)
    ana = people.add("ana@elsewhere.example", "Ana", "Set-up")
    people.add_member(ana.id, city.id or 0, Role.EDITOR, "Set-up")
    plan = plan_import(other, data)
    assert len(plan.actions) == 4 and "4 action(s) of the city's plan come with it" in " ".join(plan.describe())
    apply_import(other, plan, "Importer")

    coordinator = people.actor(ana.id)
    found = Actions(other).of(city.id or 0, coordinator)
    assert _shape(found) == _shape(Actions(store).of(planned["city"], planned["Cora"]))
    assert [(a.owner_account_id, a.owner_partner) for a in found] == [
        (ana.id, ""),
        (None, "Victim Support"),
        (None, ""),
        (None, ""),
    ]
    assert [u.text for u in Actions(other).updates(found[0].id or 0, coordinator)] == ["Rota drafted"]
    assert found[0].updated_by == "Ana <ana@riverton.example>"  # who last changed it, as in the file
    assert other.audit_trail(city_id=city.id)[-1].new_value["actions"] == 4


def test_with_no_member_of_that_name_the_owner_is_kept_as_a_name_and_the_file_comes_back_the_same(
    store: Store, planned: dict[str, Any], tmp_path: Path, frameworks: dict[str, Framework]
) -> None:
    data = export_json(store, planned["draft"])
    other = _fresh(tmp_path, frameworks)
    imported = apply_import(other, plan_import(other, data), "Importer")
    found, _ = Actions(other).held(imported.city_id or 0)
    assert [(a.owner_account_id, a.owner_partner) for a in found][:2] == [(None, "Ana"), (None, "Victim Support")]
    again = json.loads(export_json(other, imported.id or 0))
    first = json.loads(data)
    first["actions"][0]["owner"]["kind"] = "partner"  # nobody called Ana is a member there
    assert again["actions"] == first["actions"]


def test_actions_already_in_the_plan_are_left_out_and_only_new_ones_added(
    store: Store, planned: dict[str, Any]
) -> None:
    content = json.loads(export_json(store, planned["draft"]))
    content.pop("integrity")
    content["actions"][1]["title"] = "A new action"
    content["actions"][2]["title"] = "  UNOWNED "  # the same title, written otherwise
    plan = plan_import(store, signed(content))
    assert [a.title for a in plan.actions] == ["A new action"]
    assert plan.actions_left_out == ["Victim liaison rota", "UNOWNED", "Done already"]
    assert "3 action(s) are already in the city's plan and are left out" in " ".join(plan.describe())
    apply_import(store, plan, "Cora")
    titles = [a.title for a in Actions(store).of(planned["city"], planned["Cora"])]
    assert sorted(titles) == sorted(["Victim liaison rota", HOSTILE, "Unowned", "Done already", "A new action"])


def test_an_assessment_of_an_earlier_version_brings_actions_linked_to_todays_questions(
    store: Store, tmp_path: Path, frameworks: dict[str, Framework]
) -> None:
    """A plan outlives its assessment: a 1.0.0 file may carry an action on Q12.7, which only 2.0.0 has."""
    content = riverton_plan()
    assert content["framework"]["version"] == "1.0.0"
    content["actions"][0]["targets"].append({"question_id": "Q12.7", "target_level": 2})
    other = _fresh(tmp_path, frameworks)
    record = apply_import(other, plan_import(other, signed(content)), "Importer")
    assert record.framework_version == "1.0.0"
    imported = {a.title: a for a in Actions(other).held(record.city_id or 0)[0]}
    assert imported["Hate-crime reporting in every district"].question_ids == ("Q7.1", "Q7.2", "Q12.7")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda a: a["targets"][0].update(question_id="Q99.9"), "no installed framework has the question Q99.9"),
        (lambda a: a.update(themes=["T99"]), "no installed framework has the theme(s) T99"),
        (lambda a: a.update(due_on="2025-01-01"), "due (due_on) before it starts"),
        (lambda a: a["owner"].update(name="Ana\nBEGIN"), "fit on one line"),
    ],
)
def test_an_action_the_framework_cannot_hold_refuses_the_whole_file_and_writes_nothing(
    store: Store, planned: dict[str, Any], tmp_path: Path, frameworks: dict[str, Framework], change, expected
) -> None:  # type: ignore[no-untyped-def]
    content = json.loads(export_json(store, planned["draft"]))
    content.pop("integrity")
    change(content["actions"][0])
    other = _fresh(tmp_path, frameworks)
    before = _counts(other)
    with pytest.raises(ImportRefused) as caught:
        apply_import(other, plan_import(other, signed(content)), "Importer")
    assert expected in str(caught.value) and "Traceback" not in str(caught.value)
    assert _counts(other) == before


def test_a_file_without_actions_is_written_as_before(store: Store, team: dict[str, Any]) -> None:
    content = json.loads(export_json(store, team["draft"]))
    assert content["format_version"] == 1 and "actions" not in content


def test_the_actions_table_names_owners_and_neutralises_formulas_in_csv_and_xlsx(
    store: Store, planned: dict[str, Any]
) -> None:
    table = export_tables(store, planned["draft"])["actions"]
    assert list(table["owner"]) == ["Ana", "Victim Support", NO_OWNER, NO_OWNER]
    assert table["questions"][0] == "Q4.2→3; Q12.7" and table["themes"][0] == "T12; T4"
    assert list(table.columns[:4]) == ["city", "assessment", "id", "title"]

    rows = list(csv.DictReader(io.StringIO(export_csv(store, planned["draft"], "actions").decode("utf-8-sig"))))
    assert rows[1]["title"] == "'" + HOSTILE and rows[1]["description"] == "'-5% budget"
    assert rows[0]["status"] == "in_progress" and rows[0]["due_on"] == "2026-03-31"

    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(store, planned["draft"])))
    sheet = book["Actions"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    hostile = [c for c in cells if c.value == HOSTILE]
    assert hostile and all(c.data_type == "s" and c.quotePrefix for c in hostile)


def test_the_calendar_holds_the_open_dated_actions_for_members_only(store: Store, planned: dict[str, Any]) -> None:
    data = GuardedStore(store, planned["Vic"]).export_calendar(planned["city"])
    events = list(Calendar.from_ical(data).walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == ["Victim liaison rota", HOSTILE]
    assert "Owner: Ana" in str(events[0]["DESCRIPTION"])
    assert str(Calendar.from_ical(data)["X-WR-CALNAME"]) == "Riverton: action plan"
    when = datetime(2026, 4, 1, tzinfo=UTC)
    assert export_calendar(store, planned["city"], planned["Cora"], when) == export_calendar(
        store, planned["city"], planned["Ana"], when
    )
    with pytest.raises(NotAllowed):
        GuardedStore(store, planned["Lea"]).export_calendar(planned["city"])
