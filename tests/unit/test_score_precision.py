"""Scores are exact at the precision the methodology states, so a band, target or gap never hangs on a float error."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from scoring.answers import Answer
from scoring.bands import BAND_FLOORS, SCORE_DECIMALS, band_for, format_points, settle
from scoring.summary import summarise

FRAMEWORK = load_frameworks()[DEFAULT_FRAMEWORK_ID]
EQUAL_WEIGHTS = load_frameworks().version(DEFAULT_FRAMEWORK_ID, "1.0.0")
"""Version 1.0.0 weighs every question 1, which the hand-made case below relies on."""


def half_up(value: Fraction) -> Fraction:
    """The methodology's rounding, done in exact arithmetic: to SCORE_DECIMALS decimals, half up."""
    scale = 10**SCORE_DECIMALS
    shifted = value * scale + Fraction(1, 2)
    return Fraction(shifted.numerator // shifted.denominator, scale)


def answers_for(levels_per_theme: list[list[int]], framework=FRAMEWORK) -> list[Answer]:
    return [
        Answer(question_id=question.id, level=level)
        for theme, levels in zip(framework.themes, levels_per_theme, strict=False)
        for question, level in zip(theme.questions, levels, strict=False)
    ]


def test_an_index_of_exactly_40_is_developing_not_emerging() -> None:
    # Theme scores 54 1/6, 0, 55, 8 1/3, 80, 50, 4 1/6, 40, 15, 75, 58 1/3: their mean is exactly 40, and
    # summed as floats it came out as 39.99999999999999.
    shaped = [
        [4, 4, 4, 1, 0, 0],
        [0, 0],
        [4, 4, 3, 0, 0],
        [1, 0, 0],
        [4, 4, 4, 4, 0],
        [2],
        [1, 0, 0, 0, 0, 0],
        [4, 4, 0, 0, 0],
        [3, 0, 0, 0, 0],
        [3],
        [4, 3, 0],
    ]
    summary = summarise(EQUAL_WEIGHTS, answers_for(shaped, EQUAL_WEIGHTS))
    assert summary.overall["index"] == 40.0
    assert summary.overall["band"] == "Developing"
    assert format_points(summary.overall["index"]) == "40"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=4), min_size=0, max_size=9),
        min_size=1,
        max_size=len(FRAMEWORK.themes),
    )
)
def test_every_score_is_the_exact_value_rounded_half_up_and_banded_as_shown(levels_per_theme: list[list[int]]) -> None:
    summary = summarise(FRAMEWORK, answers_for(levels_per_theme))
    expected_themes = []
    for theme, levels in zip(FRAMEWORK.themes, levels_per_theme, strict=False):
        row = summary.themes.set_index("theme_id").loc[theme.id]
        if not levels:
            assert pd.isna(row["score"])
            continue
        weights = [Fraction(str(q.weight)) for q in theme.questions[: len(levels)]]
        exact = half_up(100 * sum(w * level for w, level in zip(weights, levels, strict=False)) / (4 * sum(weights)))
        expected_themes.append(exact)
        assert row["score"] == float(exact)
        assert row["band"] == band_for(float(exact)).name  # type: ignore[union-attr]
        assert row["gap"] == float(half_up(max(Fraction(0), Fraction(row["target"]) - exact)))
    if expected_themes:
        index = half_up(sum(expected_themes, Fraction(0)) / len(expected_themes))
        assert summary.overall["index"] == float(index)
        floors = [Fraction(int(f)) for f in BAND_FLOORS]
        assert summary.overall["band"] == band_for(float(max(f for f in floors if f <= index))).name  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("value", "shown"),
    [(39.99999999999999, "40"), (39.95, "40"), (39.94999, "39.9"), (12.25, "12.3"), (0.0, "0"), (100.0, "100")],
)
def test_a_score_is_shown_at_the_stated_precision(value: float, shown: str) -> None:
    assert format_points(float(settle(value))) == shown


def test_a_change_is_shown_with_its_sign_and_a_drop_of_nothing_as_zero() -> None:
    assert format_points(2.5, signed=True) == "+2.5"
    assert format_points(-3.0, signed=True) == "-3"
    assert format_points(-0.0, signed=True) == "0"


def test_a_gap_of_half_a_point_is_said_as_half_a_point() -> None:
    # T1 at levels 1 and 2 scores 37.5; a target of 38 leaves a gap of 0.5.
    summary = summarise(FRAMEWORK, answers_for([[1, 2]]), targets={"T1": 38})
    first = summary.priorities.iloc[0]
    assert (first["theme_id"], first["gap"]) == ("T1", 0.5)
    assert "scores 37.5 against a target of 38, a gap of 0.5 points" in first["explanation"]
