"""What the Plan page shows of a city's actions, and an action proposed from a next step.

The plan is read as a table, one row per action, which the team filters by theme, owner and
status; an open action past its due date is overdue. From a question below its target, one click
proposes an action: the question's next step (the descriptor of the level above) and, where there
is one, the practice matched to its theme. Pure: no database and no pages here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import pandas as pd

from scoring.actions import ACTION_STATUS_LABELS, Action, ActionStatus, ActionTarget, Priority

__all__ = [
    "NO_OWNER",
    "PLAN_COLUMNS",
    "action_from_step",
    "filter_plan",
    "owner_of",
    "plan_rows",
    "shorten",
    "soonest_first",
    "themes_of",
]

NO_OWNER = "No owner yet"
PLAN_COLUMNS = [
    "id",
    "title",
    "status",
    "status_label",
    "priority",
    "owner",
    "start_on",
    "due_on",
    "done_on",
    "overdue",
    "questions",
    "themes",
]
_TITLE_CHARS = 120


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word before ``limit`` characters with an ellipsis when longer."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut}…"


def owner_of(action: Action, owners: Mapping[int, str]) -> str:
    """Who owns ``action``: the member's name, the partner organisation, or ``NO_OWNER``.

    A member who has since left the city is still named by account number, so nothing is hidden."""
    if action.owner_account_id is not None:
        return owners.get(action.owner_account_id, f"Former member (account {action.owner_account_id})")
    return action.owner_partner or NO_OWNER


def themes_of(action: Action, theme_of: Mapping[str, str]) -> tuple[str, ...]:
    """Every theme ``action`` addresses, sorted: named, or of a linked question (``theme_of``: question
    id to theme id)."""
    named = [*action.themes, *(theme_of[q] for q in action.question_ids if q in theme_of)]
    return tuple(sorted(set(named)))


def soonest_first(actions: Iterable[Action]) -> list[Action]:
    """``actions`` soonest due first, undated last, then by id."""
    return sorted(actions, key=lambda a: (a.due_on is None, a.due_on or date.max, a.id or 0))


def _questions(targets: Iterable[ActionTarget]) -> str:
    return "; ".join(t.question_id + ("" if t.target_level is None else f" → level {t.target_level}") for t in targets)


def plan_rows(
    actions: Sequence[Action], owners: Mapping[int, str], theme_of: Mapping[str, str], today: date
) -> pd.DataFrame:
    """One row per action (``PLAN_COLUMNS``), soonest due first and undated last: its status and its
    label, owner, dates, whether it is overdue on ``today``, its questions with their aimed levels, and
    every theme it addresses (named, or of a linked question)."""
    rows = [
        {
            "id": a.id,
            "title": a.title,
            "status": a.status.value,
            "status_label": ACTION_STATUS_LABELS[a.status],
            "priority": a.priority.value,
            "owner": owner_of(a, owners),
            "start_on": a.start_on,
            "due_on": a.due_on,
            "done_on": a.done_on,
            "overdue": a.overdue(today),
            "questions": _questions(a.targets),
            "themes": themes_of(a, theme_of),
        }
        for a in soonest_first(actions)
    ]
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def filter_plan(
    rows: pd.DataFrame,
    themes: Iterable[str] = (),
    owners: Iterable[str] = (),
    statuses: Iterable[str] = (),
    overdue_only: bool = False,
) -> pd.DataFrame:
    """The rows that address any of ``themes``, belong to any of ``owners`` and have any of
    ``statuses`` (each left empty: no filter on it); with ``overdue_only``, only the overdue ones."""
    keep = pd.Series(True, index=rows.index)
    wanted = set(themes)
    if wanted:
        keep &= rows["themes"].map(lambda named: bool(wanted.intersection(named)))
    if chosen := set(owners):
        keep &= rows["owner"].isin(chosen)
    if chosen := set(statuses):
        keep &= rows["status"].isin(chosen)
    if overdue_only:
        keep &= rows["overdue"].astype(bool)
    return rows[keep]


def action_from_step(
    *,
    question_id: str,
    question_text: str,
    theme_id: str,
    level: int | None,
    target_level: int | None,
    next_step: str,
    rank: int | None = None,
    practice: str = "",
    practice_summary: str = "",
) -> Action:
    """An action proposed for a question below its target: to reach the next level (its descriptor is
    the step), aiming at the theme's target level, with the matched ``practice`` (title and city) to
    learn from when there is one. High priority for the two highest-ranked gaps. Not stored."""
    next_level = None if level is None else min(level + 1, 4)
    aim = target_level if target_level is not None else next_level
    lines = [
        f"{question_id}: {question_text}",
        f"Next step{'' if next_level is None else f' (level {next_level})'}: {next_step}",
    ]
    if practice:
        lines.append(f"A practice to learn from: {practice}." + (f" {practice_summary}" if practice_summary else ""))
    source = f"Next step of {question_id}" + (f"; practice: {practice}" if practice else "")
    return Action(
        title=shorten(f"{question_id}: {next_step}", _TITLE_CHARS),
        description="\n\n".join(lines),
        targets=(ActionTarget(question_id=question_id, target_level=aim),),
        themes=(theme_id,),
        status=ActionStatus.PLANNED,
        priority=Priority.HIGH if rank is not None and rank <= 2 else Priority.MEDIUM,
        source=shorten(source, _TITLE_CHARS),
    )
