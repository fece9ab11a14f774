"""Action plan: what the city does about its gaps, who owns it and by when, and how far it has got.

Actions belong to the city, so the plan outlives the assessment that prompted it. Every member reads
it; editors and coordinators add and change actions. A change made while a colleague changed the
same action is refused and overwrites nothing. Each action opens to its questions with the level the
city's assessment now gives them and the level the action aims for.
"""

from __future__ import annotations

import zlib
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
    current_assessment,
    current_city,
    current_framework,
    local_time,
    md,
    remembered,
    require_reading,
    show_chart,
    store,
    today,
)
from questionnaire.model import Framework, text_in
from reporting import figures
from scoring.actions import ACTION_STATUS_LABELS, Action, ActionStatus, Priority, plan_progress
from scoring.plan import NO_OWNER, filter_plan, plan_rows
from scoring.records import AssessmentRecord
from storage.actions import parse_action

FLASH_KEY = "plan_flash"
NEW_KEY = "plan_new_form"
PICKED_KEY = "plan_picked"  # the action last opened
PRIORITY_LABELS = {Priority.HIGH: "High", Priority.MEDIUM: "Medium", Priority.LOW: "Low"}
PARTNER, NOBODY = "partner", "nobody"


def reference_assessment(city_id: int) -> AssessmentRecord | None:
    """The assessment whose levels the plan shows: the one chosen, else the city's newest."""
    chosen = current_assessment()
    if chosen is not None and chosen.city_id == city_id:
        return chosen
    records = store().assessments(city_id)
    return records[-1] if records else None


def level_labels(framework: Framework, record: AssessmentRecord | None) -> dict[str, str]:
    """Each question's answer in ``record``: "Level 2 · Documented", "Not applicable" or "Don't know"."""
    if record is None:
        return {}
    names = {s.level: text_in(s.name) for s in framework.scale}
    shown = {}
    for answer in store().answers(record.id or 0):
        if answer.level is not None:
            shown[answer.question_id] = f"Level {answer.level} · {names.get(answer.level, '')}"
        else:
            shown[answer.question_id] = {"not_applicable": "Not applicable", "dont_know": "Don't know"}.get(
                answer.status.value, "Not answered"
            )
    return shown


def editor(base: Action, prefix: str, framework: Framework, owners: dict[int, str]) -> dict[str, Any] | None:
    """The fields of ``base`` to change, as widgets keyed by ``prefix``; the values when saved."""
    titles = {q.id: text_in(q.text) for q in framework.questions}
    theme_titles = {t.id: text_in(t.title) for t in framework.themes}
    title = st.text_input("Title", value=base.title, max_chars=120, key=f"{prefix}_title")
    description = st.text_area("Description", value=base.description, max_chars=5_000, key=f"{prefix}_description")
    question_options = list(dict.fromkeys([*titles, *base.question_ids]))
    questions = st.multiselect(
        "Questions it addresses",
        options=question_options,
        default=list(base.question_ids),
        format_func=lambda q: f"{q} · {titles.get(q, 'not in this framework version')[:90]}",
        key=f"{prefix}_questions",
    )
    aims = {t.question_id: t.target_level for t in base.targets}
    targets = []
    if questions:
        st.caption("The level each question should reach once the action is done (leave empty if not set).")
        columns = st.columns(min(len(questions), 4))
        for n, question_id in enumerate(questions):
            aim = columns[n % len(columns)].number_input(
                f"Aimed level, {question_id}",
                min_value=0,
                max_value=4,
                step=1,
                value=aims.get(question_id),
                key=f"{prefix}_aim_{question_id}",
            )
            targets.append({"question_id": question_id, "target_level": None if aim is None else int(aim)})
    themes = st.multiselect(
        "Themes it addresses as a whole (the themes of its questions count anyway)",
        options=list(dict.fromkeys([*theme_titles, *base.themes])),
        default=list(base.themes),
        format_func=lambda t: f"{t} · {theme_titles.get(t, 'not in this framework version')}",
        key=f"{prefix}_themes",
    )
    left, right = st.columns(2)
    owner_options: list[str] = [NOBODY, PARTNER, *map(str, owners)]
    current_owner = (
        str(base.owner_account_id) if base.owner_account_id in owners else PARTNER if base.owner_partner else NOBODY
    )
    owner = left.selectbox(
        "Owner",
        options=owner_options,
        index=owner_options.index(current_owner),
        format_func=lambda o: {NOBODY: NO_OWNER, PARTNER: "A partner organisation"}.get(o) or owners[int(o)],
        key=f"{prefix}_owner",
    )
    partner = ""
    if owner == PARTNER:
        partner = right.text_input(
            "Partner organisation", value=base.owner_partner, max_chars=120, key=f"{prefix}_partner"
        )
    start_on = left.date_input("Start", value=base.start_on, key=f"{prefix}_start", format="YYYY-MM-DD")
    due_on = right.date_input("Due", value=base.due_on, key=f"{prefix}_due", format="YYYY-MM-DD")
    statuses = list(ActionStatus)
    status = left.selectbox(
        "Status",
        options=statuses,
        index=statuses.index(base.status),
        format_func=ACTION_STATUS_LABELS.__getitem__,
        key=f"{prefix}_status",
    )
    priorities = list(Priority)
    priority = right.selectbox(
        "Priority",
        options=priorities,
        index=priorities.index(base.priority),
        format_func=PRIORITY_LABELS.__getitem__,
        key=f"{prefix}_priority",
    )
    done_on, reason = base.done_on, base.dropped_reason
    if status is ActionStatus.DONE:
        done_on = left.date_input("Done on", value=base.done_on or today(), key=f"{prefix}_done", format="YYYY-MM-DD")
    if status is ActionStatus.DROPPED:
        reason = st.text_input("Why it was dropped", value=base.dropped_reason, max_chars=1_000, key=f"{prefix}_why")
    st.markdown("**Budget**, planned and actual (leave empty where not known)")
    money, staff = st.columns(2)
    currency = money.text_input("Currency (ISO code)", value=base.currency, max_chars=3, key=f"{prefix}_currency")
    amounts = {}
    for column, field, label in (
        (money, "money_planned", "Money planned"),
        (money, "money_actual", "Money spent"),
        (staff, "staff_days_planned", "Staff days planned"),
        (staff, "staff_days_actual", "Staff days spent"),
    ):
        amounts[field] = column.number_input(
            label, min_value=0.0, value=getattr(base, field), step=1.0, key=f"{prefix}_{field}"
        )
    note = ""
    if base.id is not None:
        note = st.text_area(
            "What happened (goes into the action's log; optional)", max_chars=5_000, key=f"{prefix}_note"
        )
    label = "Save the changes" if base.id is not None else "Add the action"
    if not st.button(label, type="primary", key=f"{prefix}_save", icon=":material/save:"):
        return None
    return {
        **base.model_dump(),
        "title": title,
        "description": description,
        "targets": targets,
        "themes": themes,
        "owner_account_id": int(owner) if owner not in (NOBODY, PARTNER) else None,
        "owner_partner": partner.strip() if owner == PARTNER else "",
        "start_on": start_on,
        "due_on": due_on,
        "status": status,
        "done_on": done_on if status is ActionStatus.DONE else None,
        "dropped_reason": reason if status is ActionStatus.DROPPED else "",
        "priority": priority,
        "currency": currency.strip().upper(),
        **amounts,
        "note": note,
    }


def save(city_id: int, values: dict[str, Any]) -> Action | None:
    """Store the editor's values: a new action, or a change to a stored one."""
    person = actor()
    if person is None:
        return None
    note = str(values.pop("note", ""))
    action = attempt(lambda: parse_action(values), "The action was not saved")
    if action is None:
        return None
    if action.id is None:
        return attempt(lambda: actions().add(city_id, action, person), "The action was not added")
    return attempt(lambda: actions().change(action, person, note), "The action was not saved")


def shown_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The plan's rows as the team reads them."""
    return pd.DataFrame(
        {
            "#": rows["id"],
            "Action": rows["title"],
            "Status": rows["status_label"],
            "Overdue": rows["overdue"].map({True: "Overdue", False: ""}),
            "Priority": rows["priority"].map(lambda p: PRIORITY_LABELS[Priority(p)]),
            "Owner": rows["owner"],
            "Due": rows["due_on"].map(lambda d: "" if d is None or pd.isna(d) else f"{d:%Y-%m-%d}"),
            "Questions": rows["questions"],
            "Themes": rows["themes"].map(", ".join),
        }
    )


st.title("Action plan")
city = current_city()
if city is None:
    st.info("Choose a city on the Home page first, to see its action plan.")
    st.page_link(PAGES["home"], label="Go to Home", icon=":material/home:")
    st.stop()
require_reading(city.id)
person = actor()
if person is None:
    st.stop()
city_id = city.id or 0
plan = actions().of(city_id, person)
owners = actions().owners(city_id, person)
record = reference_assessment(city_id)
framework = store().framework_of(record) if record else current_framework()
theme_of = {q.id: t.id for f in store().frameworks.all() for t in f.themes for q in t.questions}
theme_of.update({q.id: t.id for t in framework.themes for q in t.questions})  # this version's themes win
on = today()
changes = allowed(Operation.ANSWER, city_id)

st.caption(
    f"{md(city.name)} · the city's actions, whichever assessment prompted them"
    + (f" · levels from “{md(record.title)}”" if record else "")
)
if flash := st.session_state.pop(FLASH_KEY, None):
    st.success(flash)

progress = plan_progress(plan, on)
columns = st.columns(5)
for column, (label, count) in zip(
    columns,
    (
        ("Actions", progress["total"]),
        ("Done", progress["done"]),
        ("In progress", progress["in_progress"]),
        ("Planned", progress["planned"]),
        ("Overdue", progress["overdue"]),
    ),
    strict=True,
):
    column.metric(label, count)

rows = plan_rows(plan, owners, theme_of, on)
if plan:
    st.header("The plan")
    left, middle, right, last = st.columns([3, 3, 3, 2])
    theme_titles = {t.id: text_in(t.title) for t in framework.themes}
    chosen_themes = left.multiselect(
        "Theme",
        options=list(theme_titles),
        format_func=lambda t: f"{t} · {theme_titles[t]}",
        key="plan_filter_theme",
        placeholder="Every theme",
    )
    chosen_owners = middle.multiselect(
        "Owner", options=sorted(set(rows["owner"])), key="plan_filter_owner", placeholder="Every owner"
    )
    chosen_statuses = right.multiselect(
        "Status",
        options=[s.value for s in ActionStatus],
        format_func=lambda s: ACTION_STATUS_LABELS[ActionStatus(s)],
        key="plan_filter_status",
        placeholder="Every status",
    )
    overdue_only = last.checkbox("Only overdue", key="plan_filter_overdue")
    shown = filter_plan(rows, chosen_themes, chosen_owners, chosen_statuses, overdue_only)
    st.caption(f"{len(shown)} of {len(rows)} actions shown, soonest due first. Overdue: still open after the due date.")
    st.dataframe(shown_table(shown), hide_index=True, width="stretch", key="plan_table")
    timeline = figures.plan_timeline(shown, on)
    if timeline is not None:
        show_chart(timeline, "plan_timeline")
        if len(shown[shown["due_on"].notna()]) > figures.TIMELINE_ROWS:
            st.caption(f"The {figures.TIMELINE_ROWS} actions due soonest; the table above lists them all.")
    download_left, download_right = st.columns(2)
    calendar = attempt(
        lambda: remembered(f"plan_calendar_{city_id}", lambda: store().export_calendar(city_id)),
        "The calendar could not be made",
    )
    if calendar is not None:
        download_left.download_button(
            "Download the due dates for a calendar (.ics)",
            data=calendar,
            file_name="action-plan.ics",
            mime="text/calendar",
            key="plan_ics",
            icon=":material/calendar_month:",
        )

    st.header("Open an action")
    by_id = {a.id: a for a in plan}
    ids = [int(i) for i in shown["id"]] or list(by_id)
    wanted = st.session_state.pop(OPEN_ACTION_KEY, None) or st.session_state.get(PICKED_KEY)
    if wanted in by_id and wanted not in ids:
        ids.insert(0, wanted)
    labels = {i: f"#{i} {by_id[i].title} ({ACTION_STATUS_LABELS[by_id[i].status]})" for i in ids}
    # A selectbox keeps showing an option's old label once it changes (streamlit/streamlit#13788), so
    # the box is made anew whenever a label does, opening the action last picked.
    picked = st.selectbox(
        "Action",
        options=ids,
        index=ids.index(wanted) if wanted in ids else 0,
        format_func=labels.__getitem__,
        key=f"plan_pick_{zlib.crc32(repr(labels).encode()):08x}",
    )
    st.session_state[PICKED_KEY] = picked
    action = by_id[picked]
    with st.container(border=True):
        st.subheader(md(action.title))
        row = rows[rows["id"] == action.id].iloc[0]
        due = f"due {action.due_on:%d %b %Y}" if action.due_on else "no due date"
        st.markdown(
            f"**{ACTION_STATUS_LABELS[action.status]}**"
            + (" · **overdue**" if row["overdue"] else "")
            + f" · {PRIORITY_LABELS[action.priority]} priority · {md(row['owner'])} · {due}"
            + (f" · done {action.done_on:%d %b %Y}" if action.done_on else "")
        )
        if action.dropped_reason:
            st.markdown(f"Dropped because: {md(action.dropped_reason)}")
        if action.description:
            st.markdown(md(action.description))
        if action.targets:
            levels = level_labels(framework, record)
            texts = {q.id: text_in(q.text) for q in framework.questions}
            st.markdown("**Its questions, and where the city stands on them**")
            st.dataframe(
                pd.DataFrame(
                    {
                        "Question": [t.question_id for t in action.targets],
                        "Text": [texts.get(t.question_id, "not in this framework version") for t in action.targets],
                        "Now": [levels.get(t.question_id, "Not answered") for t in action.targets],
                        "Aimed level": ["" if t.target_level is None else str(t.target_level) for t in action.targets],
                    }
                ),
                hide_index=True,
                width="stretch",
                key="plan_action_questions",
            )
        spent = [
            f"{label} {value:,.0f}{unit}"
            for label, value, unit in (
                ("money planned", action.money_planned, f" {action.currency}"),
                ("money spent", action.money_actual, f" {action.currency}"),
                ("staff days planned", action.staff_days_planned, ""),
                ("staff days spent", action.staff_days_actual, ""),
            )
            if value is not None
        ]
        if spent:
            st.caption("Budget: " + "; ".join(spent) + ".")
        if action.source:
            st.caption(f"From: {md(action.source)}")
        st.caption(
            f"Last changed by {md(action.updated_by)}"
            + (f", {local_time(action.updated_at)}" if action.updated_at else "")
        )
        log = actions().updates(action.id or 0, person)
        if log:
            with st.expander(f"Its log ({len(log)})"):
                for entry in reversed(log):
                    st.markdown(
                        f"{local_time(entry.at)} · {md(entry.by)} · {ACTION_STATUS_LABELS[entry.status]}"
                        + (f": {md(entry.text)}" if entry.text else "")
                    )
    if changes:
        # The editor keeps the version it was first shown with: what the person types survives a
        # colleague's save, and saving it then is refused instead of overwriting theirs.
        seen_key = f"plan_seen_{action.id}"
        seen = int(st.session_state.setdefault(seen_key, action.version))
        with st.expander("Change this action", expanded=seen != action.version):
            if seen != action.version:
                st.warning(
                    f"{md(action.updated_by)} changed this action after you opened it; the form still shows "
                    "what you saw and typed."
                )
                if st.button("Show their version", key=f"plan_theirs_{action.id}", icon=":material/refresh:"):
                    st.session_state[seen_key] = action.version
                    st.rerun()
            values = editor(action, f"plan_edit_{action.id}_{seen}", framework, owners)
            if values is not None and (saved := save(city_id, {**values, "version": seen})):
                st.session_state[seen_key] = saved.version
                st.session_state[FLASH_KEY] = f"“{md(saved.title)}” was saved."
                st.session_state[OPEN_ACTION_KEY] = saved.id
                st.rerun()
else:
    st.markdown(
        "The plan has no action yet. Add one below, or from the next steps on the Results page, "
        "where each question below its target can become an action in one click."
    )
    st.page_link(PAGES["results"], label="Go to the Results", icon=":material/insights:")

if not changes:
    st.caption("The city's editors and coordinators add and change actions.")
else:
    st.header("Add an action")
    made_count = int(st.session_state.get(NEW_KEY, 0))
    with st.expander("A new action", expanded=not plan):
        values = editor(Action(title="-").model_copy(update={"title": ""}), f"plan_new_{made_count}", framework, owners)
        if values is not None and (saved := save(city_id, values)):
            st.session_state[NEW_KEY] = made_count + 1
            st.session_state[FLASH_KEY] = f"“{md(saved.title)}” was added to the plan."
            st.session_state[OPEN_ACTION_KEY] = saved.id
            st.rerun()
