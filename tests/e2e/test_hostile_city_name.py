"""A city named like an attack is shown as plain text on every page, and nothing in it runs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import PAGES, open_page, set_up_city_and_start

pytestmark = pytest.mark.e2e
HOSTILE = "<img src=x onerror=alert(1)>"


def test_a_city_named_like_markup_is_text_on_every_page_and_no_script_runs(
    app_url: str, app_db: str, page, artifacts
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    set_up_city_and_start(page, app_url, app_db, HOSTILE)

    sidebar = page.get_by_test_id("stSidebar")
    for link, heading in PAGES:
        open_page(page, link, heading)
        expect(sidebar.get_by_text(f"City: {HOSTILE}", exact=True)).to_be_visible()
        assert page.locator('img[src="x"]').count() == 0, link
        page.wait_for_timeout(700)  # tables and charts draw after the run; the screenshot is for people
        page.screenshot(path=artifacts / f"page-{link.lower().replace(' ', '-')}.png", full_page=True)
    assert dialogs == []
