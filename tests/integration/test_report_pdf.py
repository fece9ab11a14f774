"""The PDF gap report, built for real and read back: content, metadata, tagging, charts, safety."""

from __future__ import annotations

import base64
import gc
import http.server
import io
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from questionnaire.model import Framework
from reporting.charts import ChartExporter, browser_available
from reporting.context import ReportContext, ReportVariant
from reporting.figures import build_figures
from reporting.layout import LAYOUT_COLLECT_EVERY
from reporting.pdf import ReportError, ReportRenderer, html_to_pdf
from reporting.sources import context_from_facts
from scoring.bands import format_points
from scoring.records import City, RecordedAnswer
from storage.facts import report_facts
from storage.store import Store
from tests.integration.conftest import WHEN
from tests.integration.test_cli import ROOT, run_cli


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_report_reads_back_with_city_themes_index_and_top_priority(
    demo_pdf: bytes, demo_context: ReportContext
) -> None:
    reader = PdfReader(io.BytesIO(demo_pdf))
    text = " ".join(text_of(demo_pdf).split())
    assert 12 <= len(reader.pages) <= 60
    assert demo_context.city_name in text
    for theme in demo_context.themes:
        assert theme.title in text, theme.title
    assert format_points(demo_context.overall_index) in text and "Overall index" in text
    top = demo_context.priorities[0]
    assert f"1. {top.theme_id} · {top.theme_title}" in text
    assert "Page 3 of" in text


def test_the_report_sets_out_where_the_workshop_round_disagreed_with_its_consensus_and_dissent(
    demo_pdf: bytes, demo_context: ReportContext
) -> None:
    part = demo_context.workshop
    assert part is not None and part.respondents == 4 and len(part.disagreements) == 1
    (row,) = part.disagreements
    assert row.consensus.startswith("Level ") and [d.holder for d in row.dissents] == ["Social services"]
    text = " ".join(text_of(demo_pdf).split())
    assert "Where the team disagreed" in text and f"{part.respondents} respondents answered" in text
    assert f"{row.question_id} · " in text and "Dissent, Social services (level" in text
    assert "It exists on paper; we rarely see it in practice." in text
    assert "never from the respondents' own" in text


def test_a_draft_report_says_it_is_a_draft_on_every_page_and_a_submitted_one_does_not(
    demo: tuple[Store, int], demo_pdf: bytes, renderer: ReportRenderer
) -> None:
    pages = [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(demo_pdf)).pages]
    assert "Draft: made before the assessment was submitted" in pages[0]
    assert all("draft, answers may still change" in page for page in pages[1:])
    store, draft = demo
    submitted = [r for r in store.assessments(store.assessment(draft).city_id) if r.submitted_at][-1]
    summary_context = context_from_facts(
        report_facts(store, submitted.id or 0), variant=ReportVariant.SUMMARY, now=WHEN
    )
    summary = renderer.render(summary_context)
    assert "draft" not in text_of(summary).lower()


def test_the_summary_report_is_half_the_length_with_every_theme_and_no_answer_list(
    renderer: ReportRenderer, demo_pdf: bytes, demo_context: ReportContext
) -> None:
    summary = renderer.render(demo_context.model_copy(update={"variant": ReportVariant.SUMMARY}))
    pages, full_pages = len(PdfReader(io.BytesIO(summary)).pages), len(PdfReader(io.BytesIO(demo_pdf)).pages)
    assert 8 <= pages <= full_pages * 0.6
    text = " ".join(text_of(summary).split())
    for theme in demo_context.themes:
        assert f"{theme.id} · {theme.title}" in text, theme.title
    assert "Appendix: every answer" not in text and "Appendix: every answer" in " ".join(text_of(demo_pdf).split())
    assert (PdfReader(io.BytesIO(summary)).metadata.title or "").endswith("summary")


def test_the_report_has_metadata_and_is_a_tagged_pdf(demo_pdf: bytes, demo_context: ReportContext) -> None:
    reader = PdfReader(io.BytesIO(demo_pdf))
    meta = reader.metadata
    assert meta is not None and demo_context.city_name in (meta.title or "")
    assert meta.author == demo_context.city_name
    assert "preventing hate" in (meta.subject or "")
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root and root["/Lang"] == "en"
    assert len(reader.outline) >= 8  # a bookmark per section


def test_a_page_rendered_to_png_is_not_blank(demo_pdf: bytes, tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(demo_pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "3", "-l", "3", "report.pdf", "page"], cwd=tmp_path, check=True
    )
    (png,) = tmp_path.glob("page*.png")
    histogram = Image.open(png).convert("L").histogram()
    assert sum(histogram[:200]) > 0.01 * sum(histogram)  # at least 1 % of the page is ink


@pytest.mark.skipif(not browser_available(), reason="Chromium is not installed")
def test_charts_are_real_plotly_svg(demo: tuple[Store, int], demo_context: ReportContext) -> None:
    store, draft = demo
    review = context_from_facts(
        report_facts(store, store.assessment(draft).based_on or 0), now=WHEN
    )  # after the baseline
    figures = {**build_figures(demo_context), "changes_within_a_version": build_figures(review)["changes"]}
    result = ChartExporter().export(figures)
    # across a change of scale (the draft on 2.0.0 after a 1.0.0 review) no change is charted
    assert result.note is None and set(result.images) == {"radar", "bars", "heatmap", "changes_within_a_version"}
    for uri in result.images.values():
        assert uri is not None and uri.startswith("data:image/svg+xml;base64,")
        svg = base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")
        assert svg.lstrip().startswith("<svg") and "main-svg" in svg  # plotly's own SVG root class


def test_without_a_browser_the_report_still_comes_out_with_tables(demo: tuple[Store, int], tmp_path: Path) -> None:
    store, draft = demo
    out = tmp_path / "fallback.pdf"
    url = str(store.engine.url)
    env = {"PATH": "/usr/bin:/bin", "BROWSER_PATH": "/nonexistent/chromium", "HOME": str(tmp_path)}
    result = run_cli("report", "--assessment", str(draft), "--out", str(out), "--db", url, env=env)
    assert result.returncode == 0, result.stderr
    text = " ".join(text_of(out.read_bytes()).split())
    assert text.count("Chart unavailable") >= 3
    assert "Chromium browser, which is not installed" in text


class CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        CountingHandler.hits.append(self.path)
        self.send_response(302)
        self.send_header("Location", "/secret")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def loopback() -> Iterator[str]:
    CountingHandler.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def hostile_markup(base: str, secret: Path) -> str:
    return (
        f'<script>alert(1)</script><img src="file://{secret}"><img src="{base}/img">'
        f'<link rel="attachment" href="file://{secret}"><link rel="stylesheet" href="{base}/css">'
        f'<style>@import url({base}/import);</style><a href="javascript:alert(1)">x</a>'
    )


def test_hostile_text_in_city_notes_and_links_is_printed_not_fetched(
    renderer: ReportRenderer, demo: tuple[Store, int], loopback: str, tmp_path: Path, frameworks: dict[str, Framework]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER-4711")
    store, _ = demo
    city = store.create_city(
        City(name="<script>x</script>Evil", country="Nowhere", region="other", population_band="under_100k"), "Tester"
    )
    draft = store.start_assessment(city.id or 0, "Hostile", "Tester", framework_id="scn-transatlantic")
    note = hostile_markup(loopback, secret)
    store.save_answer(
        draft.id or 0,
        RecordedAnswer(question_id="Q1.1", level=1, note=note[:5000], links=(f"{loopback}/link",)),
        "Tester",
    )
    pdf = renderer.render(context_from_facts(report_facts(store, draft.id or 0), now=WHEN))
    assert CountingHandler.hits == []
    assert b"/EmbeddedFile" not in pdf
    text = text_of(pdf)
    assert "TOP-SECRET-MARKER" not in text
    assert "<script>x</script>Evil" in text  # shown literally


def test_the_locked_fetcher_holds_even_if_escaping_ever_failed(loopback: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER-4711")
    html = f"<html><head><title>t</title></head><body><p>Report</p>{hostile_markup(loopback, secret)}</body></html>"
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert CountingHandler.hits == []
    assert b"/EmbeddedFile" not in pdf and "TOP-SECRET-MARKER" not in text_of(pdf)


def test_a_report_over_its_time_limit_stops_with_a_clear_error_and_the_next_one_works(
    demo_context: ReportContext,
) -> None:
    impatient = ReportRenderer(timeout=0.05)
    try:
        with pytest.raises(ReportError, match="took longer than 0 seconds"):
            impatient.render(demo_context)
        impatient.timeout = 120
        assert impatient.render(demo_context).startswith(b"%PDF")
    finally:
        impatient.close()


def test_the_command_line_writes_a_report_from_a_portable_file_and_refuses_a_bad_one(tmp_path: Path) -> None:
    out = tmp_path / "riverton.pdf"
    fixture = ROOT / "tests" / "fixtures" / "assessments" / "riverton-2026.json"
    made = run_cli("report", "--input", str(fixture), "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert "Riverton (fictional)" in text_of(out.read_bytes())
    brief = run_cli("report", "--input", str(fixture), "--variant", "summary", "--out", str(tmp_path / "brief.pdf"))
    assert brief.returncode == 0, brief.stderr
    assert "summary for leadership" in " ".join(text_of((tmp_path / "brief.pdf").read_bytes()).split())
    assert len(PdfReader(tmp_path / "brief.pdf").pages) < len(PdfReader(out).pages)
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    refused = run_cli("report", "--input", str(bad), "--out", str(tmp_path / "no.pdf"))
    assert refused.returncode == 1 and "not a City Cohesion assessment file" in refused.stderr
    assert not (tmp_path / "no.pdf").exists() and not list(tmp_path.glob(".*partial"))


def test_batch_report_writes_the_latest_assessment_of_every_city(demo: tuple[Store, int], tmp_path: Path) -> None:
    store, draft = demo
    result = run_cli("batch-report", "--out", str(tmp_path / "all"), "--db", str(store.engine.url))
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "all").glob("*.pdf"))
    expected = sorted(f"assessment-{r.id}.pdf" for r in store.latest_assessments())
    assert written == expected and f"assessment-{draft}.pdf" in written


def test_the_layout_worker_collects_garbage_less_often_and_still_frees_what_a_report_leaves(
    renderer: ReportRenderer, demo_context: ReportContext
) -> None:
    assert renderer.render(demo_context).startswith(b"%PDF")
    threshold = renderer._pool.submit(gc.get_threshold).result()
    assert threshold[0] == LAYOUT_COLLECT_EVERY
    assert renderer._pool.submit(gc.get_freeze_count).result() > 0  # WeasyPrint's modules are set aside
    assert renderer._pool.submit(gc.isenabled).result()  # the collector still runs between reports


def test_a_layout_worker_does_not_run_the_program_that_started_it_again(tmp_path: Path) -> None:
    marker = tmp_path / "main-imported-again"
    program = tmp_path / "program.py"
    program.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "if __name__ != '__main__':  # a spawned process importing this file to run it again\n"
        f"    open({str(marker)!r}, 'w').close()\n"
        "else:\n"
        "    from reporting.layout import ready\n"
        "    from reporting.pdf import ReportRenderer\n"
        "    renderer = ReportRenderer(workers=2)\n"
        "    assert renderer._pool.submit(ready).result(timeout=120)\n"
        "    renderer.close()\n"
    )
    finished = subprocess.run([sys.executable, str(program)], capture_output=True, text=True, timeout=180)
    assert finished.returncode == 0, finished.stderr
    assert not marker.exists()


def test_layout_workers_end_when_the_process_that_started_them_is_killed(tmp_path: Path) -> None:
    program = tmp_path / "program.py"
    program.write_text(
        "import os, sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from reporting.layout import ready\n"
        "from reporting.pdf import ReportRenderer\n"
        "renderer = ReportRenderer(workers=2)\n"
        "assert renderer._pool.submit(ready).result(timeout=120)\n"
        "print(' '.join(str(pid) for pid in renderer._pool._processes), flush=True)\n"
        "time.sleep(600)\n"
    )
    started = subprocess.Popen([sys.executable, str(program)], stdout=subprocess.PIPE, text=True)
    try:
        workers = [int(pid) for pid in (started.stdout.readline() if started.stdout else "").split()]
        assert len(workers) == 2 and all(Path(f"/proc/{pid}").exists() for pid in workers)
    finally:
        started.kill()  # as an app server stopped without a chance to close its pool
        started.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
