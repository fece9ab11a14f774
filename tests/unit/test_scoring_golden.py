"""Scores on small fixtures, checked against values worked out by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from questionnaire.loader import BUILTIN_FRAMEWORKS, DEFAULT_FRAMEWORK_ID, load_framework
from scoring import Answer, answers_frame, overall_scores, priorities, question_steps, theme_gaps, theme_scores

FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"
SHIPPED = BUILTIN_FRAMEWORKS / DEFAULT_FRAMEWORK_ID


@pytest.fixture(scope="module")
def mini():
    return load_framework(FRAMEWORKS / "mini-v1")


def _themes(framework, answers):
    return theme_scores(framework, answers_frame(framework, answers)).set_index("theme_id")


def test_a_theme_score_is_the_weighted_mean_level_as_a_percentage(mini) -> None:
    # S.1 = 3, S.2 = 1 → (3 + 1) / (4 × 2) = 50; P.1 (weight 2) = 2 → 2 / 4 = 50
    themes = _themes(
        mini,
        [Answer(question_id="S.1", level=3), Answer(question_id="S.2", level=1), Answer(question_id="P.1", level=2)],
    )
    assert themes.loc["S", "score"] == 50.0
    assert themes.loc["P", "score"] == 50.0
    assert themes.loc["S", "band"] == "Developing"


def test_not_applicable_leaves_the_denominator_and_is_counted(mini) -> None:
    themes = _themes(
        mini,
        [Answer(question_id="S.1", level=3), Answer(question_id="S.2", status="not_applicable", reason="No library")],
    )
    assert themes.loc["S", "score"] == 75.0
    assert themes.loc["S", "conservative"] == 75.0
    assert themes.loc["S", "completeness"] == 1.0
    assert themes.loc["S", "applicable"] == 1
    assert themes.loc["S", "not_applicable"] == 1


def test_dont_know_lowers_completeness_and_the_conservative_score_but_not_the_score(mini) -> None:
    themes = _themes(mini, [Answer(question_id="S.1", level=2), Answer(question_id="S.2", status="dont_know")])
    assert themes.loc["S", "score"] == 50.0
    assert themes.loc["S", "conservative"] == 25.0
    assert themes.loc["S", "completeness"] == 0.5
    assert themes.loc["S", "unknown"] == 1


def test_a_theme_with_no_answer_has_no_score_and_counts_as_not_started(mini) -> None:
    themes = _themes(mini, [Answer(question_id="S.1", level=2)])
    assert math.isnan(themes.loc["P", "score"])
    assert themes.loc["P", "conservative"] == 0.0
    assert themes.loc["P", "state"] == "not started"
    assert themes.loc["P", "band"] is None


def test_a_theme_whose_questions_are_all_not_applicable_is_excluded_not_zero_or_hundred(mini) -> None:
    not_applicable = [Answer(question_id="S.2", status="not_applicable", reason="No library")]
    assert _themes(mini, not_applicable).loc["S", "state"] == "not started"  # S.1 is still applicable
    # A theme made of S.2 alone (the only question allowing it) is wholly not applicable.
    only_na = mini.model_copy(
        update={"themes": [mini.themes[0].model_copy(update={"questions": [mini.question("S.2")]})]}
    )
    themes = theme_scores(only_na, answers_frame(only_na, not_applicable))
    excluded = themes.iloc[0]
    assert excluded["state"] == "excluded"
    assert math.isnan(excluded["score"]) and math.isnan(excluded["completeness"])
    assert math.isnan(overall_scores(themes)["index"].iloc[0])


def test_evidence_coverage_is_the_share_of_answers_backed_by_a_document(mini) -> None:
    themes = _themes(
        mini,
        [
            Answer(question_id="S.1", level=2, evidence="internal_document"),
            Answer(question_id="S.2", level=4, evidence="none"),
            Answer(question_id="P.1", level=1, evidence="independently_evaluated"),
        ],
    )
    assert themes.loc["S", "evidence_coverage"] == 0.5
    assert themes.loc["P", "evidence_coverage"] == 1.0


def test_the_overall_index_is_the_theme_weighted_mean_of_scored_themes(mini) -> None:
    weighted = mini.model_copy(update={"themes": [mini.themes[0], mini.themes[1].model_copy(update={"weight": 3})]})
    frame = answers_frame(
        weighted,
        [Answer(question_id="S.1", level=4), Answer(question_id="S.2", level=4), Answer(question_id="P.1", level=0)],
    )
    overall = overall_scores(theme_scores(weighted, frame)).iloc[0]
    assert overall["index"] == pytest.approx((100 * 1 + 0 * 3) / 4)  # 25
    assert overall["completeness"] == 1.0
    assert overall["band"] == "Emerging"


def test_the_methodology_worked_example_is_reproduced_exactly() -> None:
    """docs/methodology.md, "A worked example": theme T7 of version 1.0.0, where every question weighs 1."""
    framework = load_framework(SHIPPED / "1.0.0")
    frame = answers_frame(
        framework,
        [
            Answer(question_id="Q7.1", level=2, evidence="internal_document"),
            Answer(question_id="Q7.2", level=3, evidence="published"),
            Answer(question_id="Q7.3", status="not_applicable", reason="Policing is run by the regional force"),
            Answer(question_id="Q7.4", level=1),
            Answer(question_id="Q7.5", status="dont_know"),
        ],
    )
    themes = theme_scores(framework, frame)
    t7 = themes.set_index("theme_id").loc["T7"]
    assert (t7["applicable"], t7["answered"], t7["unknown"]) == (5, 3, 2)
    assert t7["score"] == 50.0
    assert t7["conservative"] == 30.0
    assert t7["completeness"] == 0.6
    assert round(t7["evidence_coverage"], 3) == 0.667
    assert t7["band"] == "Developing"

    gaps = theme_gaps(themes)
    g7 = gaps.set_index("theme_id").loc["T7"]
    assert (g7["target"], g7["gap"]) == (60.0, 10.0)
    ranked = priorities(framework, gaps, declared=["global-protests"])
    top = ranked.iloc[0]
    assert (top["theme_id"], top["relevance"], top["priority"]) == ("T7", 1.5, 15.0)
    assert top["explanation"] == (
        "Global crises, local impacts: dialogue, protest and de-escalation scores 50 against a target of 60, "
        "a gap of 10 points, weighted ×1.5 because the city declared protests or tensions linked to events abroad."
    )
    steps = question_steps(framework, frame, gaps).set_index("question_id")
    assert steps.loc["Q7.1", "next_step"] == framework.question("Q7.1").levels[3]["en"]
    assert steps.loc["Q7.4", "next_step"] == framework.question("Q7.4").levels[2]["en"]
    assert steps.loc["Q7.2", "next_step"] is None  # already at the target level 3
    assert steps.loc["Q7.6", "status"] == "unanswered"
    assert overall_scores(themes).iloc[0]["index"] == 50.0


def test_default_targets_are_the_next_band_up_and_the_top_band_keeps_its_floor(mini) -> None:
    themes = _themes(
        mini,
        [Answer(question_id="S.1", level=4), Answer(question_id="S.2", level=3), Answer(question_id="P.1", level=0)],
    ).reset_index()
    gaps = theme_gaps(themes).set_index("theme_id")
    assert (gaps.loc["S", "score"], gaps.loc["S", "target"], gaps.loc["S", "gap"]) == (87.5, 80.0, 0.0)
    assert (gaps.loc["P", "target"], gaps.loc["P", "gap"]) == (20.0, 20.0)


def test_a_target_set_by_the_team_replaces_the_default(mini) -> None:
    themes = _themes(mini, [Answer(question_id="P.1", level=2)]).reset_index()
    gaps = theme_gaps(themes, {"P": 90}).set_index("theme_id")
    assert (gaps.loc["P", "target"], gaps.loc["P", "gap"], gaps.loc["P", "target_source"]) == (
        90.0,
        40.0,
        "set by the team",
    )
    with pytest.raises(ValueError, match="P: a target must be between 0 and 100"):
        theme_gaps(themes, {"P": 120})


def test_a_priority_without_declared_challenges_says_so(mini) -> None:
    themes = _themes(mini, [Answer(question_id="P.1", level=1)]).reset_index()
    ranked = priorities(mini, theme_gaps(themes))
    assert list(ranked["theme_id"]) == ["P"]
    assert ranked.iloc[0]["explanation"] == (
        "Emergency plans scores 25 against a target of 40, a gap of 15 points; "
        "no declared local challenge raises its weight."
    )


def test_an_unknown_challenge_is_refused(mini) -> None:
    themes = _themes(mini, [Answer(question_id="P.1", level=1)]).reset_index()
    with pytest.raises(ValueError, match="unknown challenge"):
        priorities(mini, theme_gaps(themes), declared=["earthquake"])


def test_a_city_at_or_above_every_target_has_an_empty_priority_list(mini) -> None:
    themes = _themes(mini, [Answer(question_id="S.1", level=4), Answer(question_id="P.1", level=4)]).reset_index()
    ranked = priorities(mini, theme_gaps(themes, {"S": 50, "P": 50}), declared=[c.id for c in mini.challenges])
    assert ranked.empty
    assert list(ranked.columns)[:3] == ["assessment", "rank", "theme_id"]


def test_the_methodology_weighted_example_is_reproduced_exactly() -> None:
    """docs/methodology.md, "A worked example with weights": theme T4 of version 2.0.0 with its real weights."""
    framework = load_framework(SHIPPED / "2.0.0")
    weights = {q.id: q.weight for q in framework.theme_of("Q4.1").questions}
    assert weights == {"Q4.1": 1.0, "Q4.2": 1.0, "Q4.3": 1.0, "Q4.4": 1.0, "Q4.5": 1.5, "Q4.6": 0.5, "Q4.7": 1.0}
    given = [
        Answer(question_id="Q4.1", level=3, evidence="internal_document"),
        Answer(question_id="Q4.2", level=2),
        Answer(question_id="Q4.3", status="dont_know"),
        Answer(question_id="Q4.4", status="not_applicable", reason="Counselling is run by the regional health body"),
        Answer(question_id="Q4.5", level=2, evidence="published"),
        Answer(question_id="Q4.6", level=4),
        Answer(question_id="Q4.7", level=1),
    ]
    themes = theme_scores(framework, answers_frame(framework, given))
    t4 = themes.set_index("theme_id").loc["T4"]
    assert (t4["applicable"], t4["answered"], t4["unknown"]) == (6, 5, 1)
    assert t4["score"] == 55.0  # 100 × (3 + 2 + 1.5×2 + 0.5×4 + 1) ÷ (4 × 5); unweighted it would be 60
    assert t4["conservative"] == 45.8  # 100 × 11 ÷ (4 × 6) = 45.83…
    assert round(t4["completeness"], 3) == 0.833
    assert t4["band"] == "Developing"
    gaps = theme_gaps(themes)
    g4 = gaps.set_index("theme_id").loc["T4"]
    assert (g4["target"], g4["gap"]) == (60.0, 5.0)
    top = priorities(framework, gaps, declared=["hate-incident"]).set_index("theme_id").loc["T4"]
    assert (top["relevance"], top["priority"]) == (1.5, 7.5)
    steps = question_steps(framework, answers_frame(framework, given), gaps).set_index("question_id")
    assert steps.loc["Q4.5", "next_step"] == framework.question("Q4.5").levels[3]["en"]
    assert steps.loc["Q4.7", "next_step"] == framework.question("Q4.7").levels[2]["en"]
    assert steps.loc["Q4.6", "next_step"] is None
    equal = [
        t.model_copy(update={"questions": [q.model_copy(update={"weight": 1.0}) for q in t.questions]})
        for t in framework.themes
    ]
    unweighted = framework.model_copy(update={"themes": equal})
    assert theme_scores(unweighted, answers_frame(unweighted, given)).set_index("theme_id").loc["T4", "score"] == 60.0
