"""The disk cache of chart SVGs: a chart drawn once is read back without a browser, in any process."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import plotly.io as pio
import pytest

from reporting.charts import ChartExporter, browser_available, chart_cache_dir
from reporting.context import ReportContext
from reporting.figures import build_figures
from storage.store import Store
from tests.integration.test_cli import run_cli
from tests.integration.test_report_pdf import text_of

needs_browser = pytest.mark.skipif(not browser_available(), reason="Chromium is not installed")


class CountingExports:
    """Counts the figures handed to the real plotly/kaleido export."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = pio.write_images

        def counted(figures: list[object], *args: object, **kwargs: object) -> None:
            self.calls += len(figures)
            real(figures, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(pio, "write_images", counted)


@needs_browser
def test_a_chart_drawn_once_is_read_from_the_disk_cache_without_starting_the_browser(
    demo_context: ReportContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures = build_figures(demo_context)
    counting = CountingExports(monkeypatch)
    first = ChartExporter(cache_dir=tmp_path).export(figures)
    assert first.note is None and counting.calls == len(figures)
    files = sorted(tmp_path.glob("*.svg"))
    assert len(files) == len(figures) and not list(tmp_path.glob(".tmp-*"))  # no temporary file left behind
    assert all(f.stat().st_mode & 0o077 == 0 for f in files)  # readable by this account only
    written = {f: (f.stat().st_mtime_ns, f.read_bytes()) for f in files}

    again = ChartExporter(cache_dir=tmp_path)  # a new exporter: nothing in memory, as in a new process
    second = again.export(figures)
    assert second.note is None and second.images == first.images
    assert counting.calls == len(figures), "no figure went to the exporter a second time"
    assert not again._started, "Chromium was never started"
    assert (again.disk_hits, again.exported) == (len(figures), 0)
    assert {f: (f.stat().st_mtime_ns, f.read_bytes()) for f in files} == written  # read, not rewritten


@needs_browser
def test_a_damaged_cache_file_is_ignored_and_drawn_again(
    demo_context: ReportContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures = build_figures(demo_context)
    first = ChartExporter(cache_dir=tmp_path).export(figures)
    exporter = ChartExporter(cache_dir=tmp_path)
    damaged = exporter._path(exporter.key(figures["radar"]))
    assert damaged is not None and damaged.is_file()
    whole = damaged.read_bytes()
    damaged.write_bytes(whole[: len(whole) // 2])  # cut short, as by a full disk
    counting = CountingExports(monkeypatch)
    result = exporter.export(figures)
    assert counting.calls == 1 and (exporter.disk_hits, exporter.exported) == (len(figures) - 1, 1)
    assert {name: uri for name, uri in result.images.items() if name != "radar"} == {
        name: uri for name, uri in first.images.items() if name != "radar"
    }
    remade = damaged.read_bytes()  # made again, whole (plotly's clip-path ids differ from one drawing to the next)
    assert remade.lstrip().startswith(b"<svg") and remade.rstrip().endswith(b"</svg>") and len(remade) > len(whole) / 2
    assert result.images["radar"] == "data:image/svg+xml;base64," + base64.b64encode(remade).decode("ascii")


def test_a_cache_file_that_cannot_be_read_counts_as_missing(tmp_path: Path) -> None:
    exporter = ChartExporter(cache_dir=tmp_path)
    (tmp_path / ("0" * 64 + ".svg")).mkdir()  # a folder where the file should be
    assert exporter._read_disk("0" * 64) is None
    (tmp_path / ("1" * 64 + ".svg")).write_bytes(b"\x00\xff not an svg")
    assert exporter._read_disk("1" * 64) is None


def test_the_cache_folder_comes_from_the_environment_and_is_off_when_unwritable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHART_CACHE_DIR", str(tmp_path / "charts"))
    assert chart_cache_dir() == tmp_path / "charts" and (tmp_path / "charts").is_dir()
    assert (tmp_path / "charts").stat().st_mode & 0o077 == 0  # the team's figures: for this account only
    monkeypatch.setenv("CHART_CACHE_DIR", "")
    assert chart_cache_dir() is None
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CHART_CACHE_DIR", str(blocker / "charts"))
    assert chart_cache_dir() is None
    assert ChartExporter().cache_dir is None  # charts are then cached in memory only
    monkeypatch.delenv("CHART_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert chart_cache_dir() == tmp_path / "xdg" / "cohesion-charts"


@needs_browser
def test_charts_are_drawn_at_once_and_one_that_chromium_could_not_draw_gives_the_tables_instead(
    demo_context: ReportContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures = build_figures(demo_context)
    batches: list[int] = []
    real = pio.write_images

    def losing_the_last(figs: list[object], files: list[Path], *args: object, **kwargs: object) -> None:
        batches.append(len(figs))
        real(figs, files, *args, **kwargs)  # type: ignore[arg-type]
        files[-1].unlink()  # as kaleido does with the file of a chart that failed in its tab

    monkeypatch.setattr(pio, "write_images", losing_the_last)
    exporter = ChartExporter(cache_dir=tmp_path)
    result = exporter.export(figures)
    assert batches == [len(figures)]  # every missing chart went to Chromium in one call, one tab each
    assert result.note == "Charts could not be drawn; the tables below show the same figures."
    assert not list(tmp_path.glob("*.svg")), "nothing half-drawn was kept"
    monkeypatch.setattr(pio, "write_images", real)
    assert exporter.export(figures).note is None  # the next report tries again


@needs_browser
def test_a_report_from_the_command_line_starts_no_browser_when_its_charts_are_on_disk(
    demo: tuple[Store, int], tmp_path: Path
) -> None:
    store, draft = demo
    charts = tmp_path / "charts"
    env = {**os.environ, "CHART_CACHE_DIR": str(charts)}
    first = run_cli(
        "report", "--assessment", str(draft), "--out", str(tmp_path / "a.pdf"), "--db", str(store.engine.url), env=env
    )
    assert first.returncode == 0, first.stderr
    assert len(list(charts.glob("*.svg"))) >= 3
    started = tmp_path / "browser-started"
    browser = tmp_path / "chromium"  # a browser that only notes that it was started
    browser.write_text(f"#!/bin/sh\ntouch {started}\nexit 1\n")
    browser.chmod(0o700)
    again = run_cli(
        "report",
        "--assessment",
        str(draft),
        "--out",
        str(tmp_path / "b.pdf"),
        "--db",
        str(store.engine.url),
        env={**env, "BROWSER_PATH": str(browser)},
    )
    assert again.returncode == 0, again.stderr
    assert not started.exists(), "the browser was started for charts that were on disk"
    def unavailable(name: str) -> int:
        return text_of((tmp_path / name).read_bytes()).count("Chart unavailable")

    assert unavailable("b.pdf") == unavailable("a.pdf")  # every chart drawn the first time is in the second
