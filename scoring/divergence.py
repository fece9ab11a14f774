"""How far the respondents of a workshop round agree, question by question (pure pandas).

Several people answer the same questions on their own; before the team records a consensus, it
sees where it disagrees. For each question: how many gave a level, the median, the interquartile
range (IQR), the lowest and highest level and the count at each level; how many said "don't know"
or "not my area" (they are counted, never averaged in). A question is flagged as divergent when the
IQR is above 1 (the Delphi convention for a five-point scale) or when two answers are two or more
levels apart. For the round as a whole, Krippendorff's alpha (ordinal) says how consistent the
respondents are across questions; it is unstable for small groups, so it comes with a caveat.

The spread is shown beside the consensus, never mixed into a score: scores come from the
assessment's answers, which the consensus sets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np
import pandas as pd

__all__ = [
    "LEVELS",
    "SMALL_GROUP",
    "Agreement",
    "Spread",
    "agreement",
    "divergence_table",
    "spread_of",
]

LEVELS: tuple[int, ...] = (0, 1, 2, 3, 4)
WIDE_IQR = 1.0
"""An IQR above this (in levels) is a wide spread."""
APART = 2
"""Two answers this many levels apart, or more, disagree."""
SMALL_GROUP = 5
"""Below this many respondents, alpha is a hint only (Krippendorff's alpha needs many pairs of values)."""
UNSURE = ("dont_know", "not_my_area")
"""What a respondent may give instead of a level."""


@dataclass(frozen=True)
class Spread:
    """The answers to one question of a round."""

    answered: int
    """How many gave a level."""
    unsure: int
    """How many said "don't know" or "not my area"."""
    median: float | None
    q1: float | None
    q3: float | None
    lowest: int | None
    highest: int | None
    counts: tuple[int, ...]
    """How many gave each level, 0 to 4."""

    @property
    def iqr(self) -> float | None:
        """The interquartile range, in levels."""
        return None if self.q1 is None or self.q3 is None else self.q3 - self.q1

    @property
    def levels_apart(self) -> int | None:
        """The distance between the lowest and the highest level given."""
        return None if self.lowest is None or self.highest is None else self.highest - self.lowest

    @property
    def divergent(self) -> bool:
        """The group disagrees: a wide IQR, or answers two or more levels apart."""
        return (self.iqr or 0.0) > WIDE_IQR or (self.levels_apart or 0) >= APART

    @property
    def settled(self) -> int | None:
        """The level the group agrees on without a discussion: the median, when nobody disputes it
        (not divergent) and it is a whole level; None when the team has to decide."""
        if self.median is None or self.divergent or not float(self.median).is_integer():
            return None
        return int(self.median)

    @property
    def why(self) -> str:
        """Why the question is flagged, in words ("" when it is not)."""
        reasons = []
        if (self.iqr or 0.0) > WIDE_IQR:
            reasons.append(f"the middle half of the answers spans {self.iqr:g} levels")
        if (self.levels_apart or 0) >= APART:
            reasons.append(f"answers are {self.levels_apart} levels apart ({self.lowest} to {self.highest})")
        return "; ".join(reasons)


def spread_of(levels: Sequence[int], unsure: int = 0) -> Spread:
    """The spread of the levels given to one question (``unsure``: how many gave no level)."""
    if any(level not in LEVELS for level in levels):
        raise ValueError(f"levels must be whole numbers from 0 to 4, not {sorted(set(levels) - set(LEVELS))}")
    counts = tuple(sum(1 for level in levels if level == value) for value in LEVELS)
    if not levels:
        return Spread(0, unsure, None, None, None, None, None, counts)
    values = pd.Series(levels, dtype="float64")
    return Spread(
        answered=len(levels),
        unsure=unsure,
        median=float(values.median()),
        q1=float(values.quantile(0.25)),
        q3=float(values.quantile(0.75)),
        lowest=min(levels),
        highest=max(levels),
        counts=counts,
    )


def _levels_and_unsure(answers: pd.DataFrame) -> tuple[list[int], int]:
    given = answers[answers["status"] == "level"]["level"]
    return [int(v) for v in given.dropna()], int(answers["status"].isin(UNSURE).sum())


def divergence_table(answers: pd.DataFrame, by: Sequence[str] = ("question_id",)) -> pd.DataFrame:
    """One row per question (per ``by`` group, e.g. ``("question_id", "group")``) with its spread,
    widest disagreement first.

    ``answers`` has one row per respondent and question: ``question_id``, ``respondent``, ``status``
    ("level", "dont_know" or "not_my_area"), ``level`` (0–4 when the status is "level"), and any
    column named in ``by``.
    """
    columns = [*by, "answered", "unsure", "median", "q1", "q3", "iqr", "lowest", "highest", "levels_apart"]
    columns += [*(f"at_{level}" for level in LEVELS), "divergent", "why"]
    rows = []
    for key, group in answers.groupby(list(by), sort=False, dropna=False):
        keys = key if isinstance(key, tuple) else (key,)
        spread = spread_of(*_levels_and_unsure(group))
        rows.append(
            {
                **dict(zip(by, keys, strict=True)),
                "answered": spread.answered,
                "unsure": spread.unsure,
                "median": spread.median,
                "q1": spread.q1,
                "q3": spread.q3,
                "iqr": spread.iqr,
                "lowest": spread.lowest,
                "highest": spread.highest,
                "levels_apart": spread.levels_apart,
                **{f"at_{level}": count for level, count in zip(LEVELS, spread.counts, strict=True)},
                "divergent": spread.divergent,
                "why": spread.why,
            }
        )
    table = pd.DataFrame(rows, columns=columns)
    if table.empty:
        return table
    order = table.assign(_iqr=table["iqr"].fillna(-1.0), _apart=table["levels_apart"].fillna(-1))
    order = order.sort_values(["divergent", "_iqr", "_apart", "answered"], ascending=[False, False, False, False])
    return table.loc[order.index].reset_index(drop=True)


@dataclass(frozen=True)
class Agreement:
    """How consistent a round's respondents are across its questions."""

    alpha: float | None
    """Krippendorff's alpha, ordinal: 1 all agree, 0 no better than chance; None where it cannot be
    worked out (fewer than two respondents sharing a question, or no variation at all)."""
    respondents: int
    questions: int
    caveat: str


def agreement(answers: pd.DataFrame) -> Agreement:
    """Krippendorff's alpha (ordinal, levels 0–4) over the round's questions, with what it can and
    cannot say. Only levels count; "don't know" and "not my area" are missing values."""
    levels = answers[answers["status"] == "level"].dropna(subset=["level"])
    matrix = levels.pivot_table(index="respondent", columns="question_id", values="level", aggfunc="first")
    respondents, questions = int(matrix.shape[0]), int(matrix.shape[1])
    shared = int((matrix.notna().sum(axis=0) >= 2).sum()) if respondents else 0
    alpha: float | None = None
    if respondents >= 2 and shared >= 1:
        with np.errstate(invalid="ignore", divide="ignore"):
            value = krippendorff.alpha(
                reliability_data=matrix.to_numpy(dtype="float64"),
                value_domain=list(LEVELS),
                level_of_measurement="ordinal",
            )
        alpha = None if math.isnan(value) else float(value)
    if alpha is None:
        caveat = (
            "Agreement cannot be worked out: it needs at least two respondents answering the same "
            "questions with some difference between answers."
        )
    elif respondents < SMALL_GROUP:
        caveat = (
            f"With {respondents} respondents this figure is unstable; read it as a hint and look at the "
            "questions themselves."
        )
    else:
        caveat = (  # Krippendorff's own conventions (Content Analysis, 2004, §11.4.4)
            "Above 0.8 the respondents mostly agree; below 0.67 they see the city quite differently."
        )
    return Agreement(alpha, respondents, questions, caveat)
