"""The app with two framework versions installed: the demo's 2.0.0 draft started from a 1.0.0
review, browsed headlessly with AppTest on a real SQLite file."""

from __future__ import annotations

from questionnaire.crosswalk import map_question_ids
from reporting.context import build_context
from tests.integration.conftest import as_read
from tests.integration.test_app_results import Seeded, _open, _texts, seeded  # noqa: F401  (fixture)


def _draft(seeded: Seeded):  # noqa: F811
    return seeded.demo[-1]


def test_the_questionnaire_on_a_new_version_shows_each_earlier_answer_to_answer_afresh(seeded: Seeded) -> None:  # noqa: F811
    draft = _draft(seeded)
    at = _open("app_pages/questionnaire.py", seeded.city_id, draft.id)
    assert not at.exception
    assert not any("the answer given to it" in m.value for m in at.markdown)  # no stray string on the page
    infos = [i.value for i in at.info]
    assert any("need a fresh answer" in i and "version 1.0.0" in i for i in infos)
    review = seeded.demo[1]
    earlier = {a.question_id: a for a in seeded.store.answers(review.id or 0)}
    framework = seeded.store.framework_of(draft)
    mapping = map_question_ids(framework, "1.0.0", list(earlier))
    stored = {a.question_id for a in seeded.store.answers(draft.id or 0)}
    waiting = [q.id for q in framework.themes[0].questions if q.id in mapping.afresh() and q.id not in stored]
    captions = [as_read(c.value) for c in at.caption]  # ids are escaped for Markdown
    assert waiting
    for question_id in waiting:
        old = mapping.afresh()[question_id][0]
        assert any(c.startswith("Answer afresh. Earlier: ") and f"{old} in" in c and "(1.0.0)" in c for c in captions)
    new_questions = [q.id for q in framework.themes[0].questions if not mapping.earlier_of(q.id)]
    assert not any(f"{q} in “" in c for q in new_questions for c in captions)  # nothing to show for them


def test_each_question_says_its_weight_and_the_phrase_that_sets_it(seeded: Seeded) -> None:  # noqa: F811
    draft = _draft(seeded)
    at = _open("app_pages/questionnaire.py", seeded.city_id, draft.id)
    question = seeded.store.framework_of(draft).themes[0].questions[0]
    text = _texts(at)
    assert f"**Weight {question.weight:g}** in its theme's score" in text
    assert (question.weight_basis.quote if question.weight_basis else "") in text


def test_a_1_0_0_assessment_is_shown_on_its_own_version_without_weights_or_fresh_answers(seeded: Seeded) -> None:  # noqa: F811
    review = seeded.demo[1]
    at = _open("app_pages/questionnaire.py", seeded.city_id, review.id)
    assert not at.exception
    old = seeded.store.framework_of(review)
    assert old.version == "1.0.0"
    text = _texts(at)
    assert f"{old.themes[0].questions[0].id}** {old.themes[0].questions[0].text['en']}" in text
    assert "Weight " not in text and "Answer afresh" not in text
    assert f"of {len(old.questions)} questions answered" in at.get("progress")[0].proto.text


def test_the_framework_page_explains_the_scale_the_weights_and_what_the_briefs_can_claim(seeded: Seeded) -> None:  # noqa: F811
    at = _open("app_pages/framework.py", seeded.city_id)
    assert not at.exception
    assert at.selectbox(key="framework_version").options == ["2.0.0 (new assessments use this one)", "1.0.0 (earlier)"]
    text = _texts(at)
    assert "What this framework can claim." in text and "does not necessarily reflect the views" in text
    assert "Occasional" in text and "Reviewed and improving" in text
    assert "**1.5** where they call it essential" in text
    changes = next(d.value for d in at.dataframe if "Earlier question" in d.value.columns)
    assert len(changes) == 72
    assert set(changes.loc[changes["Earlier question"] == "Q1.6", "Now"]) == {"retired"}
    assert set(changes.loc[changes["Earlier question"] == "Q5.3", "Now"]) == {"Q3.3"}


def test_the_framework_page_still_shows_version_1_0_0_as_it_was(seeded: Seeded) -> None:  # noqa: F811
    at = _open("app_pages/framework.py", seeded.city_id)
    at.selectbox(key="framework_version").set_value("1.0.0").run()
    assert not at.exception
    text = _texts(at)
    assert "Documented" in text and "What this framework can claim." not in text
    assert not any("Earlier question" in d.value.columns for d in at.dataframe)


def test_the_compare_page_across_versions_says_the_scale_changed_and_how_much_compares(seeded: Seeded) -> None:  # noqa: F811
    review, draft = seeded.demo[1], seeded.demo[2]
    at = _open("app_pages/compare.py", seeded.city_id)
    at.selectbox(key="compare_before").set_value(review.id)
    at.selectbox(key="compare_after").set_value(draft.id).run()
    assert not at.exception
    note = next(i.value for i in at.info if "answered on version 1.0.0" in i.value)
    assert "different scales" in note and "could be compared one by one" in note
    table = next(d.value for d in at.dataframe if "Question" in d.value.columns and "Change" in d.value.columns)
    assert "not comparable" in set(table["Change"])
    assert any("(was Q5.3)" in q for q in table["Question"])


def test_the_practices_page_states_the_librarys_skew_and_labels_recommendations(seeded: Seeded) -> None:  # noqa: F811
    at = _open("app_pages/practices.py", seeded.city_id)
    assert not at.exception
    note = next(i.value for i in at.info if "Read with care" in i.value)
    assert "12 of the 27 entries are practices of named cities" in note
    assert "North America (9)" in note and "Europe (3)" in note and "1 of them from a city under 100,000" in note
    assert "What the briefs recommend (no city)" in at.multiselect(key="practices_kinds").options


def test_three_assessments_on_one_scale_still_draw_scores_over_time(seeded: Seeded) -> None:  # noqa: F811
    store, (_, review, draft) = seeded.store, seeded.demo
    store.delete_assessment(draft.id or 0, "Tester", confirm=draft.title)
    city = store.city(seeded.city_id)
    third = review.model_copy(update={"id": None, "title": "Third year (1.0.0)", "started_at": draft.started_at})
    store.import_assessment(city, third, store.answers(review.id or 0), "Tester", digest=None, details={})
    at = _open("app_pages/compare.py", seeded.city_id)
    assert not at.exception
    assert "Theme scores over time" in [s.value for s in at.subheader]
    assert not any(i.value.startswith("“Before” was answered on version") for i in at.info)  # one version


def test_home_says_what_starting_from_a_1_0_0_assessment_carries_to_2_0_0(seeded: Seeded) -> None:  # noqa: F811
    store, (_, review, draft) = seeded.store, seeded.demo
    store.delete_assessment(draft.id or 0, "Tester", confirm=draft.title)  # the latest is the 1.0.0 review
    at = _open("app_pages/home.py", seeded.city_id, review.id)
    assert not at.exception
    assert any("answered on version 1.0.0 of the framework; new assessments use 2.0.0" in c.value for c in at.caption)


def test_comparing_backwards_from_2_0_0_to_1_0_0_is_explained_not_crashed(seeded: Seeded) -> None:  # noqa: F811
    review, draft = seeded.demo[1], seeded.demo[2]
    at = _open("app_pages/compare.py", seeded.city_id)
    at.selectbox(key="compare_before").set_value(draft.id)
    at.selectbox(key="compare_after").set_value(review.id).run()
    assert not at.exception and not at.error
    said = "compared from an earlier version of the framework to a later one, not back"
    assert any(said in w.value for w in at.warning)


def test_a_1_0_0_report_skips_an_earlier_2_0_0_assessment_it_cannot_read(seeded: Seeded) -> None:  # noqa: F811
    from datetime import UTC, datetime

    review, draft = seeded.demo[1], seeded.demo[2]
    store = seeded.store
    context = build_context(
        store.framework_of(review),
        store.city(seeded.city_id),
        review,
        store.answers(review.id or 0),
        [(draft, store.answers(draft.id or 0))],  # a later version cannot be read back onto 1.0.0
        versions=store.frameworks.by_version("scn-transatlantic"),
        generated_at=datetime.now(UTC),
    )
    assert context.previous is None and context.item_changes == []
