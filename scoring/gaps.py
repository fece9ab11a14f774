"""Targets, gaps, question-level next steps and priorities, each able to explain itself."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from questionnaire.model import Framework, text_in
from scoring.answers import Status, question_table
from scoring.bands import BAND_FLOORS, format_points, settle

__all__ = [
    "CHALLENGE_WEIGHT",
    "LEVEL_POINTS",
    "default_targets",
    "priorities",
    "question_steps",
    "theme_gaps",
]

CHALLENGE_WEIGHT = 0.5
"""How much each declared challenge tied to a theme adds to that theme's relevance (base 1)."""

LEVEL_POINTS = 25.0
"""One level on the 0–4 scale is worth 25 points on the 0–100 scale."""


def default_targets(scores: pd.Series) -> pd.Series:
    """The default target for each score: the lower bound of the next band up, capped at the top band."""
    index = np.searchsorted(BAND_FLOORS, scores.to_numpy(dtype=float), side="right") - 1
    targets = BAND_FLOORS[np.minimum(index + 1, len(BAND_FLOORS) - 1)]
    return pd.Series(targets, index=scores.index).where(scores.notna())


def theme_gaps(themes: pd.DataFrame, targets: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Add ``target``, ``target_source`` ("default" or "set by the team") and ``gap`` to ``theme_scores``.

    ``targets`` maps theme ids to targets the team chose (0–100); other themes get the default.
    The gap is target − score, never below 0; a theme without a score has no gap.
    """
    frame = themes.copy()
    chosen = frame["theme_id"].map(dict(targets or {})).astype("float64")
    if ((chosen < 0) | (chosen > 100)).any():
        wrong = ", ".join(frame.loc[(chosen < 0) | (chosen > 100), "theme_id"])
        raise ValueError(f"{wrong}: a target must be between 0 and 100")
    chosen = pd.Series(settle(chosen.to_numpy()), index=frame.index)
    frame["target"] = chosen.fillna(default_targets(frame["score"]))
    frame.loc[frame["score"].isna(), "target"] = chosen
    frame["target_source"] = np.where(chosen.notna(), "set by the team", "default")
    frame["gap"] = settle((frame["target"] - frame["score"]).clip(lower=0).to_numpy(dtype=float))
    return frame


def question_steps(framework: Framework, answers: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    """Every question of every assessment, with its level, the level its theme's target asks for,
    and the next step: the descriptor of the level above the current one, when below target.

    Columns: ``assessment``, ``theme_id``, ``question_id``, ``status`` (level, not_applicable,
    dont_know or unanswered), ``level``, ``target_level``, ``below_target``, ``next_level``,
    ``next_step``, ``reason``.
    """
    questions = question_table(framework)[["question_id", "theme_id", "order"]]
    grid = gaps[["assessment", "theme_id", "target"]].merge(questions, on="theme_id")
    given = answers[["assessment", "question_id", "status", "level", "reason", "evidence"]]
    frame = grid.merge(given, on=["assessment", "question_id"], how="left")
    frame["status"] = frame["status"].fillna("unanswered")
    frame["target_level"] = np.ceil(frame["target"] / LEVEL_POINTS).clip(upper=4)
    is_level = frame["status"] == Status.LEVEL.value
    frame["below_target"] = is_level & (frame["level"] < frame["target_level"])
    frame["next_level"] = (frame["level"] + 1).where(frame["below_target"])
    descriptors = {(q.id, lvl): text_in(text) for q in framework.questions for lvl, text in q.levels.items()}
    keys = zip(frame["question_id"], frame["next_level"], strict=True)
    frame["next_step"] = pd.Series(
        [descriptors.get((qid, int(lvl))) if lvl == lvl else None for qid, lvl in keys],  # lvl == lvl: not NaN
        index=frame.index,
        dtype=object,
    )
    frame = frame.sort_values(["assessment", "order"], kind="stable").drop(columns=["order", "target"])
    return frame.reset_index(drop=True)


def _explain(title: str, score: float, target: float, gap: float, relevance: float, declared: list[str]) -> str:
    sentence = (
        f"{title} scores {format_points(score)} against a target of {format_points(target)}, "
        f"a gap of {format_points(gap)} point{'' if gap == 1 else 's'}"
    )
    if declared:
        reasons = " and ".join(declared)
        return f"{sentence}, weighted ×{relevance:g} because the city declared {reasons}."
    return f"{sentence}; no declared local challenge raises its weight."


def priorities(framework: Framework, gaps: pd.DataFrame, declared: Iterable[str] = ()) -> pd.DataFrame:
    """Themes with a gap, ranked by priority = gap × relevance, each with a one-sentence explanation.

    Relevance is 1 plus ``CHALLENGE_WEIGHT`` for every challenge the city declared that the framework
    ties to the theme. Unknown challenge ids raise ``ValueError``. Ties keep framework order.
    """
    challenges = {c.id: c for c in framework.challenges}
    declared = list(dict.fromkeys(declared))
    unknown = [c for c in declared if c not in challenges]
    if unknown:
        raise ValueError(f"unknown challenge(s): {', '.join(unknown)}")
    tied: dict[str, list[str]] = {t.id: [] for t in framework.themes}
    for challenge_id in declared:
        for theme_id in challenges[challenge_id].themes:
            tied[theme_id].append(text_in(challenges[challenge_id].label).lower())
    titles = {t.id: text_in(t.title) for t in framework.themes}
    order = {t.id: i for i, t in enumerate(framework.themes)}

    frame = gaps[gaps["gap"] > 0].copy()
    frame["relevance"] = 1 + CHALLENGE_WEIGHT * np.array([len(tied[t]) for t in frame["theme_id"]], dtype=float)
    frame["priority"] = (frame["gap"] * frame["relevance"]).round(6)  # equal priorities tie exactly
    frame["explanation"] = [
        _explain(titles[t], s, tg, g, r, tied[t])
        for t, s, tg, g, r in zip(
            frame["theme_id"], frame["score"], frame["target"], frame["gap"], frame["relevance"], strict=True
        )
    ]
    frame["_order"] = frame["theme_id"].map(order)
    frame = frame.sort_values(["assessment", "priority", "_order"], ascending=[True, False, True], kind="stable")
    frame["rank"] = frame.groupby("assessment").cumcount() + 1
    columns = ["assessment", "rank", "theme_id", "score", "target", "gap", "relevance", "priority", "explanation"]
    return frame[columns].reset_index(drop=True)
