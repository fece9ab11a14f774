"""Where a round's respondents disagree: the spread of each question and the round's agreement,
checked on cases small enough to work out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring.divergence import SMALL_GROUP, agreement, divergence_table, spread_of


def _round(rows: dict[str, dict[str, int | str]]) -> pd.DataFrame:
    """A round's answers from ``{respondent: {question: level or "dont_know"/"not_my_area"}}``."""
    return pd.DataFrame(
        [
            {
                "respondent": who,
                "question_id": question,
                "status": "level" if isinstance(value, int) else value,
                "level": value if isinstance(value, int) else None,
            }
            for who, given in rows.items()
            for question, value in given.items()
        ]
    )


def test_when_everyone_gives_the_same_level_nothing_is_flagged() -> None:
    spread = spread_of([2, 2, 2, 2])
    assert (spread.median, spread.iqr, spread.levels_apart) == (2.0, 0.0, 0)
    assert spread.counts == (0, 0, 4, 0, 0) and not spread.divergent and spread.why == ""


def test_one_outlier_two_levels_away_is_flagged_though_the_middle_half_agrees() -> None:
    spread = spread_of([3, 3, 3, 3, 1])
    assert spread.median == 3.0 and spread.iqr == 0.0 and spread.levels_apart == 2
    assert spread.divergent and spread.why == "answers are 2 levels apart (1 to 3)"


def test_two_camps_have_a_wide_middle_half_and_both_reasons_are_given() -> None:
    spread = spread_of([1, 1, 4, 4])
    assert (spread.q1, spread.q3, spread.iqr) == (1.0, 4.0, 3.0)
    assert spread.divergent
    assert spread.why == "the middle half of the answers spans 3 levels; answers are 3 levels apart (1 to 4)"


def test_two_respondents_one_level_apart_agree_enough_and_two_apart_do_not() -> None:
    assert not spread_of([2, 3]).divergent and spread_of([2, 3]).median == 2.5
    assert spread_of([2, 4]).divergent


def test_unsure_answers_are_counted_but_never_averaged_in() -> None:
    spread = spread_of([0, 1], unsure=3)
    assert (spread.answered, spread.unsure, spread.median) == (2, 3, 0.5)
    nobody = spread_of([], unsure=2)
    assert nobody.median is None and nobody.iqr is None and not nobody.divergent


def test_a_level_outside_the_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="0 to 4"):
        spread_of([2, 5])


def test_the_table_puts_the_widest_disagreement_first_and_counts_each_level() -> None:
    answers = _round(
        {
            "ana": {"Q1.1": 2, "Q1.2": 1, "Q1.3": 3},
            "ben": {"Q1.1": 2, "Q1.2": 4, "Q1.3": 1},
            "cem": {"Q1.1": 2, "Q1.2": 4, "Q1.3": "not_my_area"},
            "dia": {"Q1.1": "dont_know", "Q1.2": 1, "Q1.3": 3},
        }
    )
    table = divergence_table(answers)
    assert table["question_id"].tolist() == ["Q1.2", "Q1.3", "Q1.1"]  # IQR 3, then two levels apart, then calm
    assert table["divergent"].tolist() == [True, True, False]
    first = table.iloc[0]
    assert (first["at_1"], first["at_4"], first["answered"], first["unsure"]) == (2, 2, 4, 0)
    calm = table.iloc[2]
    assert (calm["answered"], calm["unsure"], calm["median"]) == (3, 1, 2.0)


def test_the_table_can_be_split_by_respondent_group() -> None:
    answers = _round({"ana": {"Q1.1": 1}, "ben": {"Q1.1": 3}, "cem": {"Q1.1": 3}})
    answers["group"] = ["social services", "police", "police"]
    table = divergence_table(answers, by=("question_id", "group"))
    by_group = {row.group: (row.median, row.divergent) for row in table.itertuples()}
    assert by_group == {"social services": (1.0, False), "police": (3.0, False)}
    assert divergence_table(answers)["divergent"].tolist() == [True]  # together they disagree


def test_respondents_who_rank_the_questions_alike_have_high_agreement_and_a_small_group_caveat() -> None:
    answers = _round(
        {
            "ana": {"Q1": 0, "Q2": 1, "Q3": 2, "Q4": 3, "Q5": 4},
            "ben": {"Q1": 0, "Q2": 1, "Q3": 2, "Q4": 3, "Q5": 4},
            "cem": {"Q1": 1, "Q2": 1, "Q3": 2, "Q4": 3, "Q5": 3},
        }
    )
    found = agreement(answers)
    assert found.alpha is not None and found.alpha > 0.8
    assert (found.respondents, found.questions) == (3, 5) and found.respondents < SMALL_GROUP
    assert "unstable" in found.caveat


def test_respondents_who_see_the_city_in_opposite_ways_have_agreement_below_zero() -> None:
    answers = _round(
        {
            "ana": {"Q1": 0, "Q2": 4, "Q3": 0, "Q4": 4},
            "ben": {"Q1": 4, "Q2": 0, "Q3": 4, "Q4": 0},
            "cem": {"Q1": 0, "Q2": 4, "Q3": 0, "Q4": 4},
            "dia": {"Q1": 4, "Q2": 0, "Q3": 4, "Q4": 0},
            "eda": {"Q1": 0, "Q2": 4, "Q3": 4, "Q4": 0},
        }
    )
    found = agreement(answers)
    assert found.alpha is not None and found.alpha < 0.1
    assert found.respondents == SMALL_GROUP and "0.67" in found.caveat


def test_agreement_is_not_worked_out_for_one_respondent_or_without_any_difference() -> None:
    alone = agreement(_round({"ana": {"Q1": 2, "Q2": 3}}))
    assert alone.alpha is None and "at least two respondents" in alone.caveat
    same = agreement(_round({"ana": {"Q1": 2}, "ben": {"Q1": 2}, "cem": {"Q1": "dont_know"}}))
    assert same.alpha is None


def test_an_undisputed_question_settles_on_its_median_and_a_split_or_wide_one_does_not() -> None:
    assert spread_of([2, 2, 3]).settled == 2
    assert spread_of([2, 3]).settled is None  # between two levels: the team decides
    assert spread_of([1, 1, 4, 4]).settled is None  # divergent
    assert spread_of([], unsure=3).settled is None
