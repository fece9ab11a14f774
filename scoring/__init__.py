"""Scoring: theme scores, completeness, bands, gaps, priorities, comparison, benchmarks. Pure pandas."""

from scoring.answers import Answer, AnswerError, Evidence, Status, answers_frame
from scoring.bands import BANDS, Band, band_for
from scoring.benchmarks import MIN_GROUP, benchmark
from scoring.comparison import Comparison, Comparisons, compare, compare_many, trends
from scoring.gaps import priorities, question_steps, theme_gaps
from scoring.scores import overall_scores, theme_scores

__all__ = [
    "BANDS",
    "MIN_GROUP",
    "Answer",
    "AnswerError",
    "Band",
    "Comparison",
    "Comparisons",
    "Evidence",
    "Status",
    "answers_frame",
    "band_for",
    "benchmark",
    "compare",
    "compare_many",
    "overall_scores",
    "priorities",
    "question_steps",
    "theme_gaps",
    "theme_scores",
    "trends",
]
