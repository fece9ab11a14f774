"""Bad answers are refused with a message naming the question; nothing is silently dropped."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from questionnaire.loader import load_framework
from scoring import Answer, AnswerError, answers_frame

FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"


@pytest.fixture(scope="module")
def mini():
    return load_framework(FRAMEWORKS / "mini-v1")


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def test_an_answer_for_an_unknown_question_names_it(mini) -> None:
    with pytest.raises(AnswerError, match=r"Z\.9: unknown question id"):
        answers_frame(mini, [Answer(question_id="Z.9", level=1)])


@pytest.mark.parametrize("level", [-1, 5, 2.5])
def test_a_level_outside_zero_to_four_names_the_question(mini, level) -> None:
    with pytest.raises(AnswerError, match=r"S\.1: level outside 0 to 4"):
        answers_frame(mini, _frame([{"question_id": "S.1", "status": "level", "level": level}]))
    with pytest.raises(ValidationError):
        Answer(question_id="S.1", level=level)


def test_not_applicable_on_a_question_that_forbids_it_names_the_question(mini) -> None:
    with pytest.raises(AnswerError, match=r"S\.1: 'not applicable' is not allowed"):
        answers_frame(mini, [Answer(question_id="S.1", status="not_applicable", reason="No parks")])


def test_not_applicable_without_a_reason_is_refused(mini) -> None:
    with pytest.raises(ValidationError, match="needs a reason"):
        Answer(question_id="S.2", status="not_applicable", reason="  ")
    with pytest.raises(AnswerError, match=r"S\.2: 'not applicable' needs a reason"):
        answers_frame(mini, _frame([{"question_id": "S.2", "status": "not_applicable", "reason": ""}]))


def test_every_problem_is_reported_at_once(mini) -> None:
    rows = [
        {"question_id": "S.1", "status": "level", "level": 7},
        {"question_id": "P.1", "status": "level", "level": 1},
        {"question_id": "P.1", "status": "level", "level": 2},
        {"question_id": "S.2", "status": "maybe"},
    ]
    with pytest.raises(AnswerError) as caught:
        answers_frame(mini, _frame(rows))
    assert caught.value.problems == [
        "P.1: answered more than once",
        "S.2: unknown answer status",
        "S.1: level outside 0 to 4",
    ]


def test_a_level_is_required_for_a_level_answer(mini) -> None:
    with pytest.raises(AnswerError, match=r"S\.1: a level from 0 to 4 is required"):
        answers_frame(mini, _frame([{"question_id": "S.1", "status": "level", "level": None}]))


def test_valid_answers_are_all_kept(mini) -> None:
    frame = answers_frame(
        mini,
        [
            Answer(question_id="S.1", level=0),
            Answer(question_id="S.2", status="dont_know"),
            Answer(question_id="P.1", level=4, evidence="published"),
        ],
    )
    assert list(frame["question_id"]) == ["S.1", "S.2", "P.1"]
    assert list(frame["theme_id"]) == ["S", "S", "P"]
