"""Scoring speed: one assessment, and a batch of 10,000 synthetic assessments of the real framework
scored, compared pairwise (each with the next) and benchmarked."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from benchmarks.common import median_seconds, peak_mib, report
from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from scoring import answers_frame, benchmark, compare, compare_many, overall_scores, theme_scores
from scoring.answers import question_table

BATCH = 10_000


def synthetic_answers(framework, count: int, seed: int = 7) -> pd.DataFrame:
    """``count`` assessments answering every question: mostly levels, some don't know and not applicable."""
    rng = np.random.default_rng(seed)
    questions = question_table(framework)
    n = len(questions)
    status = rng.choice(["level", "dont_know", "not_applicable"], size=(count, n), p=[0.85, 0.1, 0.05])
    status[:, ~questions["na_allowed"].to_numpy()] = np.where(
        status[:, ~questions["na_allowed"].to_numpy()] == "not_applicable",
        "level",
        status[:, ~questions["na_allowed"].to_numpy()],
    )
    levels = rng.integers(0, 5, size=(count, n)).astype(float)
    levels[status != "level"] = np.nan
    return pd.DataFrame(
        {
            "assessment": np.repeat([f"a{i}" for i in range(count)], n),
            "question_id": np.tile(questions["question_id"].to_numpy(), count),
            "status": status.ravel(),
            "level": levels.ravel(),
            "evidence": rng.choice(["none", "internal_document", "published"], size=count * n),
            "reason": np.where(status.ravel() == "not_applicable", "Not our remit", None),
        }
    )


def main() -> None:
    """Print and record single-assessment and batch timings; write benchmarks/results/scoring.json."""
    framework = load_frameworks()[DEFAULT_FRAMEWORK_ID]
    batch = synthetic_answers(framework, BATCH)
    one = batch[batch["assessment"] == "a0"].reset_index(drop=True)
    other = batch[batch["assessment"] == "a1"].reset_index(drop=True)

    def score_one() -> None:
        overall_scores(theme_scores(framework, answers_frame(framework, one)))

    def score_batch() -> tuple[pd.DataFrame, pd.DataFrame]:
        frame = answers_frame(framework, batch)
        themes = theme_scores(framework, frame)
        overall_scores(themes)
        return frame, themes

    start = time.perf_counter()
    frame, themes = score_batch()
    batch_score_s = time.perf_counter() - start
    names = [f"a{i}" for i in range(BATCH)]
    pairs = pd.DataFrame({"before": names, "after": names[1:] + names[:1]})  # each with the next one
    start = time.perf_counter()
    compare_many(framework, frame, frame, pairs)
    batch_compare_s = time.perf_counter() - start
    cities = pd.DataFrame(
        {
            "assessment": [f"a{i}" for i in range(BATCH)],
            "city": [f"c{i}" for i in range(BATCH)],
            "region": np.where(np.arange(BATCH) % 2, "Europe", "North America"),
            "population_band": np.where(np.arange(BATCH) % 3, "large", "small"),
        }
    )
    start = time.perf_counter()
    benchmark(themes, cities, city="c0")
    benchmark_s = time.perf_counter() - start

    figures = {
        "one_assessment_s": median_seconds(score_one, repeat=100),
        "compare_two_s": median_seconds(
            lambda: compare(framework, answers_frame(framework, one), answers_frame(framework, other)), repeat=10
        ),
        "batch_10000_score_s": batch_score_s,
        "batch_10000_compare_s": batch_compare_s,
        "batch_10000_benchmark_s": benchmark_s,
        "batch_10000_total_s": batch_score_s + batch_compare_s + benchmark_s,
        "batch_peak_mib": peak_mib(score_batch),
    }
    report("scoring", figures, goals={"one_assessment_s": "≤ 0.005", "batch_10000_total_s": "≤ 1.0"})


if __name__ == "__main__":
    main()
