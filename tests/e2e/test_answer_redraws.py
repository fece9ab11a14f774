"""A saved answer redraws its question and the page's counts, not the whole page, and every count stays true."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from questionnaire.model import Framework, text_in
from storage.store import Store
from tests.e2e.steps import Received, current, level_label, settle

pytestmark = pytest.mark.e2e


def test_saving_an_answer_updates_the_counts_and_announcement_without_redrawing_the_page(
    blank_draft: tuple[Framework, Store, int], page
) -> None:
    framework, store, draft = blank_draft
    theme = framework.themes[0]
    heading = f"{theme.id} · {text_in(theme.title)}"
    total = len(framework.questions)
    received = Received(page)
    page.reload()  # so that what the app sends is watched from the page's start
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=30_000)
    settle(page)
    start = received.mark()

    for answered, question in enumerate(theme.questions[:2], start=1):
        current(page).get_by_text(level_label(framework, question, 2), exact=True).click()
        expect(current(page).get_by_text(f"{answered} of {total} questions answered")).to_be_visible(timeout=30_000)
        expect(current(page).get_by_text(f"{theme.id} {answered}/{len(theme.questions)}")).to_be_visible()
        expect(page.locator("#cohesion-status")).to_have_text(f"{question.id}: answer saved.", timeout=10_000)
        settle(page)
    unanswered = f"{total - 2} of {total} questions are unanswered; they lower completeness."
    expect(current(page).get_by_text(unanswered)).to_be_visible()  # the submission's warning, further down

    sent = received.since(start)
    assert f"{theme.questions[1].id}: answer saved.".encode() in sent  # the watch sees what the saves sent
    assert heading.encode() not in sent, "a save redrew the whole page, the theme's heading with it"
    assert [a.question_id for a in store.answers(draft)] == [q.id for q in theme.questions[:2]]
