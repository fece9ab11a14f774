"""A city team's journey through the app, driven by AppTest on a real SQLite file.

Each test points the app at its own database file; a "reload" is a fresh AppTest on the same file
with only what the URL carries (the chosen city and assessment), as after a browser refresh.
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from access.accounts import Accounts
from access.roles import Role
from scoring.records import AssessmentStatus, City, RecordedAnswer
from storage.store import Store
from tests.integration.conftest import as_read, sign_in_app

ROOT = Path(__file__).resolve().parent.parent.parent
APP = str(ROOT / "app.py")
QUESTIONNAIRE = "app_pages/questionnaire.py"
ANA = "Ana Ruiz <ana.ruiz@riverton.example>"


@pytest.fixture
def store(app_store: Store) -> Store:
    return app_store


@pytest.fixture
def draft(store: Store) -> int:
    city = store.create_city(
        City(name="Riverton", country="Freedonia", region="europe", population_band="100k_500k"), "Set-up"
    )
    return store.start_assessment(city.id or 0, "Assessment 2026", "Set-up", framework_id="scn-transatlantic").id or 0


def open_app(
    store: Store, assessment: int | None = None, who: str | None = "Ana Ruiz", page: str | None = None
) -> AppTest:
    """The app as a browser opens it: the URL's place, and ``who`` signed in (a network administrator
    and coordinator of every city), or nobody."""
    at = AppTest.from_file(APP, default_timeout=60)
    if assessment is not None:
        record = store.assessment(assessment)
        at.query_params["city"] = str(record.city_id)
        at.query_params["assessment"] = str(assessment)
    if who:
        sign_in_app(at, store, who, network_admin=True)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception
    return at


def widget(at: AppTest, assessment: int, question: str, part: str) -> Callable[..., object]:
    return {
        "answer": at.radio,
        "evidence": at.selectbox,
        "note": at.text_area,
        "links": at.text_area,
        "reason": at.text_input,
    }[part](key=f"questionnaire_{assessment}_{question}_{part}")


def test_someone_not_signed_in_sees_only_the_sign_in_page_and_no_city(store: Store, draft: int) -> None:
    at = open_app(store, draft, who=None)
    assert [t.value for t in at.title] == ["Sign in"]
    shown = " ".join(m.value for m in [*at.markdown, *at.caption])
    assert "Riverton" not in shown and "Assessment 2026" not in shown
    assert not at.radio and not at.dataframe
    with pytest.raises(ValueError, match=r"Known pages: \['[^,]*sign_in\.py'\]"):
        at.switch_page(QUESTIONNAIRE)  # no other page exists for someone not signed in


def test_a_signed_in_person_sees_their_name_and_roles_on_their_account_page(store: Store, draft: int) -> None:
    at = open_app(store, draft, page="app_pages/account.py")
    shown = as_read(" ".join(m.value for m in at.markdown))
    assert "Ana Ruiz" in shown and "Riverton, Freedonia" in shown and "coordinator" in shown


def test_a_city_is_created_from_the_profile_page_with_clear_validation(store: Store) -> None:
    at = open_app(store, page="app_pages/city.py")
    at.text_input(key="city_country").input("Freedonia")
    at.button[0].click().run()  # no name yet
    assert any("City name" in e.value for e in at.error)
    assert store.cities() == []
    at.text_input(key="city_name").input("Riverton")
    at.multiselect(key="city_challenges").set_value(["online-hate"])
    at.button[0].click().run()
    (city,) = store.cities()
    assert (city.name, city.country, city.challenges) == ("Riverton", "Freedonia", ("online-hate",))
    assert store.audit_trail(city_id=city.id)[0].actor == ANA


def test_home_starts_an_assessment_and_opens_the_questionnaire(store: Store, draft: int) -> None:
    city_id = store.assessment(draft).city_id
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["city"] = str(city_id)
    sign_in_app(at, store)
    at.run()
    assert "Assessment 2026" in at.dataframe[0].value["Assessment"].tolist()
    at.text_input(key="home_title").input("Second look 2026")
    at.button(key="FormSubmitter:home_start-Start").click().run()
    titles = [r.title for r in store.assessments(city_id)]
    assert titles[-1] == "Second look 2026"
    assert at.session_state["selected_assessment"] == store.assessments(city_id)[-1].id


def test_answers_across_two_themes_survive_a_reload(store: Store, draft: int) -> None:
    at = open_app(store, draft, page=QUESTIONNAIRE)
    widget(at, draft, "Q1.1", "answer").set_value(3).run()
    widget(at, draft, "Q1.1", "evidence").set_value("published").run()
    widget(at, draft, "Q1.1", "note").input("The mayor spoke within a day").run()
    widget(at, draft, "Q1.2", "answer").set_value("dont_know").run()
    at.selectbox(key="questionnaire_theme").set_value("T7").run()
    widget(at, draft, "Q7.3", "answer").set_value("not_applicable").run()
    assert any("say why" in e.value for e in at.error)  # not saved without a reason
    widget(at, draft, "Q7.3", "reason").input("Policing is run by the regional force").run()
    widget(at, draft, "Q7.1", "answer").set_value(1).run()
    assert not at.exception

    stored = {a.question_id: a for a in store.answers(draft)}
    assert stored["Q1.1"].level == 3 and stored["Q1.1"].note == "The mayor spoke within a day"
    assert stored["Q1.1"].evidence.value == "published" and stored["Q1.1"].answered_by == ANA
    assert stored["Q1.2"].status.value == "dont_know"
    assert stored["Q7.3"].reason == "Policing is run by the regional force"

    again = open_app(store, draft, page=QUESTIONNAIRE)  # a reload: a new session, same URL and sign-in
    assert widget(again, draft, "Q1.1", "answer").value == 3
    assert widget(again, draft, "Q1.1", "note").value == "The mayor spoke within a day"
    assert widget(again, draft, "Q1.2", "answer").value == "dont_know"
    again.selectbox(key="questionnaire_theme").set_value("T7").run()
    assert widget(again, draft, "Q7.3", "answer").value == "not_applicable"
    assert widget(again, draft, "Q7.3", "reason").value == "Policing is run by the regional force"
    total = len(store.framework_of(store.assessment(draft)).questions)
    assert f"4 of {total} questions answered" in again.get("progress")[0].proto.text


def test_a_link_that_is_not_http_is_refused_and_the_typed_text_is_kept(store: Store, draft: int) -> None:
    at = open_app(store, draft, page=QUESTIONNAIRE)
    widget(at, draft, "Q1.1", "answer").set_value(2).run()
    widget(at, draft, "Q1.1", "links").input("javascript:alert(1)").run()
    assert any("must start with http" in e.value for e in at.error)
    assert widget(at, draft, "Q1.1", "links").value == "javascript:alert(1)"
    assert store.answers(draft)[0].links == ()


def test_a_colleagues_change_is_shown_with_both_answers_and_never_overwritten(store: Store, draft: int) -> None:
    ana = open_app(store, draft, page=QUESTIONNAIRE)
    widget(ana, draft, "Q1.1", "answer").set_value(1).run()
    ben = open_app(store, draft, who="Ben Okafor", page=QUESTIONNAIRE)
    widget(ben, draft, "Q1.1", "answer").set_value(3).run()

    widget(ana, draft, "Q1.1", "answer").set_value(4).run()  # Ana still sees version 1
    assert store.answers(draft)[0].level == 3
    assert any("changed by Ben Okafor <ben.okafor@riverton.example>" in as_read(w.value) for w in ana.warning)
    shown = " ".join(m.value for m in ana.markdown)
    assert "level 3" in shown and "level 4" in shown
    ana.button(key=f"questionnaire_{draft}_Q1.1_keep_mine").click().run()
    assert store.answers(draft)[0].level == 4
    actions = [e.action for e in store.audit_trail(assessment_id=draft) if e.question_id == "Q1.1"]
    assert actions == ["answer.save", "answer.save", "answer.conflict", "answer.save"]


def test_carried_over_answers_are_marked_until_confirmed(store: Store, draft: int) -> None:
    store.save_answer(draft, RecordedAnswer(question_id="Q1.1", level=2), "Set-up")
    store.submit_assessment(draft, "Set-up")
    city_id = store.assessment(draft).city_id or 0
    following = store.start_assessment(city_id, "2027", "Set-up", framework_id="scn-transatlantic", based_on=draft)
    at = open_app(store, following.id, page=QUESTIONNAIRE)
    assert any("carried over" in w.value for w in at.warning)
    at.button(key=f"questionnaire_{following.id}_Q1.1_confirm").click().run()
    assert not store.answers(following.id or 0)[0].carried_over


def test_submitting_warns_about_gaps_then_freezes_the_answers(store: Store, draft: int) -> None:
    at = open_app(store, draft, page=QUESTIONNAIRE)
    widget(at, draft, "Q1.1", "answer").set_value(2).run()
    total = len(store.framework_of(store.assessment(draft)).questions)
    assert any(f"{total - 1} of {total} questions are unanswered" in w.value for w in at.warning)
    assert at.button(key="questionnaire_submit").disabled
    at.checkbox(key="questionnaire_submit_anyway").check().run()
    at.button(key="questionnaire_submit").click().run()
    assert store.assessment(draft).status is AssessmentStatus.SUBMITTED
    frozen = open_app(store, draft, page=QUESTIONNAIRE)
    assert widget(frozen, draft, "Q1.1", "answer").disabled
    assert any("frozen" in i.value for i in frozen.info)


def test_user_text_is_shown_literally(store: Store) -> None:
    hostile = "[click](javascript:alert(1)) ![x](http://127.0.0.1:9/x.png) <b>bold</b>"
    city = store.create_city(City(name=hostile[:120], country="F", region="europe", population_band="under_100k"), "x")
    record = store.start_assessment(city.id or 0, "T", "x", framework_id="scn-transatlantic")
    at = open_app(store, record.id)
    caption = next(c.value for c in at.sidebar.caption if c.value.startswith("City:"))
    assert "\\[click\\]\\(javascript\\:alert\\(1\\)\\)" in caption and "\\!\\[x\\]" in caption


def test_no_page_ever_renders_raw_html() -> None:
    for path in [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]:
        text = path.read_text(encoding="utf-8")
        assert "unsafe_allow_html" not in text, path.name
        if path.name != "access.py":  # the one module with our own scripts (focus and keys), no user text
            assert ".html(" not in text, path.name


def test_the_focus_script_cannot_be_broken_out_of_whatever_selector_it_is_given() -> None:
    from app_pages.access import after_run_script, key_class

    assert key_class("questionnaire_3_Q1.1_answer") == "st-key-questionnaire_3_Q1-1_answer"
    assert key_class('x"];alert(1)//') == "st-key-x---alert-1---"
    hostile = '</script><img src=x onerror=alert(1)>"; alert(2); "'
    script = after_run_script(hostile, hostile, hostile, 1)
    assert script.count("<script>") == 1 and script.count("</script>") == 1 and "<img" not in script
    assert "\\u003c/script\\u003e" in script and '\\"; alert(2)' in script  # a string, never code


def test_the_shipped_configuration_keeps_the_browser_protections_on() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True and config["server"]["enableCORS"] is True
    assert config["client"]["showErrorDetails"] in ("none", "type")
    assert config["server"]["maxUploadSize"] <= 10


def test_an_unexpected_error_shows_a_friendly_message_with_an_incident_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "nosuchdb://nowhere")
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    message = " ".join(e.value for e in at.error)
    assert "Something went wrong" in message and "incident" in message
    assert "Traceback" not in message and "nosuchdb" not in message


def test_next_and_previous_move_between_themes_and_answers_stay(store: Store, draft: int) -> None:
    at = open_app(store, draft, page=QUESTIONNAIRE)
    widget(at, draft, "Q1.1", "answer").set_value(2).run()
    assert "questionnaire_previous" not in {b.key for b in at.button}  # the first theme has no previous
    at.button(key="questionnaire_next").click().run()
    assert at.selectbox(key="questionnaire_theme").value == "T2"
    at.button(key="questionnaire_previous").click().run()
    assert at.selectbox(key="questionnaire_theme").value == "T1"
    assert widget(at, draft, "Q1.1", "answer").value == 2


def test_a_reload_comes_back_to_the_theme_in_the_url(store: Store, draft: int) -> None:
    at = open_app(store, draft, page=QUESTIONNAIRE)
    at.selectbox(key="questionnaire_theme").set_value("T3").run()
    assert at.query_params["theme"] == "T3"  # in the URL, for a reload

    reloaded = AppTest.from_file(APP, default_timeout=60)
    record = store.assessment(draft)
    for name, value in (("city", record.city_id), ("assessment", draft), ("theme", "T5")):
        reloaded.query_params[name] = str(value)
    sign_in_app(reloaded, store)
    reloaded.run()
    reloaded.switch_page(QUESTIONNAIRE).run()
    assert not reloaded.exception
    assert reloaded.selectbox(key="questionnaire_theme").value == "T5"


@pytest.mark.parametrize(
    "page",
    [
        "app_pages/home.py",
        "app_pages/city.py",
        "app_pages/members.py",
        QUESTIONNAIRE,
        "app_pages/results.py",
        "app_pages/compare.py",
        "app_pages/report.py",
        "app_pages/network.py",
    ],
)
def test_an_administrator_who_is_not_a_member_sees_that_a_city_exists_but_none_of_its_answers(
    store: Store, draft: int, page: str
) -> None:
    store.save_answer(draft, RecordedAnswer(question_id="Q1.1", level=4, note="Briefing kept confidential"), "Set-up")
    at = AppTest.from_file(APP, default_timeout=60)
    record = store.assessment(draft)
    at.query_params["city"] = str(record.city_id)
    at.query_params["assessment"] = str(draft)
    sign_in_app(at, store, "Nadia Admin", roles={}, network_admin=True)
    at.run()
    at.switch_page(page).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    shown = " ".join(
        str(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.success, *at.warning, *at.text] if e.value
    )
    shown += " ".join(d.value.to_string() for d in at.dataframe)
    assert "confidential" not in shown.lower()
    assert not at.radio  # no answer to read or change
    assert "Overall index" not in shown


def test_a_viewer_reads_the_answers_and_an_editor_made_viewer_meanwhile_saves_nothing(store: Store, draft: int) -> None:
    store.save_answer(draft, RecordedAnswer(question_id="Q1.1", level=2), "Set-up")
    record = store.assessment(draft)
    city = record.city_id or 0

    vera = AppTest.from_file(APP, default_timeout=60)
    vera.query_params["city"], vera.query_params["assessment"] = str(city), str(draft)
    sign_in_app(vera, store, "Vera Lind", roles={city: Role.VIEWER})
    vera.run()
    vera.switch_page(QUESTIONNAIRE).run()
    assert not vera.exception
    assert all(r.disabled for r in vera.radio) and widget(vera, draft, "Q1.1", "answer").value == 2
    assert "questionnaire_submit" not in {b.key for b in vera.button}

    eli = AppTest.from_file(APP, default_timeout=60)
    eli.query_params["city"], eli.query_params["assessment"] = str(city), str(draft)
    sign_in_app(eli, store, "Eli Moss", roles={city: Role.EDITOR})
    eli.run()
    eli.switch_page(QUESTIONNAIRE).run()
    assert not widget(eli, draft, "Q1.1", "answer").disabled
    people = Accounts(store)
    account = people.find("eli.moss@riverton.example")
    assert account is not None
    people.add_member(account.id, city, Role.VIEWER, "coordinator")  # while Eli's page is open
    time.sleep(1.1)  # past the second for which a browser session keeps who is signed in
    widget(eli, draft, "Q1.1", "answer").set_value(4).run()
    assert [(a.level, a.answered_by) for a in store.answers(draft)] == [(2, "Set-up")]
    assert any("does not let you change answers" in as_read(e.value) for e in eli.error)
