"""A long note pasted in the browser stays in its box with a message; a shortened one is saved.

Streamlit's ``max_chars`` used to drop such a paste: the box stayed as it was and nothing said why.
``locator.fill`` puts the whole text in at once, as a paste does; it and a real clipboard paste
(Ctrl+V) both showed that drop.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from questionnaire.model import Framework
from storage.store import Store
from tests.e2e.steps import current, level_label

pytestmark = pytest.mark.e2e
PASTED = ("Notes from the March meeting with the neighbourhood forums. " * 334)[:20_000]


def test_a_pasted_20000_character_note_stays_in_its_box_with_a_message_until_shortened(
    blank_draft: tuple[Framework, Store, int], page, artifacts
) -> None:
    framework, store, draft = blank_draft
    question = framework.themes[0].questions[0]
    current(page).get_by_text(level_label(framework, question, 3), exact=True).click()
    expect(current(page).get_by_text("Saved at")).to_have_count(1, timeout=30_000)
    note = current(page).get_by_label("Note").first
    expect(note).to_have_accessible_name(re.compile(r"up to 5,000 characters"))  # the limit is said beforehand

    note.fill(PASTED)
    assert len(note.input_value()) == 20_000  # the browser keeps all of it
    note.press("Tab")  # focus moves on: the box commits its text
    message = current(page).get_by_role("alert").filter(has_text="This note has 20,000 characters")
    expect(message).to_be_visible(timeout=30_000)
    expect(message).to_contain_text("a note keeps up to 5,000")
    expect(message).to_contain_text("Shorten it")
    expect(current(page).get_by_text("Saved at")).to_have_count(0)  # no "Saved" beside a note that was not saved
    assert len(current(page).get_by_label("Note").first.input_value()) == 20_000
    assert store.answers(draft)[0].note == ""
    message.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "long-note.png")

    current(page).get_by_label("Note").first.fill(PASTED[:4_000])
    current(page).get_by_label("Note").first.press("Tab")
    expect(current(page).get_by_text("Saved at")).to_have_count(1, timeout=30_000)
    expect(current(page).get_by_role("alert").filter(has_text="This note has")).to_have_count(0)
    assert store.answers(draft)[0].note == PASTED[:4_000]
