"""The action plan in a real browser against `streamlit run`: a next step on Results becomes an
action in one click, the team gives it an owner and a due date on the Plan page (which passes axe-core
with the editor open), and the action is in the PDF report under its priority."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from questionnaire.model import Framework
from scoring.records import RecordedAnswer
from storage.store import Store
from tests.e2e.steps import choose, current, open_page, settle, sign_in, violations

pytestmark = pytest.mark.e2e
TITLE = "Victim liaison rota with the police"
PARTNER = "Riverton Youth Trust"


def test_a_next_step_becomes_an_action_that_the_report_lists_under_its_priority(
    app_url: str,
    app_db: str,
    new_draft: tuple[Framework, Store, int, int],
    page: Any,
    axe_source: str,
    artifacts: Any,
) -> None:
    framework, store, city, draft = new_draft
    given = [RecordedAnswer(question_id=q.id, level=1, answered_by="Set-up") for q in framework.questions]
    store.save_answers(draft, given, "Set-up", replace=False)  # every theme below its target
    sign_in(page, f"{app_url}/results?city={city}&assessment={draft}", app_db)
    page.get_by_role("heading", name="Next steps").wait_for(timeout=30_000)

    current(page).get_by_role("button", name="Add to the plan").first.focus()
    page.keyboard.press("Enter")  # by keyboard alone
    expect(page.get_by_text("was added to the plan")).to_be_visible(timeout=30_000)
    expect(current(page).get_by_text("In the plan: #").first).to_be_visible()
    current(page).get_by_role("link", name="Open the action plan").click()
    page.get_by_role("heading", name="Action plan").wait_for(timeout=30_000)
    settle(page)

    page.get_by_text("Change this action").click()
    editor = page.get_by_test_id("stExpander").filter(has_text="Save the changes")
    title = editor.get_by_label("Title")
    expect(title).not_to_have_value("")  # filled in from the next step
    title.fill(TITLE)
    title.press("Tab")
    choose(page, editor.get_by_label("Owner"), "A partner organisation")
    settle(page)
    partner = editor.get_by_label("Partner organisation")
    partner.fill(PARTNER)
    partner.press("Tab")
    due = date.today() + timedelta(days=60)
    editor.get_by_role("spinbutton", name="year, Due").click()
    page.keyboard.type(f"{due:%Y%m%d}")  # the field moves on from year to month to day
    page.keyboard.press("Escape")  # closes the calendar that opened beside the field
    page.keyboard.press("Tab")
    settle(page)
    problems = violations(page, axe_source, "editor open · Action plan")
    editor.get_by_role("button", name="Save the changes").click()
    expect(page.get_by_text(f"“{TITLE}” was saved.")).to_be_visible(timeout=30_000)
    settle(page)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    picker = page.get_by_role("combobox", name="Action", exact=True)
    expect(picker).to_have_value(re.compile(rf"^#\d+ {TITLE} \(Planned\)$"))  # the new title, not the old
    page.screenshot(path=artifacts / "action-plan.png", full_page=True)
    problems += violations(page, axe_source, "action saved · Action plan")
    assert problems == []

    open_page(page, "Report and data", "Report and data")
    download_button = current(page).get_by_role("button", name="Download the PDF report")
    download_button.wait_for(timeout=120_000)
    with page.expect_download(timeout=60_000) as download:
        download_button.click()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(download.value.path().read_bytes())).pages)
    flat = " ".join(text.split())
    assert TITLE in flat
    assert PARTNER in flat
    assert f"{due:%Y-%m-%d}" in flat
