"""A new user's whole journey in a real browser against `streamlit run`: city, answers, reload, PDF."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from questionnaire.loader import BUILTIN_FRAMEWORKS, DEFAULT_FRAMEWORK_ID, load_framework
from questionnaire.model import text_in

pytestmark = pytest.mark.e2e
CITY = "Esperanza Bay"


def level_label(framework, question, level: int) -> str:  # type: ignore[no-untyped-def]
    return f"{level} · {text_in(framework.level(level).name)}: {text_in(question.levels[level])}"


def current(page):  # type: ignore[no-untyped-def]
    """The page's elements without the stale ones Streamlit keeps on screen while a rerun is under way."""
    return page.locator('[data-testid="stElementContainer"]:not([data-stale="true"])')


def say_who(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Your name").fill("Ana Ruiz")
    page.get_by_label("Your role (for example: cohesion lead, police liaison)").fill("cohesion lead")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Your name")).to_have_count(0, timeout=30_000)


def answer(page, framework, question, level: int, saved: int) -> None:  # type: ignore[no-untyped-def]
    """Choose a level and wait until the theme shows ``saved`` saved answers, this one included.

    The count is known in advance rather than read from the page, which may be half-way through a rerun.
    """
    current(page).get_by_text(level_label(framework, question, level), exact=True).click()
    expect(current(page).get_by_text(re.compile(r"Saved at .* by Ana Ruiz"))).to_have_count(saved, timeout=20_000)


def test_a_new_user_answers_a_theme_reloads_finishes_and_downloads_the_report(app_url: str, page, artifacts) -> None:
    framework = load_framework(BUILTIN_FRAMEWORKS / DEFAULT_FRAMEWORK_ID)
    theme = framework.themes[0]
    page.goto(f"{app_url}/who")
    say_who(page)
    page.get_by_text("You are answering as").wait_for(timeout=30_000)

    page.get_by_role("link", name="Continue to Home").click()  # in-app links keep this browser session
    page.get_by_role("button", name="Set up a new city").click()
    page.get_by_label("City name").fill(CITY)
    page.get_by_label("Country").fill("Fictional")
    page.get_by_role("button", name="Save the city profile").click()
    page.get_by_text("Saved. Next, start an assessment").wait_for(timeout=30_000)

    page.get_by_role("link", name="Go to Home").click()
    page.get_by_role("button", name="Start", exact=True).click()
    page.get_by_role("heading", name="Questionnaire").wait_for(timeout=30_000)

    for saved, (question, level) in enumerate(zip(theme.questions[:3], (2, 3, 1), strict=True), start=1):
        answer(page, framework, question, level, saved)
    page.screenshot(path=artifacts / "questionnaire.png", full_page=True)

    page.reload()  # mid-way: a new browser session on the same URL
    page.get_by_role("heading", name="Questionnaire").wait_for(timeout=30_000)
    for question, level in zip(theme.questions[:3], (2, 3, 1), strict=True):
        radio = page.get_by_role("radio", name=level_label(framework, question, level))
        assert radio.is_checked(), question.id
    say_who(page)  # the name is asked again after a reload; the answers were never lost

    for saved, question in enumerate(theme.questions[3:], start=4):
        page.get_by_role("heading", name="Questionnaire").wait_for(timeout=30_000)
        answer(page, framework, question, 2, saved)
    current(page).get_by_text("Submit anyway").click()
    current(page).get_by_role("button", name="Submit", exact=True).click()
    page.get_by_text("Submitted.").wait_for(timeout=30_000)

    page.get_by_role("link", name="Report and data").click()
    current(page).get_by_role("button", name="Make the PDF report").click()
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
