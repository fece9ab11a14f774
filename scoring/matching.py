"""Matching peer-city practices, and cities to talk to, to each priority gap, with a reason for each.

A practice is ranked for a gap by how well it fits (the theme, and the very questions below target),
by whether it helps the city reach its next level rather than a distant one, and by how much the
practice city resembles the assessed one (region, size, declared challenges). Picks keep some
variety: a second practice from a city already chosen for that gap must fit clearly better than the
alternatives. The same inputs always give the same ranking.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from questionnaire.model import Framework, text_in
from questionnaire.practices import Kind, Practice, PracticeLibrary
from scoring.records import City

__all__ = [
    "Gap",
    "Match",
    "Peer",
    "TalkTo",
    "cities_to_talk_to",
    "match_practices",
]

PER_GAP = 3
SAME_CITY_PENALTY = 1.5
TOP_BAND_FLOOR = 80.0
_SIZES = ["under_100k", "100k_500k", "500k_1m", "over_1m"]
_SIZE_WORDS = {"under_100k": "small", "100k_500k": "mid-sized", "500k_1m": "large", "over_1m": "very large"}
_REGION_WORDS = {"europe": "European", "north_america": "North American", "other": ""}


@dataclass(frozen=True)
class Gap:
    """A priority gap: its theme, and each question below target with the level the city is at."""

    theme_id: str
    below_target: Mapping[str, int | None]
    theme_level: float
    """The theme's score on the 0–4 scale (score ÷ 25)."""


@dataclass(frozen=True)
class Match:
    """A practice chosen for a gap, with its fit and the sentence that explains the choice."""

    theme_id: str
    practice: Practice
    fit: float
    questions: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Peer:
    """A city in the store that shares its results, with its latest theme scores."""

    city: City
    theme_scores: Mapping[str, float | None]


@dataclass(frozen=True)
class TalkTo:
    """A city that does well on the gap's theme and resembles the assessed city."""

    theme_id: str
    city: City
    score: float
    reason: str


def _similarity(practice_city: tuple[str | None, str | None], challenges: Sequence[str], city: City) -> float:
    region, size = practice_city
    points = 0.0
    if region and region == city.region.value:
        points += 1
    if size and size in _SIZES:
        distance = abs(_SIZES.index(size) - _SIZES.index(city.population_band.value))
        points += {0: 1.0, 1: 0.5}.get(distance, 0.0)
    points += 0.5 * len(set(challenges) & set(city.challenges))
    return points


def _level_fit(helps_reach: int, current: float) -> float:
    """1 when the practice leads to the next level up, less for a level further away or already held."""
    next_level = int(current) + 1
    if helps_reach == next_level:
        return 1.0
    if helps_reach == next_level + 1:
        return 0.5
    return 0.2 if helps_reach > next_level else 0.1


def _like(city: City, region: str | None, size: str | None, shared: list[str], framework: Framework) -> str:
    """ "is also a mid-sized European city facing …", or "" when nothing is alike."""
    size_word = _SIZE_WORDS.get(size or "", "") if size == city.population_band.value else ""
    region_word = _REGION_WORDS.get(region or "", "") if region == city.region.value else ""
    words = " ".join(w for w in (size_word, region_word) if w)
    labels = {c.id: text_in(c.label).lower() for c in framework.challenges}
    facing = f" that also faces {labels[shared[0]]}" if shared else ""
    if words:
        return f"is also a {words} city{facing}"
    return f"is a city{facing}" if facing else ""


def _reason(practice: Practice, gap: Gap, questions: tuple[str, ...], city: City, framework: Framework) -> str:
    if questions:
        levels = sorted({level for q in questions if (level := gap.below_target[q]) is not None})
        where = (
            f" where you are at level {levels[0]}"
            if len(levels) == 1
            else f" where you are at levels {levels[0]} to {levels[-1]}"
            if levels
            else " which you have not answered"
        )
        first = f"Addresses {', '.join(questions)}{where}"
    else:
        theme = next(t for t in framework.themes if t.id == gap.theme_id)
        first = f"Works on {text_in(theme.title)} as a whole"
    level_name = text_in(framework.level(practice.helps_reach).name).lower()
    at = min((level for q in questions if (level := gap.below_target[q]) is not None), default=None)
    if at is not None and practice.helps_reach <= at:
        first += f"; it works at level {practice.helps_reach} ({level_name}) and can make what you have sturdier"
    else:
        first += f" and helps reach level {practice.helps_reach} ({level_name})"
    shared = sorted(set(practice.challenges) & set(city.challenges))
    if practice.city:
        alike = _like(city, practice.region, practice.population_band, shared, framework)
        tail = (
            f"{practice.city} {alike}"
            if alike
            else f"{practice.city} ({practice.country}) works in a different setting"
        )
        if practice.kind is Kind.NGO_DELIVERED:
            tail += " (delivered by a non-governmental organisation)"
        elif practice.kind is Kind.NATIONAL:
            tail += " (a national initiative supported by cities)"
        return f"{first}; {tail}."
    brief = next((b for b in framework.briefs if b.seed == practice.source.seed), None)
    return f"{first}; general advice of the {brief.year if brief else ''} brief.".replace("the  brief", "the brief")


def _adjusted(item: tuple[float, Practice, tuple[str, ...]], taken: set[str]) -> tuple[float, str]:
    """Sort key for the next pick: the fit, less a penalty when the city already has a pick; then the id."""
    fit, practice, _ = item
    return (-(fit - (SAME_CITY_PENALTY if practice.city in taken else 0.0)), practice.id)


def match_practices(
    library: PracticeLibrary, framework: Framework, gaps: Sequence[Gap], city: City, per_gap: int = PER_GAP
) -> list[Match]:
    """Up to ``per_gap`` practices for each gap, best first, each with its reason."""
    matches: list[Match] = []
    for gap in gaps:
        scored = []
        for practice in library.for_theme(gap.theme_id):
            questions = tuple(q for q in gap.below_target if q in practice.questions)  # framework order
            question_fit = len(questions) / max(1, len(gap.below_target))
            current = min(
                (level for q in questions if (level := gap.below_target[q]) is not None), default=gap.theme_level
            )
            fit = (
                3.0 * (0.4 + question_fit if questions else 0.0)
                + 2.0 * _level_fit(practice.helps_reach, float(current or 0))
                + 0.5 * _similarity((practice.region, practice.population_band), practice.challenges, city)
            )
            scored.append((fit, practice, questions))
        chosen: list[tuple[float, Practice, tuple[str, ...]]] = []
        remaining = sorted(scored, key=lambda item: (-item[0], item[1].id))
        while remaining and len(chosen) < per_gap:
            taken = {p.city for _, p, _ in chosen if p.city}
            best = min(remaining, key=partial(_adjusted, taken=taken))
            remaining.remove(best)
            chosen.append(best)
        matches += [
            Match(gap.theme_id, practice, round(fit, 3), questions, _reason(practice, gap, questions, city, framework))
            for fit, practice, questions in chosen
        ]
    return matches


def cities_to_talk_to(
    peers: Sequence[Peer], gaps: Sequence[Gap], city: City, framework: Framework, per_gap: int = 2
) -> list[TalkTo]:
    """Cities that opted in to sharing, score in the top band on a gap's theme and resemble ``city``.

    The assessed city itself, and any city that has not opted in, never appear.
    """
    titles = {t.id: text_in(t.title) for t in framework.themes}
    found: list[TalkTo] = []
    for gap in gaps:
        ranked = []
        for peer in peers:
            score = peer.theme_scores.get(gap.theme_id)
            if not peer.city.share_benchmarks or peer.city.id == city.id or score is None or score < TOP_BAND_FLOOR:
                continue
            shared = sorted(set(peer.city.challenges) & set(city.challenges))
            similarity = _similarity((peer.city.region.value, peer.city.population_band.value), shared, city)
            ranked.append((-similarity, -score, peer.city.name, peer, score, shared))
        for _, _, _, peer, score, shared in sorted(ranked)[:per_gap]:
            alike = _like(city, peer.city.region.value, peer.city.population_band.value, shared, framework)
            reason = f"Scores {score:.0f} on {titles[gap.theme_id]}" + (f" and {alike}" if alike else "") + "."
            found.append(TalkTo(gap.theme_id, peer.city, float(score), reason))
    return found
