"""Portable assessment files for tests: the worked example, and hand-made variants signed like real exports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from storage.portable import digest_of

RIVERTON = Path(__file__).resolve().parent / "fixtures" / "assessments" / "riverton-2026.json"


def riverton() -> dict[str, Any]:
    """The worked-example file's content, to change and sign again."""
    content: dict[str, Any] = json.loads(RIVERTON.read_text(encoding="utf-8"))
    return content


def signed(content: dict[str, Any]) -> bytes:
    """``content`` with a correct integrity hash, as a file would be after a genuine export."""
    content = {**content, "integrity": {"algorithm": "sha256", "digest": digest_of(content)}}
    return json.dumps(content, indent=2, ensure_ascii=False).encode("utf-8")


def riverton_workshop() -> dict[str, Any]:
    """The worked example as format version 2, with a closed round on theme T7: two respondents, their
    answers, and a consensus that keeps one dissent."""
    content = riverton()
    content["format_version"] = 2
    content["rounds"] = [
        {
            "number": 1,
            "themes": ["T7"],
            "blind": True,
            "names_shown": False,
            "opened_by": "Coordinator",
            "opened_at": "2026-03-03T09:00:00Z",
            "closed_by": "Coordinator",
            "closed_at": "2026-03-10T17:00:00Z",
            "respondents": [
                {"position": 1, "name": "Respondent 1", "group": "Social services", "guest": False},
                {"position": 2, "name": "Respondent 2", "group": None, "guest": True},
            ],
            "answers": [
                {
                    "respondent": 1,
                    "question_id": "Q7.1",
                    "status": "level",
                    "level": 1,
                    "note": "On paper only",
                    "saved_at": "2026-03-04T10:00:00Z",
                },
                {
                    "respondent": 2,
                    "question_id": "Q7.1",
                    "status": "level",
                    "level": 3,
                    "note": "",
                    "saved_at": "2026-03-05T10:00:00Z",
                },
            ],
            "decisions": [
                {
                    "question_id": "Q7.1",
                    "status": "level",
                    "level": 2,
                    "rationale": "In use in two districts",
                    "dissents": [{"holder": "Social services", "level": 1, "note": "On paper only"}],
                    "decided_by": "Coordinator",
                    "decided_at": "2026-03-11T09:00:00Z",
                }
            ],
        }
    ]
    return content


def riverton_plan() -> dict[str, Any]:
    """The worked example with its workshop round as format version 3, with two actions of the city's
    plan: one owned by a member (by name), in progress with a log line, and one dropped, owned by a partner."""
    content = riverton_workshop()
    content["format_version"] = 3
    content["actions"] = [
        {
            "title": "Hate-crime reporting in every district",
            "description": "Third-party reporting points in libraries.\nReviewed monthly.",
            "targets": [{"question_id": "Q7.1", "target_level": 3}, {"question_id": "Q7.2", "target_level": None}],
            "themes": ["T7"],
            "owner": {"kind": "member", "name": "Ana"},
            "start_on": "2026-02-01",
            "due_on": "2026-06-30",
            "status": "in_progress",
            "dropped_reason": "",
            "done_on": None,
            "priority": "high",
            "currency": "EUR",
            "money_planned": 12000.0,
            "money_actual": None,
            "staff_days_planned": 40.0,
            "staff_days_actual": None,
            "source": "Next step of Q7.1",
            "updated_by": "Ana",
            "updated_at": "2026-03-12T10:00:00Z",
            "updates": [
                {"at": "2026-03-12T10:00:00Z", "by": "Ana", "text": "Two points open", "status": "in_progress"}
            ],
        },
        {
            "title": "Victim liaison rota",
            "description": "",
            "targets": [{"question_id": "Q7.3", "target_level": 2}],
            "themes": [],
            "owner": {"kind": "partner", "name": "Victim Support"},
            "start_on": None,
            "due_on": None,
            "status": "dropped",
            "dropped_reason": "Covered by the regional force",
            "done_on": None,
            "priority": "low",
            "currency": "EUR",
            "money_planned": None,
            "money_actual": None,
            "staff_days_planned": None,
            "staff_days_actual": None,
            "source": "",
            "updated_by": "Cora",
            "updated_at": "2026-03-13T10:00:00Z",
            "updates": [],
        },
    ]
    return content
