"""Matching practices and peer cities to priority gaps: the obvious cases, the reasons, privacy, stability."""

from __future__ import annotations

import pytest

from questionnaire.loader import load_frameworks
from questionnaire.model import Framework, Source
from questionnaire.practices import Kind, Practice, PracticeLibrary, Verification
from scoring.matching import Gap, Peer, cities_to_talk_to, match_practices
from scoring.records import City

SEED = "004_7ef5cc91cdcf3d0e.txt"


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_frameworks()["scn-transatlantic"]


def practice(id: str, city: str | None, region: str | None, size: str | None, **fields: object) -> Practice:
    values: dict[str, object] = {
        "id": id,
        "title": f"Practice {id}",
        "city": city,
        "country": "Somewhere" if city else None,
        "region": region,
        "population_band": size,
        "summary": "A practice summary long enough to pass the model's minimum length check.",
        "themes": ["T10"],
        "questions": ["Q10.1"],
        "helps_reach": 2,
        "kind": Kind.CITY_PROGRAMME if city else Kind.RECOMMENDATION,
        "verification": Verification.CONFIRMED if city else Verification.NOT_APPLICABLE,
        "source": Source(seed=SEED, line=63, quote="office"),
    }
    values.update(fields)
    return Practice.model_validate(values)


SMALL_EUROPEAN = City(name="Kleinstadt", country="Germany", region="europe", population_band="under_100k")
WEAK_PLANNING = Gap(theme_id="T10", below_target={"Q10.1": 1, "Q10.2": 1}, theme_level=1.0)


def test_a_small_european_city_gets_weissenfels_before_boise_when_both_fit_equally(framework: Framework) -> None:
    library = PracticeLibrary(
        practices=[
            practice("boise-zoning", "Boise", "north_america", "100k_500k"),
            practice("weissenfels-office", "Weissenfels", "europe", "under_100k"),
        ]
    )
    matches = match_practices(library, framework, [WEAK_PLANNING], SMALL_EUROPEAN)
    assert [m.practice.id for m in matches] == ["weissenfels-office", "boise-zoning"]
    assert "Weissenfels is also a small European city" in matches[0].reason
    assert "Boise (Somewhere) works in a different setting" in matches[1].reason


def test_the_reason_names_the_questions_and_the_level_the_city_is_at(framework: Framework) -> None:
    library = PracticeLibrary(practices=[practice("weissenfels-office", "Weissenfels", "europe", "under_100k")])
    (match,) = match_practices(library, framework, [WEAK_PLANNING], SMALL_EUROPEAN)
    assert match.reason.startswith("Addresses Q10.1 where you are at level 1 and helps reach level 2")
    assert match.questions == ("Q10.1",)


def test_a_practice_for_the_next_level_beats_one_for_a_distant_level(framework: Framework) -> None:
    library = PracticeLibrary(
        practices=[
            practice("far", None, None, None, helps_reach=4),
            practice("next", None, None, None, helps_reach=2),
        ]
    )
    matches = match_practices(library, framework, [WEAK_PLANNING], SMALL_EUROPEAN)
    assert [m.practice.id for m in matches] == ["next", "far"]
    assert "general advice of the 2024 brief" in matches[0].reason


def test_a_theme_with_only_general_advice_still_gets_matches(framework: Framework) -> None:
    library = PracticeLibrary(practices=[practice("advice", None, None, None, themes=["T12"], questions=["Q12.1"])])
    gap = Gap(theme_id="T12", below_target={"Q12.1": 0}, theme_level=0.5)
    (match,) = match_practices(library, framework, [gap], SMALL_EUROPEAN)
    assert match.practice.id == "advice" and match.theme_id == "T12"


def test_picks_keep_variety_rather_than_three_from_one_city(framework: Framework) -> None:
    library = PracticeLibrary(
        practices=[
            practice("newark-a", "Newark", "north_america", "100k_500k"),
            practice("newark-b", "Newark", "north_america", "100k_500k"),
            practice("newark-c", "Newark", "north_america", "100k_500k"),
            practice("boise", "Boise", "north_america", "100k_500k", questions=["Q10.2"]),
        ]
    )
    matches = match_practices(library, framework, [WEAK_PLANNING], SMALL_EUROPEAN)
    assert [m.practice.city for m in matches].count("Newark") == 2
    assert "boise" in [m.practice.id for m in matches]


def test_declared_challenges_in_common_are_named_and_raise_the_rank(framework: Framework) -> None:
    facing = SMALL_EUROPEAN.model_copy(update={"challenges": ("migration-pressure",)})
    library = PracticeLibrary(
        practices=[
            practice("a-plain", "Aachen", "europe", "under_100k"),
            practice("b-migration", "Bamberg", "europe", "under_100k", challenges=["migration-pressure"]),
        ]
    )
    matches = match_practices(library, framework, [WEAK_PLANNING], facing)
    assert matches[0].practice.id == "b-migration"
    assert "that also faces rapid arrivals of migrants" in matches[0].reason


def test_the_ranking_is_the_same_every_time_and_ties_break_by_id(framework: Framework) -> None:
    library = PracticeLibrary(practices=[practice(f"p{n}", None, None, None) for n in (3, 1, 2)])
    first = match_practices(library, framework, [WEAK_PLANNING], SMALL_EUROPEAN)
    second = match_practices(
        PracticeLibrary(practices=list(reversed(library.practices))), framework, [WEAK_PLANNING], SMALL_EUROPEAN
    )
    assert [m.practice.id for m in first] == [m.practice.id for m in second] == ["p1", "p2", "p3"]


def peer(id: int, name: str, score: float, shares: bool = True, **profile: object) -> Peer:
    city = City.model_validate(
        {
            "id": id,
            "name": name,
            "country": "X",
            "region": "europe",
            "population_band": "under_100k",
            "share_benchmarks": shares,
            **profile,
        }
    )
    return Peer(city=city, theme_scores={"T10": score})


def test_cities_to_talk_to_are_top_band_opted_in_others_most_alike_first(framework: Framework) -> None:
    me = SMALL_EUROPEAN.model_copy(update={"id": 1})
    peers = [
        peer(1, "Kleinstadt", 95.0),  # the assessed city itself
        peer(2, "Hidden", 99.0, shares=False),  # did not opt in
        peer(3, "Middling", 70.0),  # not in the top band
        peer(4, "Faraway", 90.0, region="north_america", population_band="over_1m"),
        peer(5, "Twin", 85.0),
    ]
    found = cities_to_talk_to(peers, [WEAK_PLANNING], me, framework)
    assert [t.city.name for t in found] == ["Twin", "Faraway"]
    title = framework.themes[9].title["en"]
    assert found[0].reason == f"Scores 85 on {title} and is also a small European city."


def test_a_practice_at_or_below_the_citys_level_is_described_as_strengthening_not_reaching(
    framework: Framework,
) -> None:
    library = PracticeLibrary(practices=[practice("basic", None, None, None, helps_reach=1)])
    gap = Gap(theme_id="T10", below_target={"Q10.1": 2}, theme_level=2.0)
    (match,) = match_practices(library, framework, [gap], SMALL_EUROPEAN)
    name = framework.level(1).name["en"].lower()
    assert f"works at level 1 ({name}) and can make what you have sturdier" in match.reason
    assert "helps reach" not in match.reason
