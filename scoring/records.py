"""What a city team keeps: its city profile, its assessments, and each answer as it was given.

These are the types the store takes and returns, the portable file carries, and the report reads.
They check what a person can type (lengths, links, control characters) so that every caller refuses
the same bad input with the same words.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from scoring.answers import Answer

__all__ = [
    "AssessmentRecord",
    "AssessmentStatus",
    "AuditEvent",
    "City",
    "Link",
    "MAX_LINKS",
    "MAX_NOTE_CHARS",
    "Moment",
    "Name",
    "Note",
    "PopulationBand",
    "RecordedAnswer",
    "Region",
    "ShortText",
    "Targets",
    "has_control_characters",
    "one_line",
    "same_answer",
    "city_key",
    "utc",
]

MAX_NOTE_CHARS = 5_000
MAX_LINKS = 10
MAX_LINK_CHARS = 2_000

# Tab and line breaks are welcome in notes; other control characters break spreadsheets and PDFs.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds a control character other than tab and line breaks."""
    return _CONTROL.search(text) is not None


def one_line(text: str, limit: int = 120) -> str:
    """``text`` as one line, for a name typed or claimed anywhere: control characters and line breaks
    become spaces, runs of spaces one, NFC spelling, cut to ``limit`` characters."""
    folded = " ".join(_CONTROL.sub(" ", unicodedata.normalize("NFC", text)).split())
    return folded[:limit].strip()


def _clean_text(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("contains a control character; remove it and try again")
    return value


def _single_line(value: str) -> str:
    # One spelling of each name: "São Paulo" typed with a combining accent is the same city (NFC).
    value = unicodedata.normalize("NFC", _clean_text(value)).strip()
    if "\n" in value or "\r" in value or "\t" in value:
        raise ValueError("must fit on one line")
    return value


def _web_link(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or re.search(r"\s", value):
        raise ValueError(f"'{value[:80]}' is not a web link; links must start with http:// or https://")
    return value


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold()).split())


def city_key(name: str, country: str) -> str:
    """The one key of a city: its name and country with case, spacing and Unicode spelling set aside.

    "São Paulo" typed with a combining accent, "SÃO  PAULO" and full-width letters all give the same
    key, so the store holds one city for them. A SHA-256 so the database can index it at a fixed size.
    """
    folded = f"{_folded(name)}\x1f{_folded(country)}"
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC time (a naive time is taken to be UTC already)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


Name = Annotated[str, AfterValidator(_single_line), Field(min_length=1, max_length=120)]
ShortText = Annotated[str, AfterValidator(_single_line), Field(max_length=120)]
Note = Annotated[str, AfterValidator(_clean_text), Field(max_length=MAX_NOTE_CHARS)]
Link = Annotated[str, Field(max_length=MAX_LINK_CHARS), AfterValidator(_web_link)]
Moment = Annotated[datetime, AfterValidator(utc)]
Targets = dict[Annotated[str, Field(max_length=64)], Annotated[float, Field(ge=0, le=100)]]


class Region(StrEnum):
    """Where a city is, as the briefs group cities."""

    EUROPE = "europe"
    NORTH_AMERICA = "north_america"
    OTHER = "other"


class PopulationBand(StrEnum):
    """City size in residents."""

    SMALL = "under_100k"
    MEDIUM = "100k_500k"
    LARGE = "500k_1m"
    VERY_LARGE = "over_1m"


class AssessmentStatus(StrEnum):
    """A draft is still being answered; a submitted assessment is frozen."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class City(_Record):
    """A city's profile: who it is, what it faces, and whether it shares results anonymously."""

    id: int | None = None
    name: Name
    country: Name
    region: Region
    population_band: PopulationBand
    challenges: tuple[Annotated[str, Field(max_length=64)], ...] = ()
    share_benchmarks: bool = False
    is_demo: bool = False


class AssessmentRecord(_Record):
    """One assessment of a city against one framework version."""

    id: int | None = None
    city_id: int | None = None
    framework_id: str
    framework_version: str
    title: Name
    status: AssessmentStatus = AssessmentStatus.DRAFT
    started_at: Moment
    submitted_at: Moment | None = None
    team: tuple[Name, ...] = Field(default=(), max_length=50)
    targets: Targets = Field(default_factory=dict)
    based_on: int | None = None
    """The assessment whose answers this one started from, if any."""
    revision_of: int | None = None
    """The submitted assessment this one reopens as a new version, if any."""
    version: int = 1

    @property
    def started_on(self) -> date:
        """The day the assessment started (UTC)."""
        return self.started_at.date()


class RecordedAnswer(Answer):
    """An answer with what the team wrote beside it, who gave it, when, and its version."""

    reason: Annotated[str, AfterValidator(_clean_text), Field(max_length=1_000)] | None = None
    note: Note = ""
    links: tuple[Link, ...] = Field(default=(), max_length=MAX_LINKS)
    answered_by: ShortText = ""
    answered_at: Moment | None = None
    version: int = 0
    carried_over: bool = False
    """Copied from an earlier assessment and not yet confirmed by the team."""


def same_answer(a: Answer, b: Answer) -> bool:
    """Whether two answers say the same thing (who gave them, when, and versions aside)."""
    fields = ("question_id", "status", "level", "evidence", "reason", "note", "links")
    return all(getattr(a, f, None) == getattr(b, f, None) for f in fields)


class AuditEvent(_Record):
    """One line of the append-only audit trail: who did what, when, and the values before and after."""

    id: int
    at: Moment
    actor: str
    action: str
    city_id: int | None = None
    assessment_id: int | None = None
    question_id: str | None = None
    old_value: Any = None
    new_value: Any = None
