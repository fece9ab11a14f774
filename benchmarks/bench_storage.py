"""How fast the store keeps answers: saving one by one as the app does, and loading a whole assessment."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.common import median_seconds, report
from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from scoring.records import City, RecordedAnswer
from storage.migrate import upgrade_database
from storage.store import Store
from storage.transfer import export_json, plan_import

SAVES = 2_000


def main() -> None:
    """Save 2,000 answers one at a time on a SQLite file, then time loads; write benchmarks/results/storage.json."""
    frameworks = load_frameworks()
    questions = [q.id for q in frameworks[DEFAULT_FRAMEWORK_ID].questions]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade_database(url)
        store = Store.open(url, frameworks)
        city = store.create_city(
            City(name="Benchmark city", country="Fictional", region="europe", population_band="100k_500k"), "Bench"
        )
        draft = store.start_assessment(city.id or 0, "Benchmark", "Bench", framework_id=DEFAULT_FRAMEWORK_ID)
        draft_id = draft.id or 0
        version: dict[str, int] = {}
        times = []
        for n in range(SAVES):
            question = questions[n % len(questions)]
            answer = RecordedAnswer(question_id=question, level=n % 5, note=f"edit {n}")
            start = time.perf_counter()
            version[question] = store.save_answer(draft_id, answer, "Bench", version.get(question, 0)).version
            times.append(time.perf_counter() - start)

        def load() -> None:
            store.assessment(draft_id)
            store.answers(draft_id)

        exported = export_json(store, draft_id)
        other = Store.open(url, frameworks)
        figures = {
            "save_median_s": statistics.median(times),
            "save_p95_s": statistics.quantiles(times, n=20)[-1],
            "save_total_s": sum(times),
            "full_load_s": median_seconds(load, repeat=50),
            "export_json_s": median_seconds(lambda: export_json(store, draft_id), repeat=20),
            "plan_import_s": median_seconds(lambda: plan_import(other, exported), repeat=20),
        }
    report(
        "storage",
        figures,
        goals={"save_median_s": "≤ 0.005 s", "full_load_s": "≤ 0.050 s (one answer per question)"},
    )


if __name__ == "__main__":
    main()
