"""Compare two assessments of a city, across framework versions, and follow scores over time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from questionnaire.crosswalk import crosswalk_from, map_question_ids
from questionnaire.model import Framework
from scoring.answers import Status, layout, positions
from scoring.bands import settle
from scoring.scores import overall_scores, theme_scores

__all__ = ["CHANGES", "Comparison", "Comparisons", "compare", "compare_many", "trends"]

CHANGES = (
    "improved", "declined", "unchanged", "newly answered", "no longer answered",
    "newly not applicable", "no longer not applicable", "question added", "question removed",
    "not comparable",
)
"""Every kind of item-level change, in the order a report lists them."""


@dataclass(frozen=True)
class Comparison:
    """Before and after, theme by theme and question by question.

    ``themes``: theme_id, before, after, delta (score points). ``items``: question_id (current id),
    before_id, theme_id, before_status, before_level, after_status, after_level, change.
    ``comparable_share``: the share of current questions whose earlier answer is comparable (1.0
    within one framework version; across versions it counts the answers kept at unchanged levels
    too); ``scale_changed``: the levels meant something else before, so the scores sit on different
    scales (``delta`` is still worked out here; the report and the app do not show it then).
    """

    themes: pd.DataFrame
    overall_before: float
    overall_after: float
    items: pd.DataFrame
    comparable_share: float
    scale_changed: bool = False

    @property
    def overall_delta(self) -> float:
        """Change of the overall index in points (NaN when either side has no index)."""
        return self.overall_after - self.overall_before


@dataclass(frozen=True)
class Comparisons:
    """Many before/after pairs compared at once (see ``compare_many``).

    ``themes``: before_assessment, after_assessment, theme_id, before, after, delta.
    ``overall``: before_assessment, after_assessment, before, after, delta.
    ``items``: before_assessment, after_assessment, question_id, before_id, theme_id, before_status,
    before_level, after_status, after_level, change. ``comparable_share``: the share of current
    questions whose earlier answers are comparable at every level (``compare`` counts, for one pair,
    the answers kept at unchanged levels too).
    """

    themes: pd.DataFrame
    overall: pd.DataFrame
    items: pd.DataFrame
    comparable_share: float
    scale_changed: bool = False


_STATE_NAMES = np.array(["unanswered", *(s.value for s in Status)], dtype=object)  # code + 1 → name
_CHANGE_CODES = np.array(CHANGES, dtype=object)


def _answer_grid(framework: Framework, answers: pd.DataFrame, names: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Status codes (-1 unanswered, 0 level, 1 n/a, 2 don't know) and levels of the assessments
    ``names`` as (assessment × question) arrays in framework order; an assessment with no answer
    row is all unanswered."""
    rows = positions(names, answers["assessment"])
    keep = rows >= 0
    n_questions = len(layout(framework).question_ids)
    status = np.full((len(names), n_questions), -1, dtype=np.int64)
    level = np.full((len(names), n_questions), np.nan)
    pos = answers["question_pos"].to_numpy()[keep]
    status[rows[keep], pos] = positions(pd.Index([s.value for s in Status]), answers["status"])[keep]
    level[rows[keep], pos] = answers["level"].to_numpy(dtype=float)[keep]
    return status, level


def _score_grid(framework: Framework, answers: pd.DataFrame, names: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Theme scores (assessment × theme) and overall index of the assessments ``names``."""
    themes = theme_scores(framework, answers)
    n_themes = len(layout(framework).theme_ids)
    present = names.get_indexer(themes["assessment"].to_numpy()[::n_themes])
    found = present >= 0
    scores = np.full((len(names), n_themes), np.nan)
    index = np.full(len(names), np.nan)
    scores[present[found]] = themes["score"].to_numpy(dtype=float).reshape(-1, n_themes)[found]
    index[present[found]] = overall_scores(themes)["index"].to_numpy(dtype=float)[found]
    return scores, index


ALL_LEVELS_MASK = 0b11111
"""Bit ``n`` set: an earlier answer at level ``n`` stays comparable."""


def _item_template(framework: Framework, old: Framework) -> tuple[pd.DataFrame, float]:
    """Every item a comparison lists: current questions (with the earlier id carried over, if any),
    earlier questions whose successors must be answered afresh (one row per earlier and current id,
    comparable only at the levels the crosswalk keeps) and retired earlier questions; and the share of
    current questions whose earlier answers are comparable whatever their level."""
    mapping = map_question_ids(framework, old.version, [q.id for q in old.questions])
    back = {new: old_id for old_id, new in mapping.mapped.items()}
    rows: list[tuple[str | None, str | None, str, int]] = []
    for theme in framework.themes:
        for q in theme.questions:
            earlier = mapping.earlier_of(q.id)
            if q.id in back or not earlier:
                rows.append((q.id, back.get(q.id), theme.id, ALL_LEVELS_MASK))
            for old_id in earlier:
                kept = mapping.keep_levels.get(old_id, []) if len(mapping.not_comparable[old_id]) == 1 else []
                rows.append((q.id, old_id, theme.id, sum(1 << level for level in kept)))
    rows += [(None, old_id, old.theme_of(old_id).id, ALL_LEVELS_MASK) for old_id in mapping.unmapped]
    template = pd.DataFrame(rows, columns=["question_id", "before_id", "theme_id", "keep"])
    new_ids, old_ids = layout(framework).question_ids, layout(old).question_ids
    template["new_pos"] = new_ids.get_indexer(template["question_id"].fillna(""))
    template["old_pos"] = old_ids.get_indexer(template["before_id"].fillna(""))
    share = len(set(mapping.mapped.values())) / len(new_ids) if len(new_ids) else 1.0
    return template, share


def _categorical(codes: np.ndarray, labels: Sequence[object] | pd.Index | pd.Series) -> pd.Categorical:
    """Labels picked by ``codes`` without copying a string per row (missing labels stay missing)."""
    values = pd.Series(labels, dtype=object).reset_index(drop=True)
    categories = pd.Index(values.dropna().unique())
    label_codes = categories.get_indexer(values)  # -1 for a missing label
    return pd.Categorical.from_codes(label_codes[codes], categories=categories)


def _gather(grid: np.ndarray, rows: np.ndarray, columns: np.ndarray, missing: float) -> np.ndarray:
    picked = grid[rows[:, None], np.maximum(columns, 0)[None, :]]
    return np.where(columns[None, :] >= 0, picked, missing)


def compare_many(
    framework: Framework,
    before: pd.DataFrame,
    after: pd.DataFrame,
    pairs: pd.DataFrame,
    before_framework: Framework | None = None,
) -> Comparisons:
    """Compare many pairs of assessments in one vectorised pass.

    ``before`` and ``after`` are answers frames (``before`` answered on ``before_framework``, default
    ``framework``); ``pairs`` has columns ``before`` and ``after`` naming their assessments (one with
    no answer rows counts as wholly unanswered). Earlier
    question ids are carried over through the crosswalk; retired ones are "question removed", new
    ones "question added".
    """
    old = before_framework or framework
    # One pool of answers (the same frame on both sides) is read and scored once.
    shared = before is after and old is framework
    if shared:
        b_names = a_names = pd.Index(pd.unique(pd.concat([pairs["before"], pairs["after"]])))
    else:
        b_names, a_names = pd.Index(pd.unique(pairs["before"])), pd.Index(pd.unique(pairs["after"]))
    b_rows, a_rows = b_names.get_indexer(pairs["before"]), a_names.get_indexer(pairs["after"])
    b_status, b_level = _answer_grid(old, before, b_names)
    a_status, a_level = (b_status, b_level) if shared else _answer_grid(framework, after, a_names)
    template, share = _item_template(framework, old)
    old_pos, new_pos = template["old_pos"].to_numpy(), template["new_pos"].to_numpy()
    keep = template["keep"].to_numpy()

    bs = _gather(b_status, b_rows, old_pos, -1).astype(np.int64)
    bl = _gather(b_level, b_rows, old_pos, np.nan)
    as_ = _gather(a_status, a_rows, new_pos, -1).astype(np.int64)
    al = _gather(a_level, a_rows, new_pos, np.nan)
    both = (bs == 0) & (as_ == 0)
    # an earlier answer is comparable when its row keeps every level, or keeps the level it gave
    level_bit = np.left_shift(1, np.nan_to_num(bl, nan=0).astype(np.int64))
    kept = (keep[None, :] == ALL_LEVELS_MASK) | ((bs == 0) & ((keep[None, :] & level_bit) != 0))
    apart = ~kept
    change = np.select(
        [
            apart,
            np.broadcast_to(new_pos < 0, bs.shape), np.broadcast_to(old_pos < 0, bs.shape),
            (as_ == 1) & (bs != 1), (bs == 1) & (as_ != 1),
            both & (al > bl), both & (al < bl), (bs != 0) & (as_ == 0), (bs == 0) & (as_ != 0),
        ],
        [CHANGES.index(name) for name in (
            "not comparable", "question removed", "question added", "newly not applicable", "no longer not applicable",
            "improved", "declined", "newly answered", "no longer answered")],
        default=CHANGES.index("unchanged"),
    )
    n_pairs, n_items = bs.shape
    per_pair = np.arange(n_pairs).repeat(n_items)
    per_item = np.tile(np.arange(n_items), n_pairs)
    items = pd.DataFrame(
        {
            "before_assessment": _categorical(b_rows[per_pair], b_names),
            "after_assessment": _categorical(a_rows[per_pair], a_names),
            "question_id": _categorical(per_item, template["question_id"]),
            "before_id": _categorical(per_item, template["before_id"]),
            "theme_id": _categorical(per_item, template["theme_id"]),
            "before_status": _categorical(bs.ravel() + 1, _STATE_NAMES),
            "before_level": bl.ravel(),
            "after_status": _categorical(as_.ravel() + 1, _STATE_NAMES),
            "after_level": al.ravel(),
            "change": _categorical(change.ravel(), _CHANGE_CODES),
        }
    )

    b_scores, b_overall = _score_grid(old, before, b_names)
    a_scores, a_overall = (b_scores, b_overall) if shared else _score_grid(framework, after, a_names)
    new_theme_ids = layout(framework).theme_ids
    old_theme_pos = pd.Index(layout(old).theme_ids).get_indexer(new_theme_ids)
    theme_before = _gather(b_scores, b_rows, old_theme_pos, np.nan)
    theme_after = a_scores[a_rows]
    themes = pd.DataFrame(
        {
            "before_assessment": np.repeat(pairs["before"].to_numpy(dtype=object), len(new_theme_ids)),
            "after_assessment": np.repeat(pairs["after"].to_numpy(dtype=object), len(new_theme_ids)),
            "theme_id": np.tile(new_theme_ids, n_pairs),
            "before": theme_before.ravel(),
            "after": theme_after.ravel(),
            "delta": settle(theme_after - theme_before).ravel(),
        }
    )
    b_index, a_index = b_overall[b_rows], a_overall[a_rows]
    overall = pd.DataFrame(
        {
            "before_assessment": pairs["before"].to_numpy(dtype=object),
            "after_assessment": pairs["after"].to_numpy(dtype=object),
            "before": b_index,
            "after": a_index,
            "delta": settle(a_index - b_index),
        }
    )
    crosswalk = crosswalk_from(framework, old.version)
    return Comparisons(
        themes=themes,
        overall=overall,
        items=items,
        comparable_share=share,
        scale_changed=bool(crosswalk and crosswalk.scale_changed),
    )


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
    before = before.assign(assessment="before")
    after = after.assign(assessment="after")
    pairs = pd.DataFrame({"before": ["before"], "after": ["after"]})
    result = compare_many(framework, before, after, pairs, before_framework)
    keep = ["before_assessment", "after_assessment"]
    overall = result.overall.iloc[0]
    items = result.items.drop(columns=keep)
    current = items[items["question_id"].notna() & ~items["change"].isin(["not comparable", "question added"])]
    n_questions = len(layout(framework).question_ids)
    return Comparison(
        themes=result.themes.drop(columns=keep),
        overall_before=float(overall["before"]),
        overall_after=float(overall["after"]),
        items=items,
        comparable_share=current["question_id"].nunique() / n_questions if n_questions else 1.0,
        scale_changed=result.scale_changed,
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
