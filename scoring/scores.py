"""Theme scores, completeness, evidence coverage and the overall index, for one or many assessments.

Everything is computed with grouped pandas sums over the answers frame (no loop per answer), so a
batch of thousands of assessments costs about as much as a handful.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from questionnaire.model import Framework
from scoring.answers import Status, question_table
from scoring.bands import band_names

__all__ = ["THEME_STATES", "overall_scores", "theme_scores"]

THEME_STATES = ("scored", "not started", "excluded")
"""A theme is *excluded* when every question is not applicable, *not started* when none has a level."""


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (numerator / denominator).where(denominator > 0)


def theme_scores(framework: Framework, answers: pd.DataFrame) -> pd.DataFrame:
    """One row per assessment and theme (themes in framework order).

    ``answers`` comes from ``answers_frame``. Columns: ``assessment``, ``theme_id``, ``score``
    (0–100 over answered applicable questions, weighted; missing when none), ``conservative``
    (unknowns counted as 0), ``completeness`` (0–1), ``evidence_coverage`` (0–1 of answered),
    ``questions``, ``applicable``, ``answered``, ``not_applicable``, ``unknown``, ``theme_weight``,
    ``state`` (see ``THEME_STATES``) and ``band``.
    """
    questions = question_table(framework)
    themes = questions.groupby("theme_id", sort=False).agg(
        questions=("question_id", "size"), weight_total=("weight", "sum"), theme_weight=("theme_weight", "first")
    )
    assessments = pd.unique(answers["assessment"]) if len(answers) else np.array(["assessment"], dtype=object)
    grid = pd.MultiIndex.from_product([assessments, themes.index], names=["assessment", "theme_id"])

    is_level = answers["status"] == Status.LEVEL.value
    is_na = answers["status"] == Status.NOT_APPLICABLE.value
    parts = pd.DataFrame(
        {
            "assessment": answers["assessment"],
            "theme_id": answers["theme_id"],
            "answered": is_level.astype("int64"),
            "answered_weight": answers["weight"].where(is_level, 0.0),
            "level_sum": (answers["weight"] * answers["level"]).where(is_level, 0.0),
            "not_applicable": is_na.astype("int64"),
            "na_weight": answers["weight"].where(is_na, 0.0),
            "documented": (is_level & (answers["evidence_rank"] >= 1)).astype("int64"),
        }
    )
    sums = parts.groupby(["assessment", "theme_id"], sort=False).sum().reindex(grid, fill_value=0)
    frame = sums.join(themes, on="theme_id")

    applicable_weight = frame["weight_total"] - frame["na_weight"]
    frame["applicable"] = frame["questions"] - frame["not_applicable"]
    frame["unknown"] = frame["applicable"] - frame["answered"]
    frame["score"] = 100 * _ratio(frame["level_sum"], 4 * frame["answered_weight"])
    frame["conservative"] = 100 * _ratio(frame["level_sum"], 4 * applicable_weight)
    frame["completeness"] = _ratio(frame["answered"], frame["applicable"])
    frame["evidence_coverage"] = _ratio(frame["documented"], frame["answered"])
    frame["state"] = np.select(
        [frame["applicable"] == 0, frame["answered"] == 0], ["excluded", "not started"], default="scored"
    )
    frame["band"] = band_names(frame["score"])
    columns = [
        "score", "conservative", "completeness", "evidence_coverage", "questions", "applicable", "answered",
        "not_applicable", "unknown", "documented", "theme_weight", "state", "band",
    ]
    return frame[columns].reset_index()


def overall_scores(themes: pd.DataFrame) -> pd.DataFrame:
    """One row per assessment from ``theme_scores``: the overall index and its companions.

    ``index`` is the theme-weighted mean of the scored themes; ``conservative`` the weighted mean
    of the conservative scores of every theme that is not excluded; ``completeness`` and
    ``evidence_coverage`` are pooled over all questions; ``band`` names the index's band.
    """
    scored = themes["state"] == "scored"
    included = themes["state"] != "excluded"
    weight = themes["theme_weight"]
    parts = pd.DataFrame(
        {
            "assessment": themes["assessment"],
            "index_sum": (themes["score"] * weight).where(scored, 0.0),
            "index_weight": weight.where(scored, 0.0),
            "conservative_sum": (themes["conservative"] * weight).where(included, 0.0),
            "conservative_weight": weight.where(included, 0.0),
            "answered": themes["answered"],
            "applicable": themes["applicable"],
            "documented": themes["documented"],
            "not_applicable": themes["not_applicable"],
            "themes_scored": scored.astype("int64"),
            "themes_excluded": (~included).astype("int64"),
        }
    )
    sums = parts.groupby("assessment", sort=False).sum()
    result = pd.DataFrame(
        {
            "index": _ratio(sums["index_sum"], sums["index_weight"]),
            "conservative": _ratio(sums["conservative_sum"], sums["conservative_weight"]),
            "completeness": _ratio(sums["answered"], sums["applicable"]),
            "evidence_coverage": _ratio(sums["documented"], sums["answered"]),
            "answered": sums["answered"],
            "applicable": sums["applicable"],
            "not_applicable": sums["not_applicable"],
            "themes_scored": sums["themes_scored"],
            "themes_excluded": sums["themes_excluded"],
        }
    )
    result["band"] = band_names(result["index"])
    return result.reset_index()
