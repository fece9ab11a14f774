"""The Workshop page, driven with AppTest on a real SQLite file: a coordinator opens a blind round,
two respondents answer apart, the coordinator closes it, sees where they disagree and records a
consensus with a dissent."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access.accounts import Accounts
from access.roles import Role
from scoring.records import City
from storage.rounds import Rounds
from storage.store import Store
from tests.integration.conftest import as_read, sign_in_app

APP = str(Path(__file__).resolve().parent.parent.parent / "app.py")
PAGE = "app_pages/workshop.py"


@pytest.fixture
def draft(app_store: Store) -> int:
    city = app_store.create_city(
        City(name="Riverton", country="Freedonia", region="europe", population_band="100k_500k"), "Set-up"
    )
    record = app_store.start_assessment(city.id or 0, "Assessment 2026", "Set-up", framework_id="scn-transatlantic")
    people = Accounts(app_store)
    for name, role in (("Cora Lead", Role.COORDINATOR), ("Ana Ruiz", Role.EDITOR), ("Ben Okafor", Role.EDITOR)):
        email = f"{name.split()[0].lower()}.{name.split()[1].lower()}@riverton.example"
        account = people.add(email, name, "Set-up")
        people.add_member(account.id, city.id or 0, role, "Set-up")
    return record.id or 0


def workshop(store: Store, draft: int, name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    record = store.assessment(draft)
    at.query_params["city"], at.query_params["assessment"] = str(record.city_id), str(draft)
    sign_in_app(at, store, name, roles={})  # the roles the set-up gave
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def key(round_id: int, question: str, part: str) -> str:
    return f"workshop_{round_id}_{question.replace('.', '-')}_{part}"


def test_a_blind_round_from_opening_to_a_consensus_with_a_dissent(app_store: Store, draft: int) -> None:
    people = Accounts(app_store)
    ana, ben = (people.find(e) for e in ("ana.ruiz@riverton.example", "ben.okafor@riverton.example"))
    assert ana is not None and ben is not None
    cora = workshop(app_store, draft, "Cora Lead")
    assert "No round yet." in " ".join(i.value for i in cora.info)
    cora.multiselect(key="workshop_themes").set_value(["T4"])
    cora.multiselect(key="workshop_respondents").set_value([ana.id, ben.id])
    cora.text_area(key="workshop_groups").input("Social services\nPolice")
    cora.button(key="FormSubmitter:workshop_open-Open the round").click().run()
    assert not cora.exception and not cora.error, [e.value for e in cora.error]
    (made,) = Rounds(app_store).of(draft, people.actor(ana.id))
    assert (
        made.blind and made.themes == ("T4",) and [p.group for p in made.participants] == ["Social services", "Police"]
    )

    for who, level, note in (("Ana Ruiz", 1, "The referral route exists on paper only"), ("Ben Okafor", 3, "")):
        respondent = workshop(app_store, draft, who)
        assert "You have answered 0 of" in respondent.get("progress")[0].proto.text
        respondent.radio(key=key(made.id, "Q4.2", "answer")).set_value(level).run()
        if note:
            respondent.text_area(key=key(made.id, "Q4.2", "note")).input(note).run()
        assert not respondent.error
        assert "Where the team disagrees" not in [h.value for h in respondent.header]  # blind: nothing of others
    shown = " ".join(m.value for m in workshop(app_store, draft, "Ben Okafor").markdown)
    assert "paper only" not in shown

    cora = workshop(app_store, draft, "Cora Lead")
    cora.button(key="workshop_close").click().run()
    cora = workshop(app_store, draft, "Cora Lead")
    table = cora.dataframe[0].value
    assert table["Question"].iloc[0] == "Q4.2" and "2 levels apart" in table["Disagreement"].iloc[0]
    assert "paper only" in as_read(" ".join(m.value for m in cora.markdown))
    by_group = cora.dataframe[1].value  # the chosen question, group by group
    assert dict(zip(by_group["Group"], by_group["Median"], strict=True)) == {"Social services": 1.0, "Police": 3.0}
    cora.selectbox(key=key(made.id, "Q4.2", "consensus")).set_value(2)
    cora.text_area(key=key(made.id, "Q4.2", "rationale")).input("Most referrals follow the route")
    cora.text_input(key=key(made.id, "Q4.2", "holder0")).input("Social services")
    cora.selectbox(key=key(made.id, "Q4.2", "held0")).set_value(1)
    cora.text_input(key=key(made.id, "Q4.2", "why0")).input("Only on paper")
    cora.button(key=f"FormSubmitter:{key(made.id, 'Q4.2', 'decide')}-Record the consensus").click().run()
    assert not cora.error, [e.value for e in cora.error]
    assert [(a.question_id, a.level) for a in app_store.answers(draft)] == [("Q4.2", 2)]
    rationale, dissents, _ = Rounds(app_store).decisions(made.id, people.actor(ana.id))["Q4.2"]
    assert rationale == "Most referrals follow the route" and [(d.holder, d.level) for d in dissents] == [
        ("Social services", 1)
    ]


def test_home_tells_a_respondent_of_an_open_round_and_takes_them_to_it(app_store: Store, draft: int) -> None:
    people = Accounts(app_store)
    cora, ana, ben = (
        people.find(e)
        for e in ("cora.lead@riverton.example", "ana.ruiz@riverton.example", "ben.okafor@riverton.example")
    )
    assert cora is not None and ana is not None and ben is not None
    made = Rounds(app_store).open_round(draft, {ana.id: None, ben.id: None}, people.actor(cora.id))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["city"] = str(app_store.assessment(draft).city_id)
    sign_in_app(at, app_store, "Ana Ruiz", roles={})
    at.run()
    assert "You are a respondent in workshop round 1" in as_read(" ".join(i.value for i in at.info))
    at.button(key=f"home_round_{made.id}").click().run()
    assert not at.exception and "Your answers" in [h.value for h in at.header]


def test_a_guest_sees_only_their_round_and_their_own_answers(app_store: Store, draft: int) -> None:
    people, rounds = Accounts(app_store), Rounds(app_store)
    cora, ana, ben = (
        people.find(e)
        for e in ("cora.lead@riverton.example", "ana.ruiz@riverton.example", "ben.okafor@riverton.example")
    )
    assert cora is not None and ana is not None and ben is not None
    lead = people.actor(cora.id)
    made = rounds.open_round(draft, {ana.id: None, ben.id: None}, lead, themes=["T4"], blind=False, names_shown=True)
    rounds.answer(made.id, "Q4.2", "level", 1, "A member's private reasoning", people.actor(ana.id))
    rounds.invite_guest(made.id, "gus.guest@riverton.example", "Gus Guest", "Youth centre", lead)

    at = AppTest.from_file(APP, default_timeout=60)
    sign_in_app(at, app_store, "Gus Guest", roles={})
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Your workshop round"
    links = [link.proto.label for link in at.get("page_link")]
    assert links == ["Your workshop round", "Your account"]  # no Home, results, reports or city pages
    shown = as_read(" ".join(m.value for m in at.markdown))
    assert "Riverton: Assessment 2026" in shown and "private reasoning" not in shown and "Ana" not in shown
    at.radio(key=key(made.id, "Q4.2", "answer")).set_value(3).run()
    assert not at.error, [e.value for e in at.error]
    gus = people.find("gus.guest@riverton.example")
    assert gus is not None
    assert [(a.question_id, a.level) for a in rounds.answers(made.id, people.actor(gus.id))] == [("Q4.2", 3)]
    for page in ("app_pages/results.py", "app_pages/report.py", "app_pages/workshop.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)  # the app registers no other page for a guest


def test_a_named_facilitator_closes_the_round_and_records_the_consensus(app_store: Store, draft: int) -> None:
    people = Accounts(app_store)
    ana, ben = (people.find(e) for e in ("ana.ruiz@riverton.example", "ben.okafor@riverton.example"))
    assert ana is not None and ben is not None
    cora = workshop(app_store, draft, "Cora Lead")
    cora.multiselect(key="workshop_themes").set_value(["T4"])
    cora.multiselect(key="workshop_respondents").set_value([ana.id])
    cora.selectbox(key="workshop_facilitator").set_value(ben.id)
    cora.button(key="FormSubmitter:workshop_open-Open the round").click().run()
    assert "at least 2 respondents" in " ".join(e.value for e in cora.error)  # refused, nothing opened
    cora.multiselect(key="workshop_respondents").set_value([ana.id, ben.id])
    cora.button(key="FormSubmitter:workshop_open-Open the round").click().run()
    (made,) = Rounds(app_store).of(draft, people.actor(ana.id))
    assert made.facilitator == "Ben Okafor"
    Rounds(app_store).answer(made.id, "Q4.2", "level", 2, "", people.actor(ana.id))

    assert not workshop(app_store, draft, "Ana Ruiz").button  # a respondent, not the facilitator: no close
    ben_page = workshop(app_store, draft, "Ben Okafor")
    assert "facilitated by Ben Okafor" in ben_page.caption[0].value
    ben_page.button(key="workshop_close").click().run()
    ben_page = workshop(app_store, draft, "Ben Okafor")
    ben_page.selectbox(key=key(made.id, "Q4.2", "consensus")).set_value(2)
    ben_page.button(key=f"FormSubmitter:{key(made.id, 'Q4.2', 'decide')}-Record the consensus").click().run()
    assert not ben_page.error, [e.value for e in ben_page.error]
    assert [(a.question_id, a.level) for a in app_store.answers(draft)] == [("Q4.2", 2)]
