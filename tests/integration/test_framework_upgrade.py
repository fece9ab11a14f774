"""Two framework versions installed at once: 1.0.0 assessments stay exactly as answered, and a
2.0.0 assessment started from a 1.0.0 one carries over only the answers that stay comparable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from questionnaire.crosswalk import map_question_ids
from reporting.context import ReportContext, ReportVariant
from reporting.pdf import ReportRenderer, render_html
from reporting.sources import context_from_facts
from storage.facts import report_facts
from storage.store import Store
from storage.tables import audit_events
from tests.integration.conftest import WHEN

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden" / "demo-1.0.0"


def _subset(saved: object, now: object, path: str = "") -> list[str]:
    """Where ``now`` differs from ``saved`` on the keys ``saved`` has (new keys in ``now`` are allowed)."""
    if isinstance(saved, dict) and isinstance(now, dict):
        return [d for key, value in saved.items() for d in _subset(value, now.get(key, "<missing>"), f"{path}/{key}")]
    if isinstance(saved, list) and isinstance(now, list) and len(saved) == len(now):
        return [d for i, (a, b) in enumerate(zip(saved, now, strict=True)) for d in _subset(a, b, f"{path}[{i}]")]
    return [] if saved == now else [f"{path}: {saved!r} became {now!r}"]


@pytest.fixture(scope="module")
def submitted(demo: tuple[Store, int]) -> dict[str, ReportContext]:
    """The reports of the demo city's two 1.0.0 assessments, by the first word of their title."""
    store, draft = demo
    city = store.assessment(draft).city_id or 0
    done = [r for r in store.assessments(city) if r.id != draft]
    return {r.title.split()[0].lower(): context_from_facts(report_facts(store, r.id or 0), now=WHEN) for r in done}


@pytest.mark.parametrize("name", ["baseline", "annual"])
def test_a_1_0_0_assessment_renders_and_scores_exactly_as_before_2_0_0_was_installed(
    submitted: dict[str, ReportContext], name: str
) -> None:
    context = submitted[name]
    assert context.framework_version == "1.0.0"
    saved = json.loads((GOLDEN / f"{name}-context.json").read_text(encoding="utf-8"))
    assert _subset(saved, context.model_dump(mode="json")) == []
    assert render_html(context) == (GOLDEN / f"{name}.html").read_text(encoding="utf-8")


def test_the_demo_shows_the_upgrade_two_1_0_0_assessments_then_a_2_0_0_draft(demo: tuple[Store, int]) -> None:
    store, draft = demo
    records = store.assessments(store.assessment(draft).city_id)
    assert [(r.framework_version, r.status.value) for r in records] == [
        ("1.0.0", "submitted"),
        ("1.0.0", "submitted"),
        ("2.0.0", "draft"),
    ]


def test_a_2_0_0_draft_started_from_1_0_0_carries_only_comparable_answers(demo: tuple[Store, int]) -> None:
    store, draft = demo
    record = store.assessment(draft)
    base = store.assessment(record.based_on or 0)
    framework = store.framework_of(record)
    earlier = store.answers(base.id or 0)
    mapping = map_question_ids(framework, base.framework_version, [a.question_id for a in earlier])
    carried = {a.question_id for a in store.answers(draft) if a.carried_over or a.note.startswith("Demo: improved")}
    assert not mapping.mapped, "the levels changed meaning: no question keeps every answer"
    kept = {mapping.carries(a.question_id, a.level) for a in earlier if a.level == 0} - {None}
    assert carried == kept, "only answers at a level whose meaning did not change (0) are carried"
    assert carried, "the demo's earlier answers include some at level 0 on such questions"
    fresh = {a.question_id for a in store.answers(draft) if a.note.startswith("Demo: answered afresh")}
    assert fresh and not fresh & carried  # answered anew on the new scale, never carried
    assert fresh & set(mapping.afresh()), "some of them replace answers that could not be carried"
    with store.engine.connect() as conn:
        start = conn.execute(
            select(audit_events.c.new_value).where(
                audit_events.c.assessment_id == draft, audit_events.c.action == "assessment.start"
            )
        ).scalar_one()
    assert len(start["left_behind"]) == len(earlier) - len(carried)
    assert start["carried_over"] == len(carried)


def test_the_report_across_versions_says_what_could_be_compared_and_why_not_the_rest(
    demo_context: ReportContext,
) -> None:
    previous = demo_context.previous
    assert previous is not None
    assert (previous.framework_version, demo_context.framework_version) == ("1.0.0", "2.0.0")
    assert previous.scale_changed
    assert 0 < previous.comparable_share < 0.5
    kinds = {c.change for c in demo_context.item_changes}
    assert {"not comparable", "question added", "question removed"} <= kinds
    merged = [c for c in demo_context.item_changes if c.before_id and c.question_id and c.before_id != c.question_id]
    assert merged and all(f"(was {c.before_id})" in c.label for c in merged)
    html = render_html(demo_context)
    assert "answered on version 1.0.0 of the framework, this one on 2.0.0" in html
    assert "sit on different scales" in html
    assert "What this framework can claim." in html and "does not necessarily reflect the views" in html
    assert "<b>Weights.</b> A question weighs 1.5 where the briefs call its practice essential" in html
    assert all(c.delta is None for c in demo_context.theme_changes)  # two scales: nothing subtracted
    assert previous.overall_delta is None


def test_the_pdf_across_versions_carries_the_scale_change_note(demo_pdf: bytes) -> None:
    from tests.integration.test_report_pdf import text_of

    text = " ".join(text_of(demo_pdf).split())
    assert "answered on version 1.0.0 of the framework, this one on 2.0.0" in text
    assert "not comparable" in text


def test_a_1_0_0_file_imports_on_1_0_0_exactly_as_answered(
    demo: tuple[Store, int], sqlite_url: str, frameworks
) -> None:
    from storage.transfer import apply_import, export_json, plan_import

    store, draft = demo
    review = store.assessment(store.assessment(draft).based_on or 0)
    data = export_json(store, review.id or 0)
    fresh = Store.open(sqlite_url, frameworks)
    plan = plan_import(fresh, data)
    assert plan.framework.version == "1.0.0" and plan.left_behind == []
    imported = apply_import(fresh, plan, "Tester")
    assert imported.framework_version == "1.0.0"
    back, sent = json.loads(export_json(fresh, imported.id or 0)), json.loads(data)
    for action in sent["actions"]:  # the fresh store has none of the demo's members: their actions keep a name
        if (action["owner"] or {}).get("kind") == "member":
            action["owner"]["kind"] = "partner"
    assert sent["actions"] and {k: v for k, v in back.items() if k != "integrity"} == {
        k: v for k, v in sent.items() if k != "integrity"
    }  # the same file back
    fresh.engine.dispose()


def test_the_summary_across_versions_lists_the_compared_questions_and_counts_the_others(
    renderer: ReportRenderer, demo_context: ReportContext, demo_pdf: bytes
) -> None:
    from tests.integration.test_report_pdf import text_of

    kinds = [i.change for i in demo_context.item_changes]
    uncompared = {k: kinds.count(k) for k in ("not comparable", "question added", "question removed")}
    assert uncompared["not comparable"] > 1 and uncompared["question added"] > 1  # the demo crosses versions
    summary = renderer.render(demo_context.model_copy(update={"variant": ReportVariant.SUMMARY}))
    text, full = " ".join(text_of(summary).split()), " ".join(text_of(demo_pdf).split())
    assert (
        f"Not listed in this summary: {uncompared['not comparable']} questions that could not be compared across "
        f"the two framework versions, {uncompared['question added']} new questions"
    ) in text
    assert "question added" not in text and "not comparable" not in text  # no such row, and no note naming them
    assert full.count("question added") >= uncompared["question added"]  # the full report lists each one
    compared = [i for i in demo_context.item_changes if i.change not in uncompared]
    for item in compared:
        assert f"{item.label} {item.before} {item.after} {item.change}" in text
