"""Times are shown on the person's own clock, whatever the browser says of its time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app_pages.common import in_zone

SAVED = datetime(2026, 12, 2, 13, 3, 27, tzinfo=UTC)


def test_a_saved_moment_is_shown_in_the_browsers_time_zone_with_its_name() -> None:
    berlin = in_zone(SAVED, "Europe/Berlin")
    assert (berlin.hour, berlin.minute, berlin.second, berlin.tzname()) == (14, 3, 27, "CET")
    toronto = in_zone(SAVED, "America/Toronto")
    assert (toronto.hour, toronto.tzname()) == (8, "EST")


def test_a_moment_near_midnight_falls_on_the_persons_own_date() -> None:
    late = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)
    assert in_zone(late, "Asia/Tokyo").date().isoformat() == "2026-12-03"


@pytest.mark.parametrize("zone", [None, "", "Not/AZone", "../../etc/passwd"])
def test_a_missing_or_unknown_time_zone_shows_utc(zone: str | None) -> None:
    shown = in_zone(SAVED, zone)
    assert shown.utcoffset() is not None and shown.utcoffset().total_seconds() == 0 and shown.hour == 13


def test_a_stored_moment_without_a_zone_is_taken_as_utc() -> None:
    assert in_zone(SAVED.replace(tzinfo=None), "Europe/Berlin").hour == 14
