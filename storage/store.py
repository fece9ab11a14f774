"""The store: cities, assessments and answers on SQLite or PostgreSQL, every change in the audit trail.

Each public method is one short transaction and takes and returns the core's types
(``City``, ``AssessmentRecord``, ``RecordedAnswer``, ``AuditEvent``); no table row leaves this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, Row, Table, func, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from questionnaire.crosswalk import CrosswalkError, map_question_ids
from questionnaire.loader import FrameworkCatalog
from questionnaire.model import Framework
from scoring.answers import answer_problem
from scoring.carry import carry_answers
from scoring.records import (
    AssessmentRecord,
    AssessmentStatus,
    AuditEvent,
    City,
    RecordedAnswer,
    city_key,
    same_answer,
    utc,
)
from scoring.summary import challenge_problems
from storage.engine import make_engine, reading_engine
from storage.errors import (
    AnswerConflict,
    AssessmentLocked,
    ConfirmationRequired,
    ImportRefused,
    NotFound,
    StorageError,
    StorageUnavailable,
    unavailable,
)
from storage.migrate import current_revision, head_revision
from storage.tables import answers, assessments, audit_events, cities

__all__ = ["Store", "city_from_row"]

_ANSWER_CONTENT = ("status", "level", "evidence", "reason", "note", "links")


def _now() -> datetime:
    return datetime.now(UTC)


def _actor(by: str) -> str:
    by = (by or "").strip()
    if not by or len(by) > 120:
        raise StorageError("Say who is making this change (a name of up to 120 characters).")
    return by


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def city_from_row(row: Row[Any]) -> City:
    """A city from its table row (or any row with the city table's columns)."""
    return City(
        id=row.id,
        name=row.name,
        country=row.country,
        region=row.region,
        population_band=row.population_band,
        challenges=tuple(row.challenges),
        share_benchmarks=row.share_benchmarks,
        is_demo=row.is_demo,
    )


def _assessment(row: Row[Any]) -> AssessmentRecord:
    return AssessmentRecord(
        id=row.id,
        city_id=row.city_id,
        framework_id=row.framework_id,
        framework_version=row.framework_version,
        title=row.title,
        status=row.status,
        started_at=utc(row.started_at),
        submitted_at=utc(row.submitted_at) if row.submitted_at else None,
        team=tuple(row.team),
        targets=row.targets,
        based_on=row.based_on,
        revision_of=row.revision_of,
        version=row.version,
    )


def _answer(row: Row[Any]) -> RecordedAnswer:
    return RecordedAnswer(
        question_id=row.question_id,
        status=row.status,
        level=row.level,
        evidence=row.evidence,
        reason=row.reason,
        note=row.note,
        links=tuple(row.links),
        answered_by=row.answered_by,
        answered_at=utc(row.answered_at),
        version=row.version,
        carried_over=row.carried_over,
    )


def _content(answer: RecordedAnswer) -> dict[str, Any]:
    """The columns that say what an answer is, ready for the table or the audit trail."""
    values = answer.model_dump(mode="json", include=set(_ANSWER_CONTENT))
    values["links"] = list(answer.links)
    return values


def _audited(answer: RecordedAnswer) -> dict[str, Any]:
    return {**_content(answer), "version": answer.version, "carried_over": answer.carried_over}


def _city_values(city: City) -> dict[str, Any]:
    return {**city.model_dump(mode="json", exclude={"id"}), "match_key": city_key(city.name, city.country)}


def _city_taken(city: City) -> StorageError:
    return StorageError(
        f"A city named {city.name} in {city.country} is already stored; choose it instead, or tell the two "
        f"apart in the name (for example “{city.name} ({city.region.value.replace('_', ' ').title()})”)."
    )


_IMPORT_ATTEMPTS = 3
"""An import that lost a race to a concurrent one is checked again this often (PostgreSQL)."""


class Store:
    """Cities, assessments, answers and the audit trail in one database.

    ``frameworks`` holds the installed frameworks: a ``FrameworkCatalog`` (every version; new
    assessments start on the newest) or a plain mapping of id to framework. An assessment is checked
    against the version it was started on; assessments of any other framework are refused.
    """

    def __init__(self, engine: Engine, frameworks: Mapping[str, Framework]) -> None:
        self.engine = engine
        self.read_engine = reading_engine(engine)
        """The engine for reading: on SQLite its transactions do not take the write lock."""
        self.frameworks = (
            frameworks if isinstance(frameworks, FrameworkCatalog) else FrameworkCatalog(frameworks.values())
        )

    @classmethod
    def open(cls, url: str, frameworks: Mapping[str, Framework]) -> Store:
        """The store at ``url``, refusing a database that is not at the newest schema."""
        try:
            revision = current_revision(url)
        except DBAPIError as exc:
            raise unavailable(exc) from exc
        except OSError as exc:
            raise StorageUnavailable(f"The database cannot be opened: {exc.strerror or exc}.") from exc
        if revision != head_revision():
            raise StorageUnavailable(
                f"The database at {url.split('://')[0]}://… is at schema {revision or 'none'}, not "
                f"{head_revision()}; run `make db` (or `python cli.py db upgrade`) first."
            )
        return cls(make_engine(url), frameworks)

    # -- plumbing --------------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction; driver errors about the database become ``StorageUnavailable``."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise unavailable(exc) from exc

    def transaction(self) -> AbstractContextManager[Connection]:
        """One write transaction, for a module beside the store that shares its database (access)."""
        return self._write()

    def reading(self) -> AbstractContextManager[Connection]:
        """One read-only connection, for a module beside the store that reads its tables (peers, accounts,
        rounds, actions); on SQLite it never waits for a writer (``read_engine``)."""
        return self._read()

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.read_engine.connect() as conn:
                yield conn
        except OperationalError as exc:
            raise unavailable(exc) from exc

    def audit(
        self,
        conn: Connection,
        by: str,
        action: str,
        *,
        city_id: int | None = None,
        assessment_id: int | None = None,
        question_id: str | None = None,
        old: Any = None,
        new: Any = None,
    ) -> None:
        """Add an event to the audit trail inside the transaction ``conn`` (access uses it too)."""
        conn.execute(
            insert(audit_events).values(
                at=_now(),
                actor=by,
                action=action,
                city_id=city_id,
                assessment_id=assessment_id,
                question_id=question_id,
                old_value=old,
                new_value=new,
            )
        )

    def framework(self, framework_id: str, version: str | None = None) -> Framework:
        """The framework ``framework_id`` at ``version`` (default: the newest installed version)."""
        try:
            return self.frameworks[framework_id] if version is None else self.frameworks.version(framework_id, version)
        except KeyError:
            name = framework_id if version is None else f"{framework_id} {version}"
            raise StorageError(f"The framework '{name}' is not installed.") from None

    def framework_of(self, record: AssessmentRecord) -> Framework:
        """The framework version ``record`` was started on, which its answers are read against."""
        return self.framework(record.framework_id, record.framework_version)

    # -- cities ----------------------------------------------------------------------------------

    def check_city(self, city: City) -> None:
        """Refuse a profile that some installed framework could not score (an unknown local challenge)."""
        problems = [p for fw in self.frameworks.values() for p in challenge_problems(fw, city.challenges)]
        if problems:
            raise StorageError(f"The city profile was refused: {problems[0]}.")

    def create_city(self, city: City, by: str) -> City:
        """Store a new city profile and return it with its id; a second city of the same name and
        country is refused (see ``scoring.records.city_key``)."""
        by = _actor(by)
        self.check_city(city)
        try:
            with self._write() as conn:
                city_id = self._insert_city(conn, city, by)
        except IntegrityError:
            raise _city_taken(city) from None
        return city.model_copy(update={"id": city_id})

    def _insert_city(self, conn: Connection, city: City, by: str) -> int:
        values = _city_values(city)
        city_id = _new_id(conn.execute(insert(cities).values(**values, created_at=_now())))
        self.audit(conn, by, "city.create", city_id=city_id, new=city.model_dump(mode="json", exclude={"id"}))
        return city_id

    def update_city(self, city: City, by: str) -> City:
        """Change a city's profile; the audit trail keeps the old and new profile."""
        by = _actor(by)
        if city.id is None:
            raise NotFound("This city has not been saved yet.")
        self.check_city(city)
        try:
            with self._write() as conn:
                self._update_city(conn, self._city_row(conn, city.id), city, by)
        except IntegrityError:
            raise _city_taken(city) from None
        return city

    def _update_city(self, conn: Connection, old: Row[Any], city: City, by: str) -> None:
        conn.execute(update(cities).where(cities.c.id == old.id).values(**_city_values(city)))
        self.audit(
            conn,
            by,
            "city.update",
            city_id=old.id,
            old=city_from_row(old).model_dump(mode="json"),
            new=city.model_dump(mode="json", exclude={"id"}),
        )

    def _city_row(self, conn: Connection, city_id: int) -> Row[Any]:
        row = conn.execute(select(cities).where(cities.c.id == city_id, cities.c.deleted_at.is_(None))).first()
        if row is None:
            raise NotFound(f"City {city_id} does not exist or was deleted.")
        return row

    def city(self, city_id: int) -> City:
        """The city with this id."""
        with self._read() as conn:
            return city_from_row(self._city_row(conn, city_id))

    def cities(self) -> list[City]:
        """Every city not deleted, by name."""
        with self._read() as conn:
            rows = conn.execute(
                select(cities).where(cities.c.deleted_at.is_(None)).order_by(cities.c.name, cities.c.id)
            )
            return [city_from_row(r) for r in rows]

    def delete_city(self, city_id: int, by: str, confirm: str) -> None:
        """Delete a city (and hide its assessments) once ``confirm`` repeats its name.

        Nothing is erased: the city and its assessments are marked deleted, the audit trail says who
        did it, and ``restore_city`` brings them back.
        """
        by = _actor(by)
        with self._write() as conn:
            row = self._city_row(conn, city_id)
            if confirm.strip() != row.name:
                raise ConfirmationRequired(f"To delete {row.name}, type its name exactly to confirm.")
            conn.execute(update(cities).where(cities.c.id == city_id).values(deleted_at=_now()))
            self.audit(conn, by, "city.delete", city_id=city_id, old={"name": row.name})

    def _undelete(self, conn: Connection, table: Table, row_id: int, what: str) -> None:
        done = conn.execute(
            update(table).where(table.c.id == row_id, table.c.deleted_at.is_not(None)).values(deleted_at=None)
        )
        if done.rowcount != 1:
            raise NotFound(f"{what.capitalize()} {row_id} is not a deleted {what}.")

    def restore_city(self, city_id: int, by: str) -> City:
        """Bring back a deleted city with its assessments."""
        by = _actor(by)
        try:
            with self._write() as conn:
                self._undelete(conn, cities, city_id, "city")
                self.audit(conn, by, "city.restore", city_id=city_id)
                return city_from_row(self._city_row(conn, city_id))
        except IntegrityError:
            raise StorageError(
                f"City {city_id} cannot be restored: another city with the same name and country is stored now. "
                "Rename or delete that one first."
            ) from None

    # -- assessments -----------------------------------------------------------------------------

    def _assessment_row(self, conn: Connection, assessment_id: int, *, lock: bool = False) -> Row[Any]:
        query = (
            select(assessments)
            .join(cities, cities.c.id == assessments.c.city_id)
            .where(
                assessments.c.id == assessment_id,
                assessments.c.deleted_at.is_(None),
                cities.c.deleted_at.is_(None),
            )
        )
        if lock:
            query = query.with_for_update(of=assessments)
        row = conn.execute(query).first()
        if row is None:
            raise NotFound(f"Assessment {assessment_id} does not exist or was deleted.")
        return row

    def assessment(self, assessment_id: int) -> AssessmentRecord:
        """The assessment with this id."""
        with self._read() as conn:
            return _assessment(self._assessment_row(conn, assessment_id))

    def assessments(self, city_id: int | None = None) -> list[AssessmentRecord]:
        """Assessments not deleted (of one city, or of all), oldest first."""
        query = (
            select(assessments)
            .join(cities, cities.c.id == assessments.c.city_id)
            .where(assessments.c.deleted_at.is_(None), cities.c.deleted_at.is_(None))
            .order_by(assessments.c.started_at, assessments.c.id)
        )
        if city_id is not None:
            query = query.where(assessments.c.city_id == city_id)
        with self._read() as conn:
            return [_assessment(r) for r in conn.execute(query)]

    def latest_assessments(self) -> list[AssessmentRecord]:
        """Each city's most recently started assessment, by city name."""
        latest: dict[int, AssessmentRecord] = {}
        for record in self.assessments():
            latest[record.city_id or 0] = record  # oldest first, so the last one wins
        order = {c.id: i for i, c in enumerate(self.cities())}
        return sorted(latest.values(), key=lambda r: order.get(r.city_id, 0))

    def start_assessment(
        self,
        city_id: int,
        title: str,
        by: str,
        *,
        framework_id: str,
        based_on: int | None = None,
        team: Sequence[str] = (),
        started_at: datetime | None = None,
    ) -> AssessmentRecord:
        """Start a draft assessment, blank or with the answers of ``based_on`` carried over.

        Carried-over answers keep who gave them and when, and are marked ``carried_over`` until the
        team confirms or changes them. Answers to questions the current framework no longer has are
        left behind; the audit event lists them.
        """
        by = _actor(by)
        framework = self.framework(framework_id)
        record = AssessmentRecord(
            city_id=city_id,
            framework_id=framework.id,
            framework_version=framework.version,
            title=title,
            started_at=started_at or _now(),
            team=tuple(team),
            based_on=based_on,
        )
        with self._write() as conn:
            self._city_row(conn, city_id)
            carried: list[RecordedAnswer] = []
            left_behind: list[str] = []
            if based_on is not None:
                base = self._assessment_row(conn, based_on)
                if base.city_id != city_id:
                    raise StorageError("A new assessment can only start from an assessment of the same city.")
                if base.framework_id != framework.id:
                    raise StorageError(f"Assessment {based_on} uses another framework ({base.framework_id}).")
                record = record.model_copy(update={"targets": base.targets})
                carried, left_behind = self._carry(conn, framework, base)
            new_id = self._insert_assessment(conn, record)
            self._insert_answers(conn, new_id, carried)
            self.audit(
                conn,
                by,
                "assessment.start",
                city_id=city_id,
                assessment_id=new_id,
                new={
                    "title": record.title,
                    "based_on": based_on,
                    "carried_over": len(carried),
                    "left_behind": left_behind,
                },
            )
        return record.model_copy(update={"id": new_id})

    def _carry(self, conn: Connection, framework: Framework, base: Row[Any]) -> tuple[list[RecordedAnswer], list[str]]:
        previous = [_answer(r) for r in conn.execute(select(answers).where(answers.c.assessment_id == base.id))]
        try:
            mapping = map_question_ids(framework, base.framework_version, [a.question_id for a in previous])
        except CrosswalkError as exc:
            raise StorageError(str(exc)) from exc
        moved, left_behind = carry_answers(mapping, previous, lambda a: answer_problem(framework, a) is None)
        carried = [a.model_copy(update={"carried_over": True, "version": 1}) for a in moved]
        return carried, left_behind

    def _insert_assessment(self, conn: Connection, record: AssessmentRecord, digest: str | None = None) -> int:
        values = record.model_dump(mode="json", exclude={"id", "version", "started_at", "submitted_at"})
        result = conn.execute(
            insert(assessments).values(
                **values,
                started_at=record.started_at,
                submitted_at=record.submitted_at,
                imported_digest=digest,
                version=1,
            )
        )
        return _new_id(result)

    def _insert_answers(self, conn: Connection, assessment_id: int, given: Sequence[RecordedAnswer]) -> None:
        if given:
            conn.execute(
                insert(answers),
                [
                    {
                        **_content(a),
                        "assessment_id": assessment_id,
                        "question_id": a.question_id,
                        "answered_by": a.answered_by,
                        "answered_at": a.answered_at or _now(),
                        "version": max(a.version, 1),
                        "carried_over": a.carried_over,
                    }
                    for a in given
                ],
            )

    def set_targets(self, assessment_id: int, targets: Mapping[str, float], by: str) -> AssessmentRecord:
        """Set the team's target score per theme (allowed on submitted assessments too: targets plan ahead)."""
        by = _actor(by)
        with self._write() as conn:
            row = self._assessment_row(conn, assessment_id, lock=True)
            framework = self.framework(row.framework_id, row.framework_version)
            unknown = sorted(set(targets) - {t.id for t in framework.themes})
            if unknown:
                raise StorageError(f"Unknown theme(s) for targets: {', '.join(unknown)}.")
            record = _assessment(row).model_copy(update={"targets": dict(targets)})
            record = AssessmentRecord.model_validate(record.model_dump())  # checks 0–100
            conn.execute(
                update(assessments)
                .where(assessments.c.id == assessment_id)
                .values(targets=record.targets, version=row.version + 1)
            )
            self.audit(
                conn,
                by,
                "assessment.targets",
                city_id=row.city_id,
                assessment_id=assessment_id,
                old=row.targets,
                new=record.targets,
            )
            return record.model_copy(update={"version": row.version + 1})

    def submit_assessment(self, assessment_id: int, by: str) -> AssessmentRecord:
        """Freeze a draft: its answers can no longer change (reopen it as a new version instead)."""
        by = _actor(by)
        with self._write() as conn:
            row = self._assessment_row(conn, assessment_id, lock=True)
            if row.status == AssessmentStatus.SUBMITTED:
                return _assessment(row)
            now = _now()
            conn.execute(
                update(assessments)
                .where(assessments.c.id == assessment_id)
                .values(status=AssessmentStatus.SUBMITTED.value, submitted_at=now, version=row.version + 1)
            )
            count = conn.execute(
                select(func.count()).select_from(answers).where(answers.c.assessment_id == assessment_id)
            ).scalar_one()
            self.audit(
                conn,
                by,
                "assessment.submit",
                city_id=row.city_id,
                assessment_id=assessment_id,
                new={"answers": count},
            )
            return _assessment(self._assessment_row(conn, assessment_id))

    def reopen_assessment(self, assessment_id: int, by: str, title: str | None = None) -> AssessmentRecord:
        """Open a submitted assessment again as a new draft version with the same answers.

        The submitted one stays as it was; both carry an audit event that points at the other.
        """
        by = _actor(by)
        with self._write() as conn:
            row = self._assessment_row(conn, assessment_id, lock=True)
            if row.status != AssessmentStatus.SUBMITTED:
                raise StorageError(f"Assessment {assessment_id} is still a draft; there is nothing to reopen.")
            old = _assessment(row)
            record = old.model_copy(
                update={
                    "id": None,
                    "title": title or f"{old.title[:108]} (revised)",
                    "status": AssessmentStatus.DRAFT,
                    "started_at": _now(),
                    "submitted_at": None,
                    "revision_of": assessment_id,
                    "version": 1,
                }
            )
            record = AssessmentRecord.model_validate(record.model_dump())
            new_id = self._insert_assessment(conn, record)
            kept = [_answer(r) for r in conn.execute(select(answers).where(answers.c.assessment_id == assessment_id))]
            self._insert_answers(conn, new_id, [a.model_copy(update={"version": 1}) for a in kept])
            self.audit(
                conn,
                by,
                "assessment.reopen",
                city_id=row.city_id,
                assessment_id=assessment_id,
                new={"new_version": new_id},
            )
            self.audit(
                conn,
                by,
                "assessment.start",
                city_id=row.city_id,
                assessment_id=new_id,
                new={"title": record.title, "revision_of": assessment_id, "answers": len(kept)},
            )
        return record.model_copy(update={"id": new_id})

    def delete_assessment(self, assessment_id: int, by: str, confirm: str) -> None:
        """Delete an assessment once ``confirm`` repeats its title; its answers stay in the database."""
        by = _actor(by)
        with self._write() as conn:
            row = self._assessment_row(conn, assessment_id, lock=True)
            if confirm.strip() != row.title:
                raise ConfirmationRequired(f"To delete “{row.title}”, type its title exactly to confirm.")
            conn.execute(update(assessments).where(assessments.c.id == assessment_id).values(deleted_at=_now()))
            self.audit(
                conn,
                by,
                "assessment.delete",
                city_id=row.city_id,
                assessment_id=assessment_id,
                old={"title": row.title},
            )

    def restore_assessment(self, assessment_id: int, by: str) -> AssessmentRecord:
        """Bring back a deleted assessment with all its answers."""
        by = _actor(by)
        try:
            with self._write() as conn:
                self._undelete(conn, assessments, assessment_id, "assessment")
                row = self._assessment_row(conn, assessment_id)
                self.audit(conn, by, "assessment.restore", city_id=row.city_id, assessment_id=assessment_id)
                return _assessment(row)
        except IntegrityError:
            raise StorageError(
                f"Assessment {assessment_id} cannot be restored: the same file was imported again since. "
                "Delete that copy first if you want this one back."
            ) from None

    # -- answers ---------------------------------------------------------------------------------

    def answers(self, assessment_id: int) -> list[RecordedAnswer]:
        """Every stored answer of the assessment, in the order they were first given."""
        with self._read() as conn:
            self._assessment_row(conn, assessment_id)
            rows = conn.execute(select(answers).where(answers.c.assessment_id == assessment_id).order_by(answers.c.id))
            return [_answer(r) for r in rows]

    def _draft_row(self, conn: Connection, assessment_id: int) -> Row[Any]:
        """The assessment's row, locked for writing, refusing a submitted one."""
        row = self._assessment_row(conn, assessment_id, lock=True)
        if row.status != AssessmentStatus.DRAFT:
            raise AssessmentLocked(
                f"“{row.title}” was submitted, so its answers are frozen. Reopen it as a new version to change them."
            )
        return row

    def _stored_answers(
        self, conn: Connection, assessment_id: int, question_id: str | None = None
    ) -> dict[str, RecordedAnswer]:
        query = select(answers).where(answers.c.assessment_id == assessment_id)
        if question_id is not None:
            query = query.where(answers.c.question_id == question_id)
        return {r.question_id: _answer(r) for r in conn.execute(query)}

    def _put_answer(
        self,
        conn: Connection,
        row: Row[Any],
        saved: RecordedAnswer,
        before: RecordedAnswer | None,
        by: str,
        action: str,
    ) -> None:
        """Insert or update one answer row and write its audit event."""
        if before is None:
            self._insert_answers(conn, row.id, [saved])
        else:
            conn.execute(
                update(answers)
                .where(answers.c.assessment_id == row.id, answers.c.question_id == saved.question_id)
                .values(
                    **_content(saved),
                    answered_by=saved.answered_by,
                    answered_at=saved.answered_at,
                    version=saved.version,
                    carried_over=False,
                )
            )
        self.audit(
            conn,
            by,
            action,
            city_id=row.city_id,
            assessment_id=row.id,
            question_id=saved.question_id,
            old=_audited(before) if before else None,
            new=_audited(saved),
        )

    def save_answer(
        self, assessment_id: int, answer: RecordedAnswer, by: str, expected_version: int = 0
    ) -> RecordedAnswer:
        """Store one answer now, in its own transaction, with an audit event; return it as stored.

        ``expected_version`` is the version the person was looking at (0 when the question had no
        answer). Saving the identical answer again changes nothing. An answer changed by someone
        else since then raises ``AnswerConflict`` and nothing is overwritten; the refused attempt is
        recorded in the audit trail. Confirming a carried-over answer unchanged clears its mark.
        The assessment row lock serialises writers on both backends, so the read and the write
        below see the same answer.
        """
        by = _actor(by)
        with self._write() as conn:
            row = self._draft_row(conn, assessment_id)
            problem = answer_problem(self.framework(row.framework_id, row.framework_version), answer)
            if problem:
                raise StorageError(problem)
            stored = self._stored_answers(conn, assessment_id, answer.question_id).get(answer.question_id)
            unchanged = stored is not None and same_answer(stored, answer)
            if stored is not None and unchanged and not stored.carried_over:
                return stored  # the same answer again: nothing to do
            given = answer.model_copy(update={"answered_by": by, "answered_at": _now(), "carried_over": False})
            if stored is not None and not unchanged and stored.version != expected_version:
                self.audit(
                    conn,
                    by,
                    "answer.conflict",
                    city_id=row.city_id,
                    assessment_id=assessment_id,
                    question_id=answer.question_id,
                    old=_audited(stored),
                    new={**_audited(given), "expected_version": expected_version},
                )
                conflict = AnswerConflict(stored, given)
            else:
                saved = given.model_copy(update={"version": stored.version + 1 if stored else 1})
                self._put_answer(conn, row, saved, stored, by, "answer.confirm" if unchanged else "answer.save")
                return saved
        raise conflict  # after the commit, so the refused attempt stays in the audit trail

    def save_answers(self, assessment_id: int, given: Sequence[RecordedAnswer], by: str, replace: bool) -> int:
        """Store many answers in one transaction (a spreadsheet import); return how many changed.

        Answers identical to the stored ones are skipped. Unless ``replace``, a different stored
        answer refuses the whole batch, naming the questions; nothing is written then.
        """
        by = _actor(by)
        with self._write() as conn:
            row = self._draft_row(conn, assessment_id)
            framework = self.framework(row.framework_id, row.framework_version)
            problems = [p for p in (answer_problem(framework, a) for a in given) if p]
            if problems:
                raise ImportRefused(problems)
            stored = self._stored_answers(conn, assessment_id)
            changed = [a for a in given if a.question_id not in stored or not same_answer(stored[a.question_id], a)]
            clashes = sorted(a.question_id for a in changed if a.question_id in stored)
            if clashes and not replace:
                raise ImportRefused(
                    [
                        f"these questions already have a different answer: {', '.join(clashes)} "
                        "(import again with replace to overwrite them)"
                    ]
                )
            now = _now()
            for answer in changed:
                before = stored.get(answer.question_id)
                saved = answer.model_copy(
                    update={
                        "answered_by": by,
                        "answered_at": now,
                        "carried_over": False,
                        "version": before.version + 1 if before else 1,
                    }
                )
                self._put_answer(conn, row, saved, before, by, "answer.import")
            return len(changed)

    def matching_city(self, city: City) -> City | None:
        """The stored city with the same name and country (case, spacing and Unicode spelling set aside)."""
        with self._read() as conn:
            row = self._matching_city_row(conn, city)
            return city_from_row(row) if row else None

    def _matching_city_row(self, conn: Connection, city: City) -> Row[Any] | None:
        key = city_key(city.name, city.country)
        return conn.execute(select(cities).where(cities.c.match_key == key, cities.c.deleted_at.is_(None))).first()

    def _earlier_import(self, conn: Connection, digest: str | None) -> ImportRefused | None:
        if not digest:
            return None
        earlier = conn.execute(
            select(assessments.c.id, assessments.c.title).where(
                assessments.c.imported_digest == digest, assessments.c.deleted_at.is_(None)
            )
        ).first()
        if earlier is None:
            return None
        return ImportRefused([f"this file was already imported as assessment {earlier.id} (“{earlier.title}”)"])

    def import_assessment(
        self,
        city: City,
        record: AssessmentRecord,
        given: Sequence[RecordedAnswer],
        by: str,
        *,
        digest: str | None,
        details: Mapping[str, Any],
        use_file_profile: bool = False,
        also: Callable[[Connection, int], None] | None = None,
    ) -> AssessmentRecord:
        """Store an imported assessment, its answers and (when new) its city, all or nothing.

        The city is matched by ``city_key``; its stored profile is kept unless ``use_file_profile``,
        which updates it from ``city`` (the stored spelling of the name stays). A file already
        imported (same ``digest``; None for data that did not come from a file) is refused, also
        when another importer stores it at the same moment: the database's unique keys decide, and
        the loser is told as a sequential importer would be. Answers keep who gave them and when;
        ``details`` go into the audit event. ``also`` writes what else came with the assessment (its
        workshop rounds) in the same transaction, given the connection and the new assessment's id.
        """
        by = _actor(by)
        self.check_city(city)
        for _ in range(_IMPORT_ATTEMPTS):
            try:
                with self._write() as conn:
                    made = self._import(conn, city, record, given, by, digest, details, use_file_profile)
                    if also is not None:
                        also(conn, made.id or 0)
                    return made
            except IntegrityError:
                with self._read() as conn:  # someone else committed first: say what they stored
                    refused = self._earlier_import(conn, digest)
                if refused:
                    raise refused from None
        raise StorageUnavailable(
            "The import clashed with other changes made at the same moment. Nothing was imported; please try again."
        )

    def _import(
        self,
        conn: Connection,
        city: City,
        record: AssessmentRecord,
        given: Sequence[RecordedAnswer],
        by: str,
        digest: str | None,
        details: Mapping[str, Any],
        use_file_profile: bool,
    ) -> AssessmentRecord:
        refused = self._earlier_import(conn, digest)
        if refused:
            raise refused
        found = self._matching_city_row(conn, city)
        if found is None:
            city_id = self._insert_city(conn, city, by)
        else:
            city_id = found.id
            kept = city.model_copy(update={"id": found.id, "name": found.name, "country": found.country})
            if use_file_profile and kept != city_from_row(found):
                self._update_city(conn, found, kept, by)
        record = record.model_copy(update={"city_id": city_id})
        new_id = self._insert_assessment(conn, record, digest=digest)
        self._insert_answers(conn, new_id, [a.model_copy(update={"version": 1}) for a in given])
        self.audit(
            conn,
            by,
            "assessment.import",
            city_id=city_id,
            assessment_id=new_id,
            new={"title": record.title, "answers": len(given), "digest": digest, **details},
        )
        return record.model_copy(update={"id": new_id})

    # -- audit trail -----------------------------------------------------------------------------

    def change_count(self) -> int:
        """How many changes the store has recorded. Every committed change adds an audit event and none
        is ever removed, so the count grows with each one, in whatever order writers commit."""
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(audit_events)).scalar_one())

    def audit_trail(self, *, assessment_id: int | None = None, city_id: int | None = None) -> list[AuditEvent]:
        """Audit events, oldest first, for one assessment, one city, or everything."""
        query = select(audit_events).order_by(audit_events.c.id)
        if assessment_id is not None:
            query = query.where(audit_events.c.assessment_id == assessment_id)
        if city_id is not None:
            query = query.where(audit_events.c.city_id == city_id)
        with self._read() as conn:
            return [AuditEvent(**{**r._asdict(), "at": utc(r.at)}) for r in conn.execute(query)]
