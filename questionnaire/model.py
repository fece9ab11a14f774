"""The maturity framework as typed, validated data: findings, themes, questions and levels."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

__all__ = [
    "Brief",
    "Challenge",
    "Crosswalk",
    "CrosswalkEntry",
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

    @property
    def short_name(self) -> str:
        """How a citation names it in a sentence: "2024 brief", or "overview page" for the initiative's page."""
        return f"{self.year} brief" if self.id.startswith("brief") else "overview page"


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
    not_applicable_when: LocalizedText | None = None
    """When answering "not applicable" is honest, and when it is not."""
    weight: float = Field(default=1.0, gt=0, le=10)
    weight_basis: Source | None = None
    """The briefs' phrase whose force (essential, should, may consider) sets ``weight``."""
    small_city: LocalizedText | None = None
    """What the levels mean for a small town, where that differs."""
    data_protection: LocalizedText | None = None
    """The safeguards expected where the question touches information on people or communities."""
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


class CrosswalkEntry(_Frozen):
    """Where one question of the earlier version went.

    ``to`` lists its successors: one when it was kept or renamed, several when it was split, none
    when it was retired. ``comparable`` says whether an answer given to the old question is still a
    valid answer to the new one (it may then be carried over and compared); ``note`` says why.
    """

    to: list[StableId] = Field(default_factory=list)
    comparable: bool = False
    keep_levels: list[int] = Field(default_factory=list)
    """Where the answers are not comparable in general, the levels whose meaning did not change for
    this question (say, level 0 when "not in place" still means the same): an answer at one of them
    stays valid."""
    note: str = ""

    @model_validator(mode="after")
    def _comparable_needs_one_successor(self) -> CrosswalkEntry:
        if (self.comparable or self.keep_levels) and len(self.to) != 1:
            raise ValueError("only a question with exactly one successor can be comparable or keep levels")
        if self.comparable and self.keep_levels:
            raise ValueError("keep_levels is for answers that are not comparable in general")
        if sorted(set(self.keep_levels)) != self.keep_levels or not set(self.keep_levels) <= set(LEVELS):
            raise ValueError("keep_levels lists levels 0 to 4 in order, each once")
        return self

    def keeps(self, level: int | None) -> bool:
        """Whether an answer at ``level`` (None: not a level) stays valid on the successor."""
        return self.comparable or (level is not None and level in self.keep_levels)


def _entry(value: object) -> object:
    """The short form ``old: new`` (or ``old: null``) means a comparable rename (or a retirement)."""
    if value is None:
        return {"to": []}
    if isinstance(value, str):
        return {"to": [value], "comparable": True}
    return value


class Crosswalk(_Frozen):
    """How question ids of an earlier framework version map onto this one."""

    from_version: str = Field(pattern=SEMVER_PATTERN)
    scale_changed: bool = False
    """Whether the meaning of the levels changed between the versions."""
    questions: dict[str, Annotated[CrosswalkEntry, BeforeValidator(_entry)]]


Rule = Literal["practice-levels", "sourced-weights", "not-applicable-guidance"]
"""practice-levels: no level is reached by writing something down; sourced-weights: every weight
comes with the briefs' phrase that sets it; not-applicable-guidance: every question that allows
"not applicable" says when that is honest."""


class Framework(_Frozen):
    """A versioned maturity framework: briefs, findings, scale, themes and crosswalks."""

    id: StableId
    version: str = Field(pattern=SEMVER_PATTERN)
    title: LocalizedText
    description: LocalizedText
    caveat: LocalizedText | None = None
    """What the framework can and cannot claim, said to every reader."""
    rules: list[Rule] = Field(default_factory=list)
    """Stricter checks this version holds itself to (see ``questionnaire.rules``)."""
    briefs: list[Brief] = Field(min_length=1)
    scale: list[ScaleLevel]
    bands: dict[str, LocalizedText] = Field(default_factory=dict)
    """What each maturity band (by name) means on this version's scale, where it differs from the default."""
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

    def band_meaning(self, name: str, default: str) -> str:
        """What the band ``name`` means on this version's scale (``default`` unless the framework says)."""
        return text_in(self.bands[name]) if name in self.bands else default

    def level(self, level: int) -> ScaleLevel:
        """The generic scale step for ``level`` (0 to 4)."""
        return next(step for step in self.scale if step.level == level)

    @property
    def label(self) -> str:
        """Id and version, e.g. ``scn-transatlantic 1.0.0``."""
        return f"{self.id} {self.version}"
