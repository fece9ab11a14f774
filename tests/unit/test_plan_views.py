"""The Plan page's reading of the actions (rows, filters, overdue), the timeline of due dates, and the
action proposed from a next step."""

from __future__ import annotations

from datetime import date

import pytest

from reporting.figures import TIMELINE_ROWS, plan_timeline
from scoring.actions import Action, ActionStatus, Priority
from scoring.plan import NO_OWNER, action_from_step, filter_plan, owner_of, plan_rows, shorten

TODAY = date(2026, 12, 3)
THEME_OF = {"Q1.1": "T1", "Q1.2": "T1", "Q4.2": "T4"}


def act(number: int, **fields: object) -> Action:
    return Action.model_validate({"id": number, "title": f"Action {number}", **fields})


PLAN = [
    act(1, targets=[{"question_id": "Q1.1", "target_level": 3}], due_on=date(2026, 11, 1), owner_account_id=7),
    act(2, themes=["T4"], owner_partner="Youth Trust", due_on=date(2027, 2, 1), start_on=date(2026, 10, 1)),
    act(3, targets=[{"question_id": "Q4.2"}], status="done", due_on=date(2026, 10, 1)),
    act(4, status="dropped", dropped_reason="Merged into 1"),
    act(5, owner_account_id=99, status="in_progress"),
]


def test_rows_come_soonest_due_first_with_undated_actions_last() -> None:
    rows = plan_rows(PLAN, {7: "Cora Lead"}, THEME_OF, TODAY)
    assert list(rows["id"]) == [3, 1, 2, 4, 5]


def test_only_an_open_action_past_its_due_date_is_overdue() -> None:
    rows = plan_rows(PLAN, {}, THEME_OF, TODAY).set_index("id")
    assert rows["overdue"].to_dict() == {3: False, 1: True, 2: False, 4: False, 5: False}
    assert not plan_rows(PLAN, {}, THEME_OF, date(2026, 10, 31)).set_index("id").loc[1, "overdue"]


def test_an_owner_is_a_member_a_partner_a_former_member_or_nobody() -> None:
    owners = {7: "Cora Lead"}
    assert [owner_of(a, owners) for a in PLAN] == [
        "Cora Lead",
        "Youth Trust",
        NO_OWNER,
        NO_OWNER,
        "Former member (account 99)",
    ]


def test_an_action_addresses_the_themes_it_names_and_those_of_its_questions() -> None:
    rows = plan_rows(PLAN, {}, THEME_OF, TODAY).set_index("id")
    assert rows.loc[1, "themes"] == ("T1",) and rows.loc[2, "themes"] == ("T4",) and rows.loc[3, "themes"] == ("T4",)
    assert rows.loc[1, "questions"] == "Q1.1 → level 3" and rows.loc[3, "questions"] == "Q4.2"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, [3, 1, 2, 4, 5]),
        ({"themes": ["T4"]}, [3, 2]),
        ({"themes": ["T1", "T4"]}, [3, 1, 2]),
        ({"owners": ["Youth Trust", NO_OWNER]}, [3, 2, 4]),
        ({"statuses": ["done", "dropped"]}, [3, 4]),
        ({"themes": ["T4"], "statuses": ["planned"]}, [2]),
        ({"overdue_only": True}, [1]),
    ],
)
def test_the_filters_narrow_the_plan_and_combine(filters: dict[str, object], expected: list[int]) -> None:
    rows = plan_rows(PLAN, {}, THEME_OF, TODAY)
    assert list(filter_plan(rows, **filters)["id"]) == expected  # type: ignore[arg-type]


def test_the_timeline_marks_each_dated_action_by_kind_and_leaves_out_dropped_and_undated_ones() -> None:
    figure = plan_timeline(plan_rows(PLAN, {}, THEME_OF, TODAY), TODAY)
    assert figure is not None
    marks = {t.name: list(t.y) for t in figure.data if t.mode == "markers"}
    assert marks == {"Overdue": ["#1 Action 1"], "Planned": ["#2 Action 2"], "Done": ["#3 Action 3"]}
    spans = [list(t.x) for t in figure.data if t.mode == "lines"]
    assert spans == [[date(2026, 10, 1), date(2027, 2, 1)]]  # only action 2 has a start
    low, high = figure.layout.xaxis.range
    assert date.fromisoformat(str(low)[:10]) < date(2026, 10, 1)
    assert date.fromisoformat(str(high)[:10]) > date(2027, 2, 1)


def test_the_timeline_shows_the_actions_due_soonest_and_none_without_a_due_date() -> None:
    many = [act(n, due_on=date(2027, 1, 1 + n % 28)) for n in range(1, 120)]
    figure = plan_timeline(plan_rows(many, {}, {}, TODAY), TODAY)
    assert figure is not None
    assert sum(len(t.y) for t in figure.data if t.mode == "markers") == TIMELINE_ROWS
    assert plan_timeline(plan_rows([act(1)], {}, {}, TODAY), TODAY) is None


def test_a_proposed_action_carries_the_next_step_the_aimed_level_and_the_practice() -> None:
    step = "The city runs a victim liaison rota with named officers, reviewed every year " * 3
    proposed = action_from_step(
        question_id="Q4.2",
        question_text="Does the city support victims of hate incidents?",
        theme_id="T4",
        level=1,
        target_level=3,
        next_step=step,
        rank=1,
        practice="Hate crime hubs (Leeds, United Kingdom)",
        practice_summary="One place to report.",
    )
    assert len(proposed.title) <= 120 and proposed.title.startswith("Q4.2: The city runs a victim liaison rota")
    assert proposed.title.endswith("…")
    assert [(t.question_id, t.target_level) for t in proposed.targets] == [("Q4.2", 3)]
    assert proposed.themes == ("T4",) and proposed.priority is Priority.HIGH
    assert proposed.status is ActionStatus.PLANNED and proposed.id is None
    assert "Next step (level 2)" in proposed.description and "Hate crime hubs (Leeds" in proposed.description
    assert proposed.source == "Next step of Q4.2; practice: Hate crime hubs (Leeds, United Kingdom)"


def test_a_proposed_action_without_a_target_aims_for_the_next_level_at_medium_priority() -> None:
    proposed = action_from_step(
        question_id="Q1.2", question_text="Text", theme_id="T1", level=0, target_level=None, next_step="Do it", rank=4
    )
    assert proposed.targets[0].target_level == 1 and proposed.priority is Priority.MEDIUM
    assert proposed.source == "Next step of Q1.2" and "practice" not in proposed.description


def test_shortening_keeps_whole_words_and_one_line() -> None:
    assert shorten("a  short\ntext", 40) == "a short text"
    assert shorten("one two three four", 12) == "one two…"
