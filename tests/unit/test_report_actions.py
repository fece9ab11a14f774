"""The action plan in the report: open actions under each priority, the plan's progress, and the change
since the previous assessment set beside the actions done in between."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest

from questionnaire.loader import load_frameworks
from questionnaire.model import Framework
from reporting.context import ReportContext, ReportVariant, build_context
from reporting.pdf import render_html
from scoring.actions import Action, ActionTarget
from scoring.plan import NO_OWNER
from scoring.records import AssessmentRecord, City, RecordedAnswer

WHEN = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
TODAY = date(2026, 5, 4)
OWNERS = {7: "Ana Ruiz"}


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_frameworks()["scn-transatlantic"]


def report(framework: Framework, actions: Sequence[Action] = (), earlier: bool = True) -> ReportContext:
    """Riverton's 2026 assessment (question ``i`` at level ``i % 5``), one level up on 2025's where it could be."""
    city = City(name="Riverton", country="Fictional", region="europe", population_band="100k_500k")
    record = AssessmentRecord(
        framework_id=framework.id, framework_version=framework.version, title="2026", started_at=WHEN
    )
    given = [RecordedAnswer(question_id=q.id, level=i % 5) for i, q in enumerate(framework.questions)]
    before = AssessmentRecord(
        framework_id=framework.id,
        framework_version=framework.version,
        title="2025",
        started_at=WHEN.replace(year=2025),
        status="submitted",
    )
    history = [(before, [a.model_copy(update={"level": max(0, (a.level or 0) - 1)}) for a in given])]
    return build_context(
        framework,
        city,
        record,
        given,
        history if earlier else [],
        generated_at=WHEN,
        actions=actions,
        owners=OWNERS,
        today=TODAY,
    )


def on(question_id: str) -> tuple[ActionTarget, ...]:
    return (ActionTarget(question_id=question_id),)


@pytest.fixture(scope="module")
def plan(framework: Framework) -> dict[str, Action]:
    """Six actions: done on a question that moved, done on one that stayed, done long ago on one that moved,
    open and late in the top priority, open on nothing, and dropped."""
    levels = {q.id: i % 5 for i, q in enumerate(framework.questions)}
    moved = [q for q, level in levels.items() if level > 0]
    stayed = [q for q, level in levels.items() if level == 0]
    top = report(framework).priorities[0]
    theme = next(t for t in framework.themes if t.id == top.theme_id)
    return {
        "moved": Action(
            id=1, title="Train the crisis cell", targets=on(moved[0]), status="done", done_on=date(2025, 10, 1)
        ),
        "stayed": Action(
            id=2, title="Brief the schools", targets=on(stayed[0]), status="done", done_on=date(2026, 1, 15)
        ),
        "long_ago": Action(
            id=3, title="Old work", targets=on(moved[1]), status="done", done_on=date(2024, 1, 1), owner_account_id=7
        ),
        "late": Action(
            id=4,
            title="Agree the protocol",
            targets=on(theme.questions[0].id),
            status="in_progress",
            due_on=date(2026, 4, 1),
            owner_account_id=7,
        ),
        "loose": Action(id=5, title="Report to the council", owner_partner="Regional board", due_on=date(2026, 9, 1)),
        "dropped": Action(
            id=6, title="Dropped idea", targets=on(theme.questions[0].id), status="dropped", dropped_reason="Merged."
        ),
    }


def test_each_priority_lists_its_open_actions_with_owner_due_date_and_status(
    framework: Framework, plan: dict[str, Action]
) -> None:
    context = report(framework, list(plan.values()))
    top = context.priorities[0]
    assert [a.title for a in top.actions] == ["Agree the protocol"]  # the dropped one on the same question is not open
    (row,) = top.actions
    assert (row.owner, row.due, row.status, row.overdue) == ("Ana Ruiz", "2026-04-01", "In progress", True)
    listed = {a.title for p in context.priorities for a in p.actions}
    assert listed.isdisjoint({"Train the crisis cell", "Brief the schools", "Old work", "Dropped idea"})


def test_open_actions_that_no_priority_holds_are_listed_apart(framework: Framework, plan: dict[str, Action]) -> None:
    context = report(framework, list(plan.values()))
    assert context.plan is not None
    (loose,) = context.plan.other_open
    assert (loose.title, loose.owner, loose.due, loose.overdue) == (
        "Report to the council",
        "Regional board",
        "2026-09-01",
        False,
    )


def test_the_plan_says_how_far_it_has_got_as_of_the_day_given(framework: Framework, plan: dict[str, Action]) -> None:
    context = report(framework, list(plan.values()))
    assert context.plan is not None
    assert context.plan.progress == "3 of 6 actions done, 1 in progress, 1 overdue, 1 dropped"
    sooner = build_context(
        framework,
        City(name="Riverton", country="Fictional", region="europe", population_band="100k_500k"),
        AssessmentRecord(framework_id=framework.id, framework_version=framework.version, title="2026", started_at=WHEN),
        [],
        generated_at=WHEN,
        actions=[plan["late"], plan["loose"]],
        today=date(2026, 3, 1),
    )
    assert sooner.plan is not None and sooner.plan.progress == "0 of 2 actions done, 1 in progress"
    assert sooner.plan.other_open[-1].owner == "Regional board"
    assert [a.owner for a in sooner.plan.other_open + [r for p in sooner.priorities for r in p.actions]].count(
        "Former member (account 7)"
    ) == 1  # an owner not among the members is still named
    assert NO_OWNER == "No owner yet"


def test_the_change_section_reads_the_plan_three_ways(framework: Framework, plan: dict[str, Action]) -> None:
    context = report(framework, list(plan.values()))
    changes = context.plan_changes
    assert changes is not None
    moved_id, stayed_id, old_id = (plan[k].targets[0].question_id for k in ("moved", "stayed", "long_ago"))
    assert [(d.action.title, d.moved) for d in changes.done] == [
        ("Train the crisis cell", [f"{moved_id} improved"]),
        ("Brief the schools", []),
    ]  # done between the two assessments, soonest first; "Old work" was done before the earlier one
    assert [d.action.title for d in changes.done_without_movement] == ["Brief the schools"]
    assert changes.done_without_movement[0].action.questions == [stayed_id]
    unmatched = [i.question_id for i in changes.moved_without_action]
    assert old_id in unmatched and moved_id not in unmatched
    assert all(i.change in ("improved", "declined") for i in changes.moved_without_action)
    titles = {i.question_id: i.actions for i in context.item_changes}
    assert titles[moved_id] == ["Train the crisis cell (done)"] and titles[old_id] == ["Old work (done)"]


def test_without_a_plan_nothing_about_actions_is_added(framework: Framework) -> None:
    context = report(framework)
    assert context.plan is None and context.plan_changes is None
    assert all(p.actions == [] for p in context.priorities) and all(i.actions == [] for i in context.item_changes)
    html = render_html(context)
    assert "Open action" not in html and "Linked actions" not in html and "Actions done" not in html


def test_without_a_previous_assessment_the_plan_is_shown_and_no_change_reading(
    framework: Framework, plan: dict[str, Action]
) -> None:
    context = report(framework, list(plan.values()), earlier=False)
    assert context.plan is not None and context.plan_changes is None
    html = render_html(context)
    assert "3 of 6 actions done" in html and "Other open actions" in html and "Actions done since" not in html


@pytest.mark.parametrize("variant", list(ReportVariant))
def test_both_variants_show_the_plan_and_its_readings(
    framework: Framework, plan: dict[str, Action], variant: ReportVariant
) -> None:
    context = report(framework, list(plan.values())).model_copy(update={"variant": variant})
    html = render_html(context)
    for shown in (
        "The city's action plan: 3 of 6 actions done",
        "Agree the protocol",
        "Ana Ruiz",
        "2026-04-01",
        "Overdue",
        "Other open actions",
        "Report to the council",
        "Actions done since the previous assessment",
        "Questions that moved with no action",
        "Actions done with no movement",
        "Brief the schools",
        "Linked actions",
    ):
        assert shown in html, shown


def test_an_action_title_is_printed_literally_never_as_markup(framework: Framework, plan: dict[str, Action]) -> None:
    hostile = "<script>alert(1)</script><img src=http://evil/x>"
    action = plan["late"].model_copy(update={"title": hostile, "owner_account_id": None, "owner_partner": hostile})
    html = render_html(report(framework, [action, plan["moved"]]))
    assert "<script>alert(1)" not in html and "<img src=http://evil" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=http://evil/x&gt;" in html
