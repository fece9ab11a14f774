"""The peer-city practice library: what cities (and the briefs' general advice) did about each theme.

The library lives beside its framework as ``practices.yaml``. Every practice names the themes and
questions it helps with, the level it helps a city reach, who delivers it, and where the briefs say
so (seed file, line, and a short quote that a check finds on that line).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from questionnaire.model import Framework, Source, StableId

__all__ = [
    "PRACTICES_FILE",
    "Kind",
    "Practice",
    "PracticeLibrary",
    "Verification",
    "library_problems",
    "load_practices",
]

PRACTICES_FILE = "practices.yaml"


class Kind(StrEnum):
    """Who delivers a practice."""

    CITY_PROGRAMME = "city_programme"
    CITY_OFFICE = "city_office"
    PARTNERSHIP = "partnership"
    NGO_DELIVERED = "ngo_delivered"
    NATIONAL = "national"
    RECOMMENDATION = "recommendation"
    """General advice of the briefs, not tied to one city."""


class Verification(StrEnum):
    """How far outside sources confirm what the brief says about a named practice."""

    CONFIRMED = "confirmed"
    """An independent source, named with its address in the notes, confirms it."""
    NETWORK_ONLY = "network_only"
    """Described only in the network's own publications or by the practice's owner."""
    LIKELY = "likely"
    UNVERIFIED = "unverified"
    DISCREPANCY = "discrepancy"
    NOT_APPLICABLE = "not_applicable"
    """General advice: there is no city claim to verify."""


class Practice(BaseModel):
    """One practice a city team can learn from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: StableId
    title: Annotated[str, Field(min_length=3, max_length=140)]
    city: str | None = None
    country: str | None = None
    region: Annotated[str, Field(pattern=r"^(europe|north_america|other)$")] | None = None
    population_band: Annotated[str, Field(pattern=r"^(under_100k|100k_500k|500k_1m|over_1m)$")] | None = None
    summary: Annotated[str, Field(min_length=40, max_length=900)]
    themes: list[StableId] = Field(min_length=1)
    questions: list[StableId] = Field(default_factory=list)
    helps_reach: Annotated[int, Field(ge=1, le=4)]
    """The maturity level the practice helps a city reach."""
    challenges: list[StableId] = Field(default_factory=list)
    """Declared local challenges (framework challenge ids) the practice speaks to."""
    kind: Kind
    verification: Verification
    source: Source
    notes: list[str] = Field(default_factory=list)
    """Where an outside source corrects a name or date, or adds context, with the source named."""

    @model_validator(mode="after")
    def _city_details(self) -> Practice:
        if self.city and not (self.country and self.region and self.population_band):
            raise ValueError("a practice with a city needs its country, region and population band")
        if self.kind is Kind.RECOMMENDATION and self.city:
            raise ValueError("a general recommendation names no city")
        return self


class PracticeLibrary(BaseModel):
    """Every practice of one framework."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    practices: list[Practice]

    def for_theme(self, theme_id: str) -> list[Practice]:
        """The practices that help with ``theme_id``, in library order."""
        return [p for p in self.practices if theme_id in p.themes]


def load_practices(framework_dir: Path | str) -> PracticeLibrary:
    """The library in ``framework_dir/practices.yaml`` (an empty library when there is none).

    Raises ``FrameworkError`` naming the file and the practice at fault.
    """
    from questionnaire.loader import FrameworkError, _read_yaml, _validate

    path = Path(framework_dir) / PRACTICES_FILE
    if not path.is_file():
        return PracticeLibrary(practices=[])
    data = _read_yaml(path)
    library = _validate(PracticeLibrary, data, path)
    seen: set[str] = set()
    for practice in library.practices:
        if practice.id in seen:
            raise FrameworkError(path, "duplicate practice id", practice.id)
        seen.add(practice.id)
    return library


def library_problems(library: PracticeLibrary, framework: Framework) -> list[str]:
    """References the framework does not know: themes, questions, challenges, seed files."""
    themes = {t.id for t in framework.themes}
    questions = {q.id for q in framework.questions}
    challenges = {c.id for c in framework.challenges}
    seeds = {b.seed for b in framework.briefs}
    problems = []
    for practice in library.practices:
        for theme in practice.themes:
            if theme not in themes:
                problems.append(f"{practice.id}: unknown theme {theme}")
        for question in practice.questions:
            if question not in questions:
                problems.append(f"{practice.id}: unknown question {question}")
            elif framework.theme_of(question).id not in practice.themes:
                problems.append(f"{practice.id}: question {question} is not in one of its themes")
        for challenge in practice.challenges:
            if challenge not in challenges:
                problems.append(f"{practice.id}: unknown challenge {challenge}")
        if practice.source.seed not in seeds:
            problems.append(f"{practice.id}: source {practice.source.seed} is not one of the framework's briefs")
    return problems
