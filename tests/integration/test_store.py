"""The store on SQLite and on a real PostgreSQL server: every answer kept, every change audited."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from scoring.records import AssessmentStatus, City, PopulationBand, RecordedAnswer
from storage.errors import AnswerConflict, AssessmentLocked, ConfirmationRequired, NotFound, StorageError
from storage.store import Store

FRAMEWORK = "scn-transatlantic"


def a_city(store: Store, name: str = "Riverton", **changes: object) -> City:
    profile = {"name": name, "country": "Freedonia", "region": "europe", "population_band": "100k_500k", **changes}
    return store.create_city(City.model_validate(profile), "Ana Ruiz (policy lead)")


def level(question_id: str, value: int, **extra: object) -> RecordedAnswer:
    return RecordedAnswer.model_validate({"question_id": question_id, "level": value, **extra})


@pytest.fixture
def draft(store: Store) -> int:
    city = a_city(store)
    record = store.start_assessment(city.id or 0, "Assessment 2026", "Ana", framework_id=FRAMEWORK)
    return record.id or 0


def test_an_answer_is_stored_with_who_gave_it_and_an_audit_event(store: Store, draft: int) -> None:
    saved = store.save_answer(
        draft, level("Q1.1", 2, note="Mayor spoke after the attack", links=("https://x.org/a",)), "Ana"
    )
    assert saved.version == 1 and saved.answered_by == "Ana" and saved.answered_at is not None
    assert store.answers(draft) == [saved]
    events = [e for e in store.audit_trail(assessment_id=draft) if e.action.startswith("answer")]
    assert [(e.action, e.actor, e.question_id) for e in events] == [("answer.save", "Ana", "Q1.1")]
    assert events[0].old_value is None and events[0].new_value["level"] == 2


def test_saving_the_same_answer_twice_writes_once(store: Store, draft: int) -> None:
    first = store.save_answer(draft, level("Q1.1", 2), "Ana")
    again = store.save_answer(draft, level("Q1.1", 2), "Ana", expected_version=0)  # a double click
    assert again == first
    assert [e.action for e in store.audit_trail(assessment_id=draft)].count("answer.save") == 1


def test_the_change_count_grows_with_every_change_and_not_with_a_repeated_answer(store: Store, draft: int) -> None:
    before = store.change_count()
    first = store.save_answer(draft, level("Q1.1", 2), "Ana")
    after_save = store.change_count()
    store.save_answer(draft, level("Q1.1", 2), "Ana", expected_version=first.version)  # nothing new
    assert store.change_count() == after_save > before
    store.set_targets(draft, {"T1": 70}, "Ana")
    assert store.change_count() == after_save + 1


def test_each_edit_raises_the_version_and_keeps_old_and_new_in_the_audit(store: Store, draft: int) -> None:
    v1 = store.save_answer(draft, level("Q1.1", 1), "Ana")
    v2 = store.save_answer(draft, level("Q1.1", 2), "Ana", expected_version=v1.version)
    v3 = store.save_answer(draft, level("Q1.1", 3), "Ben", expected_version=v2.version)
    assert (v1.version, v2.version, v3.version) == (1, 2, 3)
    saves = [e for e in store.audit_trail(assessment_id=draft) if e.action == "answer.save"]
    assert [(e.old_value and e.old_value["level"], e.new_value["level"]) for e in saves] == [(None, 1), (1, 2), (2, 3)]


def test_an_edit_against_a_stale_version_is_refused_and_both_attempts_are_audited(store: Store, draft: int) -> None:
    seen = store.save_answer(draft, level("Q2.1", 1), "Ana")
    store.save_answer(draft, level("Q2.1", 3), "Ben Okafor", expected_version=seen.version)
    with pytest.raises(AnswerConflict) as caught:
        store.save_answer(draft, level("Q2.1", 0), "Ana", expected_version=seen.version)
    assert caught.value.current.level == 3 and caught.value.attempted.level == 0
    assert "changed by Ben Okafor at" in str(caught.value)
    assert [a.level for a in store.answers(draft)] == [3]
    trail = [(e.action, e.actor) for e in store.audit_trail(assessment_id=draft) if e.question_id == "Q2.1"]
    assert trail == [("answer.save", "Ana"), ("answer.save", "Ben Okafor"), ("answer.conflict", "Ana")]


def test_answers_the_framework_refuses_are_not_stored(store: Store, draft: int) -> None:
    with pytest.raises(StorageError, match="unknown question id"):
        store.save_answer(draft, level("Q99.1", 2), "Ana")
    with pytest.raises(StorageError, match="not allowed"):
        store.save_answer(draft, RecordedAnswer(question_id="Q1.1", status="not_applicable", reason="n/a"), "Ana")
    with pytest.raises(StorageError, match="who is making this change"):
        store.save_answer(draft, level("Q1.1", 2), "  ")
    assert store.answers(draft) == []


def test_a_not_applicable_answer_keeps_its_reason(store: Store, draft: int) -> None:
    answer = RecordedAnswer(question_id="Q7.3", status="not_applicable", reason="Policing is regional")
    store.save_answer(draft, answer, "Ana")
    assert store.answers(draft)[0].reason == "Policing is regional"


def test_a_new_assessment_carries_answers_over_until_the_team_confirms_them(store: Store, draft: int) -> None:
    store.save_answer(draft, level("Q1.1", 2), "Ana")
    store.save_answer(draft, level("Q1.2", 3, note="Charter adopted"), "Ben")
    store.set_targets(draft, {"T1": 80}, "Ana")
    store.submit_assessment(draft, "Ana")
    city_id = store.assessment(draft).city_id or 0
    following = store.start_assessment(city_id, "Assessment 2027", "Ana", framework_id=FRAMEWORK, based_on=draft)

    carried = {a.question_id: a for a in store.answers(following.id or 0)}
    assert set(carried) == {"Q1.1", "Q1.2"}
    assert all(a.carried_over for a in carried.values())
    assert carried["Q1.2"].answered_by == "Ben" and carried["Q1.2"].note == "Charter adopted"
    assert following.targets == {"T1": 80}

    confirmed = store.save_answer(following.id or 0, level("Q1.1", 2), "Ana", expected_version=1)
    assert not confirmed.carried_over and confirmed.version == 2
    assert store.audit_trail(assessment_id=following.id)[-1].action == "answer.confirm"
    assert [a.carried_over for a in store.answers(draft)] == [False, False]  # the old one is untouched


def test_a_submitted_assessment_is_frozen_and_reopens_only_as_a_new_version(store: Store, draft: int) -> None:
    store.save_answer(draft, level("Q1.1", 2), "Ana")
    submitted = store.submit_assessment(draft, "Ana")
    assert submitted.status is AssessmentStatus.SUBMITTED and submitted.submitted_at is not None
    with pytest.raises(AssessmentLocked, match="frozen"):
        store.save_answer(draft, level("Q1.1", 4), "Ana", expected_version=1)

    reopened = store.reopen_assessment(draft, "Ben")
    assert reopened.id != draft and reopened.revision_of == draft and reopened.status is AssessmentStatus.DRAFT
    assert [(a.question_id, a.level) for a in store.answers(reopened.id or 0)] == [("Q1.1", 2)]
    store.save_answer(reopened.id or 0, level("Q1.1", 4), "Ben", expected_version=1)
    assert store.answers(draft)[0].level == 2
    reopen_event = next(e for e in store.audit_trail(assessment_id=draft) if e.action == "assessment.reopen")
    assert reopen_event.actor == "Ben" and reopen_event.new_value == {"new_version": reopened.id}


def test_deleting_needs_the_exact_name_and_erases_nothing(store: Store, draft: int) -> None:
    store.save_answer(draft, level("Q1.1", 2), "Ana")
    record = store.assessment(draft)
    with pytest.raises(ConfirmationRequired):
        store.delete_assessment(draft, "Ana", confirm="assessment 2026")
    store.delete_assessment(draft, "Ana", confirm="Assessment 2026")
    with pytest.raises(NotFound):
        store.answers(draft)
    assert store.assessments(record.city_id) == []
    restored = store.restore_assessment(draft, "Ana")
    assert restored.title == "Assessment 2026"
    assert [a.level for a in store.answers(draft)] == [2]

    city = store.city(record.city_id or 0)
    with pytest.raises(ConfirmationRequired):
        store.delete_city(city.id or 0, "Ana", confirm="")
    store.delete_city(city.id or 0, "Ana", confirm="Riverton")
    assert store.cities() == []
    with pytest.raises(NotFound):
        store.assessment(draft)
    store.restore_city(city.id or 0, "Ana")
    assert [a.level for a in store.answers(draft)] == [2]
    actions = [e.action for e in store.audit_trail(city_id=city.id)]
    assert {"assessment.delete", "assessment.restore", "city.delete", "city.restore"} <= set(actions)


def test_the_audit_trail_cannot_be_changed_or_deleted(store: Store, draft: int) -> None:
    store.save_answer(draft, level("Q1.1", 2), "Ana")
    for statement in ("UPDATE audit_events SET actor = 'Mallory'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert all(e.actor != "Mallory" for e in store.audit_trail())


def test_a_city_profile_round_trips_with_its_challenges(store: Store) -> None:
    city = a_city(
        store, "São Paulo", country="Brasil", region="other", challenges=("online-hate",), share_benchmarks=True
    )
    assert store.city(city.id or 0) == city
    changed = store.update_city(city.model_copy(update={"population_band": PopulationBand.VERY_LARGE}), "Ana")
    assert store.cities() == [changed]
    update = next(e for e in store.audit_trail(city_id=city.id) if e.action == "city.update")
    assert update.old_value["population_band"] == "100k_500k" and update.new_value["population_band"] == "over_1m"


def test_targets_must_name_real_themes_within_0_to_100(store: Store, draft: int) -> None:
    with pytest.raises(StorageError, match="T99"):
        store.set_targets(draft, {"T99": 50}, "Ana")
    with pytest.raises(ValueError):
        store.set_targets(draft, {"T1": 150}, "Ana")
    assert store.set_targets(draft, {"T1": 70.0}, "Ana").targets == {"T1": 70.0}
    assert store.assessment(draft).targets == {"T1": 70.0}


def test_unknown_ids_give_a_clear_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="Assessment 999"):
        store.answers(999)
    with pytest.raises(NotFound, match="City 999"):
        store.city(999)
