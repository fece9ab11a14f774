"""Everything the app, the report and the command line show about one assessment, in one call."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from questionnaire.model import Framework
from scoring.answers import Answer, AnswerError, answers_frame
from scoring.gaps import priorities, question_steps, theme_gaps
from scoring.scores import overall_scores, theme_scores

__all__ = ["Summary", "challenge_problems", "check_assessment", "summarise", "target_problems"]


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


def challenge_problems(framework: Framework, challenges: Iterable[str]) -> list[str]:
    """Declared local challenges that ``framework`` does not know, said as one problem (or none)."""
    known = {c.id for c in framework.challenges}
    unknown = [c for c in dict.fromkeys(challenges) if c not in known]
    if not unknown:
        return []
    offered = ", ".join(sorted(known)) or "none"
    return [f"city.challenges: {', '.join(unknown)} is not a local challenge of {framework.label} (it knows {offered})"]


def target_problems(framework: Framework, targets: Mapping[str, float]) -> list[str]:
    """Targets for themes ``framework`` does not have, or outside 0 to 100."""
    themes = {t.id for t in framework.themes}
    problems = [f"targets.{t}: {framework.label} has no theme {t}" for t in targets if t not in themes]
    problems += [f"targets.{t}: a target must be between 0 and 100" for t, v in targets.items() if not 0 <= v <= 100]
    return problems


def check_assessment(
    framework: Framework,
    answers: Iterable[Answer] | pd.DataFrame,
    targets: Mapping[str, float] | None = None,
    challenges: Iterable[str] = (),
) -> pd.DataFrame:
    """Everything scoring refuses in one assessment, checked at once; the validated answers frame.

    Raises ``AnswerError`` listing every problem. The scorer, the import and the store all check
    through here, so what one accepts the others can score.
    """
    problems = challenge_problems(framework, challenges) + target_problems(framework, targets or {})
    try:
        frame = answers_frame(framework, answers)
    except AnswerError as exc:
        problems = exc.problems + problems
    if problems:
        raise AnswerError(problems)
    return frame


def summarise(
    framework: Framework,
    answers: Iterable[Answer] | pd.DataFrame,
    targets: Mapping[str, float] | None = None,
    challenges: Iterable[str] = (),
) -> Summary:
    """Validate and score one assessment: themes, overall index, gaps to ``targets``, priorities
    raised by the declared ``challenges``, and next steps per question."""
    frame = check_assessment(framework, answers, targets, challenges)
    gaps = theme_gaps(theme_scores(framework, frame), targets)
    return Summary(
        themes=gaps.drop(columns=["assessment"]),
        overall=overall_scores(gaps).drop(columns=["assessment"]).iloc[0],
        priorities=priorities(framework, gaps, challenges).drop(columns=["assessment"]),
        steps=question_steps(framework, frame, gaps).drop(columns=["assessment"]),
    )
