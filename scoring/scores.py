"""Theme scores, completeness, evidence coverage and the overall index, for one or many assessments.

Everything is computed with grouped pandas sums over the answers frame (no loop per answer), so a
batch of thousands of assessments costs about as much as a handful.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from questionnaire.model import Framework
from scoring.answers import Status, layout
from scoring.bands import band_names, settle

__all__ = ["THEME_STATES", "overall_scores", "theme_scores"]

THEME_STATES = ("scored", "not started", "excluded")
"""A theme is *excluded* when every question is not applicable, *not started* when none has a level."""


def theme_scores(framework: Framework, answers: pd.DataFrame) -> pd.DataFrame:
    """One row per assessment and theme (themes in framework order).

    ``answers`` comes from ``answers_frame``. Columns: ``assessment``, ``theme_id``, ``score``
    (0–100 over answered applicable questions, weighted, rounded as ``scoring.bands.settle`` says;
    missing when none), ``conservative``
    (unknowns counted as 0), ``completeness`` (0–1), ``evidence_coverage`` (0–1 of answered),
    ``questions``, ``applicable``, ``answered``, ``not_applicable``, ``unknown``, ``documented``,
    ``theme_weight``, ``state`` (see ``THEME_STATES``) and ``band``.
    """
    shape = layout(framework)
    n_themes = len(shape.theme_ids)
    codes, assessments = pd.factorize(answers["assessment"], sort=False)
    if len(assessments) == 0:
        codes, assessments = np.zeros(0, dtype=np.int64), pd.Index(["assessment"], dtype=object)
    cell = codes * n_themes + shape.question_theme[answers["question_pos"].to_numpy()]
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

    n_questions = np.tile(shape.theme_questions, len(assessments))
    applicable = n_questions - not_applicable
    applicable_weight = np.tile(shape.theme_weight_total, len(assessments)) - na_weight
    with np.errstate(divide="ignore", invalid="ignore"):
        score = settle(np.where(answered_weight > 0, 100 * level_sum / (4 * answered_weight), np.nan))
        conservative = settle(np.where(applicable_weight > 0, 100 * level_sum / (4 * applicable_weight), np.nan))
        completeness = np.where(applicable > 0, answered / applicable, np.nan)
        coverage = np.where(answered > 0, documented / answered, np.nan)
    frame = pd.DataFrame(
        {
            "assessment": np.repeat(np.asarray(assessments, dtype=object), n_themes),
            "theme_id": np.tile(shape.theme_ids, len(assessments)),
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
            "theme_weight": np.tile(shape.theme_weight, len(assessments)),
            "state": np.select([applicable == 0, answered == 0], ["excluded", "not started"], default="scored"),
        }
    )
    frame["band"] = band_names(frame["score"])
    return frame


def overall_scores(themes: pd.DataFrame) -> pd.DataFrame:
    """One row per assessment from ``theme_scores``: the overall index and its companions.

    ``index`` is the theme-weighted mean of the scored themes (of their settled scores, then settled
    again: see ``scoring.bands.SCORE_DECIMALS``); ``conservative`` the weighted mean
    of the conservative scores of every theme that is not excluded; ``completeness`` and
    ``evidence_coverage`` are pooled over all questions; ``band`` names the index's band.
    """
    codes, assessments = pd.factorize(themes["assessment"], sort=False)
    state = themes["state"].to_numpy()
    scored = state == "scored"
    included = state != "excluded"
    weight = themes["theme_weight"].to_numpy(dtype=float)

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=values, minlength=len(assessments))

    def column(name: str) -> np.ndarray:
        return np.asarray(themes[name], dtype=float)

    index_weight = total(weight * scored)
    conservative_weight = total(weight * included)
    answered, applicable = total(column("answered")), total(column("applicable"))
    documented = total(column("documented"))
    with np.errstate(divide="ignore", invalid="ignore"):
        result = pd.DataFrame(
            {
                "assessment": np.asarray(assessments, dtype=object),
                "index": settle(
                    np.where(
                        index_weight > 0, total(np.where(scored, column("score") * weight, 0.0)) / index_weight, np.nan
                    )
                ),
                "conservative": settle(
                    np.where(
                        conservative_weight > 0,
                        total(np.where(included, column("conservative") * weight, 0.0)) / conservative_weight,
                        np.nan,
                    )
                ),
                "completeness": np.where(applicable > 0, answered / applicable, np.nan),
                "evidence_coverage": np.where(answered > 0, documented / answered, np.nan),
                "answered": answered.astype(np.int64),
                "applicable": applicable.astype(np.int64),
                "not_applicable": total(column("not_applicable")).astype(np.int64),
                "themes_scored": total(scored.astype(float)).astype(np.int64),
                "themes_excluded": total((~included).astype(float)).astype(np.int64),
            }
        )
    result["band"] = band_names(result["index"])
    return result
