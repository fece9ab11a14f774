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
    ``questions``, ``applicable``, ``answered``, ``not_applicable``, ``unknown``, ``documented``,
    ``theme_weight``, ``state`` (see ``THEME_STATES``) and ``band``.
    """
    questions = question_table(framework)
    themes = questions.groupby("theme_id", sort=False).agg(
        questions=("question_id", "size"), weight_total=("weight", "sum"), theme_weight=("theme_weight", "first")
    )
    n_themes = len(themes)
    codes, assessments = pd.factorize(answers["assessment"], sort=False)
    if len(assessments) == 0:
        codes, assessments = np.zeros(0, dtype=np.int64), pd.Index(["assessment"], dtype=object)
    theme_code = answers["theme_id"].map({t: i for i, t in enumerate(themes.index)}).to_numpy(dtype=np.int64)
    cell = codes * n_themes + theme_code
    size = len(assessments) * n_themes

    status = answers["status"].to_numpy()
    is_level = status == Status.LEVEL.value
    is_na = status == Status.NOT_APPLICABLE.value
    weight = answers["weight"].to_numpy(dtype=float)
    level = np.nan_to_num(answers["level"].to_numpy(dtype=float))

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(cell, weights=values, minlength=size)

    answered = total(is_level.astype(float))
    answered_weight = total(weight * is_level)
    level_sum = total(weight * level * is_level)
    not_applicable = total(is_na.astype(float))
    na_weight = total(weight * is_na)
    documented = total((is_level & (answers["evidence_rank"].to_numpy() >= 1)).astype(float))

    n_questions = np.tile(themes["questions"].to_numpy(dtype=float), len(assessments))
    applicable = n_questions - not_applicable
    applicable_weight = np.tile(themes["weight_total"].to_numpy(dtype=float), len(assessments)) - na_weight
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(answered_weight > 0, 100 * level_sum / (4 * answered_weight), np.nan)
        conservative = np.where(applicable_weight > 0, 100 * level_sum / (4 * applicable_weight), np.nan)
        completeness = np.where(applicable > 0, answered / applicable, np.nan)
        coverage = np.where(answered > 0, documented / answered, np.nan)
    frame = pd.DataFrame(
        {
            "assessment": np.repeat(np.asarray(assessments, dtype=object), n_themes),
            "theme_id": np.tile(np.asarray(themes.index, dtype=object), len(assessments)),
            "score": score,
            "conservative": conservative,
            "completeness": completeness,
            "evidence_coverage": coverage,
            "questions": n_questions.astype(np.int64),
            "applicable": applicable.astype(np.int64),
            "answered": answered.astype(np.int64),
            "not_applicable": not_applicable.astype(np.int64),
            "unknown": (applicable - answered).astype(np.int64),
            "documented": documented.astype(np.int64),
            "theme_weight": np.tile(themes["theme_weight"].to_numpy(dtype=float), len(assessments)),
            "state": np.select([applicable == 0, answered == 0], ["excluded", "not started"], default="scored"),
        }
    )
    frame["band"] = band_names(frame["score"])
    return frame


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
