"""The stricter rules a framework version declares: practice-based levels, sourced weights,
guidance for "not applicable", and a crosswalk that accounts for every earlier question."""

from __future__ import annotations

from pathlib import Path

import pytest

from questionnaire.loader import load_framework
from questionnaire.model import Crosswalk, Framework, Question, Source
from questionnaire.rules import crosswalk_problems, force_of, rule_problems

FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"
SEED = "mini-brief.txt"


@pytest.fixture(scope="module")
def v1() -> Framework:
    return load_framework(FRAMEWORKS / "mini-v1")


@pytest.fixture(scope="module")
def v2() -> Framework:
    return load_framework(FRAMEWORKS / "mini-v2")


def _strict(framework: Framework, **changes: object) -> Framework:
    """``framework`` declaring every rule, with the question ``S.10`` changed by ``changes``."""
    themes = [
        t.model_copy(update={"questions": [q.model_copy(update=changes) if q.id == "S.10" else q for q in t.questions]})
        for t in framework.themes
    ]
    return framework.model_copy(
        update={"themes": themes, "rules": ["practice-levels", "sourced-weights", "not-applicable-guidance"]}
    )


def _about_s10(problems: list[str]) -> list[str]:
    return [p for p in problems if p.startswith("S.10")]


@pytest.mark.parametrize(
    ("phrase", "weight"),
    [
        ("is an essential component of whole-of-city approach", 1.5),
        ("a critical responsibility for mayors", 1.5),
        ("Every city should rehearse its emergency plan", 1.0),
        ("cities can consider following the example", 0.5),
        ("may also be desirable", 0.5),
        ("convening more than 270 participants", 1.0),  # no word of force: a plain statement
        ("should … can also consider", 1.0),  # the strongest word wins
    ],
)
def test_the_force_of_the_briefs_words_sets_the_weight(phrase: str, weight: float) -> None:
    assert force_of(phrase) == weight


def test_rules_apply_only_to_a_version_that_declares_them(v1: Framework) -> None:
    assert v1.rules == []
    assert rule_problems(v1) == []  # its scale says "Written down." and no weight has a source


def test_a_level_reached_by_writing_something_down_is_refused(v2: Framework) -> None:
    levels = {**v2.question("S.10").levels, 2: {"en": "The register is documented and kept on file."}}
    problems = _about_s10(rule_problems(_strict(v2, levels=levels)))
    assert "S.10 level 2: 'documented' makes the level depend on paper" in problems
    assert not any(p.startswith("S.10 level") for p in rule_problems(_strict(v2)))  # its own levels are fine
    assert any(p.startswith("scale level 2") for p in rule_problems(_strict(v2)))  # "Written down."


def test_a_weight_needs_the_phrase_that_sets_it_and_must_match_its_force(v2: Framework) -> None:
    assert "S.10: weight 1 has no source phrase (weight_basis)" in rule_problems(_strict(v2))
    should = Source(seed=SEED, line=5, quote="Every city should rehearse its emergency plan")
    assert _about_s10(rule_problems(_strict(v2, weight_basis=should))) == []
    too_heavy = _strict(v2, weight=1.5, weight_basis=should)
    assert _about_s10(rule_problems(too_heavy)) == [
        "S.10: weight 1.5 does not match its source phrase "
        "'Every city should rehearse its emergency plan' (which sets 1)"
    ]


def test_not_applicable_must_say_when_it_is_honest(v2: Framework) -> None:
    allowed = _strict(v2, not_applicable_allowed=True)
    assert "S.10: allows not applicable but does not say when (not_applicable_when)" in rule_problems(allowed)
    explained = _strict(v2, not_applicable_allowed=True, not_applicable_when={"en": "When a region owns the parks."})
    assert not any("not applicable" in p for p in _about_s10(rule_problems(explained)))


def test_the_crosswalk_must_account_for_every_earlier_question_with_a_reason(v1: Framework, v2: Framework) -> None:
    crosswalk = Crosswalk(
        from_version="1.0.0",
        scale_changed=True,
        questions={"S.1": {"to": ["S.10"], "note": "Renamed."}, "S.2": {"to": []}, "X.9": {"to": [], "note": "?"}},
    )
    problems = crosswalk_problems(v2.model_copy(update={"crosswalks": [crosswalk]}), [v1, v2])
    assert problems == [
        "crosswalk 1.0.0 → 2.0.0: S.2 has no note saying why it is retired",
        "crosswalk 1.0.0 → 2.0.0: P.1 is neither mapped nor retired",  # the scale changed: no silent carry
        "crosswalk 1.0.0 → 2.0.0: X.9 is not a question of mini 1.0.0",
    ]


def test_a_changed_scale_must_be_declared_in_the_crosswalk(v1: Framework, v2: Framework) -> None:
    changed = [s.model_copy(update={"meaning": {"en": f"Now level {s.level}."}}) for s in v2.scale]
    undeclared = v2.model_copy(update={"scale": changed})
    problems = crosswalk_problems(undeclared, [v1])
    assert problems[-1] == (
        "crosswalk 1.0.0 → 2.0.0: the scale's meaning changed but the crosswalk does not say so (scale_changed)"
    )
    assert crosswalk_problems(v2, [v1]) == []  # same scale: P.1 carries over unmentioned


def test_the_shipped_frameworks_hold_to_their_rules_and_crosswalks() -> None:
    from questionnaire.loader import load_frameworks

    catalog = load_frameworks()
    for framework in catalog.all():
        assert rule_problems(framework) == [], framework.label
        assert crosswalk_problems(framework, catalog.all()) == [], framework.label
    assert catalog["scn-transatlantic"].rules, "the newest version holds itself to the stricter rules"


def test_question_fields_default_so_that_older_versions_load_unchanged() -> None:
    fields = Question.model_fields
    for name in ("weight_basis", "not_applicable_when", "small_city", "data_protection"):
        assert fields[name].default is None


@pytest.mark.parametrize(
    ("phrase", "weight"),
    [
        ("To better address the needs of legal migrants", 1.0),
        ("cities need to be able to access the tools", 1.0),
        ("For example, cities can run social media campaigns", 0.5),
        ("for example, by providing public spaces", 0.5),
    ],
)
def test_needs_as_a_noun_is_no_word_of_force_and_an_example_alone_is_the_lightest(phrase: str, weight: float) -> None:
    assert force_of(phrase) == weight


def test_the_methodology_lists_every_weight_of_the_newest_version_with_its_phrase() -> None:
    from questionnaire.loader import load_frameworks
    from questionnaire.rules import weights_table

    doc = (Path(__file__).resolve().parents[2] / "docs" / "methodology.md").read_text(encoding="utf-8")
    table = weights_table(load_frameworks()["scn-transatlantic"])
    assert table in doc, "run `python cli.py framework weights` and paste the table into docs/methodology.md"
    assert table.count("\n") == len(load_frameworks()["scn-transatlantic"].questions) + 2
