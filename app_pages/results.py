"""Results: where the city stands theme by theme, its gaps to its targets, and practices to learn from."""

from typing import Any

import pandas as pd
import streamlit as st

from access.roles import Operation
from app_pages.common import (
    OPEN_ACTION_KEY,
    PAGES,
    actions,
    actor,
    allowed,
    attempt,
    md,
    remembered,
    require_assessment,
    show_chart,
    status_label,
    store,
)
from reporting import figures
from reporting.context import QuestionRow, ReportContext
from scoring.bands import format_points
from scoring.plan import action_from_step

SAVED_KEY = "results_targets_saved"
ADDED_KEY = "results_added_action"
STEPS_SHOWN = 5  # priority themes whose next steps are listed


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def worked_out(assessment_id: int) -> tuple[ReportContext, dict[str, Any]]:
    """The assessment's scores, gaps and practices, and the three charts drawn from them."""
    context = store().report_context(assessment_id)
    charts = {"radar": figures.radar(context), "bars": figures.bars(context), "heatmap": figures.heatmap(context)}
    return context, charts


st.title("Results")
record = require_assessment("to see its results")
context, charts = remembered(f"results_{record.id}", lambda: worked_out(record.id or 0))

st.caption(f"{md(context.city_name)} · {md(context.title)} · {status_label(record)}")

index, completeness, evidence, conservative = st.columns(4)
previous = context.previous
delta = previous.overall_delta if previous else None
index.metric(
    "Overall index (0–100)",
    format_points(context.overall_index),
    delta=None if delta is None else format_points(delta, signed=True),
    help="Change since the previous submitted assessment." if delta is not None else None,
)
completeness.metric(
    "Questions answered", _share(context.completeness), help=f"{context.answered} of {context.applicable}"
)
evidence.metric("Answers with evidence", _share(context.evidence_coverage))
conservative.metric(
    "Conservative index", format_points(context.conservative), help="Unanswered questions counted as level 0."
)
st.markdown(f"Band: **{context.overall_band or 'not enough answers yet'}**. {context.overall_band_meaning}")
if previous:
    st.caption(f"Compared with **{md(previous.title)}**, started {previous.started_on:%Y-%m-%d}.")

for chart_id, figure in charts.items():
    show_chart(figure, f"results_chart_{chart_id}")

st.header("Priorities")
st.caption("Themes below their target, the largest gaps in the themes that matter most to the city first.")
if context.priorities:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Rank": p.rank,
                    "Theme": p.theme_title,
                    "Score": p.score,
                    "Target": p.target,
                    "Gap": p.gap,
                    "Priority": round(p.priority, 2),
                    "Why": p.explanation,
                }
                for p in context.priorities
            ]
        ),
        hide_index=True,
        width="stretch",
    )
else:
    st.success("No scored theme is below its target: there is no gap to close.")


def add_to_plan(question: QuestionRow, theme_id: str, rank: int) -> None:
    """Add the action proposed for ``question``'s next step (and its theme's first matched practice)."""
    person = actor()
    group = next((g for g in context.practices if g.theme_id == theme_id), None)
    practice = group.items[0] if group and group.items else None
    proposed = action_from_step(
        question_id=question.id,
        question_text=question.text,
        theme_id=theme_id,
        level=question.level,
        target_level=None if question.target_level is None else int(question.target_level),
        next_step=question.next_step or "",
        rank=rank,
        practice="" if practice is None else practice.title + (f" ({practice.city})" if practice.city else ""),
        practice_summary="" if practice is None else practice.summary[:600],
    )
    if person is not None and (
        made := attempt(lambda: actions().add(record.city_id or 0, proposed, person), "The action was not added")
    ):
        st.session_state[ADDED_KEY] = made.id
        st.session_state[OPEN_ACTION_KEY] = made.id
        st.rerun()


if context.priorities:
    st.header("Next steps")
    st.caption(
        "For each question below its theme's target, the step to the next level. Adding one to the action plan "
        "fills in the step, the level to aim for and the practice matched to the theme; the team then sets an "
        "owner and a due date on the Plan page."
    )
    if (added := st.session_state.pop(ADDED_KEY, None)) is not None:
        st.success(f"Action #{added} was added to the plan. Open it on the Plan page to set its owner and due date.")
        st.page_link(PAGES["plan"], label="Open the action plan", icon=":material/task_alt:")
    may_add = allowed(Operation.ANSWER, record.city_id)
    person = actor()
    planned = {
        q: a for a in (actions().of(record.city_id or 0, person) if person else []) if a.open for q in a.question_ids
    }
    by_theme = {t.id: t for t in context.themes}
    for priority in context.priorities[:STEPS_SHOWN]:
        steps = [q for q in by_theme[priority.theme_id].questions if q.below_target and q.next_step]
        if not steps:
            continue
        st.subheader(f"{priority.rank}. {priority.theme_id} · {priority.theme_title}")
        for question in steps:
            with st.container(border=True):
                st.markdown(f"**{question.id}** {question.text}")
                st.markdown(f"Now: {question.answer}. Next step: {question.next_step}")
                if question.id in planned:
                    already = planned[question.id]
                    st.caption(f"In the plan: #{already.id} {md(already.title)}")
                elif may_add and st.button(
                    "Add to the plan",
                    key=f"results_plan_{question.id}",
                    icon=":material/add_task:",
                    help="Creates an action from this next step; you can change every field on the Plan page.",
                ):
                    add_to_plan(question, priority.theme_id, priority.rank)

st.header("Targets")
st.caption(
    "Unless the team sets one, a theme's target is the lowest score of the next band up. "
    "Targets can be changed at any time, also after the assessment is submitted."
)
if st.session_state.pop(SAVED_KEY, False):
    st.success("The targets were saved.")
if not allowed(Operation.MANAGE_ASSESSMENTS, record.city_id):
    st.caption("The city's coordinators set the targets.")
else:
    shown = {t.id: None if t.target is None else round(t.target) for t in context.themes}
    chosen: dict[str, int | float | None] = {}
    with st.form("results_targets"):
        columns = st.columns(3)
        for position, theme in enumerate(context.themes):
            chosen[theme.id] = columns[position % 3].number_input(
                f"{theme.id} · {theme.title}",
                min_value=0,
                max_value=100,
                step=5,
                value=shown[theme.id],
                key=f"results_target_{theme.id}",
                help=f"Now {theme.target_source}." if theme.target is not None else "No target yet.",
            )
        submitted = st.form_submit_button("Save the targets", type="primary")
    if submitted:
        targets = dict(record.targets)
        targets.update({k: float(v) for k, v in chosen.items() if v is not None and v != shown[k]})
        if targets == record.targets:
            st.info("No target was changed.")
        elif attempt(lambda: store().set_targets(record.id or 0, targets), "The targets were not saved"):
            st.session_state[SAVED_KEY] = True
            st.rerun()

st.header("Practices to learn from")
st.caption(context.practices_note)
for group in context.practices:
    with st.expander(group.theme_title):
        for item in group.items:
            st.markdown(f"**{md(item.title)}**" + (f" · {md(item.city)}" if item.city else ""))
            st.markdown(md(item.summary))
            st.caption(f"Why this one: {md(item.reason)}")
            for note in item.notes:
                st.caption(f"Note: {md(note)}")
            st.caption(f"Source: {md(item.source)}")
        if group.talk_to:
            st.markdown("**Cities to talk to** (they share their results)")
            for peer in group.talk_to:
                st.markdown(f"{md(peer.city)}, {md(peer.country)}: {md(peer.reason)}")

if context.workshop:
    part = context.workshop
    st.header("Where the team disagreed")
    alpha = "–" if part.alpha is None else f"{part.alpha:.2f}"
    st.caption(
        f"Workshop round {part.number}: {part.respondents} respondents answered {part.questions} questions apart. "
        f"Agreement (Krippendorff's alpha): {alpha}. {part.caveat} The scores above come from the answers the "
        "team recorded, never from the respondents' own."
    )
    if not part.disagreements:
        st.markdown("The respondents did not disagree on any question.")
    for row in part.disagreements:
        with st.container(border=True):
            st.markdown(f"**{row.question_id}** {row.text}")
            st.markdown(
                f"{row.answered} answers, levels {row.lowest} to {row.highest}, median {row.median:g}: {md(row.why)}."
            )
            st.markdown(f"**Consensus:** {md(row.consensus)}" + (f", {md(row.rationale)}" if row.rationale else ""))
            for dissent in row.dissents:
                level = "" if dissent.level is None else f" (level {dissent.level})"
                st.markdown(f"Dissent, {md(dissent.holder)}{level}" + (f": {md(dissent.note)}" if dissent.note else ""))
    st.page_link(PAGES["workshop"], label="Open the Workshop page", icon=":material/groups:")
