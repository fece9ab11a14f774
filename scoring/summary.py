"""Everything the app, the report and the command line show about one assessment, in one call."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from questionnaire.model import Framework
from scoring.answers import Answer, answers_frame
from scoring.gaps import priorities, question_steps, theme_gaps
from scoring.scores import overall_scores, theme_scores

__all__ = ["Summary", "summarise"]


@dataclass(frozen=True)
class Summary:
    """One assessment scored: ``themes`` (scores with targets and gaps), ``overall`` (one row),
    ``priorities`` (ranked, explained) and ``steps`` (every question with its next step)."""

    themes: pd.DataFrame
    overall: pd.Series
    priorities: pd.DataFrame
    steps: pd.DataFrame

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready figures: missing values become None."""

        return {
            "overall": json.loads(self.overall.to_json()),
            "themes": json.loads(self.themes.to_json(orient="records")),
            "priorities": json.loads(self.priorities.to_json(orient="records")),
        }


def summarise(
    framework: Framework,
    answers: Iterable[Answer] | pd.DataFrame,
    targets: Mapping[str, float] | None = None,
    challenges: Iterable[str] = (),
) -> Summary:
    """Validate and score one assessment: themes, overall index, gaps to ``targets``, priorities
    raised by the declared ``challenges``, and next steps per question."""
    frame = answers_frame(framework, answers)
    gaps = theme_gaps(theme_scores(framework, frame), targets)
    return Summary(
        themes=gaps.drop(columns=["assessment"]),
        overall=overall_scores(gaps).drop(columns=["assessment"]).iloc[0],
        priorities=priorities(framework, gaps, challenges).drop(columns=["assessment"]),
        steps=question_steps(framework, frame, gaps).drop(columns=["assessment"]),
    )
