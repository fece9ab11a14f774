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
