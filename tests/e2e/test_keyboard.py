"""A person with only a keyboard answers: focus goes to their next action, and they can see where it is."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from questionnaire.model import Framework
from storage.store import Store
from storage.transfer import export_json
from tests.e2e.steps import EMAIL, PASSWORD, add_person, current, open_page, settle, sign_in, wait_for_focus_on

pytestmark = pytest.mark.e2e

FOCUSED = "() => document.activeElement ? document.activeElement.outerHTML.slice(0, 300) : ''"


def answer_events(store: Store, draft: int, question_id: str) -> list[object]:
    """The audit trail's saves of one answer."""
    return [e.new_value for e in store.audit_trail(assessment_id=draft) if e.question_id == question_id]


def focused_level(page: Page) -> str | None:
    """The value of the level option that has focus, or None when focus is elsewhere."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e && e.type === 'radio' && e.closest('[class*=\"_answer\"]') ? e.value : null; }"
    )


def test_keyboard_alone_answers_a_question_and_moves_to_the_next_theme_from_its_heading(
    app_url: str, app_db: str, new_draft: tuple[Framework, Store, int, int], page: Page
) -> None:
    framework, store, city, draft = new_draft
    question, second = framework.themes[0].questions[0], framework.themes[1]

    sign_in(page, f"{app_url}/questionnaire?city={city}&assessment={draft}", app_db)

    # focus is on the first level of the first question, not somewhere in the page body
    page.wait_for_function("() => document.activeElement && document.activeElement.type === 'radio'", timeout=30_000)
    assert focused_level(page) == "0", page.evaluate(FOCUSED)
    assert page.evaluate("() => document.activeElement.closest('[class*=\"Q1-1_answer\"]') !== null")

    # a visible focus ring on the level option (WCAG 2.4.7)
    ring = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement.closest('[data-testid=stRadioOption]'));"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert ring[0] == "solid" and ring[1] >= 2, ring

    # the arrows move between levels without choosing (or saving) any; Space chooses
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert focused_level(page) == "2"
    page.wait_for_timeout(1_000)  # time enough for a save, were one sent
    assert store.answers(draft) == [] and answer_events(store, draft, question.id) == []
    page.keyboard.press("Space")
    expect(current(page).get_by_text("Answer saved at")).to_have_count(1, timeout=30_000)
    assert [(a.question_id, a.level) for a in store.answers(draft)] == [(question.id, 2)]
    assert len(answer_events(store, draft, question.id)) == 1  # one choice, one audit event
    status = page.get_by_role("status").filter(has_text=f"{question.id}: answer saved.")
    expect(status).to_have_count(1)  # what a screen reader announces, from a polite live region

    # Next theme: the new theme shows from its heading, which has focus; a second Enter skips nothing
    next_button = current(page).get_by_role("button", name=re.compile(rf"^{second.id} · "))
    next_button.focus()
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", name=re.compile(rf"^{second.id} · "))
    expect(heading).to_be_visible(timeout=30_000)
    settle(page)
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.tagName === 'H2'"
        f" && document.activeElement.textContent.startsWith('{second.id} ')",
        timeout=10_000,
    )
    top = heading.bounding_box()
    assert top is not None and 0 <= top["y"] <= 200, top  # at the top of the view, not 2,900 px above it
    page.keyboard.press("Enter")
    page.wait_for_timeout(1_500)
    expect(page.get_by_role("heading", name=re.compile(rf"^{second.id} · "))).to_be_visible()

    # a reload comes back to the same theme
    page.reload()
    expect(page.get_by_role("heading", name=re.compile(rf"^{second.id} · "))).to_be_visible(timeout=30_000)


def test_after_importing_a_file_focus_is_on_the_next_step(
    app_url: str, app_db: str, new_draft: tuple[Framework, Store, int, int], page: Page
) -> None:
    _, store, city, draft = new_draft
    sign_in(page, f"{app_url}/?city={city}&assessment={draft}", app_db)
    open_page(page, "Report and data", "Report and data")
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(
        files=[{"name": "assessment.json", "mimeType": "application/json", "buffer": export_json(store, draft)}]
    )
    page.get_by_role("button", name="Import it").click()
    wait_for_focus_on(page, "Open the imported assessment")


def test_signing_in_takes_only_the_keyboard_focus_starting_in_the_email_box(
    app_url: str, app_db: str, page: Page
) -> None:
    add_person(app_db)
    page.goto(app_url)
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'email'")
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_test_id("stSidebar").get_by_role("link", name="Your account").wait_for(timeout=30_000)
