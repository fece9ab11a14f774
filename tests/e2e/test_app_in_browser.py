"""A newcomer opens the served app in a real browser and reads the framework."""

from __future__ import annotations

import pytest

from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from questionnaire.model import text_in
from tests.e2e.steps import sign_in

pytestmark = pytest.mark.e2e


def test_a_newcomer_sees_the_home_page_and_browses_a_theme_of_the_framework(
    app_url: str, app_db: str, page, artifacts
) -> None:
    framework = load_frameworks()[DEFAULT_FRAMEWORK_ID]
    sign_in(page, app_url, app_db)
    page.get_by_role("heading", name="City Cohesion Self-Assessment").wait_for(timeout=30_000)
    page.screenshot(path=artifacts / "home.png", full_page=True)

    page.get_by_role("link", name="Framework").first.click()
    page.get_by_role("heading", name="The framework").wait_for(timeout=30_000)
    first = framework.themes[0].questions[0]
    page.get_by_text(f"{first.id} · {text_in(first.text)}").click()
    level_four = page.get_by_text(text_in(first.levels[4]))
    level_four.wait_for(state="visible", timeout=10_000)
    page.wait_for_timeout(500)  # let the expander finish opening before the screenshot
    assert level_four.is_visible()
    page.screenshot(path=artifacts / "framework.png", full_page=True)
