"""The portable assessment file: one city's assessment as versioned JSON with an integrity hash.

Writing is deterministic (fixed field order, two-space indent, UTF-8), so exporting an imported
file gives the same bytes. Reading refuses, with a message naming the problem, anything that is
too big, not JSON, too deeply nested, holds absurd numbers, a key twice in one object or a broken
character, is another format or version, was changed after export, or does not fit the schema.
Types are strict, as the schema says: no number written as text or as true/false, no time without
its time zone. The JSON Schema in ``docs/assessment-file.schema.json`` is generated from the models
here and a test keeps the two in step; what the reader checks beyond the schema is listed in the
schema's description (``BEYOND_SCHEMA``).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import Annotated, Any, Final, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from questionnaire.problems import Place, problem_sentences
from scoring.answers import Evidence, Status
from scoring.records import (
    MAX_LINKS,
    AssessmentRecord,
    AssessmentStatus,
    City,
    Link,
    Name,
    Note,
    PopulationBand,
    RecordedAnswer,
    Region,
    ShortText,
    Targets,
    utc,
)
from storage.errors import ImportRefused

__all__ = [
    "BEYOND_SCHEMA",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "PortableFile",
    "digest_of",
    "dump_portable",
    "portable_schema",
    "read_portable",
]

FORMAT_NAME: Final = "city-cohesion-assessment"
FORMAT_VERSION: Final = 1
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ANSWERS = 2_000
MAX_DIGITS = 30
"""No honest number in an assessment file is longer than this (levels, targets, years)."""

BEYOND_SCHEMA: Final = (
    "the integrity digest must be the SHA-256 of the file's canonical JSON without the integrity block",
    "no object may hold the same key twice",
    "text may hold no lone UTF-16 surrogate (a broken character)",
    "whole numbers (levels) are written without a fraction: 3, not 3.0",
    "numbers have at most 30 digits; NaN and Infinity are refused",
    "names, titles and team members are not blank and fit on one line; no text holds control characters other "
    "than tab and line breaks (in notes and reasons)",
    "links are http:// or https:// addresses without spaces",
    "an answer with status 'level' has a level, other statuses have none, and 'not_applicable' has a reason",
    "question ids, theme ids in targets and the city's challenges must exist in the installed framework version "
    "(or be mapped by its crosswalk), and 'not_applicable' must be allowed for that question",
    "each question is answered at most once; the file is at most 5 MB",
)
"""What ``read_portable`` and the import check that JSON Schema cannot say; listed in the schema."""

_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _written_moment(value: Any) -> Any:
    """Only a written date and time (RFC 3339, as the schema's "date-time"), never a bare number."""
    if isinstance(value, datetime):  # written by this product, not read from a file
        return value
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise ValueError("must be a date and time with its time zone, for example 2026-03-01T09:30:00Z")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a real date and time") from None


FileMoment = Annotated[AwareDatetime, BeforeValidator(_written_moment), AfterValidator(utc)]
"""A date and time with its time zone, kept as UTC."""


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
    started_at: FileMoment
    submitted_at: FileMoment | None = None
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
    answered_at: FileMoment
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


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it was given more than once."""

    repeated: list[str]


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    made = _Object(pairs)
    made.repeated = []
    if len(made) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                made.repeated.append(key)
            seen.add(key)
    return made


def _where(place: Place) -> str:
    return ".".join(map(str, place)) or "the top level"


def _check_tree(content: Any) -> None:
    """Refuse a key given twice in one object, or text with a broken character, naming the place."""
    stack: list[tuple[Place, Any]] = [((), content)]
    while stack:
        place, value = stack.pop()
        if isinstance(value, _Object):
            if value.repeated:
                key = value.repeated[0]
                raise ImportRefused([f'{_where(place)}: the key "{key}" is given more than once; keep one'])
            stack.extend(((*place, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*place, i), v) for i, v in enumerate(value))
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ImportRefused(
                    [f"{_where(place)}: the text holds a broken character (a lone surrogate); retype it"]
                ) from None


def _parse(data: bytes, max_bytes: int) -> tuple[str, Any]:
    """The text and content of JSON read defensively: size first, then text, then structure."""
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
        content = json.loads(
            text,
            parse_int=_bounded_number,
            parse_float=_bounded_number,
            parse_constant=_no_constant,
            object_pairs_hook=_object,
        )
    except RecursionError:
        raise ImportRefused(["the file is not a valid assessment (too deeply nested)"]) from None
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            [f"the file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"]
        ) from None
    _check_tree(content)
    return text, content


def _field_name(content: dict[str, Any]) -> Any:
    """Names a problem's place as a path, with the question id beside an answer's position."""

    def name(place: Place) -> str:
        path = ".".join(map(str, place))
        answers = content.get("answers")
        if len(place) >= 2 and place[0] == "answers" and isinstance(place[1], int) and isinstance(answers, list):
            given = answers[place[1]] if place[1] < len(answers) else None
            question = given.get("question_id") if isinstance(given, dict) else None
            if isinstance(question, str) and question:
                return f"{path} (question {question[:64]})"
        return path

    return name


def read_portable(data: bytes, max_bytes: int = MAX_FILE_BYTES) -> PortableFile:
    """Read and check a portable file: format, version, integrity hash, then every field, strictly."""
    text, content = _parse(data, max_bytes)
    if not isinstance(content, dict) or content.get("format") != FORMAT_NAME:
        raise ImportRefused([f'this is not a City Cohesion assessment file (no "format": "{FORMAT_NAME}")'])
    version = content.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise ImportRefused(
            [f"the file is in format version {version!r}; this version of the product reads version {FORMAT_VERSION}"]
        )
    integrity = content.get("integrity")
    if not isinstance(integrity, dict) or not isinstance(integrity.get("digest"), str):
        raise ImportRefused(["the file has no integrity hash, so it cannot be trusted"])
    if integrity["digest"] != digest_of(content):
        raise ImportRefused(["the file's integrity check failed: it was changed after it was exported"])
    try:
        return PortableFile.model_validate_json(text, strict=True)
    except ValidationError as exc:
        raise ImportRefused(problem_sentences(exc, name=_field_name(content))) from None


def portable_schema() -> dict[str, Any]:
    """The JSON Schema of the portable file, as committed in ``docs/assessment-file.schema.json``."""
    schema = PortableFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "City Cohesion Self-Assessment: portable assessment file, format version 1"
    schema["description"] = (
        "One city's assessment, as exported by the product. Besides this schema, an import checks: "
        + "; ".join(BEYOND_SCHEMA)
        + "."
    )
    return schema
