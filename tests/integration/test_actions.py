"""The action plan in the store, on SQLite and PostgreSQL: an action's life cycle, who may change it,
a change made against an old version refused, and every change in the audit trail."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from access.roles import NotAllowed
from scoring.actions import Action, ActionStatus, ActionTarget, Priority, plan_progress
from storage.actions import ActionConflict, Actions
from storage.errors import StorageError
from storage.store import Store


def _draft(title: str = "Victim liaison rota") -> Action:
    return Action(
        title=title,
        description="A named officer calls every reporting victim within two days.",
        targets=(ActionTarget(question_id="Q4.2", target_level=3), ActionTarget(question_id="Q12.7")),
        themes=("T4",),
        owner_partner="Victim Support",
        start_on=date(2026, 1, 10),
        due_on=date(2026, 3, 31),
        money_planned=12_000,
        staff_days_planned=40,
        source="Next step of Q4.2",
    )


def test_an_action_is_added_changed_done_and_logged_with_every_change_audited(
    store: Store, team: dict[str, Any]
) -> None:
    plan = Actions(store)
    made = plan.add(team["city"], _draft(), team["Ana"])
    assert made.version == 1 and made.question_ids == ("Q4.2", "Q12.7") and made.targets[0].target_level == 3
    assert [a.title for a in plan.of(team["city"], team["Vic"])] == ["Victim liaison rota"]  # viewers read

    started = plan.change(made.model_copy(update={"status": ActionStatus.IN_PROGRESS}), team["Ben"], "Rota drafted")
    done = plan.change(started.model_copy(update={"status": ActionStatus.DONE, "money_actual": 9_500}), team["Cora"])
    assert done.version == 3 and done.done_on == date.today() and done.money_actual == 9_500
    assert [(u.status, u.text) for u in plan.updates(made.id or 0, team["Vic"])] == [
        (ActionStatus.IN_PROGRESS, "Rota drafted"),
        (ActionStatus.DONE, ""),
    ]
    trail = [e for e in store.audit_trail(city_id=team["city"]) if e.action.startswith("action.")]
    assert [e.action for e in trail] == ["action.add", "action.change", "action.change"]
    assert trail[-1].old_value["status"] == "in_progress" and trail[-1].new_value["status"] == "done"
    assert plan_progress(plan.of(team["city"], team["Cora"]), date(2026, 12, 1))["done"] == 1


def test_a_change_against_an_old_version_is_refused_and_overwrites_nothing(store: Store, team: dict[str, Any]) -> None:
    plan = Actions(store)
    made = plan.add(team["city"], _draft(), team["Ana"])
    plan.change(made.model_copy(update={"title": "Victim liaison rota, all districts"}), team["Ben"])
    with pytest.raises(ActionConflict, match="was changed by Ben"):
        plan.change(made.model_copy(update={"priority": Priority.HIGH}), team["Ana"])
    kept = plan.get(made.id or 0, team["Ana"])
    assert kept.title == "Victim liaison rota, all districts" and kept.priority.value == "medium"


def test_viewers_and_other_cities_cannot_change_the_plan_nor_other_cities_read_it(
    store: Store, team: dict[str, Any]
) -> None:
    plan = Actions(store)
    with pytest.raises(NotAllowed):
        plan.add(team["city"], _draft(), team["Vic"])
    made = plan.add(team["city"], _draft(), team["Cora"])
    for who in ("Vic", "Lea"):
        with pytest.raises(NotAllowed):
            plan.change(made.model_copy(update={"title": "Taken over"}), team[who])
    with pytest.raises(NotAllowed):
        plan.of(team["city"], team["Lea"])
    with pytest.raises(NotAllowed):
        plan.get(made.id or 0, team["Lea"])
    assert plan.get(made.id or 0, team["Cora"]).title == "Victim liaison rota"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"targets": (ActionTarget(question_id="Q99.9"),)}, "Q99.9"),
        ({"themes": ("T99",)}, "T99"),
        ({"owner_partner": "", "owner_account_id": 10_000}, "must be a member of the city"),
        ({"description": "bell \x07"}, "control character"),
    ],
)
def test_an_action_the_framework_or_the_city_cannot_hold_is_refused_and_nothing_written(
    store: Store, team: dict[str, Any], change: dict[str, Any], expected: str
) -> None:
    plan = Actions(store)
    with pytest.raises(StorageError, match=expected):
        plan.add(team["city"], _draft().model_copy(update=change), team["Cora"])
    assert plan.of(team["city"], team["Cora"]) == []
