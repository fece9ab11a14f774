"""A workshop round in real browsers: three respondents answer blind in three browser contexts, the
coordinator closes the round, sees where they disagree and records a consensus with a dissent."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from access.accounts import Accounts
from access.roles import Role
from questionnaire.model import Framework
from storage.rounds import Rounds
from storage.store import Store
from tests.e2e.steps import PASSWORD, Received, add_person, choose, level_label, settle, sign_in

pytestmark = pytest.mark.e2e
VOICES = (("Mia Torres", "Social services", 1), ("Omar Diallo", "Police", 3), ("Lena Weiss", "Schools", 3))


def test_three_respondents_answer_blind_and_the_coordinator_records_a_consensus_with_a_dissent(
    app_url: str, app_db: str, new_draft: tuple[Framework, Store, int, int], browser, page: Page
) -> None:
    framework, store, city, draft = new_draft
    question = framework.themes[0].questions[0]
    add_person(app_db)  # Ana, the coordinator
    people = Accounts(store)
    respondents = {}
    for name, group, _ in VOICES:
        email = f"{name.split()[0].lower()}@riverton.example"
        account = people.find(email) or people.add(email, name, "Set-up", password=PASSWORD)
        people.add_member(account.id, city, Role.EDITOR, "Set-up")
        respondents[account.id] = group
    ana = people.find("ana.ruiz@riverton.example")
    assert ana is not None
    made = Rounds(store).open_round(draft, respondents, people.actor(ana.id), themes=[framework.themes[0].id])
    address = f"{app_url}/workshop?city={city}&assessment={draft}"
    asked = len(framework.themes[0].questions)

    for name, _, level in VOICES:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        try:
            mine = context.new_page()
            received = Received(mine)
            sign_in(mine, address, app_db, email=f"{name.split()[0].lower()}@riverton.example")
            expect(mine.get_by_role("heading", name="Your answers")).to_be_visible(timeout=30_000)
            box = mine.locator(f'[class*="st-key-workshop_{made.id}_{question.id.replace(".", "-")}_box"]')
            settle(mine)
            start = received.mark()
            box.get_by_text(level_label(framework, question, level), exact=True).click()
            expect(box.get_by_text("Saved")).to_be_visible(timeout=30_000)
            expect(mine.get_by_text(f"You have answered 1 of {asked} questions")).to_be_visible()
            expect(mine.get_by_text(f": 1 of {asked}")).to_be_visible()  # the participants' line counts it too
            settle(mine)
            sent = received.since(start)
            assert f"You have answered 1 of {asked}".encode() in sent  # the watch sees what the choice sent
            assert b"Your answers" not in sent, "a choice redrew the whole page, its heading with it"
            assert mine.get_by_role("heading", name="Where the team disagrees").count() == 0  # blind
            if name != "Mia Torres":  # names are not shown to the group: others are "Respondent N"
                assert "Mia Torres" not in mine.locator("body").inner_text()
        finally:
            context.close()

    sign_in(page, address, app_db)
    page.get_by_role("button", name="Close the round").click()
    expect(page.get_by_role("heading", name="Where the team disagrees")).to_be_visible(timeout=30_000)
    settle(page)
    expect(page.get_by_text(re.compile(r"Mia Torres.*Social services.*level 1"))).to_be_visible()
    settle(page)
    choose(page, page.get_by_label("Consensus level"), level_label(framework, question, 2))
    page.get_by_label("Why the team settled here").fill("Most cases follow the route")
    page.get_by_label("Dissent 1: held by").fill("Social services")
    page.get_by_label("Dissent 1: why").fill("It exists on paper only")
    page.get_by_role("button", name="Record the consensus").click()
    expect(page.get_by_text(f"{question.id}: the consensus is level 2")).to_be_visible(timeout=30_000)
    assert [(a.question_id, a.level) for a in store.answers(draft)] == [(question.id, 2)]
    rationale, dissents, _ = Rounds(store).decisions(made.id, people.actor(ana.id))[question.id]
    assert rationale == "Most cases follow the route" and [d.holder for d in dissents] == ["Social services"]


def test_a_guest_accepts_a_one_time_link_answers_the_round_and_reaches_nothing_else(
    app_url: str, app_db: str, new_draft: tuple[Framework, Store, int, int], browser
) -> None:
    framework, store, city, draft = new_draft
    question = framework.themes[0].questions[0]
    add_person(app_db)
    people = Accounts(store)
    ana = people.find("ana.ruiz@riverton.example")
    assert ana is not None
    lead = people.actor(ana.id)
    members = {}
    for name in ("Mia Torres", "Omar Diallo"):
        email = f"{name.split()[0].lower()}.{city}@riverton.example"
        account = people.find(email) or people.add(email, name, "Set-up", password=PASSWORD)
        people.add_member(account.id, city, Role.EDITOR, "Set-up")
        members[account.id] = None
    rounds = Rounds(store)
    made = rounds.open_round(draft, members, lead, themes=[framework.themes[0].id], blind=False, names_shown=True)
    rounds.answer(made.id, question.id, "level", 1, "A member's own reasoning", people.actor(next(iter(members))))
    email = f"gus.{city}@youth-centre.example"
    token = rounds.invite_guest(made.id, email, "Gus Guest", "Youth centre", lead)

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        guest = context.new_page()
        guest.goto(f"{app_url}/invitation?token={token}")
        expect(guest.get_by_role("heading", name="Answer a workshop round")).to_be_visible()
        guest.get_by_label("Choose a password").fill("a partner's long passphrase")
        guest.get_by_role("button", name="Set my password and sign in").click()
        expect(guest.get_by_role("heading", name="Your workshop round")).to_be_visible(timeout=30_000)
        box = guest.locator(f'[class*="st-key-workshop_{made.id}_{question.id.replace(".", "-")}_box"]')
        box.get_by_text(level_label(framework, question, 3), exact=True).click()
        expect(box.get_by_text("Saved")).to_be_visible(timeout=30_000)
        settle(guest)
        seen = guest.locator("body").inner_text()
        assert "A member's own reasoning" not in seen and "Mia Torres" not in seen
        links = guest.get_by_role("navigation", name="App pages").get_by_role("link").all_inner_texts()
        assert [link.split("\n")[-1] for link in links] == ["Your workshop round", "Your account"]  # icon, name
        for typed in ("results", "report", "workshop", "questionnaire"):  # another page's address, typed
            guest.goto(f"{app_url}/{typed}?city={city}&assessment={draft}")
            expect(guest.get_by_role("heading", name="Your workshop round")).to_be_visible(timeout=30_000)
            settle(guest)
            assert "A member's own reasoning" not in guest.locator("body").inner_text()
        again = context.new_page()
        again.goto(f"{app_url}/invitation?token={token}")  # the link worked once
        again.get_by_label("Choose a password").fill("another long passphrase")
        again.get_by_role("button", name="Set my password and sign in").click()
        expect(again.get_by_role("alert")).to_contain_text("no longer valid")
    finally:
        context.close()
    gus = people.find(email)
    assert gus is not None
    assert [(a.question_id, a.level) for a in rounds.answers(made.id, people.actor(gus.id))] == [(question.id, 3)]
