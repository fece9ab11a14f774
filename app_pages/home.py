"""Home: pick or create a city, see its assessments, start a new one or resume a draft."""

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from access.roles import Operation
from app_pages import identity
from app_pages.common import (
    FOCUS_FIRST_QUESTION,
    PAGES,
    actions,
    actor,
    allowed,
    attempt,
    choose_assessment,
    choose_city,
    current_assessment,
    current_city,
    current_framework,
    local_date,
    md,
    remembered,
    rounds,
    status_label,
    store,
    today,
)
from questionnaire.model import text_in
from scoring.actions import plan_progress
from scoring.answers import answers_frame
from scoring.records import AssessmentRecord, AssessmentStatus
from scoring.scores import overall_scores, theme_scores


def overview(records: list[AssessmentRecord]) -> pd.DataFrame:
    """One row per assessment: status, start, overall index and band, and how much is answered."""
    rows = []
    for record in records:
        scored = store().framework_of(record)
        overall = overall_scores(theme_scores(scored, answers_frame(scored, store().answers(record.id or 0)))).iloc[0]
        rows.append(
            {
                "Assessment": record.title,
                "Status": status_label(record),
                "Started": local_date(record.started_at),
                "Overall index": None if pd.isna(overall["index"]) else float(overall["index"]),
                "Band": overall["band"] or "–",
                "Answered": f"{overall['answered']} of {overall['applicable']}",
            }
        )
    return pd.DataFrame(rows)


framework = current_framework()
st.title("City Cohesion Self-Assessment")
st.markdown(
    "A self-assessment for city teams working to prevent hate, extremism and polarisation. "
    "It turns what mayors and practitioners in Europe and North America learned through the "
    "Strong Cities Network's Transatlantic Dialogue into maturity questions, theme by theme."
)
cities = store().cities()
city = current_city()
administers = allowed(Operation.ADMINISTER, None)

st.header("Your city")
if not cities:
    st.markdown(
        "No city has been set up yet: set up your city, or try things out in the demo city."
        if administers
        else "You are not a member of a city yet. Your city's coordinator adds you to its team; "
        "meanwhile you can try things out in a demo city of your own."
    )
else:
    labels = {c.id: f"{c.name}, {c.country}" + (" (demo)" if c.is_demo else "") for c in cities}
    ids = list(labels)
    chosen = st.selectbox(
        "City",
        options=ids,
        format_func=labels.__getitem__,
        key="home_city",
        index=ids.index(city.id) if city and city.id in ids else None,
        placeholder="Choose a city",
    )
    if chosen is not None and (city is None or chosen != city.id):
        choose_city(chosen)
        st.rerun()

left, middle, right = st.columns(3)
if administers and left.button("Set up a new city", key="home_new_city", icon=":material/add_location:"):
    st.session_state["city_new"] = True
    st.switch_page(PAGES["city"])
if (
    city
    and allowed(Operation.MANAGE_CITY, city.id)
    and middle.button("Edit the city profile", key="home_edit_city", icon=":material/edit:")
):
    st.session_state["city_new"] = False
    st.switch_page(PAGES["city"])
if not any(c.is_demo and allowed(Operation.READ, c.id) for c in cities) and right.button(
    "Add the demo city",
    key="home_demo",
    icon=":material/science:",
    help="A fictional city with two submitted assessments a year apart and a draft, to try things out.",
):
    made = attempt(lambda: store().create_demo(framework), "The demo city was not added")
    if made:
        identity.forget()  # the person is the demo city's coordinator from now on
        choose_assessment(made[-1])
        st.rerun()

if city:
    records = store().assessments(city.id)
    person = actor()
    for draft in (r for r in records if r.status is AssessmentStatus.DRAFT and person is not None):
        for held in rounds().of(draft.id or 0, person):  # rounds waiting for this person's answers
            if held.open and any(p.account_id == person.account_id for p in held.participants):
                st.info(f"You are a respondent in workshop round {held.number} of “{md(draft.title)}”.")
                if st.button("Answer the round", key=f"home_round_{held.id}", icon=":material/groups:"):
                    choose_assessment(draft)
                    st.switch_page(PAGES["workshop"])
    st.header(f"Assessments of {md(city.name)}")
    reads = allowed(Operation.READ, city.id)
    if records and not reads:
        st.dataframe(
            pd.DataFrame(
                {
                    "Assessment": [r.title for r in records],
                    "Status": [status_label(r) for r in records],
                    "Started": [local_date(r.started_at) for r in records],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption("Only the city's members see its answers and scores.")
    elif records:
        st.dataframe(remembered(f"home_{city.id}", lambda: overview(records)), hide_index=True, width="stretch")
        by_id = {r.id: r for r in records}
        current = current_assessment()
        picked = st.selectbox(
            "Open an assessment",
            options=list(by_id),
            key="home_assessment",
            format_func=lambda i: f"{by_id[i].title} ({status_label(by_id[i])})",
            index=list(by_id).index(current.id) if current and current.id in by_id else len(by_id) - 1,
        )
        record = by_id[picked]
        if current is None or current.id != record.id:
            choose_assessment(record)
        go_left, go_right = st.columns(2)
        if record.status is AssessmentStatus.DRAFT and allowed(Operation.ANSWER, city.id):
            if go_left.button("Continue answering", type="primary", key="home_resume", icon=":material/edit_note:"):
                st.switch_page(PAGES["questionnaire"])
        elif go_left.button("See the answers", key="home_view", icon=":material/visibility:"):
            st.switch_page(PAGES["questionnaire"])
        if go_right.button("See the results", key="home_results", icon=":material/insights:"):
            st.switch_page(PAGES["results"])
    else:
        st.markdown("No assessment yet.")

    if reads and person is not None:
        plan = actions().of(city.id or 0, person)
        st.subheader("Action plan")
        if plan:
            progress = plan_progress(plan, today())
            live = progress["total"] - progress["dropped"]
            st.markdown(
                f"**{progress['done']} of {live}** actions done, {progress['in_progress']} in progress, "
                f"{progress['planned']} planned"
                + (f", **{progress['overdue']} overdue**." if progress["overdue"] else ", none overdue.")
                + (f" {progress['dropped']} dropped." if progress["dropped"] else "")
            )
            st.progress(progress["done"] / live if live else 0.0, text=f"{progress['done']} of {live} done")
        else:
            st.markdown("No action yet: the next steps on the Results page become actions in one click.")
        if st.button("Open the action plan", key="home_plan", icon=":material/task_alt:"):
            st.switch_page(PAGES["plan"])

    if not allowed(Operation.MANAGE_ASSESSMENTS, city.id):
        st.caption("The city's coordinators start new assessments.")
    else:
        st.subheader("Start a new assessment")
        with st.form("home_start"):
            title = st.text_input("Title", value=f"Assessment {datetime.now(UTC):%Y}", max_chars=120, key="home_title")
            previous = [r for r in records if r.framework_id == framework.id]
            start_from = st.radio(
                "Start from",
                options=["blank", "previous"],
                key="home_start_from",
                horizontal=True,
                format_func=lambda o: "A blank questionnaire" if o == "blank" else "The previous assessment's answers",
                index=1 if previous else 0,
                disabled=not previous,
                help="Carried-over answers are marked until someone confirms or changes them.",
            )
            started = st.form_submit_button("Start", type="primary")
        if previous and previous[-1].framework_version != framework.version:
            st.caption(
                f"The previous assessment was answered on version {previous[-1].framework_version} of the framework; "
                f"new assessments use {framework.version}, whose levels mean something else. Starting from it "
                "carries over only the answers that stay comparable; every other question shows its earlier "
                "answer so that the team can answer it afresh."
            )
        if started:
            based_on = previous[-1].id if start_from == "previous" and previous else None
            record = attempt(
                lambda: store().start_assessment(city.id or 0, title, framework_id=framework.id, based_on=based_on),
                "The assessment was not started",
            )
            if record:
                st.session_state[FOCUS_FIRST_QUESTION] = True
                choose_assessment(record)
                st.switch_page(PAGES["questionnaire"])

with st.expander("How it works, and the five levels"):
    st.markdown(
        "1. Describe your city and the local challenges you face.\n"
        "2. Answer the questions theme by theme, over as many sittings as you need. Each answer picks "
        "one of five levels, from *not in place* to *evaluated and improving*.\n"
        "3. See where the city stands, set targets and download a gap report with practices from peer cities.\n"
        "4. A year later, start again from your previous answers and compare."
    )
    for level in framework.scale:
        st.markdown(f"**{level.level} · {text_in(level.name)}**: {text_in(level.meaning)}")
    left, middle, right = st.columns(3)
    left.metric("Themes", len(framework.themes))
    middle.metric("Questions", len(framework.questions))
    right.metric("Key findings behind them", len(framework.findings))
