"""Workshop rounds: several respondents answer a draft's questions apart, then the team records a
consensus per question, with its rationale and any dissent.

A coordinator opens a round on a draft: which themes, who takes part, whether answers are **blind**
(nobody sees another's answers until the round closes) and whether names are shown to the group
(otherwise respondents appear as "Respondent 1", "Respondent 2"… to everyone but the city's
coordinators). Each respondent's answers are saved the moment they are given, with a version, as
assessment answers are. Closing a round freezes them. A consensus becomes the assessment's answer
through the store's own save path (versioned, audited, conflict-checked); the round keeps who said
what, the rationale and the dissent. Scores come from the assessment's answers only.

Who may do what is checked here, with the person who asks (``access.roles.Actor``), before
anything is read out or written.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from access.accounts import INVITATION_LIFETIME, Accounts, digest
from access.roles import Actor, NotAllowed, Operation, may
from questionnaire.model import Framework, Question
from scoring.records import (
    AssessmentRecord,
    AssessmentStatus,
    RecordedAnswer,
    has_control_characters,
    one_line,
    utc,
)
from storage.errors import NotFound, StorageError
from storage.portable import (
    MAX_DISSENTS,
    PortableDecision,
    PortableDissent,
    PortableRespondent,
    PortableRound,
    PortableRoundAnswer,
)
from storage.store import Store
from storage.tables import (
    accounts,
    assessments,
    cities,
    memberships,
    round_answers,
    round_decisions,
    round_invitations,
    round_participants,
    rounds,
)

__all__ = ["ANSWER_STATUSES", "asked", "Dissent", "Round", "RoundAnswer", "Rounds", "MAX_NOTE", "MIN_RESPONDENTS"]

ANSWER_STATUSES = ("level", "dont_know", "not_my_area")
MAX_NOTE = 5_000
MIN_RESPONDENTS = 2
MAX_RATIONALE = 5_000


def _now() -> datetime:
    return datetime.now(UTC)


def _group(label: str | None) -> str | None:
    """A respondent group's label as kept: one line of up to 80 characters, or None."""
    return one_line(label or "", 80) or None


def _readable(text: str, what: str) -> str:
    """``text`` refused (``StorageError``) when it holds a control character other than tab and line breaks."""
    if has_control_characters(text):
        raise StorageError(f"{what} holds a control character; remove it and try again.")
    return text


@dataclass(frozen=True)
class Participant:
    """A respondent of a round, as the person asking may see them."""

    account_id: int
    label: str
    """Their name, or "Respondent N" where names are not shown to the person asking."""
    group: str | None
    guest: bool


@dataclass(frozen=True)
class Round:
    """A workshop round on a draft assessment."""

    id: int
    assessment_id: int
    number: int
    themes: tuple[str, ...]
    """The themes asked; empty: every theme."""
    blind: bool
    names_shown: bool
    opened_by: str
    opened_at: datetime
    closed_at: datetime | None
    participants: tuple[Participant, ...]
    facilitator_id: int | None = None
    facilitator: str | None = None
    """The member named to close the round and record its consensus, besides the coordinators."""

    @property
    def open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class RoundAnswer:
    """One respondent's answer to one question of a round."""

    respondent: Participant
    question_id: str
    status: str
    level: int | None
    note: str
    version: int
    saved_at: datetime


@dataclass(frozen=True)
class Dissent:
    """A view the consensus did not adopt, kept with it: who holds it, the level they hold, and why."""

    holder: str
    level: int | None
    note: str


def _people(round_id: int) -> Any:
    """The query for a round's respondents with their names, in their order."""
    return (
        select(round_participants, accounts.c.name)
        .join(accounts, accounts.c.id == round_participants.c.account_id)
        .where(round_participants.c.round_id == round_id)
        .order_by(round_participants.c.position)
    )


def asked(framework: Framework, themes: Sequence[str]) -> list[Question]:
    """The questions a round asks: those of ``themes``, or of every theme when none is named."""
    return [q for t in framework.themes if not themes or t.id in themes for q in t.questions]


class Rounds:
    """The workshop rounds of the deployment, in the store's database."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- reading -----------------------------------------------------------------------------------

    def _record(self, assessment_id: int) -> AssessmentRecord:
        return self._store.assessment(assessment_id)

    def _row(self, conn: Connection, round_id: int) -> Any:
        row = conn.execute(select(rounds).where(rounds.c.id == round_id)).one_or_none()
        if row is None:
            raise NotFound(f"There is no round {round_id}.")
        return row

    def _place(self, conn: Connection, round_id: int, account_id: int) -> Any:
        return conn.execute(
            select(round_participants).where(
                round_participants.c.round_id == round_id, round_participants.c.account_id == account_id
            )
        ).one_or_none()

    def _leads(self, row: Any, by: Actor, city_id: int | None) -> bool:
        """Whether ``by`` leads the round: a coordinator of the city, or its named facilitator while
        they are still a member."""
        return may(by, Operation.MANAGE_ASSESSMENTS, city_id) or (
            row.facilitator_id is not None and row.facilitator_id == by.account_id and may(by, Operation.READ, city_id)
        )

    def _round(self, conn: Connection, row: Any, by: Actor, city_id: int) -> Round:
        names = self._leads(row, by, city_id) or row.names_shown
        facilitator = (
            conn.execute(select(accounts.c.name).where(accounts.c.id == row.facilitator_id)).scalar_one_or_none()
            if row.facilitator_id is not None
            else None
        )
        query = _people(row.id)
        if not may(by, Operation.READ, city_id):  # a guest: of the others, not even that they exist
            query = query.where(round_participants.c.account_id == by.account_id)
        people = conn.execute(query).all()
        return Round(
            id=row.id,
            assessment_id=row.assessment_id,
            number=row.number,
            themes=tuple(row.themes),
            blind=row.blind,
            names_shown=row.names_shown,
            opened_by=row.opened_by,
            opened_at=utc(row.opened_at),
            closed_at=utc(row.closed_at) if row.closed_at else None,
            participants=tuple(
                Participant(
                    p.account_id,
                    p.name if names or p.account_id == by.account_id else f"Respondent {p.position}",
                    p.group_label,
                    p.guest,
                )
                for p in people
            ),
            facilitator_id=row.facilitator_id,
            facilitator=facilitator,
        )

    def _visible(self, round_id: int, by: Actor) -> tuple[Any, AssessmentRecord, bool]:
        """The round's row, its assessment, and whether ``by`` takes part; refused for anyone who is
        neither a reader of the city nor a respondent."""
        with self._store.reading() as conn:
            row = self._row(conn, round_id)
            place = self._place(conn, round_id, by.account_id)
        record = self._record(row.assessment_id)
        takes_part = place is not None and (place.guest or may(by, Operation.SEE, record.city_id))
        if not takes_part and not may(by, Operation.READ, record.city_id):
            raise NotAllowed("You take no part in this round.")
        return row, record, takes_part

    def get(self, round_id: int, by: Actor) -> Round:
        """One round, as ``by`` may see it."""
        row, record, _ = self._visible(round_id, by)
        with self._store.reading() as conn:
            return self._round(conn, row, by, record.city_id or 0)

    def framework(self, round_id: int, by: Actor) -> Framework:
        """The framework version the round's questions come from (for its respondents, guests too)."""
        _, record, _ = self._visible(round_id, by)
        return self._store.framework_of(record)

    def of(self, assessment_id: int, by: Actor) -> list[Round]:
        """The rounds of an assessment, oldest first (the city's readers; a respondent sees theirs)."""
        record = self._record(assessment_id)
        reader = may(by, Operation.READ, record.city_id)
        with self._store.reading() as conn:
            found = conn.execute(
                select(rounds).where(rounds.c.assessment_id == assessment_id).order_by(rounds.c.number)
            ).all()
            return [
                self._round(conn, row, by, record.city_id or 0)
                for row in found
                if reader or self._place(conn, row.id, by.account_id) is not None
            ]

    def answers(self, round_id: int, by: Actor) -> list[RoundAnswer]:
        """The round's answers that ``by`` may see: in a blind round that is still open, only their own;
        a guest only ever their own; otherwise every respondent's."""
        row, record, takes_part = self._visible(round_id, by)
        reader = may(by, Operation.READ, record.city_id)
        only_own = (row.blind and row.closed_at is None) or not reader
        with self._store.reading() as conn:
            shown = self._round(conn, row, by, record.city_id or 0)
            query = select(round_answers).where(round_answers.c.round_id == round_id)
            if only_own:
                query = query.where(round_answers.c.account_id == by.account_id)
            found = conn.execute(query.order_by(round_answers.c.question_id, round_answers.c.account_id)).all()
        people = {p.account_id: p for p in shown.participants}
        return [
            RoundAnswer(people[a.account_id], a.question_id, a.status, a.level, a.note, a.version, utc(a.saved_at))
            for a in found
            if a.account_id in people
        ]

    # -- the coordinator's steps -------------------------------------------------------------------

    def open_round(
        self,
        assessment_id: int,
        respondents: Mapping[int, str | None],
        by: Actor,
        themes: Sequence[str] = (),
        blind: bool = True,
        names_shown: bool = False,
        facilitator: int | None = None,
    ) -> Round:
        """Open a round on a draft for ``respondents`` (account id → group label or None), members of
        the city, with a ``facilitator`` (a member's account id) who may close it and record its
        consensus besides the coordinators. Only the city's coordinators may; one round at a time per
        assessment. Guests are invited once it is open (``invite_guest``)."""
        record = self._record(assessment_id)
        if not may(by, Operation.MANAGE_ASSESSMENTS, record.city_id):
            raise NotAllowed("Only the city's coordinators open workshop rounds.")
        if record.status is not AssessmentStatus.DRAFT:
            raise StorageError("A round can be opened only on a draft: reopen the assessment as a new version first.")
        known = {t.id for t in self._store.framework_of(record).themes}
        unknown = sorted(set(themes) - known)
        if unknown:
            raise StorageError(f"The framework has no theme {', '.join(unknown)}.")
        if len(respondents) < MIN_RESPONDENTS:
            raise StorageError(f"A round needs at least {MIN_RESPONDENTS} respondents.")
        groups = {k: _group(v) for k, v in respondents.items()}
        now = _now()
        with self._store.transaction() as conn:
            members = set(
                conn.execute(
                    select(memberships.c.account_id).where(
                        memberships.c.city_id == record.city_id,
                        memberships.c.account_id.in_([*groups, facilitator or 0]),
                    )
                ).scalars()
            )
            if strangers := sorted(set(groups) - members):
                raise StorageError(f"Only members of the city take part; account(s) {strangers} are not.")
            if facilitator is not None and facilitator not in members:
                raise StorageError("The facilitator must be a member of the city.")
            if conn.execute(
                select(rounds.c.id).where(rounds.c.assessment_id == assessment_id, rounds.c.closed_at.is_(None))
            ).first():
                raise StorageError("This assessment has an open round: close it before opening another.")
            number = 1 + int(
                conn.execute(
                    select(func.coalesce(func.max(rounds.c.number), 0)).where(rounds.c.assessment_id == assessment_id)
                ).scalar_one()
            )
            made = conn.execute(
                insert(rounds).values(
                    assessment_id=assessment_id,
                    number=number,
                    themes=sorted(set(themes)),
                    blind=blind,
                    names_shown=names_shown,
                    opened_by=by.name,
                    opened_at=now,
                    facilitator_id=facilitator,
                )
            )
            round_id = int(made.inserted_primary_key[0]) if made.inserted_primary_key else 0
            conn.execute(
                insert(round_participants),
                [
                    {"round_id": round_id, "account_id": a, "position": n, "group_label": g, "guest": False}
                    for n, (a, g) in enumerate(sorted(groups.items()), start=1)
                ],
            )
            self._store.audit(
                conn,
                by.name,
                "round.open",
                city_id=record.city_id,
                assessment_id=assessment_id,
                new={
                    "round": number,
                    "respondents": len(groups),
                    "themes": sorted(set(themes)),
                    "blind": blind,
                    "facilitator": facilitator,
                },
            )
        return self.get(round_id, by)

    def close(self, round_id: int, by: Actor) -> Round:
        """Close the round: its answers are frozen from now on (the city's coordinators or the round's
        facilitator)."""
        with self._store.reading() as conn:
            row = self._row(conn, round_id)
        record = self._record(row.assessment_id)
        if not self._leads(row, by, record.city_id):
            raise NotAllowed("Only the city's coordinators and the round's facilitator close it.")
        with self._store.transaction() as conn:
            closed = conn.execute(
                update(rounds)
                .where(rounds.c.id == round_id, rounds.c.closed_at.is_(None))
                .values(closed_at=_now(), closed_by=by.name)
            ).rowcount
            if closed != 1:
                raise StorageError("This round is closed already.")
            self._store.audit(
                conn, by.name, "round.close", city_id=record.city_id, assessment_id=record.id, new={"round": row.number}
            )
        return self.get(round_id, by)

    def leads(self, round_id: int, by: Actor) -> bool:
        """Whether ``by`` may close the round and record its consensus."""
        with self._store.reading() as conn:
            row = self._row(conn, round_id)
        return self._leads(row, by, self._record(row.assessment_id).city_id)

    def invite_guest(
        self, round_id: int, email: str, name: str, group: str | None, by: Actor, now: datetime | None = None
    ) -> str:
        """A one-time link's token for a guest from a partner organisation to answer this open round,
        and only this round: they join no city. Asking again for the same guest makes a new link and
        ends the old one. Only the city's coordinators invite guests; a member of the city is chosen
        as a respondent when the round is opened, not invited."""
        now = now or _now()
        with self._store.reading() as conn:
            row = self._row(conn, round_id)
        record = self._record(row.assessment_id)
        if not may(by, Operation.MANAGE_ASSESSMENTS, record.city_id):
            raise NotAllowed("Only the city's coordinators invite guests to a round.")
        if row.closed_at is not None:
            raise StorageError("This round is closed: guests are invited while it is open.")
        people = Accounts(self._store)
        account = people.invitable(email, name, by)
        label = _group(group)
        token = secrets.token_urlsafe(32)
        with self._store.transaction() as conn:
            if conn.execute(
                select(memberships.c.id).where(
                    memberships.c.account_id == account.id, memberships.c.city_id == record.city_id
                )
            ).first():
                raise StorageError(
                    f"{account.name} is a member of the city: members take part as respondents chosen when a "
                    "round is opened, not as guests."
                )
            place = self._place(conn, round_id, account.id)
            if place is None:
                position = 1 + int(
                    conn.execute(
                        select(func.coalesce(func.max(round_participants.c.position), 0)).where(
                            round_participants.c.round_id == round_id
                        )
                    ).scalar_one()
                )
                conn.execute(
                    insert(round_participants).values(
                        round_id=round_id, account_id=account.id, position=position, group_label=label, guest=True
                    )
                )
            elif not place.guest:
                raise StorageError(f"{account.name} takes part in this round already.")
            conn.execute(
                update(round_invitations)
                .where(
                    round_invitations.c.round_id == round_id,
                    round_invitations.c.account_id == account.id,
                    round_invitations.c.used_at.is_(None),
                )
                .values(used_at=now)
            )
            conn.execute(
                insert(round_invitations).values(
                    token_hash=digest(token),
                    round_id=round_id,
                    account_id=account.id,
                    created_by=by.name,
                    created_at=now,
                    expires_at=now + INVITATION_LIFETIME,
                )
            )
            self._store.audit(
                conn,
                by.name,
                "round.guest",
                city_id=record.city_id,
                assessment_id=record.id,
                new={"round": row.number, "email": account.email, "group": label},
            )
        return token

    def mine(self, by: Actor) -> list[tuple[Round, str]]:
        """The rounds ``by`` takes part in as a guest, newest first, each with the words that name it
        ("Riverton: Assessment 2026"): all a guest sees of the city."""
        with self._store.reading() as conn:
            found = conn.execute(
                select(rounds, cities.c.name.label("city_name"), assessments.c.title)
                .join(round_participants, round_participants.c.round_id == rounds.c.id)
                .join(assessments, assessments.c.id == rounds.c.assessment_id)
                .join(cities, cities.c.id == assessments.c.city_id)
                .where(round_participants.c.account_id == by.account_id, round_participants.c.guest.is_(True))
                .order_by(rounds.c.opened_at.desc())
            ).all()
            return [(self._round(conn, row, by, 0), f"{row.city_name}: {row.title}") for row in found]

    # -- the respondent's answers ------------------------------------------------------------------

    def answer(
        self,
        round_id: int,
        question_id: str,
        status: str,
        level: int | None,
        note: str,
        by: Actor,
        expected_version: int = 0,
    ) -> RoundAnswer:
        """Save ``by``'s answer to one question of an open round they take part in. A save made against
        a version since changed (in another tab) is refused; nothing is overwritten."""
        if status not in ANSWER_STATUSES:
            raise StorageError(f"“{status}” is not an answer; give a level, “don't know” or “not my area”.")
        if (status == "level") != (level is not None) or (level is not None and not 0 <= level <= 4):
            raise StorageError("A level is a whole number from 0 to 4, given only with the status “level”.")
        if len(note) > MAX_NOTE:
            raise StorageError(f"A note keeps up to {MAX_NOTE:,} characters; this one has {len(note):,}.")
        _readable(note, "The note")
        with self._store.reading() as conn:
            row = self._row(conn, round_id)
        record = self._record(row.assessment_id)
        questions = {
            q.id
            for t in self._store.framework_of(record).themes
            if not row.themes or t.id in row.themes
            for q in t.questions
        }
        if question_id not in questions:
            raise StorageError(f"Question {question_id} is not asked in this round.")
        now = _now()
        with self._store.transaction() as conn:
            place = self._place(conn, round_id, by.account_id)
            if place is None or not (place.guest or may(by, Operation.SEE, record.city_id)):
                raise NotAllowed("You take no part in this round.")  # or no longer a member of the city
            if self._row(conn, round_id).closed_at is not None:
                raise StorageError("This round is closed, so its answers are frozen.")
            where = (
                round_answers.c.round_id == round_id,
                round_answers.c.account_id == by.account_id,
                round_answers.c.question_id == question_id,
            )
            stored = conn.execute(select(round_answers).where(*where)).one_or_none()
            if stored is not None and (stored.status, stored.level, stored.note) == (status, level, note):
                version = stored.version  # the same answer again: nothing to do
            elif stored is not None and stored.version != expected_version:
                raise StorageError(
                    "You changed this answer in another window meanwhile; reload to see it, then answer again."
                )
            else:
                values = {"status": status, "level": level, "note": note, "saved_at": now}
                if stored is None:
                    try:
                        with conn.begin_nested():
                            conn.execute(
                                insert(round_answers).values(
                                    round_id=round_id,
                                    account_id=by.account_id,
                                    question_id=question_id,
                                    version=1,
                                    **values,
                                )
                            )
                    except IntegrityError:
                        raise StorageError(
                            "You answered this question in another window meanwhile; reload to see it."
                        ) from None
                    version = 1
                else:
                    version = stored.version + 1
                    conn.execute(update(round_answers).where(*where).values(version=version, **values))
                self._store.audit(
                    conn,
                    by.name,
                    "round.answer",
                    city_id=record.city_id,
                    assessment_id=record.id,
                    question_id=question_id,
                    new={"round": row.number},  # never the level: the city's readers see the audit trail
                )
        return next(
            a
            for a in self.answers(round_id, by)
            if a.question_id == question_id and a.respondent.account_id == by.account_id
        )

    def progress(self, round_id: int, by: Actor) -> dict[int, int]:
        """How many questions each respondent has answered (by account id): counts only, which a blind
        round may show without showing any answer."""
        _, record, _ = self._visible(round_id, by)
        query = select(round_answers.c.account_id, func.count()).where(round_answers.c.round_id == round_id)
        if not may(by, Operation.READ, record.city_id):  # a guest counts only their own
            query = query.where(round_answers.c.account_id == by.account_id)
        with self._store.reading() as conn:
            found = conn.execute(query.group_by(round_answers.c.account_id)).all()
        return {account_id: int(count) for account_id, count in found}

    # -- the consensus -----------------------------------------------------------------------------

    def decide(
        self,
        round_id: int,
        answer: RecordedAnswer,
        rationale: str,
        dissents: Sequence[Dissent],
        by: Actor,
        expected_version: int = 0,
    ) -> RecordedAnswer:
        """Record the consensus of a closed round on one question: it becomes the assessment's answer
        through the store's save path (``expected_version``: the assessment answer's version the
        coordinator was looking at), and the round keeps the rationale and the dissent."""
        with self._store.reading() as conn:
            row = self._row(conn, round_id)
        record = self._record(row.assessment_id)
        if not self._leads(row, by, record.city_id):
            raise NotAllowed("Only the city's coordinators and the round's facilitator record its consensus.")
        if row.closed_at is None:
            raise StorageError("Close the round first: a consensus is recorded once everyone has answered.")
        if len(rationale) > MAX_RATIONALE or any(len(d.note) > MAX_NOTE or len(d.holder) > 120 for d in dissents):
            raise StorageError(f"A rationale or a dissent keeps up to {MAX_RATIONALE:,} characters.")
        if any(not one_line(d.holder, 120) for d in dissents):
            raise StorageError("Say who holds each dissent (a person, a department or a partner).")
        if len(dissents) > MAX_DISSENTS:
            raise StorageError(f"A consensus keeps up to {MAX_DISSENTS} dissents; group the views that agree.")
        if any(d.level is not None and not 0 <= d.level <= 4 for d in dissents):
            raise StorageError("A dissent's level is a whole number from 0 to 4, or none.")
        for text in (rationale, *(d.note for d in dissents)):
            _readable(text, "The rationale or a dissent")
        saved = self._store.save_answer(record.id or 0, answer, by.name, expected_version)
        kept = [{"holder": one_line(d.holder, 120), "level": d.level, "note": d.note} for d in dissents]
        values = {
            "answer": saved.model_dump(mode="json"),
            "rationale": rationale,
            "dissents": kept,
            "decided_by": by.name,
            "decided_at": _now(),
        }
        with self._store.transaction() as conn:
            where = (round_decisions.c.round_id == round_id, round_decisions.c.question_id == answer.question_id)
            if conn.execute(select(round_decisions.c.id).where(*where)).first():
                conn.execute(update(round_decisions).where(*where).values(**values))
            else:
                conn.execute(
                    insert(round_decisions).values(round_id=round_id, question_id=answer.question_id, **values)
                )
            self._store.audit(
                conn,
                by.name,
                "round.decide",
                city_id=record.city_id,
                assessment_id=record.id,
                question_id=answer.question_id,
                new={"round": row.number, "rationale": rationale, "dissents": kept},
            )
        return saved

    def decisions(self, round_id: int, by: Actor) -> dict[str, tuple[str, list[Dissent], str]]:
        """The round's consensus per question: rationale, dissent and who decided (the city's readers)."""
        row, record, _ = self._visible(round_id, by)
        if not may(by, Operation.READ, record.city_id):
            raise NotAllowed("Only the city's members see the consensus.")
        with self._store.reading() as conn:
            found = conn.execute(select(round_decisions).where(round_decisions.c.round_id == row.id)).all()
        return {
            d.question_id: (
                d.rationale,
                [Dissent(x["holder"], x["level"], x["note"]) for x in d.dissents],
                d.decided_by,
            )
            for d in found
        }

    # -- the portable file -------------------------------------------------------------------------

    def portable(self, assessment_id: int, by: Actor | None = None, latest: bool = False) -> list[PortableRound]:
        """The assessment's closed rounds (only the latest one with ``latest``) as the portable file
        carries them, respondents named as ``by`` may see them (None: the server's administrator at the
        command line, who holds the database and sees names). An open round is left out, so no answer
        of a blind round leaves early."""
        record = self._record(assessment_id)
        framework = self._store.framework_of(record)
        order = {q.id: i for i, q in enumerate(framework.questions)}
        query = select(rounds).where(rounds.c.assessment_id == assessment_id, rounds.c.closed_at.is_not(None))
        with self._store.reading() as conn:
            if latest:
                query = query.order_by(rounds.c.number.desc()).limit(1)
            found = conn.execute(query.order_by(rounds.c.number)).all()
            made: list[PortableRound] = []
            for row in found:
                names = by is None or self._leads(row, by, record.city_id) or row.names_shown
                people = conn.execute(_people(row.id)).all()
                position = {p.account_id: p.position for p in people}
                given = conn.execute(select(round_answers).where(round_answers.c.round_id == row.id)).all()
                decided = conn.execute(select(round_decisions).where(round_decisions.c.round_id == row.id)).all()
                made.append(
                    PortableRound(
                        number=row.number,
                        themes=tuple(row.themes),
                        blind=row.blind,
                        names_shown=row.names_shown,
                        opened_by=row.opened_by,
                        opened_at=utc(row.opened_at),
                        closed_by=row.closed_by or "",
                        closed_at=utc(row.closed_at),
                        respondents=[
                            PortableRespondent(
                                position=p.position,
                                name=(one_line(p.name, 120) if names else "") or f"Respondent {p.position}",
                                group=_group(p.group_label),
                                guest=p.guest,
                            )
                            for p in people
                        ],
                        answers=[
                            PortableRoundAnswer(
                                respondent=position[a.account_id],
                                question_id=a.question_id,
                                status=a.status,
                                level=a.level,
                                note=a.note,
                                saved_at=utc(a.saved_at),
                            )
                            for a in sorted(
                                given, key=lambda a: (order.get(a.question_id, len(order)), position[a.account_id])
                            )
                        ],
                        decisions=[
                            PortableDecision(
                                question_id=d.question_id,
                                status=d.answer["status"],
                                level=d.answer.get("level"),
                                rationale=d.rationale,
                                dissents=tuple(PortableDissent(**x) for x in d.dissents),
                                decided_by=d.decided_by,
                                decided_at=utc(d.decided_at),
                            )
                            for d in sorted(decided, key=lambda d: order.get(d.question_id, len(order)))
                        ],
                    )
                )
        return made

    @staticmethod
    def restore(
        conn: Connection, assessment_id: int, carried: Sequence[PortableRound], answers: Sequence[RecordedAnswer]
    ) -> None:
        """Write the closed rounds of an imported file into the import's transaction. Each respondent
        becomes an account that only stands in for them: it has no password, is disabled, joins no
        city and never signs in. A consensus keeps the imported assessment's answer to its question."""
        now = _now()
        imported = {a.question_id: a for a in answers}
        for made in carried:
            row = conn.execute(
                insert(rounds).values(
                    assessment_id=assessment_id,
                    number=made.number,
                    themes=list(made.themes),
                    blind=made.blind,
                    names_shown=made.names_shown,
                    opened_by=made.opened_by,
                    opened_at=made.opened_at,
                    closed_by=made.closed_by or None,
                    closed_at=made.closed_at,
                )
            )
            round_id = int(row.inserted_primary_key[0]) if row.inserted_primary_key else 0
            account_of: dict[int, int] = {}
            for person in made.respondents:
                account = conn.execute(
                    insert(accounts).values(
                        email=f"respondent-{secrets.token_hex(8)}@imported.invalid",
                        name=person.name,
                        password_hash=None,
                        network_admin=False,
                        created_at=now,
                        disabled_at=now,
                        stands_in=True,
                    )
                )
                account_of[person.position] = (
                    int(account.inserted_primary_key[0]) if account.inserted_primary_key else 0
                )
                conn.execute(
                    insert(round_participants).values(
                        round_id=round_id,
                        account_id=account_of[person.position],
                        position=person.position,
                        group_label=person.group,
                        guest=person.guest,
                    )
                )
            if made.answers:
                conn.execute(
                    insert(round_answers),
                    [
                        {
                            "round_id": round_id,
                            "account_id": account_of[a.respondent],
                            "question_id": a.question_id,
                            "status": a.status,
                            "level": a.level,
                            "note": a.note,
                            "version": 1,
                            "saved_at": a.saved_at,
                        }
                        for a in made.answers
                    ],
                )
            for d in made.decisions:
                answer = imported.get(d.question_id)
                if answer is None or (answer.status, answer.level) != (d.status, d.level):  # changed since
                    answer = RecordedAnswer(
                        question_id=d.question_id,
                        status=d.status,
                        level=d.level,
                        answered_by=d.decided_by,
                        answered_at=d.decided_at,
                    )
                conn.execute(
                    insert(round_decisions).values(
                        round_id=round_id,
                        question_id=d.question_id,
                        answer=answer.model_dump(mode="json"),
                        rationale=d.rationale,
                        dissents=[x.model_dump(mode="json") for x in d.dissents],
                        decided_by=d.decided_by,
                        decided_at=d.decided_at,
                    )
                )
