"""Answers in: one typed answer per question, and the validated frame every calculation reads.

The app, the store and the command line all build ``Answer`` objects (or a frame with the same
columns) and pass them through ``answers_frame``, which refuses anything the framework does not
allow and names the question at fault.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from questionnaire.model import Framework

__all__ = [
    "ANSWER_COLUMNS",
    "Answer",
    "AnswerError",
    "Evidence",
    "EVIDENCE_RANK",
    "Status",
    "answers_frame",
    "question_table",
]


class Status(StrEnum):
    """What kind of answer a question has."""

    LEVEL = "level"
    NOT_APPLICABLE = "not_applicable"
    DONT_KNOW = "dont_know"


class Evidence(StrEnum):
    """How well an answer is backed, from no evidence to an independent evaluation."""

    NONE = "none"
    INTERNAL = "internal_document"
    PUBLISHED = "published"
    EVALUATED = "independently_evaluated"


EVIDENCE_RANK: dict[str, int] = {e.value: rank for rank, e in enumerate(Evidence)}
"""Evidence levels in order; rank 1 (an internal document) or better counts as documented."""

ANSWER_COLUMNS = ["assessment", "question_id", "status", "level", "evidence", "reason"]


class AnswerError(ValueError):
    """Answers the framework cannot accept; ``problems`` lists each one with its question id."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class Answer(BaseModel):
    """One question's answer: a level 0–4, not applicable (with a reason) or don't know."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question_id: str
    status: Status = Status.LEVEL
    level: int | None = Field(default=None, ge=0, le=4)
    evidence: Evidence = Evidence.NONE
    reason: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Answer:
        if self.status is Status.LEVEL and self.level is None:
            raise ValueError(f"{self.question_id}: a level from 0 to 4 is required")
        if self.status is not Status.LEVEL and self.level is not None:
            raise ValueError(f"{self.question_id}: a level is only given with status 'level'")
        if self.status is Status.NOT_APPLICABLE and not (self.reason or "").strip():
            raise ValueError(f"{self.question_id}: 'not applicable' needs a reason")
        return self


def question_table(framework: Framework) -> pd.DataFrame:
    """One row per question: theme, weights, whether not applicable is allowed, and order."""
    rows = [
        {
            "question_id": q.id,
            "theme_id": theme.id,
            "weight": q.weight,
            "theme_weight": theme.weight,
            "na_allowed": q.not_applicable_allowed,
            "order": order,
        }
        for order, (theme, q) in enumerate((t, q) for t in framework.themes for q in t.questions)
    ]
    return pd.DataFrame(rows)


def _as_frame(answers: Iterable[Answer] | pd.DataFrame, assessment: str) -> pd.DataFrame:
    if isinstance(answers, pd.DataFrame):
        frame = answers.copy()
        if "assessment" not in frame:
            frame["assessment"] = assessment
        for column, default in (("evidence", Evidence.NONE.value), ("reason", None), ("level", None)):
            if column not in frame:
                frame[column] = default
        return frame
    return pd.DataFrame(
        [
            {
                "assessment": assessment,
                "question_id": a.question_id,
                "status": a.status.value,
                "level": a.level,
                "evidence": a.evidence.value,
                "reason": a.reason,
            }
            for a in answers
        ],
        columns=ANSWER_COLUMNS,
    )


def _ids(frame: pd.DataFrame, mask: pd.Series) -> str:
    return ", ".join(sorted(set(frame.loc[mask, "question_id"].astype(str))))


def answers_frame(
    framework: Framework, answers: Iterable[Answer] | pd.DataFrame, assessment: str = "assessment"
) -> pd.DataFrame:
    """Validate ``answers`` against ``framework`` and return them as the scoring frame.

    ``answers`` is a list of ``Answer`` or a frame with the columns of ``ANSWER_COLUMNS`` (several
    assessments may share one frame, told apart by ``assessment``). Unanswered questions are simply
    absent. Raises ``AnswerError`` naming every question with an unknown id, a duplicate answer, a
    level outside 0–4, a missing level, an unknown status or evidence, or a not-applicable answer
    that the question forbids or that has no reason.
    """
    frame = _as_frame(answers, assessment)
    missing = [c for c in ("question_id", "status") if c not in frame]
    if missing:
        raise AnswerError([f"answers lack the column(s) {', '.join(missing)}"])
    frame = frame[ANSWER_COLUMNS].reset_index(drop=True)
    frame["level"] = pd.to_numeric(frame["level"], errors="coerce").astype("float64")
    frame["evidence"] = frame["evidence"].fillna(Evidence.NONE.value)

    questions = question_table(framework).set_index("question_id")
    position = questions.index.get_indexer(frame["question_id"])  # -1 for an unknown id
    known = position >= 0
    take = np.where(known, position, 0)
    status = frame["status"]
    level = frame["level"]
    reason = frame["reason"].fillna("").astype(str).str.strip()
    is_level = status == Status.LEVEL.value
    is_na = status == Status.NOT_APPLICABLE.value
    na_allowed = pd.Series(questions["na_allowed"].to_numpy()[take] & known, index=frame.index)
    evidence_rank = pd.Index(list(EVIDENCE_RANK)).get_indexer(frame["evidence"])

    checks = [
        (pd.Series(~known, index=frame.index), "unknown question id"),
        (frame.duplicated(["assessment", "question_id"], keep=False), "answered more than once"),
        (~status.isin([s.value for s in Status]), "unknown answer status"),
        (pd.Series(evidence_rank < 0, index=frame.index), "unknown evidence level"),
        (is_level & level.isna(), "a level from 0 to 4 is required"),
        (is_level & level.notna() & ((level < 0) | (level > 4) | (level % 1 != 0)), "level outside 0 to 4"),
        (~is_level & level.notna(), "a level is only given with status 'level'"),
        (is_na & known & ~na_allowed, "'not applicable' is not allowed for this question"),
        (is_na & (reason == ""), "'not applicable' needs a reason"),
    ]
    problems = [f"{_ids(frame, mask)}: {message}" for mask, message in checks if mask.any()]
    if problems:
        raise AnswerError(problems)
    frame["theme_id"] = questions["theme_id"].to_numpy()[position]
    frame["weight"] = questions["weight"].to_numpy()[position]
    frame["evidence_rank"] = evidence_rank
    return frame
