"""How long loading and checking the question bank takes (paid once per app process)."""

from __future__ import annotations

from benchmarks.common import median_seconds, peak_mib, report
from questionnaire.coverage import measure_coverage
from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from questionnaire.sources import seeds_dir


def main() -> None:
    """Measure loading every installed version and checking the newest; write benchmarks/results/framework.json."""
    catalog = load_frameworks()
    newest = catalog[DEFAULT_FRAMEWORK_ID]
    seeds = seeds_dir()
    report(
        "framework",
        {
            "load_every_version_s": median_seconds(load_frameworks, repeat=20),
            "coverage_check_newest_s": median_seconds(
                lambda: measure_coverage(newest, seeds, installed=catalog.all()), repeat=20
            ),
            "load_peak_mib": peak_mib(load_frameworks),
        },
        goals={"load_every_version_s": "≤ 0.5 s (once per process)"},
    )


if __name__ == "__main__":
    main()
