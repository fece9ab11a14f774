"""The action plan's rules and how it lines up with the change between two assessments."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from pydantic import ValidationError

from scoring.actions import Action, ActionStatus, ActionTarget, actions_beside_changes, plan_progress

TODAY = date(2026, 12, 1)


def _action(n: int, question: str, status: ActionStatus, done_on: date | None = None, **more: object) -> Action:
    return Action(
        id=n, title=f"Action {n}", targets=(ActionTarget(question_id=question),), status=status, done_on=done_on, **more
    )  # type: ignore[arg-type]


def test_an_open_action_past_its_due_date_is_overdue_and_a_done_one_never_is() -> None:
    late = _action(1, "Q1.1", ActionStatus.IN_PROGRESS, due_on=date(2026, 6, 30))
    done = _action(2, "Q1.2", ActionStatus.DONE, date(2026, 7, 2), due_on=date(2026, 6, 30))
    assert late.overdue(TODAY) and not done.overdue(TODAY) and not late.overdue(date(2026, 6, 30))
    assert plan_progress([late, done], TODAY) == {
        "planned": 0, "in_progress": 1, "done": 1, "dropped": 0, "overdue": 1, "total": 2,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"status": "dropped"}, "say why"),
        ({"start_on": date(2026, 5, 1), "due_on": date(2026, 4, 1)}, "due date comes before"),
        ({"owner_account_id": 3, "owner_partner": "Victim Support"}, "one owner"),
        ({"targets": [{"question_id": "Q1.1"}, {"question_id": "Q1.1"}]}, "linked to an action once"),
        ({"targets": [{"question_id": "Q1.1", "target_level": 5}]}, "less than or equal to 4"),
    ],
)
def test_an_action_that_cannot_be_is_refused(fields: dict[str, object], said: str) -> None:
    with pytest.raises(ValidationError, match=said):
        Action.model_validate({"title": "A", **fields})


def test_each_change_is_read_beside_the_actions_done_between_the_two_assessments() -> None:
    items = pd.DataFrame(
        [
            {"question_id": "Q4.2", "before_id": "Q4.2", "before_level": 1, "after_level": 3, "change": "improved"},
            {"question_id": "Q5.1", "before_id": "Q5.1", "before_level": 2, "after_level": 1, "change": "declined"},
            {"question_id": "Q6.1", "before_id": "Q6.1", "before_level": 2, "after_level": 2, "change": "unchanged"},
            {"question_id": "Q7.1", "before_id": "Q7.1", "before_level": 2, "after_level": 2, "change": "unchanged"},
            {"question_id": "Q5.2", "before_id": "Q1.5", "before_level": 0, "after_level": 2, "change": "improved"},
        ]
    )
    plan = [
        _action(1, "Q4.2", ActionStatus.DONE, date(2026, 3, 15)),
        _action(2, "Q6.1", ActionStatus.DONE, date(2026, 4, 1)),
        _action(3, "Q7.1", ActionStatus.DONE, date(2024, 1, 1)),  # done before the earlier assessment
        _action(4, "Q1.5", ActionStatus.DONE, date(2026, 5, 1)),  # linked by the id the earlier version used
        _action(5, "Q5.1", ActionStatus.IN_PROGRESS),
    ]
    read = actions_beside_changes(items, plan, since=date(2025, 11, 1), until=TODAY).set_index("question_id")
    assert read["reading"].to_dict() == {
        "Q4.2": "moved with action",
        "Q5.1": "moved with no action",
        "Q6.1": "action done, no movement",
        "Q7.1": "",
        "Q5.2": "moved with action",
    }
    assert read.loc["Q5.1", "actions"] == (5,) and read.loc["Q5.1", "done"] == ()
    assert read.loc["Q7.1", "actions"] == (3,) and read.loc["Q7.1", "done"] == ()
