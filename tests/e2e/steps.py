"""What a person does in the browser, step by step, shared by the end-to-end tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from access.accounts import Accounts
from access.roles import Role
from questionnaire.loader import load_frameworks
from questionnaire.model import Framework, Question, text_in
from storage.store import Store

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"critical", "serious"}
FOUND: dict[str, list[dict[str, Any]]] = {}
NAME, EMAIL, PASSWORD = "Ana Ruiz", "ana.ruiz@riverton.example", "river stones carry far"
PAGES = [  # sidebar link, then the page's heading
    ("Home", "City Cohesion Self-Assessment"),
    ("City profile", re.compile("^(City profile|A new city)$")),
    ("Members", "Members"),
    ("Questionnaire", "Questionnaire"),
    ("Workshop", "Workshop"),
    ("Results", "Results"),
    ("Action plan", "Action plan"),
    ("Compare", "Compare"),
    ("Report and data", "Report and data"),
    ("Framework", "The framework"),
    ("Practices", "Practices"),
    ("Network", "Network"),
    ("Your account", "Your account"),
]


def current(page: Page) -> Locator:
    """The page's elements without the stale ones Streamlit keeps on screen while a rerun is under way."""
    return page.locator('[data-testid="stElementContainer"]:not([data-stale="true"])')


def settle(page: Page) -> None:
    """Wait until the rerun has finished: no element is left stale on screen."""
    expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=30_000)


def choose(page: Page, field: Locator, option: str) -> None:
    """Pick ``option`` in the drop-down list ``field``, opening the list again if a rerun that landed
    while it opened closed it."""
    choice = page.get_by_role("option", name=option, exact=True)
    for attempt in range(3):
        field.click()
        try:
            choice.click(timeout=5_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            settle(page)


class Received:
    """What the app sends a page over its websocket, frame by frame, from the moment this is made (make it
    before the page opens the app). A rerun sends every element it draws, so what a rerun did not send,
    it did not redraw."""

    def __init__(self, page: Page) -> None:
        self.frames: list[bytes] = []
        page.on("websocket", lambda socket: socket.on("framereceived", self._keep))

    def _keep(self, payload: str | bytes) -> None:
        self.frames.append(payload if isinstance(payload, bytes) else payload.encode())

    def mark(self) -> int:
        """A place in what was received, for ``since``."""
        return len(self.frames)

    def since(self, mark: int) -> bytes:
        """Everything received after ``mark``."""
        return b"".join(self.frames[mark:])


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


def add_person(
    database_url: str, email: str = EMAIL, name: str = NAME, role: Role | None = Role.COORDINATOR, admin: bool = True
) -> None:
    """Give ``email`` an account with ``PASSWORD`` (if it has none) and ``role`` in every city the
    database holds now (``None``: no city role)."""
    store = Store.open(database_url, load_frameworks())
    try:
        people = Accounts(store)
        account = people.find(email) or people.add(email, name, "test set-up", password=PASSWORD, network_admin=admin)
        for city in store.cities() if role else []:
            if people.actor(account.id).role_in(city.id or 0) is None:
                people.add_member(account.id, city.id or 0, role, "test set-up")
    finally:
        store.engine.dispose()


def sign_in(page: Page, address: str, database_url: str, email: str = EMAIL) -> None:
    """Open ``address`` (a page of the app) as a person who is not signed in, who is sent to the sign-in
    page, signs in (Ana by default: a network administrator and coordinator of every city now in the
    database), and comes back to ``address``."""
    if email == EMAIL:
        add_person(database_url)
    page.goto(address)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("stSidebar").get_by_role("link", name="Your account").wait_for(timeout=30_000)
    settle(page)


def set_up_city_and_start(page: Page, app_url: str, database_url: str, city: str) -> None:
    """From a new browser session: sign in, create ``city`` on Home, start an assessment, open it."""
    sign_in(page, app_url, database_url)
    page.get_by_role("button", name="Set up a new city").click()
    page.get_by_label("City name").fill(city)
    page.get_by_label("Country").fill("Fictional")
    page.get_by_role("button", name="Save the city profile").click()
    page.get_by_role("button", name="Start the assessment").click()
    page.get_by_role("heading", name="Questionnaire").wait_for(timeout=30_000)


def violations(page: Page, axe_source: str, state: str) -> list[str]:
    """Run axe-core on the page as it is; record every violation and return the blocking ones, described."""
    page.wait_for_timeout(600)  # charts and tables draw after the run
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    FOUND[state] = [
        {"rule": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]), "first": v["nodes"][0]["html"][:300]}
        for v in found
    ]
    return [
        f"{state}: {v['id']} ({v['impact']}) on {len(v['nodes'])} element(s), e.g. {v['nodes'][0]['html'][:160]}"
        for v in found
        if v["impact"] in BLOCKING
    ]
