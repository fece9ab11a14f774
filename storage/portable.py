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
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Final, Literal, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

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
    "PortableDecision",
    "PortableDissent",
    "PortableFile",
    "PortableRespondent",
    "PortableRound",
    "PortableRoundAnswer",
    "digest_of",
    "dump_portable",
    "portable_schema",
    "read_portable",
]

FORMAT_NAME: Final = "city-cohesion-assessment"
FORMAT_VERSION: Final = 2
"""The newest format version: 2 carries workshop rounds. A file without rounds is still written as
version 1, byte for byte as before, so older copies of the product read it."""
READABLE_VERSIONS: Final = (1, 2)
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ANSWERS = 2_000
MAX_ROUNDS = 20
MAX_RESPONDENTS = 200
MAX_ROUND_ANSWERS = 20_000
MAX_DISSENTS = 20
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
    "only format version 2 carries workshop rounds; in a round, respondents' positions and rounds' numbers "
    "are unique, every answer is given by one of the round's respondents, once per question, and only to "
    "the round's themes, each question has at most one consensus, and a round closes after it opened",
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


RoundStatus = Literal["level", "dont_know", "not_my_area"]
"""A respondent's answer in a round: a level, "don't know" or "not my area"."""
Level = Annotated[int, Field(ge=0, le=4)]


def _level_fits(status: str, level: int | None) -> None:
    if (status == "level") != (level is not None):
        raise ValueError(f"an answer with status 'level' has a level, other statuses have none (here '{status}')")


class PortableRespondent(_Part):
    """A respondent of a round: their place, and their name as the exporter could see it ("Respondent 2"
    where names were not shown). No e-mail address leaves the city."""

    position: Annotated[int, Field(ge=1, le=MAX_RESPONDENTS)]
    name: Name
    group: Annotated[str, Field(max_length=80)] | None = None
    guest: bool = False


class PortableRoundAnswer(_Part):
    """One respondent's answer to one question of a round."""

    respondent: Annotated[int, Field(ge=1, le=MAX_RESPONDENTS)]
    question_id: Annotated[str, Field(min_length=1, max_length=64)]
    status: RoundStatus
    level: Level | None = None
    note: Note = ""
    saved_at: FileMoment

    @model_validator(mode="after")
    def _level_with_status(self) -> Self:
        _level_fits(self.status, self.level)
        return self


class PortableDissent(_Part):
    """A view the consensus did not adopt: who holds it, the level they hold, and why."""

    holder: Name
    level: Level | None = None
    note: Note = ""


class PortableDecision(_Part):
    """The consensus a round recorded on one question, with its rationale and dissent."""

    question_id: Annotated[str, Field(min_length=1, max_length=64)]
    status: Status
    level: Level | None = None
    rationale: Note = ""
    dissents: tuple[PortableDissent, ...] = Field(default=(), max_length=MAX_DISSENTS)
    decided_by: ShortText = ""
    decided_at: FileMoment

    @model_validator(mode="after")
    def _level_with_status(self) -> Self:
        _level_fits(self.status.value, self.level)
        return self


class PortableRound(_Part):
    """A closed workshop round: who answered what apart, and the consensus recorded afterwards. Only
    closed rounds travel, so no answer of a blind round leaves before the round is over."""

    number: Annotated[int, Field(ge=1, le=1_000)]
    themes: tuple[Annotated[str, Field(min_length=1, max_length=64)], ...] = Field(default=(), max_length=50)
    blind: bool
    names_shown: bool
    opened_by: ShortText = ""
    opened_at: FileMoment
    closed_by: ShortText = ""
    closed_at: FileMoment
    respondents: list[PortableRespondent] = Field(min_length=2, max_length=MAX_RESPONDENTS)
    answers: list[PortableRoundAnswer] = Field(default_factory=list, max_length=MAX_ROUND_ANSWERS)
    decisions: list[PortableDecision] = Field(default_factory=list, max_length=MAX_ANSWERS)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.closed_at < self.opened_at:
            raise ValueError("the round closes (closed_at) before it opened (opened_at)")
        positions = [r.position for r in self.respondents]
        if len(set(positions)) < len(positions):
            raise ValueError("two respondents have the same position")
        given: set[tuple[int, str]] = set()
        for answer in self.answers:
            if answer.respondent not in positions:
                raise ValueError(
                    f"an answer is given by respondent {answer.respondent}, who is not one of the round's respondents"
                )
            if (answer.respondent, answer.question_id) in given:
                raise ValueError(f"respondent {answer.respondent} answers {answer.question_id} more than once")
            given.add((answer.respondent, answer.question_id))
        decided = [d.question_id for d in self.decisions]
        if len(set(decided)) < len(decided):
            raise ValueError("a question has more than one consensus")
        return self


class Integrity(_Part):
    """The SHA-256 of the file's content without this block (see ``digest_of``)."""

    algorithm: Literal["sha256"] = "sha256"
    digest: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class PortableFile(_Part):
    """A whole portable assessment file."""

    format: Literal["city-cohesion-assessment"] = FORMAT_NAME
    format_version: Literal[1, 2] = FORMAT_VERSION
    framework: FrameworkRef
    city: PortableCity
    assessment: PortableAssessment
    answers: list[PortableAnswer] = Field(max_length=MAX_ANSWERS)
    rounds: list[PortableRound] = Field(default_factory=list, max_length=MAX_ROUNDS)
    """The assessment's closed workshop rounds (format version 2)."""
    integrity: Integrity

    @model_validator(mode="after")
    def _rounds_in_version_two(self) -> Self:
        if self.rounds and self.format_version < 2:
            raise ValueError("rounds: workshop rounds are carried only by format version 2")
        numbers = [r.number for r in self.rounds]
        if len(set(numbers)) < len(numbers):
            raise ValueError("rounds: two rounds have the same number")
        return self

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
    rounds: Sequence[PortableRound] = (),
) -> bytes:
    """The portable file's bytes: always the same bytes for the same content. Without ``rounds`` the
    file is format version 1, as it always was; with them, version 2."""
    content: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION if rounds else 1,
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
    if rounds:
        content["rounds"] = [r.model_dump(mode="json") for r in rounds]
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
    if version not in READABLE_VERSIONS or isinstance(version, bool) or not isinstance(version, int):
        raise ImportRefused(
            [
                f"the file is in format version {version!r}; this version of the product reads versions "
                + " and ".join(map(str, READABLE_VERSIONS))
            ]
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
    schema["title"] = "City Cohesion Self-Assessment: portable assessment file, format versions 1 and 2"
    schema["description"] = (
        "One city's assessment, as exported by the product. Besides this schema, an import checks: "
        + "; ".join(BEYOND_SCHEMA)
        + "."
    )
    return schema
