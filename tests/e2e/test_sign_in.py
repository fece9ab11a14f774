"""Signing in, roles and signing out in a real browser against the served app and its sign-in pages."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from access.accounts import Accounts
from access.roles import Role
from questionnaire.loader import load_frameworks
from questionnaire.model import Framework
from scoring.records import City, RecordedAnswer
from storage.store import Store
from tests.e2e.steps import PASSWORD, add_person, current, open_page, settle, sign_in

pytestmark = pytest.mark.e2e
SIGN_IN = re.compile("^Sign in$")


def signed_out_page(page: Page) -> None:
    """The server's sign-in form is on screen, and nothing of the app."""
    expect(page.get_by_role("heading", name=SIGN_IN)).to_be_visible(timeout=30_000)
    assert page.get_by_test_id("stSidebar").count() == 0


def sign_in_form(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_the_session_cookie_is_http_only_and_same_site_and_no_script_can_read_it(
    app_url: str, app_db: str, page: Page
) -> None:
    sign_in(page, app_url, app_db)
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "cohesion_session"]
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    assert len(cookie["value"]) >= 40  # an opaque random token, not a name or an id
    assert "cohesion_session" not in page.evaluate("() => document.cookie")


def test_signing_out_then_going_back_shows_nothing_and_the_old_cookie_opens_nothing(
    app_url: str, app_db: str, new_draft: tuple[Framework, Store, int, int], browser, page: Page
) -> None:
    _, store, city, draft = new_draft
    name = store.city(city).name
    sign_in(page, f"{app_url}/questionnaire?city={city}&assessment={draft}", app_db)
    expect(page.get_by_test_id("stSidebar").get_by_text(f"City: {name}")).to_be_visible()
    (old,) = [c for c in page.context.cookies() if c["name"] == "cohesion_session"]

    open_page(page, "Your account", "Your account")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible(timeout=30_000)
    page.go_back()
    signed_out_page(page)
    assert name not in page.content()

    other = browser.new_context()
    try:
        other.add_cookies([old])  # someone who copied the cookie before the sign-out
        stolen = other.new_page()
        stolen.goto(f"{app_url}/questionnaire?city={city}&assessment={draft}")
        signed_out_page(stolen)
        assert name not in stolen.content()
    finally:
        other.close()


def test_a_password_change_ends_the_other_sessions_at_their_next_click(
    app_url: str, app_db: str, browser, page: Page
) -> None:
    email = "pia.keller@riverton.example"
    add_person(app_db, email, "Pia Keller", role=None, admin=False)
    sign_in(page, app_url, app_db, email=email)
    laptop = browser.new_context()
    try:
        other = laptop.new_page()
        sign_in(other, app_url, app_db, email=email)

        open_page(page, "Your account", "Your account")
        current(page).get_by_label("Current password").fill(PASSWORD)
        current(page).get_by_label("New password", exact=True).fill("a brand new passphrase here")
        current(page).get_by_label("New password again").fill("a brand new passphrase here")
        current(page).get_by_role("button", name="Change the password").click()
        expect(page.get_by_text("Your password was changed")).to_be_visible(timeout=30_000)

        other.get_by_test_id("stSidebar").get_by_role("link", name="Framework").click()  # the next click
        expect(other.get_by_role("heading", name="Sign in")).to_be_visible(timeout=30_000)
        expect(other.get_by_role("link", name="Go to the sign-in page")).to_be_visible()
        other.reload()
        signed_out_page(other)
        sign_in_form(other, email, PASSWORD)  # the old password no longer works
        expect(other.get_by_role("alert")).to_have_text("The email or the password is not right.")
        sign_in_form(other, email, "a brand new passphrase here")
        other.get_by_test_id("stSidebar").get_by_role("link", name="Your account").wait_for(timeout=30_000)
    finally:
        laptop.close()
    open_page(page, "Home", "City Cohesion Self-Assessment")  # the session that changed it goes on


def test_a_viewer_reads_the_answers_but_cannot_change_them(
    app_url: str, app_db: str, new_draft: tuple[Framework, Store, int, int], page: Page
) -> None:
    framework, store, city, draft = new_draft
    question = framework.themes[0].questions[0]
    store.save_answer(draft, RecordedAnswer(question_id=question.id, level=2, note="Agreed in March"), "Set-up")
    email = "vera.lind@riverton.example"
    add_person(app_db, email, "Vera Lind", role=None, admin=False)
    people = Accounts(store)
    people.add_member(people.find(email).id, city, Role.VIEWER, "test set-up")  # type: ignore[union-attr]

    sign_in(page, f"{app_url}/questionnaire?city={city}&assessment={draft}", app_db, email=email)
    expect(current(page).get_by_text("You can read this assessment.")).to_be_visible()
    levels = current(page).get_by_role("radio")
    expect(levels.first).to_be_disabled()
    assert levels.evaluate_all("(all) => all.every((r) => r.disabled)")
    levels.nth(4).click(force=True)
    page.wait_for_timeout(1_000)
    assert [(a.level, a.note, a.answered_by) for a in store.answers(draft)] == [(2, "Agreed in March", "Set-up")]
    assert current(page).get_by_role("button", name="Submit", exact=True).count() == 0
    open_page(page, "Report and data", "Report and data")
    download = current(page).get_by_role("button", name="Download the PDF report")
    expect(download).to_be_visible(timeout=120_000)  # viewers download the report
    assert page.get_by_text("Import an assessment file (.json)").count() == 0


def test_an_editor_who_types_another_citys_address_sees_neither_its_name_nor_its_answers(
    app_url: str, app_db: str, new_draft: tuple[Framework, Store, int, int], page: Page
) -> None:
    framework, store, city, draft = new_draft
    secret = store.create_city(
        City(name="Hidden Harbour", country="Fictional", region="europe", population_band="100k_500k"), "Set-up"
    )
    theirs = store.start_assessment(secret.id or 0, "Their walk", "Set-up", framework_id=framework.id).id or 0
    store.save_answer(theirs, RecordedAnswer(question_id="Q1.1", level=4, note="Confidential briefing"), "Set-up")
    email = "eli.moss@riverton.example"
    add_person(app_db, email, "Eli Moss", role=None, admin=False)
    people = Accounts(store)
    people.add_member(people.find(email).id, city, Role.EDITOR, "test set-up")  # type: ignore[union-attr]

    sign_in(page, f"{app_url}/?city={city}&assessment={draft}", app_db, email=email)
    for address in (
        f"/questionnaire?city={secret.id}&assessment={theirs}",
        f"/questionnaire?city={city}&assessment={theirs}",  # the own city, another city's assessment
        f"/results?city={secret.id}&assessment={theirs}",
        f"/report?city={secret.id}&assessment={theirs}",
        f"/members?city={secret.id}",
        f"/city?city={secret.id}",
    ):
        page.goto(app_url + address)
        page.get_by_test_id("stSidebar").get_by_role("link", name="Your account").wait_for(timeout=30_000)
        settle(page)
        text = page.locator("body").inner_text()
        assert "Hidden Harbour" not in text and "Their walk" not in text, address
        assert "Confidential briefing" not in text and "Confidential" not in page.content(), address
    assert Accounts(store).actor(people.find(email).id).roles == {city: Role.EDITOR}  # type: ignore[union-attr]
    assert page.get_by_role("link", name="Network").count() == 0  # the administrator's page is not offered


def test_ten_wrong_passwords_delay_the_owners_correct_one_by_a_short_stated_wait(
    own_app: tuple[str, str], page: Page
) -> None:
    url, database = own_app
    add_person(database, role=None)
    page.goto(url)
    refusals = []
    for _ in range(10):
        sign_in_form(page, "ana.ruiz@riverton.example", "not the password at all")
        refusals.append(page.get_by_role("alert").inner_text())
    assert any(r.startswith("Too many wrong passwords") for r in refusals), refusals
    started = time.monotonic()
    sign_in_form(page, "ana.ruiz@riverton.example", PASSWORD)
    while page.get_by_role("alert").count():  # the owner is told how long, waits, and gets in
        said = re.search(r"try again in (\d+) seconds?", page.get_by_role("alert").inner_text())
        assert said and int(said.group(1)) <= 60, page.get_by_role("alert").inner_text()
        page.wait_for_timeout(int(said.group(1)) * 1_000)
        sign_in_form(page, "ana.ruiz@riverton.example", PASSWORD)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Your account").wait_for(timeout=30_000)
    assert time.monotonic() - started < 65


def test_an_invited_member_sets_a_password_through_the_link_and_sees_only_their_city(
    app_url: str, app_db: str, new_draft: tuple[Framework, Store, int, int], browser, page: Page
) -> None:
    _, store, city, draft = new_draft
    name = store.city(city).name
    sign_in(page, f"{app_url}/members?city={city}", app_db)
    current(page).get_by_label("Email").fill("noor.haddad@riverton.example")
    current(page).get_by_label("Name").fill("Noor Haddad")
    current(page).get_by_role("button", name="Make an invitation link").click()
    link = page.locator("code", has_text="/invitation?token=").inner_text(timeout=30_000).strip()

    newcomer = browser.new_context()
    try:
        joining = newcomer.new_page()
        joining.goto(link)
        expect(joining.get_by_role("heading", name="Join your city's team")).to_be_visible()
        joining.get_by_label("Choose a password").fill("password")  # too short and too common
        joining.get_by_role("button", name="Set my password and sign in").click()
        expect(joining.get_by_role("alert")).to_be_visible()
        joining.get_by_label("Choose a password").fill("lanterns over the old bridge")
        joining.get_by_role("button", name="Set my password and sign in").click()
        joining.get_by_test_id("stSidebar").get_by_role("link", name="Your account").wait_for(timeout=30_000)
        joining.get_by_role("combobox", name="City").click()  # Home lists the cities the person belongs to
        expect(joining.get_by_role("option")).to_have_text([f"{name}, Fictional"])
        joining.goto(link)  # the link works once
        joining.get_by_label("Choose a password").fill("another long passphrase")
        joining.get_by_role("button", name="Set my password and sign in").click()
        expect(joining.get_by_role("alert")).to_contain_text("no longer valid")
    finally:
        newcomer.close()
    people = Accounts(store)
    noor = people.find("noor.haddad@riverton.example")
    assert noor is not None and people.actor(noor.id).roles == {city: Role.EDITOR}


def test_the_first_account_page_is_only_for_the_servers_own_machine_and_only_once(own_app: tuple[str, str]) -> None:
    url, database = own_app

    def status(headers: dict[str, str]) -> int:
        request = urllib.request.Request(f"{url}/first-account", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as refused:
            return refused.code

    assert status({}) == 200
    assert status({"X-Forwarded-For": "203.0.113.7"}) == 404  # through a proxy: not the server's machine
    add_person(database, role=None)
    assert status({}) == 404  # an account exists: the page is gone
    store = Store.open(database, load_frameworks())
    try:
        assert Accounts(store).count() == 1
    finally:
        store.engine.dispose()


def test_hostile_names_and_emails_stay_text_on_the_sign_in_pages_and_in_the_app(
    own_app: tuple[str, str], page: Page
) -> None:
    url, _ = own_app
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    hostile = '"><img src=x onerror=alert(1)>'
    page.goto(url)
    page.get_by_label("Your name").fill(hostile)
    page.get_by_label("Your email").fill(f"{hostile}@x.example")
    page.get_by_label("Choose a password").fill("short")
    page.get_by_role("button", name="Create the account and sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.get_by_label("Your name").input_value() == hostile  # given back as typed, as text
    assert page.locator('img[src="x"]').count() == 0
    page.get_by_label("Your email").fill("www.evil.example@riverton.example")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_role("button", name="Create the account and sign in").click()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(f"Signed in as {hostile}")).to_be_visible(timeout=30_000)
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator('a[href*="evil"]').count() == 0  # an address-like email is not made a link
    assert dialogs == []
