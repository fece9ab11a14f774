"""Compare: two assessments of the city side by side, its scores over time, and anonymous peer benchmarks."""

from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from app_pages.common import (
    PAGES,
    actions,
    actor,
    current_city,
    md,
    remembered,
    require_reading,
    show_chart,
    status_label,
    store,
    today,
)
from questionnaire.crosswalk import readable_from, same_scale
from questionnaire.model import text_in
from reporting import figures
from reporting.context import DoneAction, PlanChanges, ReportContext, build_context
from scoring.bands import format_points, settle
from scoring.benchmarks import MIN_GROUP
from scoring.comparison import CHANGES

KINDS = [kind for kind in CHANGES if kind != "unchanged"]
PEER_GROUPS = {
    "all": "All sharing cities",
    "region": "Cities in the same region",
    "population_band": "Cities of the same size",
}


def _rounded(value: float) -> float | None:
    return None if pd.isna(value) else float(settle(value))


def _done(entry: DoneAction) -> str:
    """One done action as a line: its title, when it was done, and what moved."""
    when = f" on {entry.action.done_on}" if entry.action.done_on else ""
    moved = f": {', '.join(entry.moved)}" if entry.moved else ""
    return f"- #{entry.action.id} “{md(entry.action.title)}”, done{when}{moved}"


def beside_plan(changes: PlanChanges) -> None:
    """The change between the two assessments read beside the action plan, three ways."""
    st.header("The action plan beside the change")
    st.caption(
        "Actions linked to a question, done between the start of “Before” and the submission of “After” "
        "(or today, for a draft). A change beside a done action is not proof that the action caused it."
    )
    readings = (
        ("Actions done, with the questions that moved", [_done(d) for d in changes.done if d.moved]),
        (
            "Questions that moved with no action",
            [f"- {c.label}: {c.change}, {c.before} → {c.after}" for c in changes.moved_without_action],
        ),
        ("Actions done with no movement", [_done(d) for d in changes.done_without_movement]),
    )
    for title, lines in readings:
        st.subheader(f"{title} ({len(lines)})")
        st.markdown("\n".join(lines) if lines else "None.")


city = current_city()
st.title("Compare")
if city is None:
    st.info("Choose a city on the Home page first, to compare its assessments.")
    st.page_link(PAGES["home"], label="Go to Home", icon=":material/home:")
    st.stop()
require_reading(city.id)

records = store().assessments(city.id)
if len(records) < 2:
    st.info(
        f"A comparison needs two assessments of {md(city.name)}, and there is "
        f"{'one' if records else 'none'} so far. Start a new assessment on the Home page, for example a year on."
    )
    st.page_link(PAGES["home"], label="Go to Home", icon=":material/home:")
    st.stop()

by_id = {r.id: r for r in records}
ids = list(by_id)


def _label(assessment_id: int) -> str:
    record = by_id[assessment_id]
    return f"{record.title} ({status_label(record)})"


left, right = st.columns(2)
before_id = left.selectbox("Before", options=ids, index=len(ids) - 2, format_func=_label, key="compare_before")
after_id = right.selectbox("After", options=ids, index=len(ids) - 1, format_func=_label, key="compare_after")
before, after = by_id[before_id], by_id[after_id]
framework = store().framework_of(after)
earlier_framework = store().framework_of(before)
earlier_questions = {q.id: text_in(q.text) for q in earlier_framework.questions}

if before.id == after.id:
    st.warning("Choose two different assessments to compare.")
elif before.framework_id != after.framework_id or not readable_from(framework, before.framework_version):
    st.warning(
        f"“Before” was answered on {before.framework_id} {before.framework_version} and “After” on "
        f"{after.framework_id} {after.framework_version}. Answers are compared from an earlier version of the "
        "framework to a later one, not back: choose the assessment on the earlier version as “Before”."
    )
else:
    if (before.started_at, before.id or 0) > (after.started_at, after.id or 0):
        st.caption("“Before” started after “After”, so the changes below read backwards in time.")

    person = actor()
    plan = actions().of(city.id or 0, person) if person else []
    owners = actions().owners(city.id or 0, person) if person else {}

    def compared() -> tuple[ReportContext, Any]:
        context = build_context(
            framework,
            city,
            after,
            store().answers(after.id or 0),
            [(before, store().answers(before.id or 0))],
            versions={before.framework_version: earlier_framework},
            generated_at=datetime.now(UTC),
            actions=plan,
            owners=owners,
            today=today(),
        )
        return context, figures.changes(context)

    context, change_figure = remembered(f"compare_{before.id}_{after.id}", compared)
    previous = context.previous
    overall_before = previous.overall if previous else None
    overall_delta = previous.overall_delta if previous else None
    first, second, third = st.columns(3)
    first.metric("Overall index before", format_points(overall_before))
    second.metric(
        "Overall index after",
        format_points(context.overall_index),
        delta=None if overall_delta is None else format_points(overall_delta, signed=True),
    )
    third.metric(
        "Questions comparable",
        f"{previous.comparable_share:.0%}" if previous else "–",
        help="Questions whose earlier answer could be matched, across framework versions.",
    )

    if previous and previous.framework_version and previous.framework_version != context.framework_version:
        st.info(
            f"“Before” was answered on version {previous.framework_version} of the framework and “After” on "
            f"{context.framework_version}. "
            + (
                "The levels mean something different in the two versions, so the theme scores sit on "
                "different scales: they are shown side by side, and no change is worked out from them. "
                if previous.scale_changed
                else ""
            )
            + f"{previous.comparable_share:.0%} of today's questions could be compared one by one; the others are "
            "listed as “not comparable”, “question added” or “question removed”.",
            icon=":material/compare_arrows:",
        )
    if change_figure is not None:
        show_chart(change_figure, "compare_changes_chart")
    if context.theme_changes:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Theme": c.theme_id,
                        "Title": c.title,
                        f"Before ({before.framework_version})": c.before,
                        f"After ({after.framework_version})": c.after,
                    }
                    | ({} if previous and previous.scale_changed else {"Change": c.delta})
                    for c in context.theme_changes
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.info("There are no theme scores to set beside each other.")

    st.header("Answers that changed")
    theme_titles = {t.id: f"{t.id} · {t.title}" for t in context.themes}
    kinds_column, themes_column = st.columns(2)
    kinds = kinds_column.multiselect(
        "Kinds of change", options=KINDS, key="compare_kinds", placeholder="Every kind of change"
    )
    themes = themes_column.multiselect(
        "Themes",
        options=list(theme_titles),
        format_func=theme_titles.__getitem__,
        key="compare_themes",
        placeholder="Every theme",
    )
    questions = {q.id: text_in(q.text) for q in framework.questions}
    shown = [
        c for c in context.item_changes if (not kinds or c.change in kinds) and (not themes or c.theme_id in themes)
    ]
    if shown:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Question": c.label,
                        "Theme": c.theme_id,
                        "Text": questions.get(c.question_id or "", earlier_questions.get(c.before_id or "", "")),
                        "Before": c.before,
                        "After": c.after,
                        "Change": c.change,
                    }
                    | ({"Actions": "; ".join(c.actions)} if plan else {})
                    for c in shown
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption(f"{len(shown)} of {len(context.item_changes)} changed answers shown.")
    elif context.item_changes:
        st.info("No changed answer matches these filters.")
    else:
        st.info("No answer changed between these two assessments.")
    if context.plan_changes is not None:
        beside_plan(context.plan_changes)

newest_framework = store().framework_of(records[-1])
trend_records = [
    r for r in records if r.framework_id == newest_framework.id and same_scale(newest_framework, r.framework_version)
]
if len(trend_records) < 3 and len(trend_records) < len(records):
    st.caption(
        f"Earlier assessments answered on another version of the framework use other levels, so the scores "
        f"over time start again from version {newest_framework.version}."
    )
if len(trend_records) >= 3:
    st.header("Over time")
    *earlier, latest = trend_records

    def trend_chart() -> Any:
        trend = build_context(
            store().framework_of(latest),
            city,
            latest,
            store().answers(latest.id or 0),
            [(r, store().answers(r.id or 0)) for r in earlier],
            versions=store().frameworks.by_version(latest.framework_id),
            generated_at=datetime.now(UTC),
        )
        return figures.changes(trend)

    trend_figure = remembered(f"compare_trend_{city.id}", trend_chart)
    if trend_figure is not None:
        show_chart(trend_figure, "compare_trend_chart", level=3)

st.header("Benchmarks")
st.caption(
    f"Where “After” stands among the other cities that share their results anonymously. Only groups of "
    f"{MIN_GROUP} or more other cities are shown, and no other city is ever named."
)


table = remembered(f"compare_benchmark_{after.id}", lambda: store().benchmark(framework, after.id or 0))
visible = table[~table["suppressed"]]
if visible.empty:
    st.info(f"Benchmarks appear when at least {MIN_GROUP} other cities share their results.")
else:
    titles = {t.id: text_in(t.title) for t in framework.themes}
    st.dataframe(
        pd.DataFrame(
            {
                "Theme": visible["theme_id"].map(lambda t: f"{t} · {titles[t]}"),
                "Peer group": visible["group"].map(PEER_GROUPS),
                "Cities": visible["size"].astype(int),
                "Lower quartile": visible["q1"].map(_rounded),
                "Median": visible["median"].map(_rounded),
                "Upper quartile": visible["q3"].map(_rounded),
                "Your score": visible["city_score"].map(_rounded),
                "Share of the group below you": visible["position"].map(lambda p: None if pd.isna(p) else f"{p:.0%}"),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if table["suppressed"].any():
        st.caption(f"Peer groups with fewer than {MIN_GROUP} cities are left out.")
