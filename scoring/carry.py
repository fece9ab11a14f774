"""Carry answers of an earlier assessment onto the questions of a later framework version."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import TypeVar

from questionnaire.crosswalk import IdMapping
from scoring.answers import Answer, Status

__all__ = ["carry_answers"]

A = TypeVar("A", bound=Answer)


def carry_answers(
    mapping: IdMapping, given: Sequence[A], accept: Callable[[A], bool] = lambda _: True
) -> tuple[list[A], list[str]]:
    """The answers that stay valid on the later version (with their new question ids), and the earlier
    question ids whose answers do not.

    An answer carries when its question maps on as comparable, or when its level is one whose meaning
    the crosswalk says did not change, and ``accept`` takes it on its new question. Two earlier
    answers that would land on one question (a merge) are both left behind: the team answers that
    question afresh.
    """
    moved: list[tuple[A, A | None]] = []
    for answer in given:
        new = mapping.carries(answer.question_id, answer.level if answer.status is Status.LEVEL else None)
        copy = answer.model_copy(update={"question_id": new}) if new else None
        moved.append((answer, copy if copy is not None and accept(copy) else None))
    targets = Counter(copy.question_id for _, copy in moved if copy)
    carried = [copy for _, copy in moved if copy and targets[copy.question_id] == 1]
    left_behind = sorted(a.question_id for a, copy in moved if not copy or targets[copy.question_id] > 1)
    return carried, left_behind
