"""Compare two assessments of a city, across framework versions, and follow scores over time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from questionnaire.crosswalk import map_question_ids
from questionnaire.model import Framework
from scoring.answers import Status, question_table
from scoring.scores import overall_scores, theme_scores

__all__ = ["CHANGES", "Comparison", "compare", "trends"]

CHANGES = (
    "improved", "declined", "unchanged", "newly answered", "no longer answered",
    "newly not applicable", "no longer not applicable", "question added", "question removed",
)
"""Every kind of item-level change, in the order a report lists them."""


@dataclass(frozen=True)
class Comparison:
    """Before and after, theme by theme and question by question.

    ``themes``: theme_id, before, after, delta (score points). ``items``: question_id (current id),
    before_id, theme_id, before_status, before_level, after_status, after_level, change.
    ``comparable_share``: the share of current questions whose earlier answer could be carried over
    (1.0 within one framework version).
    """

    themes: pd.DataFrame
    overall_before: float
    overall_after: float
    items: pd.DataFrame
    comparable_share: float

    @property
    def overall_delta(self) -> float:
        """Change of the overall index in points (NaN when either side has no index)."""
        return self.overall_after - self.overall_before


def _state(status: pd.Series) -> pd.Series:
    return status.fillna("unanswered")


def compare(
    framework: Framework,
    before: pd.DataFrame,
    after: pd.DataFrame,
    before_framework: Framework | None = None,
) -> Comparison:
    """Compare two answers frames (from ``answers_frame``) of one city.

    ``after`` was answered on ``framework``; ``before`` on ``before_framework`` (default: the same).
    Earlier question ids are carried over through the crosswalk; retired ones are "question removed",
    new ones "question added".
    """
    old = before_framework or framework
    before_themes = theme_scores(old, before)
    after_themes = theme_scores(framework, after)
    themes = (
        before_themes[["theme_id", "score"]]
        .rename(columns={"score": "before"})
        .merge(after_themes[["theme_id", "score"]].rename(columns={"score": "after"}), on="theme_id", how="right")
    )
    themes["delta"] = themes["after"] - themes["before"]

    old_ids = [q.id for q in old.questions]
    mapping = map_question_ids(framework, old.version, old_ids)
    current = question_table(framework)[["question_id", "theme_id"]]
    carried = pd.DataFrame({"before_id": list(mapping.mapped), "question_id": list(mapping.mapped.values())})
    removed = pd.DataFrame({"before_id": mapping.unmapped, "question_id": None})
    removed["theme_id"] = [old.theme_of(q).id for q in mapping.unmapped]

    prior = before[["question_id", "status", "level"]].rename(
        columns={"question_id": "before_id", "status": "before_status", "level": "before_level"}
    )
    now = after[["question_id", "status", "level"]].rename(columns={"status": "after_status", "level": "after_level"})
    items = current.merge(carried, on="question_id", how="left")
    items = pd.concat([items, removed], ignore_index=True)
    items = items.merge(prior, on="before_id", how="left").merge(now, on="question_id", how="left")

    b, a = _state(items["before_status"]), _state(items["after_status"])
    level = Status.LEVEL.value
    na = Status.NOT_APPLICABLE.value
    items["change"] = np.select(
        [
            items["question_id"].isna(),
            items["before_id"].isna(),
            (a == na) & (b != na),
            (b == na) & (a != na),
            (b == level) & (a == level) & (items["after_level"] > items["before_level"]),
            (b == level) & (a == level) & (items["after_level"] < items["before_level"]),
            (b != level) & (a == level),
            (b == level) & (a != level),
        ],
        ["question removed", "question added", "newly not applicable", "no longer not applicable",
         "improved", "declined", "newly answered", "no longer answered"],
        default="unchanged",
    )
    items["before_status"], items["after_status"] = b, a
    share = len(mapping.mapped) / len(current) if len(current) else 1.0
    return Comparison(
        themes=themes,
        overall_before=float(overall_scores(before_themes)["index"].iloc[0]),
        overall_after=float(overall_scores(after_themes)["index"].iloc[0]),
        items=items,
        comparable_share=share,
    )


def trends(framework: Framework, answers: pd.DataFrame, dates: Mapping[str, date]) -> pd.DataFrame:
    """Theme and overall scores of several assessments as a tidy frame, oldest first.

    ``answers`` holds all the assessments (told apart by ``assessment``); ``dates`` gives each one's
    date. Columns: assessment, date, theme_id ("overall" for the index), score.
    """
    themes = theme_scores(framework, answers)
    overall = overall_scores(themes).rename(columns={"index": "score"}).assign(theme_id="overall")
    tidy = pd.concat([themes[["assessment", "theme_id", "score"]], overall[["assessment", "theme_id", "score"]]])
    tidy["date"] = tidy["assessment"].map(dict(dates))
    if tidy["date"].isna().any():
        missing = ", ".join(sorted(set(tidy.loc[tidy["date"].isna(), "assessment"].astype(str))))
        raise ValueError(f"no date for assessment(s) {missing}")
    return tidy.sort_values(["date", "assessment"], kind="stable")[["assessment", "date", "theme_id", "score"]]
