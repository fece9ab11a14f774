"""What a person does in the browser, step by step, shared by the end-to-end tests."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from questionnaire.model import Framework, Question, text_in

NAME = "Ana Ruiz"
PAGES = [  # sidebar link, then the page's heading
    ("Home", "City Cohesion Self-Assessment"),
    ("Who is answering", "Who is answering"),
    ("City profile", re.compile("^(City profile|A new city)$")),
    ("Questionnaire", "Questionnaire"),
    ("Results", "Results"),
    ("Compare", "Compare"),
    ("Report and data", "Report and data"),
    ("Framework", "The framework"),
    ("Practices", "Practices"),
]


def current(page: Page) -> Locator:
    """The page's elements without the stale ones Streamlit keeps on screen while a rerun is under way."""
    return page.locator('[data-testid="stElementContainer"]:not([data-stale="true"])')


def settle(page: Page) -> None:
    """Wait until the rerun has finished: no element is left stale on screen."""
    expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=30_000)


def open_page(page: Page, link: str, heading: str | re.Pattern[str]) -> None:
    """Open a page through the sidebar's navigation and wait until it has been drawn."""
    page.get_by_test_id("stSidebar").get_by_role("link", name=link, exact=True).click()
    page.get_by_role("heading", name=heading, exact=isinstance(heading, str)).wait_for(timeout=30_000)
    settle(page)


def wait_for_focus_on(page: Page, text: str) -> None:
    """Wait until the element with focus is the one that reads ``text`` (the person's next step)."""
    page.wait_for_function(
        "(text) => document.activeElement && document.activeElement.textContent.includes(text)", arg=text
    )


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
    page.get_by_role("button", name="Start the assessment").click()
    page.get_by_role("heading", name="Questionnaire").wait_for(timeout=30_000)
