"""Crosswalk: answers given under an earlier framework version land on the right questions."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from questionnaire.crosswalk import CrosswalkError, map_question_ids
from questionnaire.loader import load_framework, load_frameworks
from questionnaire.model import Crosswalk, CrosswalkEntry

FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"


@pytest.fixture(scope="module")
def version_two():
    return load_framework(FRAMEWORKS / "mini-v2")


def test_a_renamed_question_maps_to_its_new_id(version_two) -> None:
    assert map_question_ids(version_two, "1.0.0", ["S.1"]).mapped == {"S.1": "S.10"}


def test_an_unchanged_question_keeps_its_id(version_two) -> None:
    assert map_question_ids(version_two, "1.0.0", ["P.1"]).mapped == {"P.1": "P.1"}


def test_a_retired_question_is_listed_as_unmapped(version_two) -> None:
    mapping = map_question_ids(version_two, "1.0.0", ["S.1", "S.2", "P.1"])
    assert mapping.retired == ["S.2"]
    assert mapping.unmapped == ["S.2"]
    assert set(mapping.mapped) == {"S.1", "P.1"}


def test_an_id_no_version_knows_is_listed_as_unknown(version_two) -> None:
    mapping = map_question_ids(version_two, "1.0.0", ["X.9"])
    assert mapping.unknown == ["X.9"]
    assert mapping.mapped == {}


def test_the_same_version_maps_known_ids_to_themselves(version_two) -> None:
    mapping = map_question_ids(version_two, "2.0.0", ["S.10", "P.2", "S.1"])
    assert mapping.mapped == {"S.10": "S.10", "P.2": "P.2"}
    assert mapping.unknown == ["S.1"]


def test_a_version_without_a_crosswalk_is_refused_with_the_versions_it_has(version_two) -> None:
    with pytest.raises(CrosswalkError, match=r"no crosswalk from version 0\.9\.0 \(crosswalks from: 1\.0\.0\)"):
        map_question_ids(version_two, "0.9.0", ["S.1"])


def test_the_crosswalk_covers_every_question_of_the_earlier_version(version_two) -> None:
    version_one = load_framework(FRAMEWORKS / "mini-v1")
    mapping = map_question_ids(version_two, version_one.version, [q.id for q in version_one.questions])
    assert mapping.unknown == []
    assert len(mapping.mapped) + len(mapping.retired) == len(version_one.questions)


def _with_crosswalk(framework, questions: dict, scale_changed: bool = True):
    """``framework`` with its crosswalk from 1.0.0 replaced by ``questions`` (entries as in crosswalk.yaml)."""
    crosswalk = Crosswalk(from_version="1.0.0", scale_changed=scale_changed, questions=questions)
    return framework.model_copy(update={"crosswalks": [crosswalk]})


def test_the_short_form_is_a_comparable_rename_and_null_a_retirement() -> None:
    crosswalk = Crosswalk(from_version="1.0.0", questions={"S.1": "S.10", "S.2": None})
    assert crosswalk.questions["S.1"] == CrosswalkEntry(to=["S.10"], comparable=True)
    assert crosswalk.questions["S.2"].to == []


def test_an_answer_whose_levels_changed_is_not_carried_but_its_successor_is_named(version_two) -> None:
    framework = _with_crosswalk(version_two, {"P.1": {"to": ["P.1"], "note": "Levels redefined."}})
    mapping = map_question_ids(framework, "1.0.0", ["P.1", "S.1"])
    assert mapping.mapped == {}  # S.1 is not in version two and the crosswalk no longer names it
    assert mapping.not_comparable == {"P.1": ["P.1"]}
    assert mapping.unknown == ["S.1"]
    assert mapping.unmapped == ["S.1"]  # P.1 has a successor: it is not lost, only to be answered afresh


def test_merged_and_split_questions_list_every_earlier_answer_to_look_at(version_two) -> None:
    framework = _with_crosswalk(
        version_two,
        {
            "S.1": {"to": ["S.10", "P.2"], "note": "Split in two."},
            "S.2": {"to": ["S.10"], "note": "Merged into S.10."},
            "P.1": {"to": ["P.1"], "comparable": True, "note": "Same practice, same levels."},
        },
    )
    mapping = map_question_ids(framework, "1.0.0", ["S.1", "S.2", "P.1"])
    assert mapping.mapped == {"P.1": "P.1"}
    assert mapping.afresh() == {"S.10": ["S.1", "S.2"], "P.2": ["S.1"]}
    assert mapping.earlier_of("S.10") == ["S.1", "S.2"]


def test_only_a_question_with_one_successor_can_keep_comparable_answers() -> None:
    with pytest.raises(ValidationError, match="exactly one successor"):
        CrosswalkEntry(to=["A.1", "A.2"], comparable=True)
    with pytest.raises(ValidationError, match="exactly one successor"):
        CrosswalkEntry(to=[], comparable=True)


def test_the_shipped_crosswalk_maps_every_question_of_1_0_0(shipped) -> None:
    old, new = shipped.version("scn-transatlantic", "1.0.0"), shipped["scn-transatlantic"]
    mapping = map_question_ids(new, old.version, [q.id for q in old.questions])
    assert mapping.unknown == []
    counted = len(mapping.mapped) + len(mapping.not_comparable) + len(mapping.retired)
    assert counted == len(old.questions)
    assert mapping.retired, "1.0.0 had questions the review asked to retire"
    assert mapping.not_comparable, "the scale changed, so most answers need a fresh look"


@pytest.fixture(scope="module")
def shipped():
    return load_frameworks()


def test_an_answer_at_a_level_whose_meaning_did_not_change_still_carries(version_two) -> None:
    framework = _with_crosswalk(
        version_two, {"P.1": {"to": ["P.1"], "keep_levels": [0], "note": "Levels redefined; 0 means the same."}}
    )
    mapping = map_question_ids(framework, "1.0.0", ["P.1"])
    assert mapping.carries("P.1", 0) == "P.1"
    assert mapping.carries("P.1", 2) is None
    assert mapping.carries("P.1", None) is None  # don't know or not applicable: answered afresh


def test_kept_levels_need_one_successor_and_a_question_not_comparable_in_general() -> None:
    with pytest.raises(ValidationError, match="exactly one successor"):
        CrosswalkEntry(to=["A.1", "A.2"], keep_levels=[0])
    with pytest.raises(ValidationError, match="not comparable in general"):
        CrosswalkEntry(to=["A.1"], comparable=True, keep_levels=[0])
    with pytest.raises(ValidationError, match="levels 0 to 4"):
        CrosswalkEntry(to=["A.1"], keep_levels=[5])


def test_carrying_answers_leaves_behind_merges_and_answers_the_new_version_refuses(version_two) -> None:
    from scoring.answers import Answer
    from scoring.carry import carry_answers

    framework = _with_crosswalk(
        version_two,
        {
            "S.1": {"to": ["S.10"], "keep_levels": [0], "note": "0 means the same."},
            "S.2": {"to": ["S.10"], "note": "Merged into S.10."},
            "P.1": {"to": ["P.1"], "comparable": True, "note": "Unchanged."},
        },
    )
    given = [Answer(question_id="S.1", level=0), Answer(question_id="S.2", level=3), Answer(question_id="P.1", level=2)]
    mapping = map_question_ids(framework, "1.0.0", [a.question_id for a in given])
    carried, left_behind = carry_answers(mapping, given)
    assert [(a.question_id, a.level) for a in carried] == [("S.10", 0), ("P.1", 2)]
    assert left_behind == ["S.2"]
    carried, left_behind = carry_answers(mapping, given, accept=lambda a: a.question_id != "P.1")
    assert [a.question_id for a in carried] == ["S.10"] and left_behind == ["P.1", "S.2"]
    merged = [Answer(question_id="S.1", level=0), Answer(question_id="S.1x", level=0)]
    twice = _with_crosswalk(
        version_two,
        {
            "S.1": {"to": ["S.10"], "keep_levels": [0], "note": "a"},
            "S.1x": {"to": ["S.10"], "keep_levels": [0], "note": "b"},
        },
    )
    carried, left_behind = carry_answers(map_question_ids(twice, "1.0.0", ["S.1", "S.1x"]), merged)
    assert carried == [] and left_behind == ["S.1", "S.1x"]  # two answers for one question: answer afresh
