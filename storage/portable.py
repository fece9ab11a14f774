"""The portable assessment file: one city's assessment as versioned JSON with an integrity hash.

Writing is deterministic (fixed field order, two-space indent, UTF-8), so exporting an imported
file gives the same bytes. Reading refuses, with a message naming the problem, anything that is
too big, not JSON, too deeply nested, holds absurd numbers, is another format or version, was
changed after export, or does not fit the schema. The JSON Schema in ``docs/assessment-file.schema.json``
is generated from the models here and a test keeps the two in step.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from questionnaire.model import first_problem
from scoring.answers import Evidence, Status
from scoring.records import (
    MAX_LINKS,
    AssessmentRecord,
    AssessmentStatus,
    City,
    Link,
    Moment,
    Name,
    Note,
    PopulationBand,
    RecordedAnswer,
    Region,
    ShortText,
    Targets,
)
from storage.errors import ImportRefused

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "PortableFile",
    "digest_of",
    "dump_portable",
    "parse_json",
    "portable_schema",
    "read_portable",
]

FORMAT_NAME: Final = "city-cohesion-assessment"
FORMAT_VERSION: Final = 1
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ANSWERS = 2_000
MAX_DIGITS = 30
"""No honest number in an assessment file is longer than this (levels, targets, years)."""


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FrameworkRef(_Part):
    """Which framework, at which version, the answers were given against."""

    id: Annotated[str, Field(min_length=1, max_length=64)]
    version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")]


class PortableCity(_Part):
    """The city profile as the file carries it."""

    name: Name
    country: Name
    region: Region
    population_band: PopulationBand
    challenges: tuple[Annotated[str, Field(max_length=64)], ...] = Field(default=(), max_length=50)
    share_benchmarks: bool = False
    is_demo: bool = False


class PortableAssessment(_Part):
    """The assessment's own details."""

    title: Name
    status: AssessmentStatus
    started_at: Moment
    submitted_at: Moment | None = None
    team: tuple[Name, ...] = Field(default=(), max_length=50)
    targets: Targets = Field(default_factory=dict, max_length=100)


class PortableAnswer(_Part):
    """One answer, with the note, links and who gave it when."""

    question_id: Annotated[str, Field(min_length=1, max_length=64)]
    status: Status
    level: Annotated[int, Field(ge=0, le=4)] | None = None
    evidence: Evidence = Evidence.NONE
    reason: Annotated[str, Field(max_length=1_000)] | None = None
    note: Note = ""
    links: tuple[Link, ...] = Field(default=(), max_length=MAX_LINKS)
    answered_by: ShortText = ""
    answered_at: Moment
    carried_over: bool = False


class Integrity(_Part):
    """The SHA-256 of the file's content without this block (see ``digest_of``)."""

    algorithm: Literal["sha256"] = "sha256"
    digest: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class PortableFile(_Part):
    """A whole portable assessment file."""

    format: Literal["city-cohesion-assessment"] = FORMAT_NAME
    format_version: Literal[1] = FORMAT_VERSION
    framework: FrameworkRef
    city: PortableCity
    assessment: PortableAssessment
    answers: list[PortableAnswer] = Field(max_length=MAX_ANSWERS)
    integrity: Integrity

    def city_profile(self) -> City:
        """The file's city as the core's ``City`` (not yet stored, so no id)."""
        return City(**self.city.model_dump())

    def assessment_record(self, city_id: int | None = None) -> AssessmentRecord:
        """The file's assessment as the core's ``AssessmentRecord`` for ``city_id``."""
        return AssessmentRecord(
            city_id=city_id,
            framework_id=self.framework.id,
            framework_version=self.framework.version,
            **self.assessment.model_dump(),
        )

    def recorded_answers(self) -> list[RecordedAnswer]:
        """The file's answers as the core's ``RecordedAnswer``."""
        return [RecordedAnswer(**a.model_dump(), version=1) for a in self.answers]


def digest_of(content: dict[str, Any]) -> str:
    """SHA-256 of ``content`` (without ``integrity``) as canonical JSON: sorted keys, no spaces, UTF-8."""
    body = {key: value for key, value in content.items() if key != "integrity"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def dump_portable(
    framework_id: str,
    framework_version: str,
    city: City,
    assessment: AssessmentRecord,
    answers: list[RecordedAnswer],
) -> bytes:
    """The portable file's bytes: always the same bytes for the same content."""
    content: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "framework": {"id": framework_id, "version": framework_version},
        "city": PortableCity(**city.model_dump(exclude={"id"})).model_dump(mode="json"),
        "assessment": PortableAssessment(
            **assessment.model_dump(include=set(PortableAssessment.model_fields))
        ).model_dump(mode="json"),
        "answers": [
            PortableAnswer(**a.model_dump(include=set(PortableAnswer.model_fields))).model_dump(mode="json")
            for a in answers
        ],
    }
    content["integrity"] = {"algorithm": "sha256", "digest": digest_of(content)}
    return (json.dumps(content, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _bounded_number(text: str) -> int | float:
    digits = sum(ch.isdigit() for ch in text)
    if digits > MAX_DIGITS:
        raise ImportRefused([f"the file holds a number with {digits:,} digits, which no assessment needs"])
    return float(text) if any(ch in text for ch in ".eE") else int(text)


def _no_constant(text: str) -> Any:
    raise ImportRefused([f"the file holds {text}, which is not a number an assessment can use"])


def parse_json(data: bytes, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """Parse JSON defensively: size first, then text, then structure, with no traceback escaping."""
    if len(data) > max_bytes:
        raise ImportRefused(
            [f"the file is {len(data) / 1_048_576:.1f} MB; files up to {max_bytes / 1_048_576:.0f} MB can be imported"]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(["the file is not UTF-8 text, so it is not an assessment file"]) from None
    if not text.strip():
        raise ImportRefused(["the file is empty"])
    try:
        return json.loads(text, parse_int=_bounded_number, parse_float=_bounded_number, parse_constant=_no_constant)
    except RecursionError:
        raise ImportRefused(["the file is not a valid assessment (too deeply nested)"]) from None
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            [f"the file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"]
        ) from None


def read_portable(data: bytes, max_bytes: int = MAX_FILE_BYTES) -> PortableFile:
    """Read and check a portable file: format, version, integrity hash, then every field."""
    content = parse_json(data, max_bytes)
    if not isinstance(content, dict) or content.get("format") != FORMAT_NAME:
        raise ImportRefused([f'this is not a City Cohesion assessment file (no "format": "{FORMAT_NAME}")'])
    version = content.get("format_version")
    if version != FORMAT_VERSION:
        raise ImportRefused(
            [f"the file is in format version {version!r}; this version of the product reads version {FORMAT_VERSION}"]
        )
    integrity = content.get("integrity")
    if not isinstance(integrity, dict) or not isinstance(integrity.get("digest"), str):
        raise ImportRefused(["the file has no integrity hash, so it cannot be trusted"])
    if integrity["digest"] != digest_of(content):
        raise ImportRefused(["the file's integrity check failed: it was changed after it was exported"])
    try:
        return PortableFile.model_validate(content)
    except ValidationError as exc:
        loc, message = first_problem(exc)
        where = ".".join(str(part) for part in loc)
        count = exc.error_count()
        more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
        raise ImportRefused([f"{where}: {message}{more}" if where else message + more]) from None


def portable_schema() -> dict[str, Any]:
    """The JSON Schema of the portable file, as committed in ``docs/assessment-file.schema.json``."""
    schema = PortableFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "City Cohesion Self-Assessment: portable assessment file, format version 1"
    return schema
