"""The city's action plan: owned actions that address questions, and how they line up with the change
between two assessments.

An action belongs to the city, not to one assessment, so it outlives the assessment that prompted
it. It addresses questions (each with the level it aims for) and themes, has an owner (a member of
the city or a named partner organisation), dates, a status, a priority and a budget in money and
staff time, planned and actual. At the next assessment, each question that changed is set beside
the actions linked to it, and the plan is read three ways: actions done where the question moved,
questions that moved with no action, and actions done with no movement. Pure: no database here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self

import pandas as pd
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from scoring.records import Name, Note, ShortText, one_line

__all__ = [
    "ACTION_STATUS_LABELS",
    "MAX_LINKS",
    "Action",
    "ActionStatus",
    "ActionTarget",
    "ActionUpdate",
    "Priority",
    "actions_beside_changes",
    "plan_progress",
]

MAX_LINKS = 50
"""Questions (or themes) one action may address."""


class ActionStatus(StrEnum):
    """Where an action stands."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


ACTION_STATUS_LABELS = {
    ActionStatus.PLANNED: "Planned",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.DONE: "Done",
    ActionStatus.DROPPED: "Dropped",
}
OPEN_STATUSES = frozenset({ActionStatus.PLANNED, ActionStatus.IN_PROGRESS})


class Priority(StrEnum):
    """How urgent the team holds an action to be."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


Amount = Annotated[float, Field(ge=0, le=1e12)]
QuestionId = Annotated[str, Field(min_length=1, max_length=64)]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ActionTarget(_Part):
    """A question an action addresses, and the level it aims to reach there (None: not set)."""

    question_id: QuestionId
    target_level: Annotated[int, Field(ge=0, le=4)] | None = None


class ActionUpdate(_Part):
    """One line of an action's log: what happened, who wrote it, when, and the status it left."""

    at: datetime
    by: ShortText
    text: Note
    status: ActionStatus


class Action(_Part):
    """One action of a city's plan, as the store keeps it (``id`` None until stored)."""

    id: int | None = None
    city_id: int | None = None
    title: Name
    description: Note = ""
    targets: tuple[ActionTarget, ...] = Field(default=(), max_length=MAX_LINKS)
    themes: tuple[Annotated[str, Field(min_length=1, max_length=64)], ...] = Field(default=(), max_length=MAX_LINKS)
    """Themes addressed as a whole, besides those of the questions."""
    owner_account_id: int | None = None
    """A member of the city who owns the action, or None."""
    owner_partner: Annotated[str, AfterValidator(one_line), Field(max_length=120)] = ""
    """A partner organisation that owns the action, where no member does."""
    start_on: date | None = None
    due_on: date | None = None
    status: ActionStatus = ActionStatus.PLANNED
    dropped_reason: Annotated[Note, Field(max_length=1_000)] = ""
    done_on: date | None = None
    priority: Priority = Priority.MEDIUM
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "EUR"
    money_planned: Amount | None = None
    money_actual: Amount | None = None
    staff_days_planned: Amount | None = None
    staff_days_actual: Amount | None = None
    source: ShortText = ""
    """Where the action came from, for example "Next step of Q4.2" or a matched practice."""
    version: int = 0
    updated_by: ShortText = ""
    updated_at: datetime | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.start_on and self.due_on and self.due_on < self.start_on:
            raise ValueError("the due date comes before the start date")
        if self.status is ActionStatus.DROPPED and not self.dropped_reason.strip():
            raise ValueError("say why the action was dropped")
        if self.owner_account_id is not None and self.owner_partner:
            raise ValueError("an action has one owner: a member of the city or a partner organisation, not both")
        questions = [t.question_id for t in self.targets]
        if len(set(questions)) < len(questions):
            raise ValueError("each question is linked to an action once")
        return self

    @property
    def question_ids(self) -> tuple[str, ...]:
        """The questions the action addresses, in the order given."""
        return tuple(t.question_id for t in self.targets)

    @property
    def open(self) -> bool:
        """Still to do: planned or in progress."""
        return self.status in OPEN_STATUSES

    def overdue(self, today: date) -> bool:
        """Still open after its due date."""
        return self.open and self.due_on is not None and self.due_on < today


def plan_progress(actions: Sequence[Action], today: date) -> dict[str, int]:
    """How far the plan has got: actions by status, how many are overdue, and how many in all."""
    counts = {status.value: sum(a.status is status for a in actions) for status in ActionStatus}
    return {**counts, "overdue": sum(a.overdue(today) for a in actions), "total": len(actions)}


_MOVED = ("improved", "declined")


def actions_beside_changes(
    items: pd.DataFrame, actions: Sequence[Action], since: date | None = None, until: date | None = None
) -> pd.DataFrame:
    """Each question of a comparison (``Comparison.items``: question_id, before_id, before_level,
    after_level, change) beside the actions linked to it, and what the pair says.

    Columns: question_id, change, before_level, after_level, actions (the linked actions' ids),
    done (ids of those done between ``since`` and ``until``, the two assessments, when given), and
    reading: "moved with action" (the level changed and a linked action was done), "moved with no
    action", "action done, no movement" (a linked action was done and the level stayed), or "" (no
    change and no action done). An action is linked to a question by its current id or the id the
    earlier assessment used.
    """
    linked: dict[str, list[Action]] = {}
    for action in actions:
        for question_id in action.question_ids:
            linked.setdefault(question_id, []).append(action)

    def done_between(action: Action) -> bool:
        when = action.done_on
        if action.status is not ActionStatus.DONE:
            return False
        return when is None or ((since is None or when >= since) and (until is None or when <= until))

    rows = []
    for item in items.itertuples(index=False):
        ids = {str(item.question_id), str(getattr(item, "before_id", item.question_id))}
        mine = [a for q in sorted(ids) for a in linked.get(q, [])]
        mine = list({a.id: a for a in mine}.values())
        done = [a for a in mine if done_between(a)]
        moved = str(item.change) in _MOVED
        reading = (
            "moved with action"
            if moved and done
            else "moved with no action"
            if moved
            else "action done, no movement"
            if done and str(item.change) == "unchanged"
            else ""
        )
        rows.append(
            {
                "question_id": str(item.question_id),
                "change": str(item.change),
                "before_level": item.before_level,
                "after_level": item.after_level,
                "actions": tuple(a.id for a in mine),
                "done": tuple(a.id for a in done),
                "reading": reading,
            }
        )
    return pd.DataFrame(
        rows, columns=["question_id", "change", "before_level", "after_level", "actions", "done", "reading"]
    )
