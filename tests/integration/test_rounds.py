"""Workshop rounds on SQLite and PostgreSQL: opening, answering apart (blind or not), closing, and
recording a consensus with its dissent, each step refused for those who may not take it."""

from __future__ import annotations

from typing import Any

import pytest

from access.accounts import Accounts
from access.roles import NotAllowed
from scoring.records import RecordedAnswer
from storage.errors import AnswerConflict, StorageError
from storage.rounds import Dissent, Rounds
from storage.store import Store


def _ids(team: dict[str, Any], *names: str) -> dict[int, str | None]:
    return {team[n].account_id: group for n, group in zip(names, ("social services", "police", None), strict=False)}


def test_a_blind_round_shows_each_respondent_only_their_own_answers_until_it_closes(
    store: Store, team: dict[str, Any]
) -> None:
    rounds = Rounds(store)
    cora, ana, ben, vic = (team[n] for n in ("Cora", "Ana", "Ben", "Vic"))
    made = rounds.open_round(team["draft"], _ids(team, "Ana", "Ben"), cora, themes=["T1"])
    assert made.number == 1 and made.blind and made.open and made.themes == ("T1",)
    rounds.answer(made.id, "Q1.1", "level", 1, "Only on paper", ana)
    rounds.answer(made.id, "Q1.1", "level", 3, "", ben)
    rounds.answer(made.id, "Q1.2", "not_my_area", None, "", ben)
    assert [(a.question_id, a.level) for a in rounds.answers(made.id, ana)] == [("Q1.1", 1)]
    assert rounds.answers(made.id, cora) == [] and rounds.answers(made.id, vic) == []

    rounds.close(made.id, cora)
    seen = rounds.answers(made.id, vic)
    assert [(a.respondent.label, a.question_id, a.status) for a in seen] == [
        ("Respondent 1", "Q1.1", "level"),
        ("Respondent 2", "Q1.1", "level"),
        ("Respondent 2", "Q1.2", "not_my_area"),
    ]  # names are not shown to the group
    assert {a.respondent.label for a in rounds.answers(made.id, cora)} == {"Ana", "Ben"}
    with pytest.raises(StorageError, match="closed"):
        rounds.answer(made.id, "Q1.1", "level", 4, "", ana)
    assert [a.level for a in rounds.answers(made.id, cora) if a.question_id == "Q1.1"] == [1, 3]


def test_an_open_round_that_is_not_blind_shows_the_answers_as_they_come(store: Store, team: dict[str, Any]) -> None:
    rounds = Rounds(store)
    made = rounds.open_round(team["draft"], _ids(team, "Ana", "Ben"), team["Cora"], blind=False, names_shown=True)
    rounds.answer(made.id, "Q2.1", "level", 2, "", team["Ana"])
    assert [(a.respondent.label, a.level) for a in rounds.answers(made.id, team["Ben"])] == [("Ana", 2)]


def test_only_coordinators_open_and_close_and_only_respondents_answer(store: Store, team: dict[str, Any]) -> None:
    rounds = Rounds(store)
    respondents = _ids(team, "Ana", "Ben")
    for who in ("Ana", "Vic", "Lea"):
        with pytest.raises(NotAllowed):
            rounds.open_round(team["draft"], respondents, team[who])
    made = rounds.open_round(team["draft"], respondents, team["Cora"])
    for who in ("Dia", "Vic", "Cora"):  # not taking part, though members
        with pytest.raises(NotAllowed):
            rounds.answer(made.id, "Q1.1", "level", 2, "", team[who])
    with pytest.raises(NotAllowed):
        rounds.answers(made.id, team["Lea"])  # another city's coordinator
    with pytest.raises(NotAllowed):
        rounds.close(made.id, team["Ana"])
    assert store.answers(team["draft"]) == []  # nothing reached the assessment


@pytest.mark.parametrize(
    ("respondents", "themes", "said"),
    [
        (("Ana",), (), "at least 2 respondents"),
        (("Ana", "Lea"), (), "Only members of the city"),
        (("Ana", "Ben"), ("T99",), "no theme T99"),
    ],
)
def test_a_round_that_cannot_be_opened_says_why_and_writes_nothing(
    store: Store, team: dict[str, Any], respondents: tuple[str, ...], themes: tuple[str, ...], said: str
) -> None:
    before = len(store.audit_trail())
    with pytest.raises(StorageError, match=said):
        Rounds(store).open_round(team["draft"], {team[n].account_id: None for n in respondents}, team["Cora"], themes)
    assert Rounds(store).of(team["draft"], team["Cora"]) == [] and len(store.audit_trail()) == before


def test_one_round_is_open_at_a_time_and_the_next_one_gets_the_next_number(store: Store, team: dict[str, Any]) -> None:
    rounds = Rounds(store)
    first = rounds.open_round(team["draft"], _ids(team, "Ana", "Ben"), team["Cora"])
    with pytest.raises(StorageError, match="open round"):
        rounds.open_round(team["draft"], _ids(team, "Ana", "Dia"), team["Cora"])
    rounds.close(first.id, team["Cora"])
    second = rounds.open_round(team["draft"], _ids(team, "Ben", "Dia"), team["Cora"])
    assert [r.number for r in rounds.of(team["draft"], team["Vic"])] == [1, 2]
    assert second.number == 2


def test_an_answer_outside_the_round_or_changed_elsewhere_is_refused(store: Store, team: dict[str, Any]) -> None:
    rounds = Rounds(store)
    made = rounds.open_round(team["draft"], _ids(team, "Ana", "Ben"), team["Cora"], themes=["T1"])
    ana = team["Ana"]
    for question, status, level, said in [
        ("Q2.1", "level", 2, "not asked in this round"),
        ("Q1.1", "level", 5, "from 0 to 4"),
        ("Q1.1", "dont_know", 2, "only with the status"),
        ("Q1.1", "maybe", None, "is not an answer"),
    ]:
        with pytest.raises(StorageError, match=said):
            rounds.answer(made.id, question, status, level, "", ana)
    first = rounds.answer(made.id, "Q1.1", "level", 2, "", ana)
    assert rounds.answer(made.id, "Q1.1", "level", 2, "", ana).version == first.version == 1
    assert rounds.answer(made.id, "Q1.1", "level", 3, "", ana, expected_version=1).version == 2
    with pytest.raises(StorageError, match="another window"):
        rounds.answer(made.id, "Q1.1", "level", 4, "", ana, expected_version=1)
    assert [a.level for a in rounds.answers(made.id, ana)] == [3]


def test_the_consensus_becomes_the_assessments_answer_and_keeps_its_dissent(store: Store, team: dict[str, Any]) -> None:
    rounds = Rounds(store)
    cora = team["Cora"]
    made = rounds.open_round(team["draft"], _ids(team, "Ana", "Ben"), cora)
    rounds.answer(made.id, "Q4.2", "level", 1, "The referral route exists on paper only", team["Ana"])
    rounds.answer(made.id, "Q4.2", "level", 3, "", team["Ben"])
    consensus = RecordedAnswer(question_id="Q4.2", level=2, note="Agreed in the workshop")
    with pytest.raises(StorageError, match="Close the round first"):
        rounds.decide(made.id, consensus, "", [], cora)
    rounds.close(made.id, cora)
    with pytest.raises(NotAllowed):
        rounds.decide(made.id, consensus, "", [], team["Ana"])
    dissent = Dissent("Social services", 1, "The referral route exists on paper only")
    saved = rounds.decide(made.id, consensus, "Most referrals follow the route", [dissent], cora)
    assert saved.level == 2 and saved.version == 1 and saved.answered_by == cora.name
    assert [(a.question_id, a.level) for a in store.answers(team["draft"])] == [("Q4.2", 2)]
    rationale, dissents, decided_by = rounds.decisions(made.id, team["Vic"])["Q4.2"]
    assert (rationale, dissents, decided_by) == ("Most referrals follow the route", [dissent], cora.name)
    store.save_answer(team["draft"], RecordedAnswer(question_id="Q4.2", level=4), "Dia", expected_version=1)
    with pytest.raises(AnswerConflict):  # the answer changed since the coordinator looked: nothing is overwritten
        rounds.decide(made.id, consensus.model_copy(update={"level": 3}), "", [], cora, expected_version=1)
    assert [a.level for a in store.answers(team["draft"])] == [4]
    assert "round.decide" in [e.action for e in store.audit_trail()]


def test_a_round_on_a_submitted_assessment_is_refused(store: Store, team: dict[str, Any]) -> None:
    store.submit_assessment(team["draft"], "Set-up")
    with pytest.raises(StorageError, match="only on a draft"):
        Rounds(store).open_round(team["draft"], _ids(team, "Ana", "Ben"), team["Cora"])


def test_the_audit_trail_says_who_answered_a_blind_round_but_never_what(store: Store, team: dict[str, Any]) -> None:
    rounds = Rounds(store)
    made = rounds.open_round(team["draft"], _ids(team, "Ana", "Ben"), team["Cora"])
    rounds.answer(made.id, "Q1.1", "level", 4, "A note only the round shows", team["Ana"])
    (event,) = [e for e in store.audit_trail(assessment_id=team["draft"]) if e.action == "round.answer"]
    assert event.actor.startswith("Ana") and event.question_id == "Q1.1"
    assert "4" not in str(event.new_value) and "note" not in str(event.new_value)


def test_a_respondent_removed_from_the_city_can_no_longer_answer_or_read_the_round(
    store: Store, team: dict[str, Any]
) -> None:
    rounds = Rounds(store)
    made = rounds.open_round(team["draft"], _ids(team, "Ana", "Ben"), team["Cora"])
    people = Accounts(store)
    people.change_role(team["Ana"].account_id, team["city"], None, team["Cora"])
    ana = people.actor(team["Ana"].account_id)  # as she is now: no role in the city
    with pytest.raises(NotAllowed):
        rounds.answer(made.id, "Q1.1", "level", 2, "", ana)
    with pytest.raises(NotAllowed):
        rounds.answers(made.id, ana)


GUEST_PASSWORD = "a partner's long passphrase"


def test_a_guest_answers_one_round_through_a_one_time_link_and_sees_nothing_else(
    store: Store, team: dict[str, Any]
) -> None:
    from access.guard import GuardedStore

    rounds, people = Rounds(store), Accounts(store)
    cora = team["Cora"]
    made = rounds.open_round(team["draft"], _ids(team, "Ana", "Ben"), cora, blind=False, names_shown=True)
    rounds.answer(made.id, "Q1.1", "level", 1, "A member's note", team["Ana"])
    token = rounds.invite_guest(made.id, "gus@youth-centre.example", "Gus", "Youth centre", cora)
    found = people.invitation(token)
    assert found is not None and found.for_round and not found.has_password
    gus_account = people.accept(token, GUEST_PASSWORD)
    gus = people.actor(gus_account.id)
    assert gus.roles == {}  # joins no city
    assert people.sign_in("gus@youth-centre.example", GUEST_PASSWORD, "10.0.0.9")

    rounds.answer(made.id, "Q1.1", "level", 3, "From the youth centre", gus)
    assert [(a.respondent.label, a.level) for a in rounds.answers(made.id, gus)] == [("Gus", 3)]
    assert [p.label for p in rounds.get(made.id, gus).participants] == ["Gus"]  # not even who else answers
    assert rounds.progress(made.id, gus) == {gus.account_id: 1}
    with pytest.raises(NotAllowed):
        rounds.decisions(made.id, gus)
    guarded = GuardedStore(store, gus)
    assert guarded.cities() == []
    with pytest.raises(NotAllowed):
        guarded.answers(team["draft"])
    [(mine, named)] = rounds.mine(gus)
    assert mine.id == made.id and named == "Riverton: Assessment 2026"
    # the city's team sees the guest's answer beside the members', with the guest's group
    given = rounds.answers(made.id, cora)
    seen = {a.respondent.label: (a.level, a.respondent.group, a.respondent.guest) for a in given}
    assert seen == {"Ana": (1, "social services", False), "Gus": (3, "Youth centre", True)}

    rounds.close(made.id, cora)
    assert [a.respondent.label for a in rounds.answers(made.id, gus)] == ["Gus"]  # after closing too
    with pytest.raises(StorageError, match="no longer valid"):
        people.accept(token, GUEST_PASSWORD)  # the link works once


def test_a_guest_link_is_refused_to_all_but_coordinators_and_for_members_and_a_new_link_ends_the_old(
    store: Store, team: dict[str, Any]
) -> None:
    rounds, people = Rounds(store), Accounts(store)
    made = rounds.open_round(team["draft"], _ids(team, "Ana", "Ben"), team["Cora"])
    for who in ("Ana", "Vic", "Lea"):
        with pytest.raises(NotAllowed):
            rounds.invite_guest(made.id, "gus@youth-centre.example", "Gus", None, team[who])
    assert people.find("gus@youth-centre.example") is None
    people.set_password(team["Dia"].account_id, GUEST_PASSWORD, "Set-up")
    with pytest.raises(StorageError, match="is a member of the city"):
        rounds.invite_guest(made.id, "dia@riverton.example", "Dia", None, team["Cora"])
    first = rounds.invite_guest(made.id, "gus@youth-centre.example", "Gus", None, team["Cora"])
    second = rounds.invite_guest(made.id, "gus@youth-centre.example", "Gus", None, team["Cora"])
    with pytest.raises(StorageError, match="no longer valid"):
        people.accept(first, GUEST_PASSWORD)
    people.accept(second, GUEST_PASSWORD)
    assert len(rounds.get(made.id, team["Cora"]).participants) == 3  # Gus once
    rounds.close(made.id, team["Cora"])
    with pytest.raises(StorageError, match="closed"):
        rounds.invite_guest(made.id, "hal@youth-centre.example", "Hal", None, team["Cora"])


def test_a_named_facilitator_closes_the_round_sees_names_and_records_the_consensus(
    store: Store, team: dict[str, Any]
) -> None:
    rounds = Rounds(store)
    dia, vic = team["Dia"], team["Vic"]
    with pytest.raises(StorageError, match="facilitator must be a member"):
        rounds.open_round(team["draft"], _ids(team, "Ana", "Ben"), team["Cora"], facilitator=team["Lea"].account_id)
    made = rounds.open_round(team["draft"], _ids(team, "Ana", "Ben"), team["Cora"], facilitator=vic.account_id)
    assert made.facilitator == "Vic" and rounds.leads(made.id, vic) and not rounds.leads(made.id, dia)
    rounds.answer(made.id, "Q1.1", "level", 0, "", team["Ana"])
    rounds.answer(made.id, "Q1.1", "level", 2, "", team["Ben"])
    with pytest.raises(NotAllowed):
        rounds.close(made.id, dia)
    rounds.close(made.id, vic)
    assert {a.respondent.label for a in rounds.answers(made.id, vic)} == {"Ana", "Ben"}  # names, as a lead
    assert {a.respondent.label for a in rounds.answers(made.id, dia)} == {"Respondent 1", "Respondent 2"}
    with pytest.raises(NotAllowed):
        rounds.decide(made.id, RecordedAnswer(question_id="Q1.1", status="level", level=1), "", [], dia)
    rounds.decide(made.id, RecordedAnswer(question_id="Q1.1", status="level", level=1), "Met in the middle", [], vic)
    assert {a.question_id: a.level for a in store.answers(team["draft"])} == {"Q1.1": 1}
