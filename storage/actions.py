"""The city's action plan in the store: actions with the questions they address, versioned, audited,
and each with a log of updates.

The city's editors and coordinators add and change actions; every member reads them. A change made
against a version since changed (in another window, by a colleague) is refused and overwrites
nothing, as with answers. Who may do what is checked here, with the person who asks
(``access.roles.Actor``), before anything is read out or written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, delete, insert, select, update

from access.roles import Actor, NotAllowed, Operation, may
from questionnaire.problems import first_problem
from scoring.actions import Action, ActionStatus, ActionTarget, ActionUpdate
from scoring.records import has_control_characters, one_line, utc
from storage.errors import NotFound, StorageError
from storage.portable import PortableAction, PortableActionTarget, PortableActionUpdate, PortableOwner
from storage.store import Store
from storage.tables import accounts, action_targets, action_updates, actions, assessments, memberships

__all__ = ["ActionConflict", "Actions", "MAX_ACTIONS", "parse_action", "same_title"]

MAX_ACTIONS = 2_000
"""Actions one city may hold: far more than any plan, few enough to list on one page."""
_CHANGED = [c.name for c in actions.columns if c.name not in ("id", "city_id", "created_by", "created_at")]


class ActionConflict(StorageError):
    """Someone changed the action since it was read; nothing was overwritten. ``current`` is the stored one."""

    def __init__(self, current: Action) -> None:
        self.current = current
        when = current.updated_at.strftime("%d %b %Y %H:%M UTC") if current.updated_at else "an unknown time"
        super().__init__(
            f"“{current.title}” was changed by {current.updated_by or 'someone'} at {when} while you were "
            "editing it; your change was not saved. Reload to see theirs, then change it again."
        )


def _now() -> datetime:
    return datetime.now(UTC)


def _action(row: Any, targets: Sequence[Any]) -> Action:
    return Action(
        id=row.id,
        city_id=row.city_id,
        title=row.title,
        description=row.description,
        targets=tuple(ActionTarget(question_id=t.question_id, target_level=t.target_level) for t in targets),
        themes=tuple(row.themes),
        owner_account_id=row.owner_account_id,
        owner_partner=row.owner_partner,
        start_on=row.start_on,
        due_on=row.due_on,
        status=row.status,
        dropped_reason=row.dropped_reason,
        done_on=row.done_on,
        priority=row.priority,
        currency=row.currency,
        money_planned=row.money_planned,
        money_actual=row.money_actual,
        staff_days_planned=row.staff_days_planned,
        staff_days_actual=row.staff_days_actual,
        source=row.source,
        version=row.version,
        updated_by=row.updated_by,
        updated_at=utc(row.updated_at),
    )


def _stored(action: Action) -> dict[str, Any]:
    """The action's columns as the table holds them (not its id, city, or who made it)."""
    values = action.model_dump(include=set(_CHANGED) & set(Action.model_fields))
    values["themes"] = list(action.themes)
    return values


class Actions:
    """The action plans of the deployment's cities, in the store's database."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- reading -----------------------------------------------------------------------------------

    def _read(self, conn: Connection, where: Any) -> list[Action]:
        rows = conn.execute(select(actions).where(where).order_by(actions.c.id)).all()
        if not rows:
            return []
        targets: dict[int, list[Any]] = {}
        for t in conn.execute(
            select(action_targets)
            .where(action_targets.c.action_id.in_([r.id for r in rows]))
            .order_by(action_targets.c.id)
        ):
            targets.setdefault(t.action_id, []).append(t)
        return [_action(r, targets.get(r.id, [])) for r in rows]

    def of(self, city_id: int, by: Actor) -> list[Action]:
        """The city's actions, oldest first (its members)."""
        if not may(by, Operation.READ, city_id):
            raise NotAllowed("You are not a member of this city, so you cannot see its action plan.")
        with self._store.reading() as conn:
            return self._read(conn, actions.c.city_id == city_id)

    def get(self, action_id: int, by: Actor) -> Action:
        """One action (the city's members)."""
        with self._store.reading() as conn:
            found = self._read(conn, actions.c.id == action_id)
        if not found:
            raise NotFound(f"There is no action {action_id}.")
        if not may(by, Operation.READ, found[0].city_id):
            raise NotAllowed("You are not a member of this city, so you cannot see its action plan.")
        return found[0]

    def updates(self, action_id: int, by: Actor) -> list[ActionUpdate]:
        """The action's log, oldest first."""
        self.get(action_id, by)
        with self._store.reading() as conn:
            rows = conn.execute(
                select(action_updates).where(action_updates.c.action_id == action_id).order_by(action_updates.c.id)
            ).all()
        return [ActionUpdate(at=utc(r.at), by=r.by, text=r.text, status=r.status) for r in rows]

    def owners(self, city_id: int, by: Actor) -> dict[int, str]:
        """Who may own an action: the city's members by account id, with their names."""
        if not may(by, Operation.READ, city_id):
            raise NotAllowed("You are not a member of this city.")
        with self._store.reading() as conn:
            rows = conn.execute(
                select(accounts.c.id, accounts.c.name)
                .join(memberships, memberships.c.account_id == accounts.c.id)
                .where(memberships.c.city_id == city_id)
                .order_by(accounts.c.name)
            ).all()
        return {r.id: r.name for r in rows}

    # -- the portable file ------------------------------------------------------------------------

    def held(self, city_id: int) -> tuple[list[Action], dict[int, str]]:
        """The city's actions, oldest first, and the name of every account that owns one (a member who
        has left included). Unchecked: for a caller that checked already, or the server's administrator
        at the command line."""
        with self._store.reading() as conn:
            found = self._read(conn, actions.c.city_id == city_id)
            owner_ids = sorted({a.owner_account_id for a in found if a.owner_account_id is not None})
            names = (
                {
                    r.id: r.name
                    for r in conn.execute(select(accounts.c.id, accounts.c.name).where(accounts.c.id.in_(owner_ids)))
                }
                if owner_ids
                else {}
            )
        return found, names

    def portable(self, city_id: int) -> list[PortableAction]:
        """The city's actions as the portable file carries them, oldest first, each with its log. A member
        owner is written by name, never by account (unchecked, as ``held``)."""
        found, names = self.held(city_id)
        log: dict[int, list[Any]] = {}
        if found:
            with self._store.reading() as conn:
                for row in conn.execute(
                    select(action_updates)
                    .where(action_updates.c.action_id.in_([a.id for a in found]))
                    .order_by(action_updates.c.id)
                ):
                    log.setdefault(row.action_id, []).append(row)
        return [
            PortableAction(
                **a.model_dump(
                    include=set(PortableAction.model_fields) - {"targets", "owner", "updates", "updated_at"}
                ),
                targets=tuple(PortableActionTarget(**t.model_dump()) for t in a.targets),
                owner=_owner(a, names),
                updated_at=a.updated_at or _now(),
                updates=tuple(
                    PortableActionUpdate(at=utc(u.at), by=u.by, text=u.text, status=u.status)
                    for u in log.get(a.id or 0, [])
                ),
            )
            for a in found
        ]

    @staticmethod
    def restore(conn: Connection, assessment_id: int, carried: Sequence[PortableAction], by: str) -> int:
        """Add an imported file's actions to the plan of the city the assessment was imported into, in
        the import's transaction; return how many were added. A member owner becomes the city's member of
        exactly that name (when exactly one has it), else a partner of that name; an action whose title
        the plan already holds is left out. Who last changed each action, and its log, are kept."""
        city_id = conn.execute(select(assessments.c.city_id).where(assessments.c.id == assessment_id)).scalar_one()
        titles = list(conn.execute(select(actions.c.title).where(actions.c.city_id == city_id)).scalars())
        held = {same_title(t) for t in titles}
        members: dict[str, list[int]] = {}
        for row in conn.execute(
            select(accounts.c.id, accounts.c.name)
            .join(memberships, memberships.c.account_id == accounts.c.id)
            .where(memberships.c.city_id == city_id)
        ):
            members.setdefault(row.name, []).append(row.id)
        adding = [a for a in carried if same_title(a.title) not in held]
        if len(titles) + len(adding) > MAX_ACTIONS:
            raise StorageError(
                f"A city's plan holds up to {MAX_ACTIONS:,} actions; this import would bring it to "
                f"{len(titles) + len(adding):,}. Nothing was imported."
            )
        now = _now()
        for made in adding:
            owner = made.owner
            account = members.get(owner.name, []) if owner and owner.kind == "member" else []
            action = parse_action(
                {
                    **made.model_dump(exclude={"targets", "owner", "updates"}),
                    "targets": [t.model_dump() for t in made.targets],
                    "owner_account_id": account[0] if len(account) == 1 else None,
                    "owner_partner": owner.name if owner and len(account) != 1 else "",
                }
            )
            values = {
                **_stored(action),
                "version": 1,
                "updated_by": made.updated_by or by,
                "updated_at": made.updated_at,
            }
            written = conn.execute(insert(actions).values(city_id=city_id, created_by=by, created_at=now, **values))
            action_id = int(written.inserted_primary_key[0]) if written.inserted_primary_key else 0
            if action.targets:
                conn.execute(
                    insert(action_targets),
                    [
                        {"action_id": action_id, "question_id": t.question_id, "target_level": t.target_level}
                        for t in action.targets
                    ],
                )
            if made.updates:
                conn.execute(
                    insert(action_updates),
                    [
                        {"action_id": action_id, "at": u.at, "by": u.by, "text": u.text, "status": u.status.value}
                        for u in made.updates
                    ],
                )
        return len(adding)

    # -- checks ------------------------------------------------------------------------------------

    def _checked(self, conn: Connection, city_id: int, action: Action) -> Action:
        """``action`` checked again as a whole, against the installed frameworks and the city's members."""
        action = parse_action(action.model_dump())  # a copy made with changed fields is checked too
        frameworks = self._store.frameworks.all()
        questions = {q.id for f in frameworks for q in f.questions}
        themes = {t.id for f in frameworks for t in f.themes}
        if unknown := sorted(set(action.question_ids) - questions):
            raise StorageError(f"No installed framework has the question(s) {', '.join(unknown)}.")
        if unknown := sorted(set(action.themes) - themes):
            raise StorageError(f"No installed framework has the theme(s) {', '.join(unknown)}.")
        for text in (action.description, action.dropped_reason):
            if has_control_characters(text):
                raise StorageError("The text holds a control character; remove it and try again.")
        if (
            action.owner_account_id is not None
            and not conn.execute(
                select(memberships.c.id).where(
                    memberships.c.city_id == city_id, memberships.c.account_id == action.owner_account_id
                )
            ).first()
        ):
            raise StorageError("The owner must be a member of the city (or name a partner organisation instead).")
        if action.status is ActionStatus.DONE and action.done_on is None:
            action = action.model_copy(update={"done_on": date.today()})
        return action

    def _write_targets(self, conn: Connection, action_id: int, targets: Sequence[ActionTarget]) -> None:
        conn.execute(delete(action_targets).where(action_targets.c.action_id == action_id))
        if targets:
            conn.execute(
                insert(action_targets),
                [
                    {"action_id": action_id, "question_id": t.question_id, "target_level": t.target_level}
                    for t in targets
                ],
            )

    def _may_change(self, by: Actor, city_id: int) -> None:
        if not may(by, Operation.ANSWER, city_id):
            raise NotAllowed(
                "Your role in this city does not let you change its action plan (editors and coordinators can)."
            )

    # -- changing ----------------------------------------------------------------------------------

    def add(self, city_id: int, action: Action, by: Actor) -> Action:
        """Add ``action`` to the city's plan (the city's editors and coordinators)."""
        self._may_change(by, city_id)
        self._store.city(city_id)  # refused for a city that does not exist
        now = _now()
        with self._store.transaction() as conn:
            action = self._checked(conn, city_id, action)
            held = conn.execute(select(actions.c.id).where(actions.c.city_id == city_id)).all()
            if len(held) >= MAX_ACTIONS:
                raise StorageError(f"A city's plan holds up to {MAX_ACTIONS:,} actions; drop or merge some first.")
            values = {**_stored(action), "version": 1, "updated_by": by.name, "updated_at": now}
            made = conn.execute(insert(actions).values(city_id=city_id, created_by=by.name, created_at=now, **values))
            action_id = int(made.inserted_primary_key[0]) if made.inserted_primary_key else 0
            self._write_targets(conn, action_id, action.targets)
            self._store.audit(
                conn, by.name, "action.add", city_id=city_id, new={"action": action_id, **_audited(action)}
            )
        return self.get(action_id, by)

    def change(self, action: Action, by: Actor, note: str = "") -> Action:
        """Save a changed action (``action.version``: the version the person was looking at); a change
        of status, or a ``note``, goes into the action's log. Refused with ``ActionConflict`` when the
        action was changed since."""
        current = self.get(action.id or 0, by)
        city_id = current.city_id or 0
        self._may_change(by, city_id)
        if has_control_characters(note):
            raise StorageError("The note holds a control character; remove it and try again.")
        now = _now()
        with self._store.transaction() as conn:
            action = self._checked(conn, city_id, action)
            if action.status is not ActionStatus.DONE:
                action = action.model_copy(update={"done_on": None})
            values = {**_stored(action), "version": action.version + 1, "updated_by": by.name, "updated_at": now}
            written = conn.execute(
                update(actions).where(actions.c.id == action.id, actions.c.version == action.version).values(**values)
            ).rowcount
            if written != 1:
                raise ActionConflict(self._read(conn, actions.c.id == action.id)[0])
            self._write_targets(conn, action.id or 0, action.targets)
            if note.strip() or action.status is not current.status:
                conn.execute(
                    insert(action_updates).values(
                        action_id=action.id, at=now, by=by.name, text=note.strip(), status=action.status.value
                    )
                )
            self._store.audit(
                conn,
                by.name,
                "action.change",
                city_id=city_id,
                old={"action": current.id, **_audited(current)},
                new={"action": action.id, **_audited(action), "note": note.strip()},
            )
        return self.get(action.id or 0, by)


def same_title(title: str) -> str:
    """A title as compared to find an action the plan already holds: case and spacing set aside."""
    return " ".join(title.casefold().split())


def _owner(action: Action, names: dict[int, str]) -> PortableOwner | None:
    if action.owner_account_id is not None:
        name = one_line(names.get(action.owner_account_id, ""))
        return PortableOwner(kind="member", name=name or "A former member")
    return PortableOwner(kind="partner", name=action.owner_partner) if action.owner_partner else None


def _audited(action: Action) -> dict[str, Any]:
    """What the audit trail keeps of an action: every field that people change."""
    return action.model_dump(mode="json", exclude={"id", "city_id", "version", "updated_by", "updated_at"})


def parse_action(values: dict[str, Any]) -> Action:
    """An action from a form's or a file's values, or ``StorageError`` naming the first problem."""
    try:
        return Action.model_validate(values)
    except ValidationError as exc:
        raise StorageError(first_problem(exc)[1]) from None
