"""The action plan's due dates as iCalendar: one all-day event per open dated action, stable UIDs, and
text that stays text whatever the team typed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from reporting.calendar import PRODID, plan_calendar
from scoring.actions import Action, ActionStatus, ActionTarget, Priority

MADE_AT = datetime(2026, 4, 1, 8, 30, tzinfo=UTC)
HOSTILE = 'Rota; a, b \\ c "BEGIN:VEVENT" =HYPERLINK("http://x","y")'


def _plan() -> list[Action]:
    return [
        Action(
            id=7,
            title="Victim liaison rota",
            targets=(ActionTarget(question_id="Q4.2", target_level=3), ActionTarget(question_id="Q12.7")),
            themes=("T4",),
            owner_account_id=11,
            due_on=date(2026, 6, 30),
            status=ActionStatus.IN_PROGRESS,
            priority=Priority.HIGH,
            version=3,
        ),
        Action(id=8, title="Planned, from a partner", owner_partner="Victim Support", due_on=date(2026, 5, 15)),
        Action(id=9, title="Done", due_on=date(2026, 5, 1), status=ActionStatus.DONE, done_on=date(2026, 4, 20)),
        Action(id=10, title="Dropped", due_on=date(2026, 5, 2), status=ActionStatus.DROPPED, dropped_reason="Merged"),
        Action(id=11, title="Planned, no date"),
    ]


def _events(data: bytes) -> list[Calendar]:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_one_all_day_event_per_open_dated_action_soonest_first() -> None:
    data = plan_calendar("Riverton", _plan(), {11: "Ana Lima"}, MADE_AT)
    calendar = Calendar.from_ical(data)
    assert str(calendar["PRODID"]) == PRODID and str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Riverton: action plan"
    events = _events(data)
    assert [str(e["SUMMARY"]) for e in events] == ["Planned, from a partner", "Victim liaison rota"]
    rota = events[1]
    assert rota["DTSTART"].dt == date(2026, 6, 30) and not isinstance(rota["DTSTART"].dt, datetime)
    assert rota["DTEND"].dt == date(2026, 6, 30) + timedelta(days=1)
    assert rota["DTSTART"].params.get("VALUE") == "DATE"
    assert rota["DTSTAMP"].dt == MADE_AT
    description = str(rota["DESCRIPTION"])
    for said in ("Owner: Ana Lima", "Status: In progress", "Priority: high", "Q4.2 (aiming for level 3)", "Q12.7"):
        assert said in description
    assert "Owner: Victim Support" in str(events[0]["DESCRIPTION"])
    assert data.count(b"\r\n") > 10  # lines end in CRLF, as RFC 5545 says


def test_the_uid_of_an_action_stays_the_same_across_exports_and_changes() -> None:
    first = {str(e["SUMMARY"]): str(e["UID"]) for e in _events(plan_calendar("Riverton", _plan(), {}, MADE_AT))}
    changed = [
        a.model_copy(update={"title": "Renamed", "due_on": date(2026, 7, 1)}) if a.id == 7 else a for a in _plan()
    ]
    later = _events(plan_calendar("Riverton", changed, {}, MADE_AT + timedelta(days=30)))
    assert {str(e["UID"]) for e in later} == set(first.values())
    assert first["Victim liaison rota"] == "action-7@cohesion-self-assessment.invalid"
    assert len(set(first.values())) == len(first)


def test_an_empty_plan_is_a_calendar_with_no_event() -> None:
    data = plan_calendar("Riverton", [], {}, MADE_AT)
    assert _events(data) == [] and data.startswith(b"BEGIN:VCALENDAR\r\n")


def test_hostile_text_survives_as_text_and_adds_no_event() -> None:
    injected = "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Injected\r\nDTSTART:20260101"
    hostile = [
        Action(
            id=1,
            title=HOSTILE,
            description=f"Line one\nLine two, with; separators \\ and{injected}",
            owner_partner="Support, Care; Ltd \\ BEGIN:VCALENDAR",
            due_on=date(2026, 5, 1),
        ),
        # a title that skipped validation, with line breaks, still cannot start an event of its own
        Action.model_construct(**{**Action(title="x", due_on=date(2026, 5, 2)).__dict__, "id": 2, "title": injected}),
    ]
    data = plan_calendar("Riverton; \\ ,\r\nBEGIN:VEVENT", hostile, {}, MADE_AT)
    events = _events(data)
    assert len(events) == 2 and data.split(b"\r\n").count(b"BEGIN:VEVENT") == 2
    assert str(events[0]["SUMMARY"]) == HOSTILE
    as_read = injected.replace("\r\n", "\n")  # iCalendar text has one line break, written \n
    assert str(events[1]["SUMMARY"]) == as_read
    description = str(events[0]["DESCRIPTION"])
    assert "Owner: Support, Care; Ltd \\ BEGIN:VCALENDAR" in description
    assert description.endswith(f"Line one\nLine two, with; separators \\ and{as_read}")
    assert b"\r\nX-WR-CALNAME:Riverton\\; \\\\ \\, BEGIN:VEVENT: action plan\r\n" in data
    assert not [line for line in data.split(b"\r\n") if line.startswith(b"SUMMARY:Injected")]
