"""Moving on to another theme: the person stays where they went, and what they typed is kept."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from questionnaire.loader import load_frameworks
from questionnaire.model import text_in
from scoring.records import City
from storage.store import Store

pytestmark = pytest.mark.e2e


def test_answering_after_next_theme_stays_on_that_theme_as_its_progress_changes(
    app_url: str, app_db: str, page
) -> None:
    frameworks = load_frameworks()
    framework = frameworks["scn-transatlantic"]
    store = Store.open(app_db, frameworks)
    city = store.create_city(
        City(name="Theme walker", country="Fictional", region="europe", population_band="100k_500k"), "Set-up"
    )
    draft = store.start_assessment(city.id or 0, "Walk", "Set-up", framework_id=framework.id)
    store.engine.dispose()

    page.goto(f"{app_url}/questionnaire?city={city.id}&assessment={draft.id}")
    page.get_by_label("Your name").fill("Ana Ruiz")
    page.get_by_role("button", name="Continue").click()
    current = page.locator('[data-testid="stElementContainer"]:not([data-stale="true"])')
    second = framework.themes[1]
    current.get_by_role("button", name=re.compile(rf"^{second.id} · ")).click()
    expect(page.get_by_role("heading", name=f"{second.id} · {text_in(second.title)}")).to_be_visible(timeout=30_000)

    for answered, question in enumerate(second.questions[:3], start=1):
        label = f"2 · {text_in(framework.level(2).name)}: {text_in(question.levels[2])}"
        current.get_by_text(label, exact=True).click()
        expect(current.get_by_text("Saved at")).to_have_count(answered, timeout=30_000)
        page.wait_for_timeout(300)  # a person's pace: the next click comes after the page has settled
    expect(page.get_by_role("heading", name=f"{second.id} · {text_in(second.title)}")).to_be_visible()
    expect(current.get_by_text(f"{second.id} 3/{len(second.questions)}")).to_be_visible()  # progress shown
    assert [a.question_id for a in store.answers(draft.id or 0)] == [q.id for q in second.questions[:3]]


def test_a_note_typed_and_left_without_tabbing_out_is_saved_when_the_person_moves_on(
    app_url: str, app_db: str, page
) -> None:
    frameworks = load_frameworks()
    framework = frameworks["scn-transatlantic"]
    store = Store.open(app_db, frameworks)
    city = store.create_city(
        City(name="Note keeper", country="Fictional", region="europe", population_band="100k_500k"), "Set-up"
    )
    draft = store.start_assessment(city.id or 0, "Notes", "Set-up", framework_id=framework.id)

    page.goto(f"{app_url}/questionnaire?city={city.id}&assessment={draft.id}")
    page.get_by_label("Your name").fill("Ana Ruiz")
    page.get_by_role("button", name="Continue").click()
    current = page.locator('[data-testid="stElementContainer"]:not([data-stale="true"])')
    first = framework.themes[0]
    question = first.questions[0]
    current.get_by_text(f"3 · {text_in(framework.level(3).name)}: {text_in(question.levels[3])}", exact=True).click()
    expect(current.get_by_text("Saved at")).to_have_count(1, timeout=30_000)
    current.get_by_label("Note").first.fill("Statement log kept by the mayor's office")  # no Tab, no Enter
    current.get_by_role("button", name=re.compile(rf"^{framework.themes[1].id} · ")).click()
    expect(page.get_by_role("heading", name=re.compile(rf"^{framework.themes[1].id} · "))).to_be_visible(timeout=30_000)
    expect(current.get_by_text("Saved at")).to_have_count(0, timeout=30_000)  # the run has finished
    saved = {a.question_id: a for a in store.answers(draft.id or 0)}
    assert saved[question.id].level == 3 and saved[question.id].note == "Statement log kept by the mayor's office"
    store.engine.dispose()
