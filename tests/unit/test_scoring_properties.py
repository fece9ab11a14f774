"""Properties that hold for any answers to the shipped framework (hypothesis)."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from scoring import MIN_GROUP, Answer, answers_frame, benchmark, compare, overall_scores, theme_scores

FRAMEWORK = load_frameworks()[DEFAULT_FRAMEWORK_ID]
QUESTIONS = FRAMEWORK.questions
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def answer_sets(draw: st.DrawFn) -> list[Answer]:
    answers = []
    for question in QUESTIONS:
        kinds = ["level", "level", "level", "dont_know", "none"]
        if question.not_applicable_allowed:
            kinds.append("not_applicable")
        kind = draw(st.sampled_from(kinds))
        if kind == "level":
            answers.append(Answer(question_id=question.id, level=draw(st.integers(0, 4))))
        elif kind == "dont_know":
            answers.append(Answer(question_id=question.id, status="dont_know"))
        elif kind == "not_applicable":
            answers.append(Answer(question_id=question.id, status="not_applicable", reason="Not our remit"))
    return answers


def _scores(answers: list[Answer]) -> tuple[pd.DataFrame, pd.Series]:
    themes = theme_scores(FRAMEWORK, answers_frame(FRAMEWORK, answers))
    return themes.set_index("theme_id"), overall_scores(themes).iloc[0]


@SETTINGS
@given(answer_sets())
def test_scores_stay_between_0_and_100(answers: list[Answer]) -> None:
    themes, overall = _scores(answers)
    for column in ("score", "conservative"):
        values = themes[column].dropna()
        assert ((values >= 0) & (values <= 100)).all()
    assert math.isnan(overall["index"]) or 0 <= overall["index"] <= 100
    assert (themes["conservative"].fillna(0) <= themes["score"].fillna(100) + 1e-9).all()


@SETTINGS
@given(answer_sets(), st.data())
def test_raising_one_answer_never_lowers_its_theme_score_or_the_overall_index(answers, data) -> None:
    levelled = [i for i, a in enumerate(answers) if a.level is not None and a.level < 4]
    if not levelled:
        return
    i = data.draw(st.sampled_from(levelled))
    raised = list(answers)
    raised[i] = Answer(question_id=answers[i].question_id, level=data.draw(st.integers(answers[i].level + 1, 4)))
    theme = FRAMEWORK.theme_of(answers[i].question_id).id
    before_themes, before = _scores(answers)
    after_themes, after = _scores(raised)
    assert after_themes.loc[theme, "score"] >= before_themes.loc[theme, "score"]
    assert after["index"] >= before["index"]


@SETTINGS
@given(answer_sets(), st.data())
def test_marking_a_question_not_applicable_never_changes_other_themes(answers, data) -> None:
    allowed = [q for q in QUESTIONS if q.not_applicable_allowed]
    question = data.draw(st.sampled_from(allowed))
    changed = [a for a in answers if a.question_id != question.id]
    changed.append(Answer(question_id=question.id, status="not_applicable", reason="Not our remit"))
    before, _ = _scores(answers)
    after, _ = _scores(changed)
    others = [t.id for t in FRAMEWORK.themes if t.id != FRAMEWORK.theme_of(question.id).id]
    pd.testing.assert_frame_equal(before.loc[others], after.loc[others])


@SETTINGS
@given(answer_sets())
def test_completeness_is_one_exactly_when_every_applicable_question_has_a_level(answers) -> None:
    themes, overall = _scores(answers)
    by_theme: dict[str, bool] = {}
    given_ids = {a.question_id: a for a in answers}
    for theme in FRAMEWORK.themes:
        applicable = [
            q for q in theme.questions if not (q.id in given_ids and given_ids[q.id].status == "not_applicable")
        ]
        by_theme[theme.id] = bool(applicable) and all(
            q.id in given_ids and given_ids[q.id].level is not None for q in applicable
        )
        assert (themes.loc[theme.id, "completeness"] == 1.0) == by_theme[theme.id]
    all_complete = all(by_theme[t] or themes.loc[t, "state"] == "excluded" for t in by_theme)
    assert (overall["completeness"] == 1.0) == all_complete


@SETTINGS
@given(answer_sets())
def test_an_assessment_compared_with_itself_shows_no_change(answers) -> None:
    frame = answers_frame(FRAMEWORK, answers)
    result = compare(FRAMEWORK, frame, frame)
    assert set(result.items["change"]) == {"unchanged"}
    assert (result.themes["delta"].dropna() == 0).all()
    assert result.overall_delta == 0 or math.isnan(result.overall_delta)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Europe", "North America", "other"]),
            st.sampled_from(["small", "large"]),
            st.floats(0, 100),
        ),
        min_size=1,
        max_size=14,
    )
)
def test_benchmark_output_never_reveals_a_group_of_fewer_than_five_other_cities(cities) -> None:
    rows = [
        {"assessment": f"a{i}", "city": f"c{i}", "region": r, "population_band": p}
        for i, (r, p, _) in enumerate(cities)
    ]
    themes = pd.DataFrame([{"assessment": f"a{i}", "theme_id": "T1", "score": s} for i, (_, _, s) in enumerate(cities)])
    result = benchmark(themes, pd.DataFrame(rows), city="c0")
    city = rows[0]
    for _, row in result.iterrows():
        others = rows[1:]  # the assessed city is never one of its own peers
        if row["group"] == "all":
            members = len(others)
        else:
            members = sum(1 for r in others if r[row["group"]] == city[row["group"]])
        if members < MIN_GROUP:
            assert row["suppressed"]
            assert all(math.isnan(row[c]) for c in ("size", "q1", "median", "q3", "position"))
        else:
            assert not row["suppressed"] and row["size"] == members
