"""Comparing two assessments, within a framework version and across versions through the crosswalk."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from questionnaire.loader import load_framework
from scoring import Answer, answers_frame, compare, trends
from scoring.comparison import compare_many

FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"


@pytest.fixture(scope="module")
def v1():
    return load_framework(FRAMEWORKS / "mini-v1")


@pytest.fixture(scope="module")
def v2():
    return load_framework(FRAMEWORKS / "mini-v2")


def test_theme_and_overall_deltas_and_item_changes_within_one_version(v1) -> None:
    before = answers_frame(
        v1,
        [
            Answer(question_id="S.1", level=1),
            Answer(question_id="S.2", level=3),
            Answer(question_id="P.1", status="dont_know"),
        ],
    )
    after = answers_frame(
        v1,
        [
            Answer(question_id="S.1", level=3),
            Answer(question_id="S.2", status="not_applicable", reason="Library closed"),
            Answer(question_id="P.1", level=2),
        ],
    )
    result = compare(v1, before, after)
    deltas = result.themes.set_index("theme_id")["delta"]
    assert deltas["S"] == 75.0 - 50.0
    assert result.overall_before == 50.0
    assert result.overall_after == 62.5
    assert result.overall_delta == 12.5
    changes = result.items.set_index("question_id")["change"]
    assert changes.to_dict() == {"S.1": "improved", "S.2": "newly not applicable", "P.1": "newly answered"}
    assert result.comparable_share == 1.0


def test_an_assessment_compared_with_itself_shows_no_change(v1) -> None:
    answers = answers_frame(v1, [Answer(question_id="S.1", level=2), Answer(question_id="P.1", level=1)])
    result = compare(v1, answers, answers)
    assert set(result.items["change"]) == {"unchanged"}
    assert (result.themes["delta"].dropna() == 0).all()


def test_across_versions_renamed_questions_compare_and_retired_and_new_ones_are_listed(v1, v2) -> None:
    before = answers_frame(
        v1, [Answer(question_id="S.1", level=1), Answer(question_id="S.2", level=2), Answer(question_id="P.1", level=3)]
    )
    after = answers_frame(
        v2,
        [Answer(question_id="S.10", level=2), Answer(question_id="P.1", level=1), Answer(question_id="P.2", level=4)],
    )
    result = compare(v2, before, after, before_framework=v1)
    items = result.items.set_index("before_id", drop=False)
    assert items.loc["S.1", "question_id"] == "S.10"
    assert items.loc["S.1", "change"] == "improved"
    assert items.loc["P.1", "change"] == "declined"
    assert items.loc["S.2", "change"] == "question removed"
    added = result.items[result.items["question_id"] == "P.2"].iloc[0]
    assert added["change"] == "question added"
    assert result.comparable_share == pytest.approx(2 / 3)


def test_trends_list_theme_and_overall_scores_oldest_first(v1) -> None:
    import pandas as pd

    frames = [
        answers_frame(v1, [Answer(question_id="S.1", level=level), Answer(question_id="P.1", level=level)], name)
        for name, level in (("2026", 3), ("2024", 1), ("2025", 2))
    ]
    tidy = trends(v1, pd.concat(frames), {"2024": date(2024, 5, 1), "2025": date(2025, 5, 1), "2026": date(2026, 5, 1)})
    overall = tidy[tidy["theme_id"] == "overall"]
    assert list(overall["assessment"]) == ["2024", "2025", "2026"]
    assert list(overall["score"]) == [25.0, 50.0, 75.0]
    assert set(tidy["theme_id"]) == {"S", "P", "overall"}


def test_an_assessment_with_no_answers_yet_compares_as_wholly_unanswered(v1) -> None:
    empty = answers_frame(v1, [])
    after = answers_frame(v1, [Answer(question_id="S.1", level=2)])
    result = compare(v1, empty, after)
    changes = result.items.set_index("question_id")["change"].to_dict()
    assert changes == {"S.1": "newly answered", "S.2": "unchanged", "P.1": "unchanged"}
    assert pd.isna(result.overall_before) and result.overall_after == 50.0


def test_many_pairs_compare_at_once_like_single_comparisons(v1) -> None:
    levels = {"a": 0, "b": 2, "c": 4}
    frames = pd.concat(
        [
            answers_frame(v1, [Answer(question_id="S.1", level=lvl), Answer(question_id="P.1", level=4 - lvl)], name)
            for name, lvl in levels.items()
        ]
    )
    pairs = pd.DataFrame({"before": ["a", "b", "c"], "after": ["b", "c", "a"]})
    batch = compare_many(v1, frames, frames, pairs)
    for before, after in zip(pairs["before"], pairs["after"], strict=True):
        single = compare(v1, frames[frames["assessment"] == before], frames[frames["assessment"] == after])
        mine = batch.items[(batch.items["before_assessment"] == before) & (batch.items["after_assessment"] == after)]
        assert list(mine["change"]) == list(single.items["change"])
        overall = batch.overall.set_index(["before_assessment", "after_assessment"]).loc[(before, after)]
        assert overall["delta"] == single.overall_delta
    assert set(batch.items.loc[batch.items["question_id"] == "S.1", "change"]) == {"improved", "declined"}


def test_across_a_scale_change_only_answers_at_kept_levels_compare_and_the_share_says_so(v1, v2) -> None:
    from questionnaire.model import Crosswalk

    crosswalk = Crosswalk(
        from_version="1.0.0",
        scale_changed=True,
        questions={
            "S.1": {"to": ["S.10"], "keep_levels": [0], "note": "0 means the same."},
            "S.2": {"to": [], "note": "Retired."},
            "P.1": {"to": ["P.1"], "keep_levels": [0], "note": "0 means the same."},
        },
    )
    changed = v2.model_copy(update={"crosswalks": [crosswalk]})
    before = answers_frame(v1, [Answer(question_id="S.1", level=0), Answer(question_id="P.1", level=2)])
    after = answers_frame(
        changed,
        [Answer(question_id="S.10", level=1), Answer(question_id="P.1", level=3), Answer(question_id="P.2", level=1)],
    )
    result = compare(changed, before, after, before_framework=v1)
    changes = result.items.set_index("before_id")["change"]
    assert changes["S.1"] == "improved"  # 0 meant the same on both scales
    assert changes["P.1"] == "not comparable"  # level 2 did not
    assert changes["S.2"] == "question removed"
    assert result.scale_changed
    assert result.comparable_share == pytest.approx(1 / 3)  # S.10 of S.10, P.1, P.2
