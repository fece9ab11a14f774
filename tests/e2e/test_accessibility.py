"""Every page, in every state a city team can reach, passes axe-core with no critical or serious violation.

axe-core (the engine browsers and auditors use) is injected from the copy ``make test`` installs with
npm; nothing is fetched at run time. Every violation found, of any impact, is written to
``tests/e2e/artifacts/axe.json`` for a person to read; the test fails on the critical and serious ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from access.accounts import Accounts
from access.roles import Role
from questionnaire.loader import load_frameworks
from questionnaire.model import Framework
from scoring.answers import Status
from scoring.records import AssessmentStatus, City, RecordedAnswer
from storage.demo import DEMO_CITY, create_demo
from storage.store import Store
from storage.transfer import export_json
from tests.e2e.steps import PAGES, PASSWORD, current, level_label, open_page, settle, sign_in, violations

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo(app_db: str) -> Iterator[dict[str, Any]]:
    """The demo city in the served app's database: its latest submitted review, its draft, and its
    first review as a portable file."""
    frameworks = load_frameworks()
    store = Store.open(app_db, frameworks)
    existing = store.matching_city(DEMO_CITY)
    made = store.assessments(existing.id) if existing else create_demo(store, frameworks["scn-transatlantic"], "Axe")
    submitted = [r for r in made if r.status is AssessmentStatus.SUBMITTED]
    draft = next(r for r in made if r.status is AssessmentStatus.DRAFT)
    yield {"submitted": submitted[-1], "draft": draft, "file": export_json(store, submitted[0].id or 0)}
    store.engine.dispose()


def every_page(page: Page, axe_source: str, state: str) -> list[str]:
    """Open each page through the sidebar's navigation landmark and check it."""
    problems: list[str] = []
    for link, heading in PAGES:
        open_page(page, link, heading)
        here = page.get_by_role("navigation", name="App pages").get_by_role("link", name=link, exact=True)
        expect(here).to_have_attribute("aria-current", "page")  # the navigation says where the person is
        problems += violations(page, axe_source, f"{state} · {link}")
    return problems


def test_every_page_passes_axe_with_no_city_chosen(app_url: str, app_db: str, page: Page, axe_source: str) -> None:
    sign_in(page, app_url, app_db)
    page.get_by_role("heading", name="City Cohesion Self-Assessment").wait_for(timeout=30_000)
    assert every_page(page, axe_source, "no city") == []


@pytest.mark.parametrize("which", ["draft", "submitted"])
def test_every_page_passes_axe_on_the_demo_city(
    app_url: str, app_db: str, page: Page, axe_source: str, demo, which: str
) -> None:
    record = demo[which]
    sign_in(page, f"{app_url}/?city={record.city_id}&assessment={record.id}", app_db)
    assert every_page(page, axe_source, f"demo {which}") == []


def test_a_conflict_and_an_import_preview_pass_axe(
    app_url: str, app_db: str, page: Page, axe_source: str, demo
) -> None:
    record = demo["draft"]
    frameworks = load_frameworks()
    framework = frameworks["scn-transatlantic"]
    question = framework.themes[0].questions[0]
    sign_in(page, f"{app_url}/questionnaire?city={record.city_id}&assessment={record.id}", app_db)
    store = Store.open(app_db, frameworks)
    try:
        stored = {a.question_id: a for a in store.answers(record.id or 0)}.get(question.id)
        before = stored.level if stored and stored.level is not None else 0
        theirs = 4 if before != 4 else 3
        colleague = RecordedAnswer(question_id=question.id, status=Status.LEVEL, level=theirs)
        store.save_answer(record.id or 0, colleague, "A colleague", stored.version if stored else 0)
    finally:
        store.engine.dispose()
    mine = next(level for level in range(5) if level not in (before, theirs))
    current(page).get_by_text(level_label(framework, question, mine), exact=True).click()
    expect(page.get_by_role("button", name="Keep mine")).to_be_visible(timeout=30_000)
    problems = violations(page, axe_source, "conflict shown · Questionnaire")

    open_page(page, "Report and data", "Report and data")
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(
        files=[{"name": "assessment.json", "mimeType": "application/json", "buffer": demo["file"]}]
    )
    page.get_by_text("What the import would add").wait_for(timeout=30_000)
    settle(page)
    problems += violations(page, axe_source, "import preview · Report and data")
    assert problems == []


def test_messages_an_open_question_a_ready_report_and_a_phone_screen_pass_axe(
    app_url: str, app_db: str, blank_draft: tuple[Framework, Store, int], page: Page, browser, axe_source: str
) -> None:
    framework, _, _ = blank_draft
    question = framework.themes[0].questions[0]
    current(page).get_by_text(level_label(framework, question, 3), exact=True).click()
    expect(current(page).get_by_text("Answer saved at")).to_have_count(1, timeout=30_000)
    note = current(page).get_by_label("Note").first
    note.fill("x" * 5_001)
    note.press("Tab")
    expect(current(page).get_by_role("alert").filter(has_text="This note has 5,001 characters")).to_be_visible()
    problems = violations(page, axe_source, "note too long · Questionnaire")

    open_page(page, "Report and data", "Report and data")
    expect(page.get_by_text("Making the report")).to_be_visible()  # begun as the page opened
    problems += violations(page, axe_source, "report being made · Report and data")
    expect(page.get_by_text("The report is ready")).to_be_visible(timeout=120_000)
    settle(page)
    problems += violations(page, axe_source, "report ready · Report and data")

    open_page(page, "Framework", "The framework")
    page.get_by_text(f"{question.id} · ", exact=False).first.click()
    expect(page.get_by_text("Guidance for the team.").first).to_be_visible()
    problems += violations(page, axe_source, "question open · Framework")
    for tab, shown in (("Scale and weights", "Weights"), ("What changed", "Earlier question")):
        page.get_by_role("tab", name=tab).click()
        expect(page.get_by_text(shown).first).to_be_visible()
        settle(page)
        problems += violations(page, axe_source, f"{tab} tab · Framework")

    open_page(page, "Questionnaire", "Questionnaire")
    page.locator("summary", has_text="About this question").first.click()
    expect(page.get_by_text("in its theme's score").first).to_be_visible()
    problems += violations(page, axe_source, "about this question open · Questionnaire")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    small = phone.new_page()
    try:
        sign_in(small, app_url, app_db)
        small.get_by_role("heading", name="City Cohesion Self-Assessment").wait_for(timeout=30_000)
        settle(small)
        problems += violations(small, axe_source, "phone · Home")
        small.goto(f"{app_url}/framework")
        small.get_by_role("heading", name="The framework").wait_for(timeout=30_000)
        settle(small)
        problems += violations(small, axe_source, "phone · Framework")
    finally:
        phone.close()
    assert problems == []


def test_the_sign_in_pages_pass_axe_also_with_a_problem_shown(
    own_app: tuple[str, str], browser, axe_source: str
) -> None:
    url, database = own_app
    # The pages forbid every script (Content-Security-Policy); the checker's own is let in here only.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(url)  # a fresh server: the first account's page
    expect(page.get_by_role("heading", name="Create the first account")).to_be_visible()
    problems = violations(page, axe_source, "first account")
    page.get_by_label("Your name").fill("Ana Ruiz")
    page.get_by_label("Your email").fill("ana.ruiz@riverton.example")
    page.get_by_label("Choose a password").fill("short")
    page.get_by_role("button", name="Create the account and sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    problems += violations(page, axe_source, "first account · refused password")

    store = Store.open(database, load_frameworks())
    try:
        people = Accounts(store)
        admin = people.add("ana.ruiz@riverton.example", "Ana Ruiz", "x", password=PASSWORD, network_admin=True)
        city = store.create_city(
            City(name="Riverton", country="Freedonia", region="europe", population_band="100k_500k"), "x"
        )
        token = people.invite("ben@riverton.example", "Ben", city.id or 0, Role.EDITOR, people.actor(admin.id))
    finally:
        store.engine.dispose()
    page.goto(f"{url}/sign-in")
    problems += violations(page, axe_source, "sign in")
    page.get_by_label("Email").fill("ana.ruiz@riverton.example")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    problems += violations(page, axe_source, "sign in · wrong password")
    page.goto(f"{url}/invitation?token={token}")
    problems += violations(page, axe_source, "invitation")
    page.goto(f"{url}/first-account")
    problems += violations(page, axe_source, "first account · gone")
    context.close()
    assert problems == []


def test_a_guests_link_and_their_round_pass_axe(
    app_url: str, app_db: str, browser, axe_source: str, new_draft: tuple[Framework, Store, int, int]
) -> None:
    from storage.rounds import Rounds

    framework, store, city, draft = new_draft
    people = Accounts(store)
    lead = people.add(f"cleo.{city}@riverton.example", "Cleo", "x", password=PASSWORD)
    people.add_member(lead.id, city, Role.COORDINATOR, "x")
    helpers = []
    for n in (1, 2):
        helper = people.add(f"member{n}.{city}@riverton.example", f"Member {n}", "x", password=PASSWORD)
        people.add_member(helper.id, city, Role.EDITOR, "x")
        helpers.append(helper.id)
    rounds = Rounds(store)
    made = rounds.open_round(draft, dict.fromkeys(helpers), people.actor(lead.id), themes=[framework.themes[0].id])
    token = rounds.invite_guest(made.id, f"gus.{city}@partner.example", "Gus", "Partner", people.actor(lead.id))
    context = browser.new_context(bypass_csp=True)  # the link's page forbids scripts; axe's is let in here only
    page = context.new_page()
    page.goto(f"{app_url}/invitation?token={token}")
    problems = violations(page, axe_source, "guest link")
    page.get_by_label("Choose a password").fill("a partner's long passphrase")
    page.get_by_role("button", name="Set my password and sign in").click()
    expect(page.get_by_role("heading", name="Your workshop round")).to_be_visible(timeout=30_000)
    settle(page)
    problems += violations(page, axe_source, "guest · their round")
    context.close()
    assert problems == []
