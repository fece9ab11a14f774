"""How long loading and checking the question bank takes (paid once per app process)."""

from __future__ import annotations

from benchmarks.common import median_seconds, peak_mib, report
from questionnaire.coverage import measure_coverage
from questionnaire.loader import BUILTIN_FRAMEWORKS, DEFAULT_FRAMEWORK_ID, load_framework
from questionnaire.sources import seeds_dir


def main() -> None:
    """Measure framework load and coverage check; write benchmarks/results/framework.json."""
    folder = BUILTIN_FRAMEWORKS / DEFAULT_FRAMEWORK_ID
    framework = load_framework(folder)
    seeds = seeds_dir()
    report(
        "framework",
        {
            "load_s": median_seconds(lambda: load_framework(folder), repeat=20),
            "coverage_check_s": median_seconds(lambda: measure_coverage(framework, seeds), repeat=20),
            "load_peak_mib": peak_mib(lambda: load_framework(folder)),
        },
        goals={"load_s": "≤ 0.5 s (once per process)"},
    )


if __name__ == "__main__":
    main()
