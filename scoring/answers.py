"""Answers in: one typed answer per question, and the validated frame every calculation reads.

The app, the store and the command line all build ``Answer`` objects (or a frame with the same
columns) and pass them through ``answers_frame``, which refuses anything the framework does not
allow and names the question at fault.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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
    "Layout",
    "Status",
    "answer_problem",
    "answers_frame",
    "layout",
    "positions",
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
_STATUSES = pd.Index([s.value for s in Status])  # order matters: level, not applicable, don't know
_EVIDENCE = pd.Index(list(EVIDENCE_RANK))


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


@dataclass(frozen=True)
class Layout:
    """A framework's questions and themes as arrays, in framework order, for vectorised scoring."""

    question_ids: pd.Index
    question_theme: np.ndarray
    question_weight: np.ndarray
    na_allowed: np.ndarray
    theme_ids: np.ndarray
    theme_questions: np.ndarray
    theme_weight_total: np.ndarray
    theme_weight: np.ndarray


def layout(framework: Framework) -> Layout:
    """Arrays of question and theme attributes (plain Python over the framework, no pandas grouping)."""
    themes = framework.themes
    questions = [(code, q) for code, theme in enumerate(themes) for q in theme.questions]
    return Layout(
        question_ids=pd.Index([q.id for _, q in questions], dtype=object),
        question_theme=np.array([code for code, _ in questions], dtype=np.int64),
        question_weight=np.array([q.weight for _, q in questions], dtype=float),
        na_allowed=np.array([q.not_applicable_allowed for _, q in questions], dtype=bool),
        theme_ids=np.array([t.id for t in themes], dtype=object),
        theme_questions=np.array([len(t.questions) for t in themes], dtype=np.int64),
        theme_weight_total=np.array([sum(q.weight for q in t.questions) for t in themes], dtype=float),
        theme_weight=np.array([t.weight for t in themes], dtype=float),
    )


def question_table(framework: Framework) -> pd.DataFrame:
    """One row per question: theme, weights, whether not applicable is allowed, and order."""
    shape = layout(framework)
    return pd.DataFrame(
        {
            "question_id": np.asarray(shape.question_ids, dtype=object),
            "theme_id": shape.theme_ids[shape.question_theme],
            "weight": shape.question_weight,
            "theme_weight": shape.theme_weight[shape.question_theme],
            "na_allowed": shape.na_allowed,
            "order": np.arange(len(shape.question_ids)),
        }
    )


def _as_frame(answers: Iterable[Answer] | pd.DataFrame, assessment: str) -> pd.DataFrame:
    """A new frame with exactly ``ANSWER_COLUMNS``, missing optional columns filled with defaults."""
    if isinstance(answers, pd.DataFrame):
        missing = [c for c in ("question_id", "status") if c not in answers]
        if missing:
            raise AnswerError([f"answers lack the column(s) {', '.join(missing)}"])
        defaults = {"assessment": assessment, "level": np.nan, "evidence": Evidence.NONE.value, "reason": None}
        return pd.DataFrame(
            {c: answers[c].array if c in answers else defaults[c] for c in ANSWER_COLUMNS},
            index=pd.RangeIndex(len(answers)),
        )
    return pd.DataFrame(
        [(assessment, a.question_id, a.status.value, a.level, a.evidence.value, a.reason) for a in answers],
        columns=ANSWER_COLUMNS,
    )


def positions(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Where each of ``values`` sits in ``index`` (-1 when absent).

    A long column is factorised first so that each distinct value is looked up once.
    """
    if len(values) < 5_000:
        return np.asarray(index.get_indexer(values))
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    found = index.get_indexer(uniques)
    return np.where(codes >= 0, found[np.maximum(codes, 0)], -1)


def answer_problem(framework: Framework, answer: Answer) -> str | None:
    """What the framework refuses in one answer (unknown question, forbidden not applicable), or None.

    The checks a single ``Answer`` cannot make on its own; ``answers_frame`` makes the same ones in bulk.
    """
    try:
        question = framework.question(answer.question_id)
    except KeyError:
        return f"{answer.question_id}: unknown question id"
    if answer.status is Status.NOT_APPLICABLE and not question.not_applicable_allowed:
        return f"{answer.question_id}: 'not applicable' is not allowed for this question"
    return None


def _ids(frame: pd.DataFrame, mask: np.ndarray) -> str:
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

    The result adds ``theme_id``, ``weight``, ``evidence_rank`` and ``question_pos`` (the question's
    position in the framework) to the answer columns.
    """
    frame = _as_frame(answers, assessment)
    frame["level"] = pd.to_numeric(frame["level"], errors="coerce").astype("float64")
    frame["evidence"] = frame["evidence"].fillna(Evidence.NONE.value)

    shape = layout(framework)
    position = positions(shape.question_ids, frame["question_id"])  # -1 for an unknown id
    known = position >= 0
    status = positions(_STATUSES, frame["status"])  # -1 for an unknown status
    is_level = status == 0
    is_na = status == 1
    level = frame["level"].to_numpy()
    has_level = ~np.isnan(level)
    evidence_rank = positions(_EVIDENCE, frame["evidence"])
    assessment_code = pd.factorize(frame["assessment"])[0]
    cell = assessment_code * len(shape.question_ids) + position
    repeated = known & pd.Series(cell).duplicated(keep=False).to_numpy()
    no_reason = np.zeros(len(frame), dtype=bool)
    if is_na.any():
        no_reason[is_na] = frame.loc[is_na, "reason"].fillna("").astype(str).str.strip().to_numpy() == ""

    checks = [
        (~known, "unknown question id"),
        (repeated, "answered more than once"),
        (status < 0, "unknown answer status"),
        (evidence_rank < 0, "unknown evidence level"),
        (is_level & ~has_level, "a level from 0 to 4 is required"),
        (is_level & has_level & ((level < 0) | (level > 4) | (np.nan_to_num(level) % 1 != 0)), "level outside 0 to 4"),
        (~is_level & has_level, "a level is only given with status 'level'"),
        (
            is_na & known & ~shape.na_allowed[np.where(known, position, 0)],
            "'not applicable' is not allowed for this question",
        ),
        (no_reason, "'not applicable' needs a reason"),
    ]
    problems = [f"{_ids(frame, mask)}: {message}" for mask, message in checks if mask.any()]
    if problems:
        raise AnswerError(problems)
    frame["theme_id"] = shape.theme_ids[shape.question_theme[position]]
    frame["weight"] = shape.question_weight[position]
    frame["evidence_rank"] = evidence_rank
    frame["question_pos"] = position
    return frame
