"""The demo's action plan in the PDF report, full and summary, and an action's hostile text printed, never fetched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from access.roles import Actor, Role
from reporting.context import ReportContext, ReportVariant
from reporting.pdf import ZERO_WIDTH_SPACE, ReportRenderer
from reporting.sources import context_from_facts
from scoring.actions import Action, ActionTarget
from scoring.records import City, RecordedAnswer
from storage.actions import Actions
from storage.facts import report_facts
from storage.store import Store
from tests.integration.conftest import WHEN
from tests.integration.test_report_pdf import CountingHandler, loopback, text_of

__all__ = ["loopback"]  # the fixture, shared with the report's other safety tests


def flat(text: str) -> str:
    """Text without whitespace, so that a title wrapped across lines of its table cell reads as one."""
    return re.sub(r"\s+", "", text.replace(ZERO_WIDTH_SPACE, ""))


def test_the_demo_has_done_late_open_dropped_and_unowned_actions(demo_context: ReportContext) -> None:
    plan, changes = demo_context.plan, demo_context.plan_changes
    assert plan is not None and changes is not None
    assert plan.progress == "2 of 8 actions done, 3 in progress, 1 overdue, 1 dropped"
    listed = [a for p in demo_context.priorities for a in p.actions] + plan.other_open
    owners = {a.owner for a in listed}
    assert "No owner yet" in owners and any("(demo)" in o for o in owners) and "Rosa Sample" in owners
    assert [a.overdue for a in listed].count(True) == 1
    assert [d.moved for d in changes.done] == [[f"{changes.done[0].action.questions[0]} improved"], []]
    assert len(changes.done_without_movement) == 1


@pytest.mark.parametrize("variant", list(ReportVariant))
def test_the_demo_report_lists_open_actions_with_owner_and_due_date(
    renderer: ReportRenderer, demo_pdf: bytes, demo_context: ReportContext, variant: ReportVariant
) -> None:
    pdf = (
        demo_pdf
        if variant is ReportVariant.FULL
        else renderer.render(demo_context.model_copy(update={"variant": variant}))
    )
    text = flat(text_of(pdf))
    assert flat(f"The city's action plan: {demo_context.plan.progress if demo_context.plan else ''}.") in text
    late = next(a for p in demo_context.priorities for a in p.actions if a.overdue)
    other = demo_context.plan.other_open[0] if demo_context.plan else late
    assert flat(f"{late.title}{late.owner}{late.due}{late.status}") in text, late.title  # one row, in order
    questions = ", ".join(other.questions) or "–"  # the other open actions say which questions they address
    assert flat(f"{other.title}{questions}{other.owner}{other.due}{other.status}") in text, other.title
    assert "Overdue" in text and "Otheropenactions" in text
    assert flat("Actions done since the previous assessment") in text and flat("Actions done with no movement") in text


def test_a_hostile_action_title_and_owner_are_printed_not_fetched(
    renderer: ReportRenderer, demo: tuple[Store, int], loopback: str, tmp_path: Path
) -> None:
    store, _ = demo
    city = store.create_city(City(name="Plotville", country="X", region="other", population_band="under_100k"), "T")
    draft = store.start_assessment(city.id or 0, "Hostile plan", "T", framework_id="scn-transatlantic")
    store.save_answer(draft.id or 0, RecordedAnswer(question_id="Q1.1", level=1), "T")
    title = f"<script>alert(1)</script><img src={loopback}/x>"
    lead = Actor(account_id=0, name="T", roles={city.id or 0: Role.COORDINATOR})
    Actions(store).add(
        city.id or 0,
        Action(title=title, targets=(ActionTarget(question_id="Q1.1"),), owner_partner="<img src=http://evil/x>"),
        lead,
    )
    pdf = renderer.render(context_from_facts(report_facts(store, draft.id or 0), now=WHEN))
    assert CountingHandler.hits == []
    assert b"/EmbeddedFile" not in pdf
    text = flat(text_of(pdf))
    assert flat(title) in text and flat("<img src=http://evil/x>") in text  # shown literally
