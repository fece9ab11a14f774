"""Two app servers on one PostgreSQL database, as a network of cities runs them behind a load balancer
with sticky sessions: what a person saves through one server is what a colleague reads through the
other, and a server that stops takes nothing with it.

Both servers are ``streamlit run`` processes of their own on a throwaway PostgreSQL server (Debian's
``postgresql`` package; the tests skip without it, except under CI, where they fail).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from access.roles import Role
from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from questionnaire.model import Framework, Question
from scoring.records import City
from storage.migrate import upgrade_database
from storage.store import Store
from tests import postgres
from tests.e2e.conftest import served
from tests.e2e.steps import NAME, add_person, current, level_label, settle, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
COLLEAGUE, COLLEAGUE_NAME = "ben.okafor@riverton.example", "Ben Okafor"
NOTE = "Agreed at the March forum: the protocol is exercised each spring."


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A migrated PostgreSQL database with a city, a blank draft, its coordinator (Ana) and an editor
    (Ben): the database's URL, the framework, the store, the city and the draft."""
    if not postgres.installed():
        if os.environ.get("CI"):
            pytest.fail(postgres.MISSING)
        pytest.skip(postgres.MISSING)
    with postgres.throwaway_server() as server:
        url = postgres.new_database(server, "network")
        upgrade_database(url)
        frameworks = load_frameworks()
        store = Store.open(url, frameworks)
        city = store.create_city(
            City(name="Riverton", country="Fictional", region="europe", population_band="100k_500k"), "Set-up"
        )
        draft = store.start_assessment(city.id or 0, "Network 2026", "Set-up", framework_id=DEFAULT_FRAMEWORK_ID)
        add_person(url)
        add_person(url, COLLEAGUE, COLLEAGUE_NAME, Role.EDITOR, admin=False)
        yield {
            "url": url,
            "framework": frameworks[DEFAULT_FRAMEWORK_ID],
            "store": store,
            "city": city.id or 0,
            "draft": draft.id or 0,
            "logs": tmp_path_factory.mktemp("logs"),
        }
        store.engine.dispose()


@pytest.fixture(scope="module")
def server_one(network: dict[str, Any]) -> Iterator[str]:
    """The first app process on the network's database."""
    with served(network["url"], network["logs"] / "one.log") as url:
        yield url


@pytest.fixture(scope="module")
def server_two(network: dict[str, Any]) -> Iterator[str]:
    """The second app process on the same database."""
    with served(network["url"], network["logs"] / "two.log") as url:
        yield url


def questionnaire(server: str, network: dict[str, Any]) -> str:
    return f"{server}/questionnaire?city={network['city']}&assessment={network['draft']}"


def box(page: Page, network: dict[str, Any], question: Question) -> Locator:
    """A question's box on the Questionnaire, as it is now (not a stale copy kept during a rerun)."""
    name = re.sub(r"[^a-zA-Z0-9_-]", "-", f"questionnaire_{network['draft']}_{question.id}_box")
    return page.locator(f".st-key-{name}:not([data-stale='true'])")


def choose(page: Page, framework: Framework, network: dict[str, Any], question: Question, level: int, by: str) -> None:
    """Choose a level and wait until the question says its answer was saved by ``by``."""
    box(page, network, question).get_by_text(level_label(framework, question, level), exact=True).click()
    saved = box(page, network, question).get_by_text(re.compile(rf"Answer saved at .* by {by}"))
    expect(saved).to_be_visible(timeout=20_000)


def write_note(page: Page, network: dict[str, Any], question: Question, note: str) -> None:
    """Type a note, leave the box (which commits it) and wait until the question says it was saved."""
    area = box(page, network, question).get_by_label("Note")
    area.fill(note)
    area.press("Tab")
    expect(box(page, network, question).get_by_text(re.compile("Note saved at"))).to_be_visible(timeout=20_000)


def shows(page: Page, framework: Framework, network: dict[str, Any], question: Question, level: int, note: str) -> None:
    """The question shows ``level`` chosen and ``note`` in its note box."""
    settle(page)
    radio = box(page, network, question).get_by_role("radio", name=level_label(framework, question, level))
    expect(radio).to_be_checked(timeout=20_000)
    expect(box(page, network, question).get_by_label("Note")).to_have_value(note)


def test_an_answer_and_note_saved_on_one_server_are_read_on_the_other_and_a_change_there_comes_back(
    network: dict[str, Any], server_one: str, server_two: str, browser: Any
) -> None:
    framework, store = network["framework"], network["store"]
    question = framework.themes[0].questions[0]
    ana = browser.new_context(viewport={"width": 1366, "height": 900})
    ben = browser.new_context(viewport={"width": 1366, "height": 900})  # his own cookies: his own session
    try:
        on_one = ana.new_page()
        sign_in(on_one, questionnaire(server_one, network), network["url"])
        choose(on_one, framework, network, question, 2, NAME)
        write_note(on_one, network, question, NOTE)

        on_two = ben.new_page()
        sign_in(on_two, questionnaire(server_two, network), network["url"], email=COLLEAGUE)
        shows(on_two, framework, network, question, 2, NOTE)
        expect(box(on_two, network, question).get_by_text(f"by {NAME}")).to_be_visible()

        choose(on_two, framework, network, question, 3, COLLEAGUE_NAME)  # Ben's change, through server two
        on_one.reload()
        shows(on_one, framework, network, question, 3, NOTE)
        expect(box(on_one, network, question).get_by_text("Answer saved at")).to_contain_text(COLLEAGUE_NAME)
        (stored,) = [a for a in store.answers(network["draft"]) if a.question_id == question.id]
        assert (stored.level, stored.note, stored.version) == (3, NOTE, 3)
        assert stored.answered_by == f"{COLLEAGUE_NAME} <{COLLEAGUE}>"
    finally:
        ana.close()
        ben.close()


def test_an_answer_saved_just_before_its_server_stops_is_there_when_the_server_starts_again(
    network: dict[str, Any], server_two: str, browser: Any
) -> None:
    framework, store = network["framework"], network["store"]
    question = framework.themes[0].questions[1]
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    logs: Path = network["logs"]
    try:
        page = context.new_page()
        with served(network["url"], logs / "one-before.log") as server_one:
            sign_in(page, questionnaire(server_one, network), network["url"])
            choose(page, framework, network, question, 1, NAME)
            write_note(page, network, question, "Written just before the server stopped.")
        # server one is stopped (terminated, as a deployment or a crash-restart does)

        elsewhere = context.new_page()  # meanwhile the load balancer sends the person to server two
        elsewhere.goto(questionnaire(server_two, network))
        shows(elsewhere, framework, network, question, 1, "Written just before the server stopped.")
        elsewhere.close()

        with served(network["url"], logs / "one-after.log") as server_one:
            page.goto(questionnaire(server_one, network))  # still signed in: the session is in the database
            current(page).get_by_role("heading", name="Questionnaire").wait_for(timeout=30_000)
            shows(page, framework, network, question, 1, "Written just before the server stopped.")
        (stored,) = [a for a in store.answers(network["draft"]) if a.question_id == question.id]
        assert (stored.level, stored.note) == (1, "Written just before the server stopped.")
        assert stored.answered_by.startswith(NAME)
    finally:
        context.close()
