"""The Results and Compare pages, driven headlessly with AppTest on a real SQLite file seeded with the demo city."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from questionnaire.model import Framework
from reporting.context import build_context
from reporting.sources import context_from_facts
from scoring.answers import Status
from scoring.bands import format_points
from scoring.records import AssessmentRecord, City, PopulationBand, RecordedAnswer, Region
from storage.demo import create_demo
from storage.facts import report_facts
from storage.migrate import upgrade_database
from storage.store import Store
from tests.integration.conftest import as_read, sign_in_app

APP = str(Path(__file__).resolve().parent.parent.parent / "app.py")
WHO = "Tester <tester@riverton.example>"


@dataclass
class Seeded:
    store: Store
    framework: Framework
    demo: list[AssessmentRecord]
    """Baseline, annual review (both submitted) and this year's draft."""

    @property
    def city_id(self) -> int:
        return self.demo[0].city_id or 0


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Seeded]:
    """A migrated SQLite file with the demo city in it, which the app's cached store will open."""
    url = f"sqlite:///{tmp_path}/app.db"
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()
    upgrade_database(url)
    frameworks = load_frameworks()
    framework = frameworks[DEFAULT_FRAMEWORK_ID]
    store = Store.open(url, frameworks)
    demo = create_demo(store, framework, "Tester")
    yield Seeded(store, framework, demo)
    store.engine.dispose()
    st.cache_resource.clear()


def _open(page: str, city_id: int | None = None, assessment_id: int | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["selected_city"] = city_id
    at.session_state["selected_assessment"] = assessment_id
    sign_in_app(at, name="Tester")
    at.run()
    return at.switch_page(page).run()


def _table(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page with ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [t.value for t in at.title] + [s.value for s in at.subheader] + [h.value for h in at.header]
    parts += [str(d.value.to_dict()) for d in at.dataframe]
    return "\n".join(str(p) for p in parts)


def _add_sharing_city(seeded: Seeded, n: int) -> str:
    """A city that shares its results, with one submitted assessment of a level per question."""
    name = f"Peertown {n}"
    city = seeded.store.create_city(
        City(
            name=name,
            country="Elsewhere",
            region=Region.EUROPE,
            population_band=PopulationBand.MEDIUM,
            share_benchmarks=True,
        ),
        "Tester",
    )
    record = seeded.store.start_assessment(
        city.id or 0, f"{name} assessment", "Tester", framework_id=seeded.framework.id
    )
    given = [
        RecordedAnswer(question_id=q.id, level=(n + position) % 5, answered_by="Tester")
        for position, q in enumerate(seeded.framework.questions)
    ]
    seeded.store.save_answers(record.id or 0, given, "Tester", replace=False)
    seeded.store.submit_assessment(record.id or 0, "Tester")
    return name


def test_the_results_page_shows_the_overall_index_band_and_first_priority(seeded: Seeded) -> None:
    draft = seeded.demo[-1]
    context = context_from_facts(report_facts(seeded.store, draft.id or 0))
    at = _open("app_pages/results.py", seeded.city_id, draft.id)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert context.overall_index is not None
    assert metrics["Overall index (0–100)"] == format_points(context.overall_index)
    assert f"Band: **{context.overall_band}**" in "\n".join(m.value for m in at.markdown)
    assert context.priorities
    assert _table(at, "Rank").iloc[0]["Theme"] == context.priorities[0].theme_title


def test_the_results_page_shows_where_the_workshop_round_disagreed_beside_the_scores(seeded: Seeded) -> None:
    draft = seeded.demo[-1]
    at = _open("app_pages/results.py", seeded.city_id, draft.id)
    assert "Where the team disagreed" in [h.value for h in at.header]
    shown = as_read(" ".join(m.value for m in at.markdown))
    assert "Dissent, Social services (level" in shown and "It exists on paper" in shown
    assert "never from the respondents' own" in " ".join(c.value for c in at.caption)


def test_results_are_worked_out_again_only_after_a_change_from_anywhere(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    import access.guard

    built: list[int] = []
    real = access.guard.report_facts

    def counting(store: Store, assessment_id: int) -> object:
        built.append(assessment_id)
        return real(store, assessment_id)

    monkeypatch.setattr(access.guard, "report_facts", counting)
    draft = seeded.demo[-1]
    at = _open("app_pages/results.py", seeded.city_id, draft.id)
    at.run()
    assert len(built) == 1  # a rerun with nothing changed reuses the scores
    before = {m.label: m.value for m in at.metric}["Overall index (0–100)"]

    for answer in seeded.store.answers(draft.id or 0):  # a colleague, in another session, raises everything
        raised = answer.model_copy(update={"status": Status.LEVEL, "level": 4, "reason": None})
        seeded.store.save_answer(draft.id or 0, raised, "Colleague", expected_version=answer.version)
    at.run()
    assert len(built) == 2
    assert {m.label: m.value for m in at.metric}["Overall index (0–100)"] == "100" != before


def test_a_target_changed_in_the_form_is_stored_and_audited(seeded: Seeded) -> None:
    draft = seeded.demo[-1]
    theme_id = seeded.framework.themes[1].id
    at = _open("app_pages/results.py", seeded.city_id, draft.id)
    at.number_input(key=f"results_target_{theme_id}").set_value(85)
    next(b for b in at.button if b.label == "Save the targets").click().run()
    assert not at.exception
    targets = seeded.store.assessment(draft.id or 0).targets
    assert targets[theme_id] == 85.0
    assert {k: v for k, v in targets.items() if k != theme_id} == {
        k: v for k, v in draft.targets.items() if k != theme_id
    }
    events = [e for e in seeded.store.audit_trail(assessment_id=draft.id) if e.action == "assessment.targets"]
    assert [e.actor for e in events] == [WHO]
    assert "The targets were saved." in [s.value for s in at.success]


def test_the_compare_page_lists_changed_answers_and_the_filters_narrow_them(seeded: Seeded) -> None:
    baseline, review, _ = seeded.demo
    city = seeded.store.city(seeded.city_id)
    context = build_context(
        seeded.store.framework_of(review),
        city,
        review,
        seeded.store.answers(review.id or 0),
        [(baseline, seeded.store.answers(baseline.id or 0))],
        generated_at=datetime.now(UTC),
    )
    at = _open("app_pages/compare.py", seeded.city_id)
    at.selectbox(key="compare_before").set_value(baseline.id)
    at.selectbox(key="compare_after").set_value(review.id).run()
    assert not at.exception
    assert len(_table(at, "Question")) == len(context.item_changes)
    # the draft is on a version with other levels, so the two earlier scores do not make a trend with it
    assert "Theme scores over time" not in [s.value for s in at.subheader]
    assert any("start again from version 2.0.0" in c.value for c in at.caption)

    at.multiselect(key="compare_kinds").set_value(["improved"]).run()
    improved = [c for c in context.item_changes if c.change == "improved"]
    assert 0 < len(improved) < len(context.item_changes)
    assert len(_table(at, "Question")) == len(improved)

    theme_id = improved[0].theme_id
    at.multiselect(key="compare_themes").set_value([theme_id]).run()
    shown = _table(at, "Question")
    assert len(shown) == len([c for c in improved if c.theme_id == theme_id])
    assert set(shown["Change"]) == {"improved"} and set(shown["Theme"]) == {theme_id}


def test_the_compare_page_says_benchmarks_need_five_other_cities_when_only_four_share(seeded: Seeded) -> None:
    peers = [_add_sharing_city(seeded, n) for n in range(4)]  # with the city itself that makes five: not enough
    at = _open("app_pages/compare.py", seeded.city_id)
    assert not at.exception
    assert "Benchmarks appear when at least 5 other cities share their results." in [i.value for i in at.info]
    assert not any(name in _texts(at) for name in peers)


def test_the_compare_page_shows_benchmarks_without_naming_other_cities_once_five_share(seeded: Seeded) -> None:
    peers = [_add_sharing_city(seeded, n) for n in range(5)]
    at = _open("app_pages/compare.py", seeded.city_id)
    assert not at.exception
    table = _table(at, "Median")
    assert set(table["Peer group"]) >= {"All sharing cities"}
    assert table["Cities"].max() == len(peers)
    assert "Benchmarks appear" not in _texts(at)
    assert not any(name in _texts(at) for name in peers)


@pytest.mark.parametrize("page", ["app_pages/results.py", "app_pages/compare.py"])
def test_a_page_opened_with_nothing_chosen_points_to_home(seeded: Seeded, page: str) -> None:
    at = _open(page)
    assert not at.exception
    assert "on the Home page first" in at.info[0].value


def test_a_city_stored_with_a_challenge_the_framework_dropped_gets_a_plain_message_not_a_crash(seeded: Seeded) -> None:
    from sqlalchemy import update

    from storage.tables import cities

    with seeded.store.engine.begin() as conn:  # a profile stored before the store checked challenges
        conn.execute(update(cities).where(cities.c.id == seeded.city_id).values(challenges=["alien-invasion"]))
    seeded.store.engine.dispose()
    at = _open("app_pages/results.py", seeded.city_id, seeded.demo[-1].id)
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "cannot be scored as it is stored" in shown and "alien\\-invasion" in shown
    assert "Something went wrong" not in shown
    at.switch_page("app_pages/city.py").run()
    assert not at.exception
