"""The action plan's due dates as an iCalendar file (RFC 5545), for a team's shared calendar.

One all-day event per open action (planned or in progress) that has a due date, on that date. Each
event's UID is made from the action's id alone, so a calendar that subscribes to the file, or imports
it again, updates the events it has instead of adding copies; SEQUENCE follows the action's version.
The icalendar library writes every value, escaping and folding included. Pure: no database here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event, vText

from scoring.actions import ACTION_STATUS_LABELS, Action
from scoring.plan import owner_of
from scoring.records import utc

__all__ = ["PRODID", "UID_DOMAIN", "action_uid", "plan_calendar"]

PRODID = "-//City Cohesion Self-Assessment//Action plan//EN"
UID_DOMAIN = "cohesion-self-assessment.invalid"
"""The right-hand side of every event's UID: fixed, so the UID of an action never changes."""


def action_uid(action: Action) -> str:
    """The event's UID for ``action``: the same in every export of the plan."""
    return f"action-{action.id}@{UID_DOMAIN}"


def _questions(action: Action) -> str:
    return "; ".join(
        t.question_id + ("" if t.target_level is None else f" (aiming for level {t.target_level})")
        for t in action.targets
    )


def _event(action: Action, due: date, owners: Mapping[int, str], made_at: datetime) -> Event:
    event = Event()
    event.add("uid", action_uid(action))
    event.add("dtstamp", made_at)
    event.add("dtstart", due)
    event.add("dtend", due + timedelta(days=1))
    event.add("summary", action.title)
    lines = [
        f"Owner: {owner_of(action, owners)}",
        f"Status: {ACTION_STATUS_LABELS[action.status]}",
        f"Priority: {action.priority.value}",
    ]
    if action.targets:
        lines.append(f"Questions: {_questions(action)}")
    if action.description.strip():
        lines += ["", action.description.strip()]
    event.add("description", "\n".join(lines))
    event.add("categories", ["Action plan", *action.themes])
    event.add("transp", "TRANSPARENT")  # a deadline, not time taken
    event.add("sequence", max(action.version - 1, 0))
    if action.updated_at is not None:
        event.add("last-modified", utc(action.updated_at))
    return event


def plan_calendar(city_name: str, actions: Sequence[Action], owners: Mapping[int, str], made_at: datetime) -> bytes:
    """The due dates of ``actions`` that are still open, soonest first, as iCalendar bytes: owners named
    from ``owners`` (account id to name), ``made_at`` as every event's DTSTAMP."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", vText(f"{' '.join(city_name.split())}: action plan"))  # an X- name: no type of its own
    stamp = utc(made_at)
    due = sorted(
        ((a.due_on, a) for a in actions if a.open and a.due_on is not None),
        key=lambda pair: (pair[0], pair[1].id or 0),
    )
    for when, action in due:
        calendar.add_component(_event(action, when, owners, stamp))
    data: bytes = calendar.to_ical()
    return data
