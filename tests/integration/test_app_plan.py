"""The action plan in the app, driven with AppTest on a real SQLite file: a next step on Results becomes
an action in one click, the Plan page filters, marks what is overdue, opens an action to its questions
and saves a change, Home shows how far the plan has got, and a viewer only reads."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from access.accounts import Accounts
from access.roles import Actor, Role
from questionnaire.loader import DEFAULT_FRAMEWORK_ID
from questionnaire.model import text_in
from scoring.actions import Action, ActionStatus, ActionTarget
from scoring.records import City, RecordedAnswer
from storage.actions import Actions
from storage.store import Store
from tests.integration.conftest import as_read, sign_in_app

APP = str(Path(__file__).resolve().parent.parent.parent / "app.py")
PLAN, RESULTS = "app_pages/plan.py", "app_pages/results.py"


@pytest.fixture
def city(app_store: Store) -> dict[str, Any]:
    """Riverton with a submitted assessment at level 1 throughout, a coordinator, an editor and a viewer."""
    made = app_store.create_city(
        City(name="Riverton", country="Freedonia", region="europe", population_band="100k_500k"), "Set-up"
    )
    framework = app_store.frameworks[DEFAULT_FRAMEWORK_ID]
    record = app_store.start_assessment(made.id or 0, "Assessment 2026", "Set-up", framework_id=framework.id)
    given = [RecordedAnswer(question_id=q.id, level=1, answered_by="Set-up") for q in framework.questions]
    app_store.save_answers(record.id or 0, given, "Set-up", replace=False)
    people = Accounts(app_store)
    found: dict[str, Any] = {"city": made.id, "assessment": record.id, "framework": framework}
    for name, role in (("Cora Lead", Role.COORDINATOR), ("Ana Ruiz", Role.EDITOR), ("Vic Viewer", Role.VIEWER)):
        account = people.add(f"{name.lower().replace(' ', '.')}@riverton.example", name, "Set-up")
        people.add_member(account.id, made.id or 0, role, "Set-up")
        found[name.split()[0]] = people.actor(account.id)
    return found


def page(store: Store, city: dict[str, Any], name: str, path: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["city"], at.query_params["assessment"] = str(city["city"]), str(city["assessment"])
    sign_in_app(at, store, name, roles={})
    at.run()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.success]
    parts += [s.value for s in at.subheader] + [str(d.value.to_dict()) for d in at.dataframe]
    return as_read("\n".join(str(p) for p in parts))


def table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "Action" in d.value.columns)


def add(store: Store, city: dict[str, Any], by: Actor, **fields: Any) -> Action:
    return Actions(store).add(city["city"], Action(**fields), by)


def test_a_next_step_on_results_becomes_an_action_that_the_plan_page_opens(
    app_store: Store, city: dict[str, Any]
) -> None:
    at = page(app_store, city, "Ana Ruiz", RESULTS)
    buttons = [b for b in at.button if b.key and b.key.startswith("results_plan_")]
    assert buttons, "every question is below its target, so each priority's next steps offer to be added"
    question_id = buttons[0].key.removeprefix("results_plan_")
    buttons[0].click().run()
    assert not at.exception, at.exception
    stored = Actions(app_store).of(city["city"], city["Ana"])
    assert len(stored) == 1
    action = stored[0]
    framework = city["framework"]
    question = next(q for q in framework.questions if q.id == question_id)
    assert action.question_ids == (question_id,)
    assert action.targets[0].target_level is not None and action.targets[0].target_level >= 2
    assert action.title.startswith(f"{question_id}: {text_in(question.levels[2])[:40]}")  # the step to level 2
    assert action.source.startswith(f"Next step of {question_id}")
    assert action.updated_by == city["Ana"].name
    assert f"Action #{action.id} was added" in texts(at)
    assert f"In the plan: #{action.id}" in texts(at)  # the step is not offered twice
    assert f"results_plan_{question_id}" not in [b.key for b in at.button]

    at.switch_page(PLAN).run()
    assert not at.exception, at.exception
    assert next(s for s in at.selectbox if s.label == "Action").value == action.id
    shown = texts(at)
    assert "Level 1" in shown and question_id in shown  # its question, at the level the city stands


def test_an_editor_sets_an_owner_and_a_due_date_and_the_log_keeps_the_note(
    app_store: Store, city: dict[str, Any]
) -> None:
    made = add(app_store, city, city["Cora"], title="Victim liaison rota", targets=[{"question_id": "Q4.2"}])
    at = page(app_store, city, "Ana Ruiz", PLAN)
    prefix = f"plan_edit_{made.id}_{made.version}"
    at.selectbox(key=f"{prefix}_owner").set_value(str(city["Cora"].account_id)).run()
    at.date_input(key=f"{prefix}_due").set_value(date(2027, 3, 31))
    at.selectbox(key=f"{prefix}_status").set_value(ActionStatus.IN_PROGRESS)
    at.number_input(key=f"{prefix}_aim_Q4.2").set_value(3)
    at.text_area(key=f"{prefix}_note").input("Rota agreed with the police liaison team.")
    at.button(key=f"{prefix}_save").click().run()
    assert not at.exception, at.exception
    saved = Actions(app_store).get(made.id or 0, city["Ana"])
    assert saved.owner_account_id == city["Cora"].account_id
    assert saved.due_on == date(2027, 3, 31) and saved.status is ActionStatus.IN_PROGRESS
    assert saved.targets == (ActionTarget(question_id="Q4.2", target_level=3),)
    log = Actions(app_store).updates(made.id or 0, city["Ana"])
    assert [(e.by, e.text, e.status) for e in log] == [
        (city["Ana"].name, "Rota agreed with the police liaison team.", ActionStatus.IN_PROGRESS)
    ]
    assert "“Victim liaison rota” was saved." in texts(at)
    assert table(at).loc[0, "Owner"] == "Cora Lead"


def test_a_change_made_meanwhile_by_a_colleague_is_kept_and_mine_is_refused(
    app_store: Store, city: dict[str, Any]
) -> None:
    made = add(app_store, city, city["Cora"], title="Schools dialogue")
    at = page(app_store, city, "Ana Ruiz", PLAN)
    Actions(app_store).change(made.model_copy(update={"title": "Schools dialogue, term 1"}), city["Cora"])
    prefix = f"plan_edit_{made.id}_{made.version}"
    at.text_input(key=f"{prefix}_title").input("Schools dialogue with parents")
    at.button(key=f"{prefix}_save").click().run()
    assert not at.exception, at.exception
    assert "your change was not saved" in " ".join(e.value for e in at.error)
    assert Actions(app_store).get(made.id or 0, city["Ana"]).title == "Schools dialogue, term 1"
    assert at.text_input(key=f"{prefix}_title").value == "Schools dialogue with parents"  # what she typed stays
    at.button(key=f"plan_theirs_{made.id}").click().run()
    assert at.text_input(key=f"plan_edit_{made.id}_2_title").value == "Schools dialogue, term 1"


def test_the_plan_filters_by_theme_owner_and_status_and_marks_overdue_actions(
    app_store: Store, city: dict[str, Any]
) -> None:
    late = date.today() - timedelta(days=10)
    add(app_store, city, city["Cora"], title="Late one", targets=[{"question_id": "Q1.1"}], due_on=late)
    add(app_store, city, city["Cora"], title="Partner one", themes=["T4"], owner_partner="Youth Trust")
    add(
        app_store,
        city,
        city["Cora"],
        title="Done one",
        targets=[{"question_id": "Q4.1"}],
        due_on=late,
        status="done",
    )
    at = page(app_store, city, "Vic Viewer", PLAN)
    shown = table(at)
    assert list(shown["Action"]) == ["Late one", "Done one", "Partner one"]  # soonest due first, undated last
    assert list(shown["Overdue"]) == ["Overdue", "", ""]  # done is never overdue
    assert [m.value for m in at.metric if m.label == "Overdue"] == ["1"]
    at.multiselect(key="plan_filter_theme").set_value(["T4"]).run()
    assert list(table(at)["Action"]) == ["Done one", "Partner one"]  # a question's theme, or one named
    at.multiselect(key="plan_filter_owner").set_value(["Youth Trust"]).run()
    assert list(table(at)["Action"]) == ["Partner one"]
    at.multiselect(key="plan_filter_theme").set_value([]).run()
    at.multiselect(key="plan_filter_owner").set_value([]).run()
    at.multiselect(key="plan_filter_status").set_value(["done"]).run()
    assert list(table(at)["Action"]) == ["Done one"]
    at.multiselect(key="plan_filter_status").set_value([]).run()
    at.checkbox(key="plan_filter_overdue").check().run()
    assert list(table(at)["Action"]) == ["Late one"]
    assert not at.exception, at.exception


def test_a_viewer_reads_the_plan_but_is_offered_no_change(app_store: Store, city: dict[str, Any]) -> None:
    made = add(app_store, city, city["Cora"], title="Mapping community leaders")
    at = page(app_store, city, "Vic Viewer", PLAN)
    assert "Mapping community leaders" in list(table(at)["Action"])
    assert not [w for w in at.button if (w.key or "").startswith(("plan_edit_", "plan_new_"))]
    assert "The city's editors and coordinators add and change actions." in texts(at)
    results = page(app_store, city, "Vic Viewer", RESULTS)
    assert not [b for b in results.button if (b.key or "").startswith("results_plan_")]
    assert Actions(app_store).get(made.id or 0, city["Vic"]).version == 1


def test_a_new_action_typed_on_the_plan_page_is_stored_and_its_text_stays_text(
    app_store: Store, city: dict[str, Any]
) -> None:
    at = page(app_store, city, "Cora Lead", PLAN)
    hostile = "**Bold** <b>tag</b> [link](https://evil.example)"
    at.text_input(key="plan_new_0_title").input(hostile)
    at.multiselect(key="plan_new_0_questions").set_value(["Q2.1"]).run()
    at.text_input(key="plan_new_0_title").input(hostile)
    at.button(key="plan_new_0_save").click().run()
    assert not at.exception, at.exception
    stored = Actions(app_store).of(city["city"], city["Cora"])
    assert [a.title for a in stored] == [hostile]
    assert stored[0].question_ids == ("Q2.1",)
    heading = next(s.value for s in at.subheader)
    assert "\\*\\*Bold\\*\\*" in heading and "\\<b\\>" in heading and "https\\:\u2060//" in heading


def test_an_action_due_before_it_starts_is_refused_with_a_message(app_store: Store, city: dict[str, Any]) -> None:
    at = page(app_store, city, "Cora Lead", PLAN)
    at.text_input(key="plan_new_0_title").input("Backwards")
    at.date_input(key="plan_new_0_start").set_value(date(2027, 5, 1))
    at.date_input(key="plan_new_0_due").set_value(date(2027, 4, 1))
    at.button(key="plan_new_0_save").click().run()
    assert not at.exception, at.exception
    assert "due date comes before the start date" in " ".join(e.value for e in at.error)
    assert Actions(app_store).of(city["city"], city["Cora"]) == []


def test_home_shows_how_far_the_plan_has_got(app_store: Store, city: dict[str, Any]) -> None:
    add(app_store, city, city["Cora"], title="One", status="done")
    add(app_store, city, city["Cora"], title="Two", due_on=date.today() - timedelta(days=1))
    add(app_store, city, city["Cora"], title="Three", status="dropped", dropped_reason="Merged into One")
    at = page(app_store, city, "Ana Ruiz", "app_pages/home.py")
    shown = texts(at)
    assert "**1 of 2** actions done, 0 in progress, 1 planned, **1 overdue**. 1 dropped." in shown


def test_compare_sets_each_changed_question_beside_the_actions_done_for_it(
    app_store: Store, city: dict[str, Any]
) -> None:
    """Q1.1 rose with an action done, Q2.1 rose with none, and the action done for Q3.1 moved nothing."""
    first = city["assessment"]
    app_store.submit_assessment(first, "Set-up")
    framework = city["framework"]
    second = app_store.start_assessment(city["city"], "Assessment 2027", "Set-up", framework_id=framework.id)
    given = [
        RecordedAnswer(question_id=q.id, level=3 if q.id in ("Q1.1", "Q2.1") else 1, answered_by="Set-up")
        for q in framework.questions
    ]
    app_store.save_answers(second.id or 0, given, "Set-up", replace=False)
    on = date.today()
    add(app_store, city, city["Cora"], title="Rota", targets=[{"question_id": "Q1.1"}], status="done", done_on=on)
    add(app_store, city, city["Cora"], title="Forum", targets=[{"question_id": "Q3.1"}], status="done", done_on=on)
    add(app_store, city, city["Cora"], title="Open one", targets=[{"question_id": "Q2.1"}])
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["city"], at.query_params["assessment"] = str(city["city"]), str(second.id)
    sign_in_app(at, app_store, "Vic Viewer", roles={})
    at.run()
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception, at.exception
    changed = next(d.value for d in at.dataframe if "Actions" in d.value.columns).set_index("Question")
    assert changed.loc["Q1.1", "Actions"] == "Rota (done)"
    assert changed.loc["Q2.1", "Actions"] == "Open one (planned)"
    headings = [s.value for s in at.subheader]
    assert "Actions done, with the questions that moved (1)" in headings
    assert "Questions that moved with no action (1)" in headings
    assert "Actions done with no movement (1)" in headings
    shown = texts(at)
    assert "“Rota”, done on" in shown and "Q1.1 improved" in shown
    assert "Q2.1: improved" in shown
    assert "“Forum”, done on" in shown
