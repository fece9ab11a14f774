"""Peers and benchmarks come from scores worked out once per submitted assessment and kept in the
database, and every change that alters the set of peers is seen by every store on the database."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from questionnaire.model import Framework
from scoring.records import City, RecordedAnswer
from scoring.summary import summarise
from storage.peers import SCORING_VERSION, benchmark_of, peers_of
from storage.store import Store
from storage.tables import answers, assessment_scores

FRAMEWORK = "scn-transatlantic"


def _shared_city(store: Store, name: str, level: int, share: bool = True, submit: bool = True) -> tuple[int, int]:
    """A city (sharing or not) with an assessment answered ``level`` on every question of the first two
    themes and ``(level + 1) % 5`` on the third; returns city and assessment ids."""
    city = store.create_city(
        City(name=name, country="F", region="europe", population_band="100k_500k", share_benchmarks=share), "Set-up"
    )
    draft = store.start_assessment(city.id or 0, f"{name} 2026", "Set-up", framework_id=FRAMEWORK)
    themes = store.framework(FRAMEWORK).themes
    given = [RecordedAnswer(question_id=q.id, level=level) for t in themes[:2] for q in t.questions]
    given += [RecordedAnswer(question_id=q.id, level=(level + 1) % 5) for q in themes[2].questions]
    store.save_answers(draft.id or 0, given, "Set-up", replace=False)
    if submit:
        store.submit_assessment(draft.id or 0, "Set-up")
    return city.id or 0, draft.id or 0


def _kept_rows(store: Store) -> int:
    with store.reading() as conn:
        return int(conn.execute(select(func.count()).select_from(assessment_scores)).scalar_one())


def test_a_peer_carries_the_scores_its_own_results_show_and_they_are_kept_once(store: Store) -> None:
    framework = store.framework(FRAMEWORK)
    _, assessed = _shared_city(store, "Openville", 3)
    _shared_city(store, "Kleinstadt", 1)
    _shared_city(store, "Closedburg", 4, share=False)
    _shared_city(store, "Draftham", 4, submit=False)

    peers = {p.city.name: p for p in peers_of(store, framework, exclude_city=None)}

    assert sorted(peers) == ["Kleinstadt", "Openville"]  # not the city that keeps its results, nor a draft
    own = summarise(framework, store.answers(assessed)).themes
    expected = {t: (None if s != s else float(s)) for t, s in zip(own["theme_id"], own["score"], strict=True)}
    assert dict(peers["Openville"].theme_scores) == expected
    assert _kept_rows(store) == 2
    assert peers_of(store, framework, exclude_city=None) == list(peers.values())
    assert _kept_rows(store) == 2  # read again, not worked out again


def test_the_city_being_assessed_is_never_its_own_peer(store: Store) -> None:
    framework = store.framework(FRAMEWORK)
    city, _ = _shared_city(store, "Openville", 3)
    _shared_city(store, "Kleinstadt", 1)
    assert [p.city.name for p in peers_of(store, framework, exclude_city=city)] == ["Kleinstadt"]


def test_every_change_to_the_peers_is_seen_by_another_store_on_the_same_database(
    store: Store, frameworks: dict[str, Framework]
) -> None:
    framework = store.framework(FRAMEWORK)
    other = Store.open(str(store.engine.url.render_as_string(hide_password=False)), frameworks)  # another process
    try:
        city, first = _shared_city(store, "Openville", 3)

        def names() -> list[str]:
            return [p.city.name for p in peers_of(other, framework, exclude_city=None)]

        assert names() == ["Openville"]
        _shared_city(store, "Kleinstadt", 1)
        assert names() == ["Kleinstadt", "Openville"]  # a submission
        profile = store.city(city)
        store.update_city(profile.model_copy(update={"share_benchmarks": False}), "Set-up")
        assert names() == ["Kleinstadt"]  # a city that stops sharing
        store.update_city(profile.model_copy(update={"share_benchmarks": True, "name": "Openstadt"}), "Set-up")
        assert names() == ["Kleinstadt", "Openstadt"]  # a renamed city is shown by its new name
        store.reopen_assessment(first, "Set-up")
        assert names() == ["Kleinstadt", "Openstadt"]  # a draft in the making leaves the submitted one as it is
        store.delete_assessment(first, "Set-up", confirm="Openville 2026")
        assert names() == ["Kleinstadt"]
    finally:
        other.engine.dispose()


def test_the_latest_submitted_assessment_of_a_city_is_the_one_compared(store: Store) -> None:
    framework = store.framework(FRAMEWORK)
    city, first = _shared_city(store, "Openville", 1)
    later = store.start_assessment(city, "Openville 2027", "Set-up", framework_id=FRAMEWORK)
    raised = [a.model_copy(update={"level": 4, "version": 0}) for a in store.answers(first)]
    store.save_answers(later.id or 0, raised, "Set-up", replace=True)
    store.submit_assessment(later.id or 0, "Set-up")
    (peer,) = peers_of(store, framework, exclude_city=None)
    assert peer.theme_scores[framework.themes[0].id] == 100.0


def test_scores_kept_under_another_scoring_version_are_worked_out_again(store: Store) -> None:
    framework = store.framework(FRAMEWORK)
    _, assessed = _shared_city(store, "Openville", 2)
    peers_of(store, framework, exclude_city=None)
    with store.transaction() as conn:
        conn.execute(update(assessment_scores).values(scoring_version=SCORING_VERSION - 1, theme_scores={"T1": 1.0}))
    _shared_city(store, "Kleinstadt", 1)  # any change to the peers makes a process read them again
    peer = next(p for p in peers_of(store, framework, exclude_city=None) if p.city.name == "Openville")
    assert peer.theme_scores[framework.themes[0].id] == 50.0
    with store.reading() as conn:
        versions = conn.execute(select(assessment_scores.c.scoring_version)).scalars().all()
    assert set(versions) == {SCORING_VERSION}


def test_a_stored_assessment_its_framework_refuses_is_left_out_and_the_others_are_scored(store: Store) -> None:
    framework = store.framework(FRAMEWORK)
    _, broken = _shared_city(store, "Brokenburg", 2)
    _shared_city(store, "Openville", 3)
    with store.transaction() as conn:  # an answer to a question the framework no longer has
        one = select(func.min(answers.c.id)).where(answers.c.assessment_id == broken).scalar_subquery()
        conn.execute(update(answers).where(answers.c.id == one).values(question_id="Q-gone"))
    peers = {p.city.name: p for p in peers_of(store, framework, exclude_city=None)}
    assert peers["Openville"].theme_scores[framework.themes[0].id] == 75.0
    assert all(score is None for score in peers["Brokenburg"].theme_scores.values())


@pytest.mark.parametrize("others", [4, 6])
def test_the_benchmark_stands_the_city_among_the_kept_scores_and_hides_small_groups(store: Store, others: int) -> None:
    framework = store.framework(FRAMEWORK)
    levels = [n % 5 for n in range(others)]
    for n, level in enumerate(levels):
        _shared_city(store, f"Peer {n}", level)
    _, own = _shared_city(store, "Riverton", 2, share=False, submit=False)

    table = benchmark_of(store, framework, store.assessment(own), store.answers(own))

    first = table[(table["theme_id"] == framework.themes[0].id) & (table["group"] == "all")].iloc[0]
    if others < 5:
        assert bool(first["suppressed"]) and first["median"] != first["median"]
    else:
        scores = sorted(25.0 * level for level in levels)
        assert not first["suppressed"] and first["size"] == others
        assert first["median"] == pytest.approx((scores[2] + scores[3]) / 2)
        assert first["city_score"] == 50.0
        assert first["position"] == pytest.approx(sum(s < 50.0 for s in scores) / others)
