"""What a person does in the browser, step by step, shared by the end-to-end tests."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from questionnaire.model import Framework, Question, text_in

NAME = "Ana Ruiz"


def current(page: Page) -> Locator:
    """The page's elements without the stale ones Streamlit keeps on screen while a rerun is under way."""
    return page.locator('[data-testid="stElementContainer"]:not([data-stale="true"])')


def level_label(framework: Framework, question: Question, level: int) -> str:
    """The text of a level's radio option, as the Questionnaire shows it."""
    return f"{level} · {text_in(framework.level(level).name)}: {text_in(question.levels[level])}"


def say_who(page: Page) -> None:
    """Give a name and role in the form that asks for them, and wait until the form has gone."""
    page.get_by_label("Your name").fill(NAME)
    page.get_by_label("Your role (for example: cohesion lead, police liaison)").fill("cohesion lead")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Your name")).to_have_count(0, timeout=30_000)


def set_up_city_and_start(page: Page, app_url: str, city: str) -> None:
    """From a new browser session: say who, create ``city`` on Home, start an assessment, open it."""
    page.goto(f"{app_url}/who")
    say_who(page)
    page.get_by_role("link", name="Continue to Home").click()  # in-app links keep this browser session
    page.get_by_role("button", name="Set up a new city").click()
    page.get_by_label("City name").fill(city)
    page.get_by_label("Country").fill("Fictional")
    page.get_by_role("button", name="Save the city profile").click()
    page.get_by_text("Saved. Next, start an assessment").wait_for(timeout=30_000)
    page.get_by_role("link", name="Go to Home").click()
    page.get_by_role("button", name="Start", exact=True).click()
    page.get_by_role("heading", name="Questionnaire").wait_for(timeout=30_000)
