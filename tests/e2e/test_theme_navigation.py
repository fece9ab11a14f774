"""Moving on to another theme: the person stays where they went, and what they typed is kept."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from questionnaire.model import Framework, text_in
from storage.store import Store
from tests.e2e.steps import current, level_label, open_page

pytestmark = pytest.mark.e2e


def test_answering_after_next_theme_stays_on_that_theme_as_its_progress_changes(
    blank_draft: tuple[Framework, Store, int], page
) -> None:
    framework, store, draft = blank_draft
    second = framework.themes[1]
    current(page).get_by_role("button", name=re.compile(rf"^{second.id} · ")).click()
    heading = page.get_by_role("heading", name=f"{second.id} · {text_in(second.title)}")
    expect(heading).to_be_visible(timeout=30_000)

    for answered, question in enumerate(second.questions[:3], start=1):
        current(page).get_by_text(level_label(framework, question, 2), exact=True).click()
        expect(current(page).get_by_text("Saved at")).to_have_count(answered, timeout=30_000)
        page.wait_for_timeout(300)  # a person's pace: the next click comes after the page has settled
    expect(heading).to_be_visible()
    expect(current(page).get_by_text(f"{second.id} 3/{len(second.questions)}")).to_be_visible()  # progress shown
    assert [a.question_id for a in store.answers(draft)] == [q.id for q in second.questions[:3]]


def test_a_note_typed_and_left_without_tabbing_out_is_saved_when_the_person_moves_on(
    blank_draft: tuple[Framework, Store, int], page
) -> None:
    framework, store, draft = blank_draft
    question = framework.themes[0].questions[0]
    current(page).get_by_text(level_label(framework, question, 3), exact=True).click()
    expect(current(page).get_by_text("Saved at")).to_have_count(1, timeout=30_000)
    current(page).get_by_label("Note").first.fill("Statement log kept by the mayor's office")  # no Tab, no Enter
    second = framework.themes[1]
    current(page).get_by_role("button", name=re.compile(rf"^{second.id} · ")).click()
    expect(page.get_by_role("heading", name=f"{second.id} · {text_in(second.title)}")).to_be_visible(timeout=30_000)
    expect(current(page).get_by_text("Saved at")).to_have_count(0, timeout=30_000)  # the run has finished
    saved = {a.question_id: a for a in store.answers(draft)}
    assert saved[question.id].level == 3 and saved[question.id].note == "Statement log kept by the mayor's office"


def test_coming_back_from_another_page_shows_the_theme_left(blank_draft: tuple[Framework, Store, int], page) -> None:
    framework, _, _ = blank_draft
    second = framework.themes[1]
    current(page).get_by_role("button", name=re.compile(rf"^{second.id} · ")).click()
    expect(page.get_by_role("heading", name=f"{second.id} · {text_in(second.title)}")).to_be_visible(timeout=30_000)
    open_page(page, "Results", "Results")
    open_page(page, "Questionnaire", "Questionnaire")
    expect(page.get_by_role("heading", name=f"{second.id} · {text_in(second.title)}")).to_be_visible()
