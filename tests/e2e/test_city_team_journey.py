"""A new user's whole journey in a real browser against `streamlit run`: city, answers, reload, PDF."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from tests.e2e.steps import NAME, current, level_label, set_up_city_and_start

pytestmark = pytest.mark.e2e
CITY = "Esperanza Bay"


def answer(page, framework, question, level: int, saved: int) -> None:  # type: ignore[no-untyped-def]
    """Choose a level and wait until the theme shows ``saved`` saved answers, this one included.

    The count is known in advance rather than read from the page, which may be half-way through a rerun.
    """
    current(page).get_by_text(level_label(framework, question, level), exact=True).click()
    expect(current(page).get_by_text(re.compile(rf"saved at .* by {NAME}"))).to_have_count(saved, timeout=20_000)


def test_a_new_user_answers_a_theme_reloads_finishes_and_downloads_the_report(
    app_url: str, app_db: str, page, artifacts
) -> None:
    framework = load_frameworks()[DEFAULT_FRAMEWORK_ID]
    theme = framework.themes[0]
    set_up_city_and_start(page, app_url, app_db, CITY)

    for saved, (question, level) in enumerate(zip(theme.questions[:3], (2, 3, 1), strict=True), start=1):
        answer(page, framework, question, level, saved)
    page.screenshot(path=artifacts / "questionnaire.png", full_page=True)

    page.reload()  # mid-way: a new browser session on the same URL, still signed in
    page.get_by_role("heading", name="Questionnaire").wait_for(timeout=30_000)
    for question, level in zip(theme.questions[:3], (2, 3, 1), strict=True):
        radio = page.get_by_role("radio", name=level_label(framework, question, level))
        assert radio.is_checked(), question.id

    for saved, question in enumerate(theme.questions[3:], start=4):
        page.get_by_role("heading", name="Questionnaire").wait_for(timeout=30_000)
        answer(page, framework, question, 2, saved)
    current(page).get_by_text("Submit with these gaps").click()
    current(page).get_by_role("button", name="Submit", exact=True).click()
    page.get_by_text("Submitted.").wait_for(timeout=30_000)

    page.get_by_role("link", name="Report and data").click()
    download_button = current(page).get_by_role("button", name="Download the PDF report")
    download_button.wait_for(timeout=120_000)
    with page.expect_download(timeout=60_000) as download:
        download_button.click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    assert CITY in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages[:2])

    page.get_by_role("link", name="Compare").click()
    page.get_by_role("heading", name="Compare").wait_for(timeout=30_000)
    page.screenshot(path=artifacts / "compare.png", full_page=True)
