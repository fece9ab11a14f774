"""The maturity framework as typed, validated data: findings, themes, questions and levels."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "Brief",
    "Challenge",
    "Crosswalk",
    "Finding",
    "Framework",
    "LEVELS",
    "LevelDescriptor",
    "LocalizedText",
    "Question",
    "ScaleLevel",
    "Source",
    "Theme",
    "text_in",
]

LEVELS: tuple[int, ...] = (0, 1, 2, 3, 4)
"""The five maturity levels every question is answered on."""

MAX_QUOTE_WORDS = 20
ID_PATTERN = r"^[A-Za-z][A-Za-z0-9._-]*$"
SEMVER_PATTERN = r"^\d+\.\d+\.\d+$"


def _require_english(value: dict[str, str]) -> dict[str, str]:
    english = value.get("en")
    if english is None or not english.strip():
        raise ValueError("English text ('en') is required")
    for language, text in value.items():
        if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", language):
            raise ValueError(f"'{language}' is not a language code")
        if not text.strip():
            raise ValueError(f"text for language '{language}' is empty")
    return value


LocalizedText = Annotated[dict[str, str], AfterValidator(_require_english)]
"""A text in several languages, e.g. ``{"en": "...", "fr": "..."}``; English is required."""

StableId = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]


def text_in(text: dict[str, str], language: str = "en") -> str:
    """Return ``text`` in ``language``, falling back to English."""
    return text.get(language) or text["en"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Brief(_Frozen):
    """A source document the framework is derived from."""

    id: StableId
    title: str
    year: int
    seed: str = Field(description="File name of the plain-text copy the line numbers refer to")
    url: str = Field(pattern=r"^https://")


class Source(_Frozen):
    """A passage of a brief: seed file, 1-based line and a short phrase quoted from that line.

    A quote may leave words out with "…"; each part must then appear on the line in order.
    """

    seed: str
    line: int = Field(ge=1)
    quote: str = Field(min_length=3)

    @model_validator(mode="after")
    def _short_quote(self) -> Source:
        words = len(self.quote.replace("…", " ").split())
        if words > MAX_QUOTE_WORDS:
            raise ValueError(f"quote has {words} words; at most {MAX_QUOTE_WORDS} are allowed")
        return self


class ScaleLevel(_Frozen):
    """One step of the generic 0–4 scale, shared by all questions."""

    level: int = Field(ge=0, le=4)
    name: LocalizedText
    meaning: LocalizedText


class Finding(_Frozen):
    """One of the ten key findings of a brief, with the seed lines it covers."""

    id: StableId
    brief: StableId
    number: int = Field(ge=1, le=10)
    title: LocalizedText
    summary: LocalizedText
    lines: list[int] = Field(min_length=1)


class LevelDescriptor(_Frozen):
    """What one level of one question looks like in practice."""

    level: int
    text: LocalizedText


class Question(_Frozen):
    """A maturity question about one observable practice."""

    id: StableId
    text: LocalizedText
    guidance: LocalizedText
    findings: list[StableId] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    not_applicable_allowed: bool = False
    weight: float = Field(default=1.0, gt=0, le=10)
    levels: dict[int, LocalizedText]

    @model_validator(mode="after")
    def _five_levels(self) -> Question:
        missing = [lvl for lvl in LEVELS if lvl not in self.levels]
        extra = sorted(set(self.levels) - set(LEVELS))
        if missing:
            raise ValueError(f"level descriptor missing for level {', '.join(map(str, missing))}")
        if extra:
            raise ValueError(f"levels must be 0 to 4; found {', '.join(map(str, extra))}")
        english = [self.levels[lvl]["en"].strip().casefold() for lvl in LEVELS]
        if len(set(english)) != len(english):
            raise ValueError("level descriptors must differ from one another")
        return self

    @property
    def descriptors(self) -> list[LevelDescriptor]:
        """The five level descriptors in order 0 to 4."""
        return [LevelDescriptor(level=lvl, text=self.levels[lvl]) for lvl in LEVELS]


class Theme(_Frozen):
    """A cross-cutting theme of the assessment with its questions."""

    id: StableId
    title: LocalizedText
    description: LocalizedText
    weight: float = Field(default=1.0, gt=0, le=10)
    questions: list[Question] = Field(min_length=1)


class Challenge(_Frozen):
    """A local challenge a city can declare in its profile, and the themes it makes more pressing."""

    id: StableId
    label: LocalizedText
    themes: list[StableId] = Field(min_length=1)


class Crosswalk(_Frozen):
    """How question ids of an earlier framework version map onto this one.

    A value of ``None`` means the old question was retired and has no successor.
    """

    from_version: str = Field(pattern=SEMVER_PATTERN)
    questions: dict[str, str | None]


class Framework(_Frozen):
    """A versioned maturity framework: briefs, findings, scale, themes and crosswalks."""

    id: StableId
    version: str = Field(pattern=SEMVER_PATTERN)
    title: LocalizedText
    description: LocalizedText
    briefs: list[Brief] = Field(min_length=1)
    scale: list[ScaleLevel]
    findings: list[Finding]
    themes: list[Theme] = Field(min_length=1)
    challenges: list[Challenge] = Field(default_factory=list)
    crosswalks: list[Crosswalk] = Field(default_factory=list)

    @property
    def questions(self) -> list[Question]:
        """Every question in theme order."""
        return [q for theme in self.themes for q in theme.questions]

    def question(self, question_id: str) -> Question:
        """Return the question with this id, or raise ``KeyError``."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def theme_of(self, question_id: str) -> Theme:
        """Return the theme that holds this question, or raise ``KeyError``."""
        for theme in self.themes:
            if any(q.id == question_id for q in theme.questions):
                return theme
        raise KeyError(question_id)

    def finding(self, finding_id: str) -> Finding:
        """Return the finding with this id, or raise ``KeyError``."""
        for f in self.findings:
            if f.id == finding_id:
                return f
        raise KeyError(finding_id)

    def brief_for_seed(self, seed: str) -> Brief:
        """Return the brief whose plain-text copy is ``seed``, or raise ``KeyError``."""
        for b in self.briefs:
            if b.seed == seed:
                return b
        raise KeyError(seed)

    def level(self, level: int) -> ScaleLevel:
        """The generic scale step for ``level`` (0 to 4)."""
        return next(step for step in self.scale if step.level == level)

    @property
    def label(self) -> str:
        """Id and version, e.g. ``scn-transatlantic 1.0.0``."""
        return f"{self.id} {self.version}"
