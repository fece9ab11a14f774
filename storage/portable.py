"""The portable assessment file: one city's assessment as versioned JSON with an integrity hash.

Writing is deterministic (fixed field order, two-space indent, UTF-8), so exporting an imported
file gives the same bytes, except that an action's owner named as a member comes back as a partner
where the receiving city has no member of that name. Reading refuses, with a message naming the
problem, anything that is too big, not JSON, too deeply nested, holds absurd numbers, a key twice
in one object or a broken character, is another format or version, was changed after export, or
does not fit the schema.
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
from datetime import date, datetime
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
from scoring.actions import MAX_LINKS as MAX_ACTION_LINKS
from scoring.actions import ActionStatus, Priority
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
    "MAX_ACTIONS",
    "MAX_FILE_BYTES",
    "PortableAction",
    "PortableActionTarget",
    "PortableActionUpdate",
    "PortableDecision",
    "PortableDissent",
    "PortableFile",
    "PortableOwner",
    "PortableRespondent",
    "PortableRound",
    "PortableRoundAnswer",
    "digest_of",
    "dump_portable",
    "portable_schema",
    "read_portable",
]

FORMAT_NAME: Final = "city-cohesion-assessment"
FORMAT_VERSION: Final = 3
"""The newest format version: 2 carries workshop rounds, 3 the city's action plan. A file is written in
the oldest version that holds what it carries: without rounds or actions it is version 1, byte for
byte as before, and without actions version 2, so older copies of the product read it."""
READABLE_VERSIONS: Final = (1, 2, 3)
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ANSWERS = 2_000
MAX_ROUNDS = 20
MAX_RESPONDENTS = 200
MAX_ROUND_ANSWERS = 20_000
MAX_DISSENTS = 20
MAX_ACTIONS = 2_000
"""As many actions as a city's plan holds (``storage.actions.MAX_ACTIONS``)."""
MAX_ACTION_UPDATES = 500
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
    "workshop rounds are carried from format version 2 on; in a round, respondents' positions and rounds' "
    "numbers are unique, every answer is given by one of the round's respondents, once per question, and only "
    "to the round's themes, each question has at most one consensus, and a round closes after it opened",
    "actions are carried from format version 3 on; an action is due no earlier than it starts, a dropped "
    "action says why, it links each question once, and its questions and themes must exist in the installed "
    "framework version (or be mapped by its crosswalk)",
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

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _written_date(value: Any) -> Any:
    """Only a written calendar date (as the schema's "date"), never a number or a date and time."""
    if isinstance(value, date):  # written by this product, not read from a file
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("must be a date, for example 2026-03-31")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a real date") from None


FileDate = Annotated[date, BeforeValidator(_written_date)]
"""A calendar date, written YYYY-MM-DD."""


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


class PortableOwner(_Part):
    """Who owns an action: a member of the city, by name only (no account id or e-mail address leaves
    the city), or a partner organisation. On import a member is matched to a member of the receiving
    city by exact name, else kept as a partner name."""

    kind: Literal["member", "partner"]
    name: Name


class PortableActionTarget(_Part):
    """A question an action addresses, and the level it aims for there (None: not set)."""

    question_id: Annotated[str, Field(min_length=1, max_length=64)]
    target_level: Level | None = None


class PortableActionUpdate(_Part):
    """One line of an action's log."""

    at: FileMoment
    by: ShortText = ""
    text: Note = ""
    status: ActionStatus


Amount = Annotated[float, Field(ge=0, le=1e12)]


class PortableAction(_Part):
    """One action of the city's plan (format version 3), with its log."""

    title: Name
    description: Note = ""
    targets: tuple[PortableActionTarget, ...] = Field(default=(), max_length=MAX_ACTION_LINKS)
    themes: tuple[Annotated[str, Field(min_length=1, max_length=64)], ...] = Field(
        default=(), max_length=MAX_ACTION_LINKS
    )
    owner: PortableOwner | None = None
    start_on: FileDate | None = None
    due_on: FileDate | None = None
    status: ActionStatus = ActionStatus.PLANNED
    dropped_reason: Annotated[Note, Field(max_length=1_000)] = ""
    done_on: FileDate | None = None
    priority: Priority = Priority.MEDIUM
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "EUR"
    money_planned: Amount | None = None
    money_actual: Amount | None = None
    staff_days_planned: Amount | None = None
    staff_days_actual: Amount | None = None
    source: ShortText = ""
    updated_by: ShortText = ""
    updated_at: FileMoment
    updates: tuple[PortableActionUpdate, ...] = Field(default=(), max_length=MAX_ACTION_UPDATES)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.start_on and self.due_on and self.due_on < self.start_on:
            raise ValueError("the action is due (due_on) before it starts (start_on)")
        if self.status is ActionStatus.DROPPED and not self.dropped_reason.strip():
            raise ValueError("a dropped action says why (dropped_reason)")
        questions = [t.question_id for t in self.targets]
        if len(set(questions)) < len(questions):
            raise ValueError("the action links a question more than once")
        return self


class Integrity(_Part):
    """The SHA-256 of the file's content without this block (see ``digest_of``)."""

    algorithm: Literal["sha256"] = "sha256"
    digest: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class PortableFile(_Part):
    """A whole portable assessment file."""

    format: Literal["city-cohesion-assessment"] = FORMAT_NAME
    format_version: Literal[1, 2, 3] = FORMAT_VERSION
    framework: FrameworkRef
    city: PortableCity
    assessment: PortableAssessment
    answers: list[PortableAnswer] = Field(max_length=MAX_ANSWERS)
    rounds: list[PortableRound] = Field(default_factory=list, max_length=MAX_ROUNDS)
    """The assessment's closed workshop rounds (from format version 2 on)."""
    actions: list[PortableAction] = Field(default_factory=list, max_length=MAX_ACTIONS)
    """The city's action plan (from format version 3 on)."""
    integrity: Integrity

    @model_validator(mode="after")
    def _parts_in_their_versions(self) -> Self:
        if self.rounds and self.format_version < 2:
            raise ValueError("rounds: workshop rounds are carried only by format version 2 and later")
        if self.actions and self.format_version < 3:
            raise ValueError("actions: the action plan is carried only by format version 3 and later")
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
    actions: Sequence[PortableAction] = (),
) -> bytes:
    """The portable file's bytes: always the same bytes for the same content. Without ``rounds`` or
    ``actions`` the file is format version 1, as it always was; with rounds only, version 2; with
    actions, version 3."""
    content: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": 3 if actions else 2 if rounds else 1,
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
    if actions:
        content["actions"] = [a.model_dump(mode="json") for a in actions]
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
                + ", ".join(map(str, READABLE_VERSIONS[:-1]))
                + f" and {READABLE_VERSIONS[-1]}"
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
    schema["title"] = "City Cohesion Self-Assessment: portable assessment file, format versions 1 to 3"
    schema["description"] = (
        "One city's assessment, as exported by the product. Besides this schema, an import checks: "
        + "; ".join(BEYOND_SCHEMA)
        + "."
    )
    return schema
