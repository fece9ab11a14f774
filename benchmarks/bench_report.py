"""How long the PDF gap report takes: warm, cached, cold, and the parts it is made of.

A full demo assessment with two earlier ones (four plotly charts, every section), and the report as
the app offers it: the Download after opening the Report page (benchmarks/report_download.py). Set
``BENCH_BATCH`` to change the number of assessments in the batch run (default 100).
"""

from __future__ import annotations

import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader

from benchmarks.common import median_seconds, report
from benchmarks.report_download import download_after_open
from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from reporting.charts import WARM_TABS, ChartExporter
from reporting.context import ReportVariant
from reporting.figures import build_figures
from reporting.pdf import ReportRenderer, html_to_pdf
from reporting.sources import context_from_facts
from reporting.table_scope import add_header_scope
from scoring.records import MAX_LINK_CHARS, MAX_LINKS, MAX_NOTE_CHARS, City, RecordedAnswer
from storage.demo import create_demo
from storage.facts import report_facts
from storage.migrate import upgrade_database
from storage.portable import dump_portable
from storage.store import Store
from storage.transfer import apply_import, export_json, plan_import

ROOT = Path(__file__).resolve().parent.parent


def _worker_peak_mib(renderer: ReportRenderer) -> float:
    """The layout worker's peak memory so far, asked of the worker with a function it already has.

    A function of this module would make the worker import it, and with it pandas and numpy (whose
    threads take far more address space than the layout), changing what is measured.
    """
    usage = renderer._pool.submit(resource.getrusage, resource.RUSAGE_SELF).result()
    return float(usage.ru_maxrss) / 1024


def _fill_batch(store: Store, template: int, count: int) -> None:
    """``count`` cities, each with one copy of the template assessment (levels shifted per city)."""
    file = plan_import(store, export_json(store, template)).file
    for n in range(count):
        city = City(name=f"Batch city {n:03d}", country="Fictional", region="europe", population_band="100k_500k")
        answers = [
            a.model_copy(update={"level": (a.level + n) % 5 if a.level is not None else None})
            for a in file.recorded_answers()
        ]
        data = dump_portable(file.framework.id, file.framework.version, city, file.assessment_record(), answers)
        apply_import(store, plan_import(store, data), "Bench")


def main() -> None:
    """Measure the report pipeline; write benchmarks/results/report.json."""
    frameworks = load_frameworks()
    framework = frameworks[DEFAULT_FRAMEWORK_ID]
    batch = int(os.environ.get("BENCH_BATCH", "100"))
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CHART_CACHE_DIR"] = str(Path(folder) / "charts")  # this run's own, inherited by the CLIs
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade_database(url)
        store = Store.open(url, frameworks)
        created = create_demo(store, framework, "Bench", today=datetime(2026, 11, 22, tzinfo=UTC))
        draft = created[-1].id or 0

        renderer = ReportRenderer(ChartExporter(tabs=WARM_TABS), timeout=300)  # as the app's
        renderer.exporter.start()
        renderer.render(context_from_facts(report_facts(store, draft)))  # warm: Chromium, worker, imports

        def fresh_context(n: int, variant: ReportVariant = ReportVariant.FULL):  # new answers: no chart is cached
            answer = RecordedAnswer(question_id="Q2.1", level=n % 5, note=f"run {n}")
            stored = {a.question_id: a for a in store.answers(draft)}.get("Q2.1")  # not carried across versions
            store.save_answer(draft, answer, "Bench", stored.version if stored else 0)
            return context_from_facts(report_facts(store, draft), variant=variant)

        warm_new = []
        for n in range(5):
            context = fresh_context(n + 1)
            start = time.perf_counter()
            renderer.render(context)
            warm_new.append(time.perf_counter() - start)
        warm_summary = []
        for n in range(5):
            context = fresh_context(n + 10, ReportVariant.SUMMARY)
            start = time.perf_counter()
            summary_pdf = renderer.render(context)
            warm_summary.append(time.perf_counter() - start)
        summary_pages = len(PdfReader(io.BytesIO(summary_pdf)).pages)
        context = fresh_context(99)
        renderer.render(context)
        cached = median_seconds(lambda: renderer.render(context), repeat=5)
        charted, html = renderer.html(context)
        weasy_only = statistics.median(
            [_timed(lambda: renderer.result(renderer.submit(html, charted.city_name))) for _ in range(5)]
        )
        figures = build_figures(context)

        def export_uncached() -> None:
            renderer.exporter._cache.clear()
            renderer.exporter.cache_dir = None  # neither memory nor disk: Chromium draws every chart
            renderer.exporter.export(figures)

        charts_only = median_seconds(export_uncached, repeat=5)
        renderer.exporter.cache_dir = Path(os.environ["CHART_CACHE_DIR"])

        def export_from_disk() -> None:
            renderer.exporter._cache.clear()
            renderer.exporter.export(figures)

        charts_from_disk = median_seconds(export_from_disk, repeat=5)
        hits_before = renderer.exporter.disk_hits
        export_from_disk()
        chart_cache_hit = (renderer.exporter.disk_hits - hits_before) / max(1, len(figures))
        worker_peak = _worker_peak_mib(renderer)
        main_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        in_process = median_seconds(lambda: html_to_pdf(html), repeat=3)
        laid_out = html_to_pdf(html)
        header_scope = median_seconds(lambda: add_header_scope(laid_out), repeat=5)  # part of in_process

        def cold_report(variant: ReportVariant) -> float:
            command = [sys.executable, "cli.py", "report", "--assessment", str(draft), "--db", url]
            command += ["--variant", variant.value, "--out", str(Path(folder) / f"cold-{variant.value}.pdf")]
            return _timed(lambda: subprocess.run(command, cwd=ROOT, check=True, capture_output=True))

        cold = [cold_report(ReportVariant.FULL) for _ in range(3)]  # its charts are in the disk cache
        charts_folder = Path(os.environ["CHART_CACHE_DIR"])
        cold_uncached = []
        for n in range(2):  # and with none cached: Chromium starts while the data loads
            os.environ["CHART_CACHE_DIR"] = str(Path(folder) / f"charts-empty-{n}")
            cold_uncached.append(cold_report(ReportVariant.FULL))
        os.environ["CHART_CACHE_DIR"] = str(charts_folder)
        cold_summary = [cold_report(ReportVariant.SUMMARY) for _ in range(3)]

        _fill_batch(store, draft, batch)
        batch_s = _timed(
            lambda: subprocess.run(
                [sys.executable, "cli.py", "batch-report", "--db", url, "--out", str(Path(folder) / "batch")],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
        )
        pages = len(PdfReader(Path(folder) / "cold-full.pdf").pages)
        heaviest = {name: _heaviest(store, renderer, framework.id, text) for name, text in HEAVIEST_TEXT.items()}
        worker_peak_heaviest = _worker_peak_mib(renderer)
        renderer.close()
    in_app = download_after_open()

    warm = statistics.median(warm_new)
    report(
        "report",
        {
            "pages": float(pages),
            "warm_new_assessment_s": warm,
            "warm_cached_charts_s": cached,
            "summary_pages": float(summary_pages),
            "warm_summary_new_assessment_s": statistics.median(warm_summary),
            "cold_cli_summary_s": statistics.median(cold_summary),
            "cold_cli_process_s": statistics.median(cold),
            "cold_cli_uncached_charts_s": min(cold_uncached),
            "weasyprint_only_s": weasy_only,
            "weasyprint_in_process_s": in_process,
            "header_scope_pass_s": header_scope,
            "chart_export_only_s": charts_only,
            "chart_from_disk_cache_s": charts_from_disk,
            "chart_cache_hit": chart_cache_hit,
            "warm_over_parts_ratio": warm / (weasy_only + charts_only),
            "main_process_peak_mib": main_peak,
            "layout_worker_peak_mib": worker_peak,
            "layout_worker_peak_after_heaviest_mib": worker_peak_heaviest,
            f"batch_{batch}_reports_s": batch_s,
            **in_app,
            **{f"heaviest_{name}_s": seconds for name, (seconds, _) in heaviest.items()},
            **{f"heaviest_{name}_pages": float(count) for name, (_, count) in heaviest.items()},
        },
        goals={
            "warm_new_assessment_s": "≤ 2.5 s",
            "warm_over_parts_ratio": "≤ 1.15",
            "cold_cli_process_s": "≤ 5.0 s",
            "main_process_peak_mib": "≤ 300 MiB (without Chromium)",
            f"batch_{batch}_reports_s": "≤ 150 s for 100",
            "download_after_open_s": "≤ 1 s",
            "warm_summary_new_assessment_s": "≤ 1.0 s",
            **{f"heaviest_{name}_s": "< 60 s (the layout limit)" for name in HEAVIEST_TEXT},
        },
    )


HEAVIEST_TEXT = {
    "cjk": "漢字仮名交じり文",
    "unbroken_latin": "abcdefghij",
    "latin_prose": "a team's note, ",
}
"""The note text repeated to the 5,000-character limit on every question, each answer with 10 links of
2,000 characters: the largest report a valid file can ask for."""


def _heaviest(store: Store, renderer: ReportRenderer, framework_id: str, unit: str) -> tuple[float, int]:
    """Seconds and pages of the full report of an assessment filled to every limit of the format."""
    city = store.create_city(
        City(name=f"Heaviest {len(store.cities())}", country="X", region="europe", population_band="under_100k"),
        "Bench",
    )
    draft = store.start_assessment(city.id or 0, "Every limit", "Bench", framework_id=framework_id)
    note = (unit * (MAX_NOTE_CHARS // len(unit) + 1))[:MAX_NOTE_CHARS]
    links = tuple(f"https://example.org/{n}/" + "x" * (MAX_LINK_CHARS - 30) for n in range(MAX_LINKS))
    for question in store.framework(framework_id).questions:
        answer = RecordedAnswer(question_id=question.id, level=2, note=note, links=links)
        store.save_answer(draft.id or 0, answer, "Bench")
    context = context_from_facts(report_facts(store, draft.id or 0))
    start = time.perf_counter()
    pdf = renderer.render(context)
    return time.perf_counter() - start, len(PdfReader(io.BytesIO(pdf)).pages)


def _timed(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
