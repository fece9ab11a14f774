"""Crosswalk: answers given under an earlier framework version land on the right questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from questionnaire.crosswalk import CrosswalkError, map_question_ids
from questionnaire.loader import load_framework

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
