"""Moving assessments in and out of the store: the portable JSON file and spreadsheet exports.

Every import is checked completely before anything is written, and written in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pandas as pd
from pydantic import ValidationError
from sqlalchemy import Connection

from access.roles import Actor
from questionnaire.crosswalk import CrosswalkError, IdMapping, map_question_ids
from questionnaire.model import Framework, text_in
from questionnaire.problems import problem_sentences
from reporting.calendar import plan_calendar
from scoring.answers import AnswerError, Evidence, Status, answers_frame
from scoring.carry import carry_answers
from scoring.plan import owner_of, themes_of
from scoring.records import AssessmentRecord, City, RecordedAnswer
from scoring.summary import check_assessment, summarise
from storage.actions import MAX_ACTIONS, Actions, same_title
from storage.errors import ImportRefused, StorageError
from storage.portable import (
    PortableAction,
    PortableActionTarget,
    PortableFile,
    PortableRound,
    dump_portable,
    read_portable,
)
from storage.rounds import Rounds, asked
from storage.spreadsheet import SpreadsheetError, read_csv_table, to_csv_bytes, to_xlsx_bytes
from storage.store import Store

__all__ = [
    "ANSWER_CSV_COLUMNS",
    "EXPORT_TABLES",
    "ImportPlan",
    "ProfileDifference",
    "apply_import",
    "export_calendar",
    "export_csv",
    "export_json",
    "export_tables",
    "export_xlsx",
    "import_answers_csv",
    "plan_import",
]

EXPORT_TABLES = (
    "answers",
    "theme_scores",
    "gaps",
    "priorities",
    "workshop_answers",
    "workshop_consensus",
    "actions",
)
_SHEET_TITLES = {
    "answers": "Answers",
    "theme_scores": "Theme scores",
    "gaps": "Gaps",
    "priorities": "Priorities",
    "workshop_answers": "Workshop answers",
    "workshop_consensus": "Workshop consensus",
    "actions": "Actions",
}
ANSWER_CSV_COLUMNS = ["question_id", "status", "level", "evidence", "reason", "note", "links"]
"""The answers table's columns that an import reads back; the others are there for people."""
_ANSWER_INFO_COLUMNS = ["theme_id", "theme", "question", "answered_by", "answered_at", "carried_over"]
_WHOSE_COLUMNS = ["city", "assessment"]
"""The first columns of every table, so that a file on its own says whose assessment it is."""


# -- portable file -------------------------------------------------------------------------------


def export_json(store: Store, assessment_id: int, by: Actor | None = None) -> bytes:
    """The assessment as a portable file, answers in framework order, with its closed workshop rounds,
    respondents named as ``by`` may see them (None: the server's administrator), and the city's action
    plan, owners by name."""
    record = store.assessment(assessment_id)
    city = store.city(record.city_id or 0)
    order = {q.id: i for i, q in enumerate(store.framework_of(record).questions)}
    given = sorted(store.answers(assessment_id), key=lambda a: (order.get(a.question_id, len(order)), a.question_id))
    carried = Rounds(store).portable(assessment_id, by)
    plan = Actions(store).portable(city.id or 0)
    return dump_portable(record.framework_id, record.framework_version, city, record, given, carried, plan)


_PROFILE_LABELS = {
    "name": "name",
    "country": "country",
    "region": "region",
    "population_band": "size",
    "challenges": "declared local challenges",
    "share_benchmarks": "sharing results anonymously",
}


@dataclass(frozen=True)
class ProfileDifference:
    """One field where the file's city profile differs from the stored city it matches."""

    field: str
    stored: str
    in_file: str

    def describe(self) -> str:
        """The difference in words."""
        return f"{_PROFILE_LABELS[self.field]}: stored “{self.stored}”, in the file “{self.in_file}”"


def _shown(city: City, field_name: str) -> str:
    value = getattr(city, field_name)
    if isinstance(value, tuple):
        return ", ".join(value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(getattr(value, "value", value))


def profile_differences(stored: City, in_file: City) -> list[ProfileDifference]:
    """Every profile field where the file says something other than the store (name spelling included)."""
    return [
        ProfileDifference(name, _shown(stored, name), _shown(in_file, name))
        for name in _PROFILE_LABELS
        if _shown(stored, name) != _shown(in_file, name)
    ]


@dataclass(frozen=True)
class ImportPlan:
    """What an import would write, for a preview before anything changes."""

    file: PortableFile
    digest: str
    framework: Framework
    city: City
    """The file's city profile as it will be stored (for a new city) or offered (for an existing one)."""
    answers: list[RecordedAnswer]
    """The file's answers, their question ids mapped to the installed framework version."""
    left_behind: list[str] = field(default_factory=list)
    """Question ids of an older framework version that could not be mapped."""
    challenges_left_out: list[str] = field(default_factory=list)
    """Declared challenges of an older framework version that the installed one does not have."""
    existing_city: City | None = None
    differences: list[ProfileDifference] = field(default_factory=list)
    """Where the file's city profile differs from the existing city's (empty for a new city)."""
    same_title: list[int] = field(default_factory=list)
    """Assessments of the existing city with the same title (the import adds a separate one)."""
    rounds: list[PortableRound] = field(default_factory=list)
    """The file's workshop rounds that will be stored with the assessment."""
    rounds_left_behind: int = 0
    """Workshop rounds answered against a framework version that is not installed: not carried over."""
    actions: list[PortableAction] = field(default_factory=list)
    """The file's actions that will be added to the city's plan, question ids mapped to the framework."""
    actions_left_out: list[str] = field(default_factory=list)
    """Titles of the file's actions that the existing city's plan holds already: not added again."""
    action_links_dropped: list[str] = field(default_factory=list)
    """Question ids of an older framework version, linked to actions, that no current question replaces."""

    @property
    def needs_profile_choice(self) -> bool:
        """Whether the team must choose between the stored profile and the file's before importing."""
        return any(d.field not in ("name", "country") for d in self.differences)

    def describe(self) -> list[str]:
        """Plain sentences for the preview."""
        city = self.file.city
        lines = [
            f"Assessment “{self.file.assessment.title}” ({self.file.assessment.status.value}), "
            f"{len(self.answers)} answers, framework {self.file.framework.id} {self.file.framework.version}.",
            f"It will be added to the existing city {self.existing_city.name}, {self.existing_city.country}."
            if self.existing_city
            else f"A new city will be created: {city.name}, {city.country}.",
        ]
        if self.differences:
            lines.append(
                "The file's city profile differs from the stored one: "
                + "; ".join(d.describe() for d in self.differences)
                + "."
            )
            if self.needs_profile_choice:
                lines.append(
                    "Choose whether to keep the stored profile (the file's is not applied) or to update the "
                    "stored profile from the file; the stored spelling of the name is kept either way."
                )
            else:
                lines.append("The stored spelling is kept.")
        if self.file.framework.version != self.framework.version:
            lines.append(
                f"Question ids are mapped from framework version {self.file.framework.version} "
                f"to {self.framework.version}."
            )
        if self.same_title:
            ids = ", ".join(map(str, self.same_title))
            lines.append(f"The city already has an assessment with this title ({ids}); the import adds a separate one.")
        if self.rounds:
            people = sum(len(r.respondents) for r in self.rounds)
            lines.append(
                f"{len(self.rounds)} closed workshop round(s) with {people} respondent(s) come with it; the "
                "respondents are kept as names only and cannot sign in."
            )
        if self.rounds_left_behind:
            lines.append(
                f"{self.rounds_left_behind} workshop round(s) were answered against framework version "
                f"{self.file.framework.version}, which is not installed, and are not carried over."
            )
        if self.actions:
            lines.append(
                f"{len(self.actions)} action(s) of the city's plan come with it. An owner who is a member of "
                "the city here, by exactly the same name, keeps the action; other owners are kept as names."
            )
        if self.actions_left_out:
            lines.append(
                f"{len(self.actions_left_out)} action(s) are already in the city's plan and are left out: "
                + "; ".join(f"“{t}”" for t in self.actions_left_out)
                + "."
            )
        if self.action_links_dropped:
            lines.append(
                "These questions, linked to actions, are no longer part of the framework, so the links are "
                f"left out: {', '.join(self.action_links_dropped)}."
            )
        if self.left_behind:
            lines.append(f"These answers cannot be carried over: {', '.join(self.left_behind)}.")
        if self.challenges_left_out:
            lines.append(
                f"These declared local challenges are not part of {self.framework.label} and are left out of "
                f"the profile: {', '.join(self.challenges_left_out)}."
            )
        return lines


def plan_import(store: Store, data: bytes) -> ImportPlan:
    """Read and check a portable file against the installed framework and the store; write nothing.

    The answers, targets and city profile go through the same check the scorer makes
    (``check_assessment``), so whatever is imported can be scored, exported and reported.
    """
    file = read_portable(data)
    installed = store.frameworks.by_version(file.framework.id)
    if not installed:
        raise ImportRefused([f"The framework '{file.framework.id}' is not installed."])
    # the file's own version when it is installed, else the newest one through its crosswalk
    framework = installed.get(file.framework.version) or store.framework(file.framework.id)
    given = file.recorded_answers()
    profile = file.city_profile()
    left_behind: list[str] = []
    left_out: list[str] = []
    carried = file.rounds
    mapping: IdMapping | None = None
    if file.framework.version != framework.version:
        carried = []  # answered against levels that meant something else: kept out, and said so
        known = {c.id for c in framework.challenges}
        left_out = [c for c in profile.challenges if c not in known]
        profile = profile.model_copy(update={"challenges": tuple(c for c in profile.challenges if c in known)})
        linked = [t.question_id for a in file.actions for t in a.targets]
        try:
            mapping = map_question_ids(framework, file.framework.version, [a.question_id for a in given] + linked)
        except CrosswalkError as exc:
            raise ImportRefused([str(exc)]) from None
        given, left_behind = carry_answers(mapping, given)
    try:
        check_assessment(framework, given, file.assessment.targets, profile.challenges)
        _check_rounds(framework, carried)
        planned, links_dropped = _carried_actions(store.frameworks.all(), file.actions, mapping)
        store.check_city(profile)
    except AnswerError as exc:
        raise ImportRefused(exc.problems) from None
    except StorageError as exc:
        raise ImportRefused([str(exc)]) from None
    city = store.matching_city(profile)
    titled = [a.id or 0 for a in store.assessments(city.id) if a.title == file.assessment.title] if city else []
    titles = [a.title for a in Actions(store).held(city.id or 0)[0]] if city else []
    held = {same_title(t) for t in titles}
    actions_left_out = [a.title for a in planned if same_title(a.title) in held]
    planned = [a for a in planned if same_title(a.title) not in held]
    if len(titles) + len(planned) > MAX_ACTIONS:
        raise ImportRefused(
            [
                f"actions: the city's plan would hold {len(titles) + len(planned):,} actions; a plan holds up to "
                f"{MAX_ACTIONS:,}"
            ]
        )
    return ImportPlan(
        file=file,
        digest=file.integrity.digest,
        framework=framework,
        city=profile,
        answers=given,
        left_behind=left_behind,
        challenges_left_out=left_out,
        existing_city=city,
        differences=profile_differences(city, profile) if city else [],
        same_title=titled,
        rounds=list(carried),
        rounds_left_behind=len(file.rounds) - len(carried),
        actions=planned,
        actions_left_out=actions_left_out,
        action_links_dropped=links_dropped,
    )


def _carried_actions(
    installed: Sequence[Framework], carried: list[PortableAction], mapping: IdMapping | None
) -> tuple[list[PortableAction], list[str]]:
    """The file's actions, and the retired question ids they were linked to. For a file of a version no
    longer installed, ids go through ``mapping``: a question that changed is linked by its successor, a
    retired one is unlinked. A plan outlives the assessment it travels with, so, as in the store,
    an action may address any question or theme of an installed framework version. Refuses
    (``AnswerError``, at most ten problems) one that none has."""
    questions = {q.id for f in installed for q in f.questions}
    themes = {t.id for f in installed for t in f.themes}
    problems: list[str] = []
    dropped: set[str] = set()
    made: list[PortableAction] = []
    for number, action in enumerate(carried):
        where = f"actions.{number} (“{action.title}”)"
        targets: dict[str, PortableActionTarget] = {}
        for target in action.targets:
            question_id = target.question_id
            if mapping is not None:
                successor = mapping.mapped.get(question_id) or next(
                    iter(mapping.not_comparable.get(question_id, [])), None
                )
                if successor is None and question_id in mapping.retired:
                    dropped.add(question_id)
                    continue
                question_id = successor or question_id
            if question_id not in questions:
                problems.append(f"{where}: no installed framework has the question {target.question_id}")
                continue
            targets.setdefault(question_id, target.model_copy(update={"question_id": question_id}))
        if unknown := sorted(set(action.themes) - themes):
            problems.append(f"{where}: no installed framework has the theme(s) {', '.join(unknown)}")
        made.append(action.model_copy(update={"targets": tuple(targets.values())}))
    if problems:
        raise AnswerError(problems[:10] + ([f"and {len(problems) - 10} more"] if len(problems) > 10 else []))
    return made, sorted(dropped)


def _check_rounds(framework: Framework, carried: list[PortableRound]) -> None:
    """Refuse rounds whose themes or questions the framework does not have, or that answer or decide a
    question outside the round's themes (``AnswerError`` with every problem, at most ten)."""
    problems: list[str] = []
    known = {t.id for t in framework.themes}
    for made in carried:
        where = f"rounds: round {made.number}"
        if unknown := sorted(set(made.themes) - known):
            problems.append(f"{where} asks theme(s) {', '.join(unknown)}, which {framework.label} does not have")
            continue
        questions = {q.id for q in asked(framework, made.themes)}
        for question_id in [a.question_id for a in made.answers] + [d.question_id for d in made.decisions]:
            if question_id not in questions:
                problems.append(f"{where}: question {question_id} is not one of the round's questions")
    if problems:
        raise AnswerError(problems[:10] + ([f"and {len(problems) - 10} more"] if len(problems) > 10 else []))


def apply_import(store: Store, plan: ImportPlan, by: str, use_file_profile: bool = False) -> AssessmentRecord:
    """Write a checked import in one transaction and return the new assessment.

    For an existing city whose profile differs, ``use_file_profile`` says which one to keep.
    """
    record = plan.file.assessment_record()
    if plan.framework.version != plan.file.framework.version:
        record = record.model_copy(update={"framework_version": plan.framework.version})
    details = {
        "file_framework_version": plan.file.framework.version,
        "left_behind": plan.left_behind,
        "challenges_left_out": plan.challenges_left_out,
        "profile": "from the file" if use_file_profile and plan.needs_profile_choice else "stored",
        "rounds": len(plan.rounds),
    }
    if plan.file.actions:
        details |= {"actions": len(plan.actions), "actions_left_out": plan.actions_left_out}

    def also(conn: Connection, assessment_id: int) -> None:
        Rounds.restore(conn, assessment_id, carried=plan.rounds, answers=plan.answers)
        if plan.actions:
            Actions.restore(conn, assessment_id, plan.actions, by)

    return store.import_assessment(
        plan.city,
        record,
        plan.answers,
        by,
        digest=plan.digest,
        details=details,
        use_file_profile=use_file_profile,
        also=also,
    )


# -- calendar ------------------------------------------------------------------------------------


def export_calendar(store: Store, city_id: int, by: Actor, now: datetime | None = None) -> bytes:
    """The due dates of the city's open actions as an iCalendar file (RFC 5545), for a team calendar."""
    plan = Actions(store)
    city = store.city(city_id)
    return plan_calendar(city.name, plan.of(city_id, by), plan.owners(city_id, by), now or datetime.now(UTC))


# -- spreadsheets --------------------------------------------------------------------------------


def export_tables(store: Store, assessment_id: int, by: Actor | None = None) -> dict[str, pd.DataFrame]:
    """The assessment's answers, theme scores, question gaps and priorities as tables for people, and its
    closed workshop rounds' answers and consensus, respondents named as ``by`` may see them."""
    record = store.assessment(assessment_id)
    city = store.city(record.city_id or 0)
    framework = store.framework_of(record)
    given = store.answers(assessment_id)
    summary = summarise(framework, given, record.targets, city.challenges)
    theme_title = {t.id: text_in(t.title) for t in framework.themes}
    question_text = {q.id: text_in(q.text) for q in framework.questions}
    order = {q.id: i for i, q in enumerate(framework.questions)}

    answers_table = pd.DataFrame(
        [
            {
                "theme_id": framework.theme_of(a.question_id).id,
                "theme": theme_title[framework.theme_of(a.question_id).id],
                "question_id": a.question_id,
                "question": question_text[a.question_id],
                "status": a.status.value,
                "level": a.level,
                "evidence": a.evidence.value,
                "reason": a.reason or "",
                "note": a.note,
                "links": "\n".join(a.links),
                "answered_by": a.answered_by,
                "answered_at": a.answered_at.isoformat() if a.answered_at else "",
                "carried_over": a.carried_over,
            }
            for a in sorted(given, key=lambda a: order[a.question_id])
        ],
        columns=[
            *_ANSWER_INFO_COLUMNS[:2],
            "question_id",
            "question",
            *ANSWER_CSV_COLUMNS[1:],
            *_ANSWER_INFO_COLUMNS[3:],
        ],
    )
    answers_table["level"] = answers_table["level"].astype("Int64")

    themes = summary.themes.copy()
    themes.insert(1, "theme", themes["theme_id"].map(theme_title))
    theme_scores = themes[
        [
            "theme_id",
            "theme",
            "score",
            "band",
            "conservative",
            "completeness",
            "evidence_coverage",
            "answered",
            "applicable",
            "not_applicable",
            "unknown",
            "state",
            "target",
            "gap",
        ]
    ]
    steps = summary.steps[summary.steps["below_target"].astype(bool)].copy()
    steps.insert(1, "theme", steps["theme_id"].map(theme_title))
    steps.insert(3, "question", steps["question_id"].map(question_text))
    gaps = steps[
        ["theme_id", "theme", "question_id", "question", "status", "level", "target_level", "next_level", "next_step"]
    ]
    ranked = summary.priorities.copy()
    ranked.insert(2, "theme", ranked["theme_id"].map(theme_title))
    tables = {"answers": answers_table, "theme_scores": theme_scores, "gaps": gaps, "priorities": ranked}
    tables |= _workshop_tables(framework, Rounds(store).portable(assessment_id, by))
    tables["actions"] = _actions_table(
        store, city.id or 0, by, {q.id: t.id for t in framework.themes for q in t.questions}
    )
    return {name: _whose(table, city, record) for name, table in tables.items()}


def _workshop_tables(framework: Framework, carried: list[PortableRound]) -> dict[str, pd.DataFrame]:
    """Each respondent's answer, and each consensus with its dissent, of the closed workshop rounds."""
    theme_of = {q.id: t.id for t in framework.themes for q in t.questions}
    question_text = {q.id: text_in(q.text) for q in framework.questions}
    answered = [
        {
            "round": made.number,
            "respondent": people[a.respondent].name,
            "group": people[a.respondent].group or "",
            "guest": people[a.respondent].guest,
            "theme_id": theme_of.get(a.question_id, ""),
            "question_id": a.question_id,
            "question": question_text.get(a.question_id, ""),
            "status": a.status,
            "level": a.level,
            "note": a.note,
            "saved_at": a.saved_at.isoformat(),
        }
        for made in carried
        for people in [{r.position: r for r in made.respondents}]
        for a in made.answers
    ]
    decided = [
        {
            "round": made.number,
            "theme_id": theme_of.get(d.question_id, ""),
            "question_id": d.question_id,
            "question": question_text.get(d.question_id, ""),
            "status": d.status.value,
            "level": d.level,
            "rationale": d.rationale,
            "dissent": "\n".join(
                f"{x.holder}: {'level ' + str(x.level) if x.level is not None else 'no level'}"
                + (f". {x.note}" if x.note else "")
                for x in d.dissents
            ),
            "decided_by": d.decided_by,
            "decided_at": d.decided_at.isoformat(),
        }
        for made in carried
        for d in made.decisions
    ]
    answers_columns = ["round", "respondent", "group", "guest", "theme_id", "question_id", "question", "status"]
    workshop_answers = pd.DataFrame(answered, columns=[*answers_columns, "level", "note", "saved_at"])
    consensus_columns = ["round", "theme_id", "question_id", "question", "status", "level", "rationale", "dissent"]
    consensus = pd.DataFrame(decided, columns=[*consensus_columns, "decided_by", "decided_at"])
    for table in (workshop_answers, consensus):
        table["level"] = table["level"].astype("Int64")
    return {"workshop_answers": workshop_answers, "workshop_consensus": consensus}


ACTION_COLUMNS = [
    "id",
    "title",
    "status",
    "priority",
    "owner",
    "start_on",
    "due_on",
    "done_on",
    "overdue",
    "questions",
    "themes",
    "money_planned",
    "money_actual",
    "staff_days_planned",
    "staff_days_actual",
    "currency",
    "dropped_reason",
    "description",
    "source",
    "version",
    "updated_by",
    "updated_at",
]


def _actions_table(store: Store, city_id: int, by: Actor | None, theme_of: dict[str, str]) -> pd.DataFrame:
    """The city's whole action plan, one row per action, oldest first (the city's, not only this
    assessment's): owner by name, questions with the level each aims for ("Q4.2→3")."""
    plan = Actions(store)
    found, names = plan.held(city_id) if by is None else (plan.of(city_id, by), plan.owners(city_id, by))
    today = date.today()
    rows = [
        {
            "id": a.id,
            "title": a.title,
            "status": a.status.value,
            "priority": a.priority.value,
            "owner": owner_of(a, names),
            "start_on": a.start_on.isoformat() if a.start_on else "",
            "due_on": a.due_on.isoformat() if a.due_on else "",
            "done_on": a.done_on.isoformat() if a.done_on else "",
            "overdue": a.overdue(today),
            "questions": "; ".join(
                t.question_id + ("" if t.target_level is None else f"→{t.target_level}") for t in a.targets
            ),
            "themes": "; ".join(themes_of(a, theme_of)),
            "money_planned": a.money_planned,
            "money_actual": a.money_actual,
            "staff_days_planned": a.staff_days_planned,
            "staff_days_actual": a.staff_days_actual,
            "currency": a.currency,
            "dropped_reason": a.dropped_reason,
            "description": a.description,
            "source": a.source,
            "version": a.version,
            "updated_by": a.updated_by,
            "updated_at": a.updated_at.isoformat() if a.updated_at else "",
        }
        for a in found
    ]
    return pd.DataFrame(rows, columns=ACTION_COLUMNS)


def _whose(table: pd.DataFrame, city: City, record: AssessmentRecord) -> pd.DataFrame:
    """``table`` with the city (name, country) and the assessment's title and start date in front."""
    whose = table.copy()
    whose.insert(0, "assessment", f"{record.title} (started {record.started_on.isoformat()})")
    whose.insert(0, "city", f"{city.name}, {city.country}")
    return whose


def _workbook_title(store: Store, assessment_id: int) -> str:
    """The words that name an assessment's exports: city, then title."""
    record = store.assessment(assessment_id)
    return f"{store.city(record.city_id or 0).name}: {record.title}"


def export_csv(store: Store, assessment_id: int, table: str = "answers", by: Actor | None = None) -> bytes:
    """One of ``EXPORT_TABLES`` as CSV: UTF-8 with BOM, formula-like cells neutralised."""
    if table not in EXPORT_TABLES:
        raise ValueError(f"unknown table '{table}'; choose one of {', '.join(EXPORT_TABLES)}")
    return to_csv_bytes(export_tables(store, assessment_id, by)[table])


def export_xlsx(store: Store, assessment_id: int, by: Actor | None = None) -> bytes:
    """Every table as one workbook, one sheet each, formula-like cells stored as text."""
    tables = export_tables(store, assessment_id, by)
    sheets = {_SHEET_TITLES[name]: frame for name, frame in tables.items()}
    return to_xlsx_bytes(sheets, title=_workbook_title(store, assessment_id))


def _row_answer(row: pd.Series) -> RecordedAnswer:
    level_text = row["level"].strip()
    status = row["status"].strip() or Status.LEVEL.value
    level: int | None = None
    if level_text:
        try:
            number = float(level_text)
        except ValueError:
            number = float("nan")
        if not number.is_integer():
            raise ValueError(f"{row['question_id']}: level '{level_text[:20]}' is not a whole number from 0 to 4")
        level = int(number)
    links = [part for part in row["links"].split() if part]
    return RecordedAnswer(
        question_id=row["question_id"].strip(),
        status=status,
        level=level,
        evidence=row["evidence"].strip() or Evidence.NONE.value,
        reason=row["reason"] or None,
        note=row["note"],
        links=tuple(links),
    )


def import_answers_csv(store: Store, assessment_id: int, data: bytes, by: str, replace: bool = False) -> int:
    """Read an answers CSV (as exported, possibly edited in a spreadsheet) into a draft; return answers changed.

    The whole file is checked first; one bad row refuses the file and nothing is written.
    """
    try:
        table = read_csv_table(
            data,
            required=["question_id", "status", "level"],
            optional=[*ANSWER_CSV_COLUMNS[3:], *_ANSWER_INFO_COLUMNS, *_WHOSE_COLUMNS],
        )
    except SpreadsheetError as exc:
        raise ImportRefused([str(exc)]) from None
    problems: list[str] = []
    given: list[RecordedAnswer] = []
    for line, (_, row) in enumerate(table.iterrows(), start=2):
        try:
            given.append(_row_answer(row))
        except ValidationError as exc:
            problems += [f"line {line} ({row['question_id']}): {p}" for p in problem_sentences(exc, limit=1)]
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
    if problems:
        raise ImportRefused(problems[:10] + ([f"and {len(problems) - 10} more"] if len(problems) > 10 else []))
    framework = store.framework_of(store.assessment(assessment_id))
    try:
        answers_frame(framework, given)
    except AnswerError as exc:
        raise ImportRefused(exc.problems) from None
    return store.save_answers(assessment_id, given, by, replace=replace)
