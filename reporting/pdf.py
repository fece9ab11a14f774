"""The PDF: Jinja2 lays the context out as HTML, WeasyPrint turns it into a tagged A4 PDF.

WeasyPrint runs in a separate worker process (``reporting/layout.py``, whose one document passes
the locked fetcher) so that a report that takes too long can be stopped without harming the app.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import re
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import spawn

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from reporting.charts import ChartExporter
from reporting.context import ReportContext
from reporting.figures import build_figures
from reporting.layout import REPORT_TEMPLATES, html_to_pdf, prepare_worker, ready
from scoring.bands import format_points

__all__ = ["REPORT_TEMPLATES", "ReportError", "ReportRenderer", "breakable", "html_to_pdf", "render_html"]

log = logging.getLogger(__name__)
RENDER_TIMEOUT = 60.0
LONG_RUN = 30
"""Characters without a space from which a run of text is longer than any word: a link, a code, CJK text."""
BREAK_EVERY = 10
"""In such a run, a line may end after every this many characters (see ``breakable``)."""
ZERO_WIDTH_SPACE = "\u200b"
_LONG_RUN = re.compile(rf"[^\s{ZERO_WIDTH_SPACE}]{{{LONG_RUN},}}")


_spawn_lock = threading.Lock()


@contextlib.contextmanager
def _main_module_left_out() -> Iterator[None]:
    """Workers started here do not import the program's main module (``cli.py``, say) first.

    A spawned process normally runs the parent's main script again before its first task; the layout
    worker needs only ``reporting.layout``, whose functions it is given by name, and would otherwise
    load the whole command line (pandas, pydantic, plotly) before it could lay out the first report.
    """
    with _spawn_lock:
        original = spawn.get_preparation_data

        def prepared(name: str) -> dict[str, object]:
            data: dict[str, object] = original(name)
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
            return data

        spawn.get_preparation_data = prepared
        try:
            yield
        finally:
            spawn.get_preparation_data = original


class ReportError(Exception):
    """The report could not be made; the message says why. The assessment itself is untouched."""


def breakable(value: str) -> str:
    """``value`` with a zero-width space after every ``BREAK_EVERY`` characters of any long run without a space.

    A run of ``LONG_RUN`` or more such characters (a link, a code, CJK text) then wraps at the column's
    edge instead of running off the page, and WeasyPrint finds each line's end within a few characters:
    without break points it lays a line out again from the whole rest of the run, so a 5,000-character
    run takes seconds and one in a table cell minutes. The spaces are not drawn and are not part of the
    PDF's text; every character the team wrote is printed, in order.
    """
    return _LONG_RUN.sub(lambda run: ZERO_WIDTH_SPACE.join(_pieces(run[0])), value)


def _pieces(run: str) -> list[str]:
    return [run[i : i + BREAK_EVERY] for i in range(0, len(run), BREAK_EVERY)]


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(REPORT_TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["points"] = format_points
    environment.filters["breakable"] = breakable
    return environment


def render_html(context: ReportContext) -> str:
    """The report as HTML: every value from ``context`` escaped, nothing fetched from outside."""
    return _environment().get_template("report.html").render(c=context)


class ReportRenderer:
    """Makes report PDFs: charts in this process, layout in one warm worker process with a time limit."""

    def __init__(
        self, exporter: ChartExporter | None = None, timeout: float = RENDER_TIMEOUT, workers: int = 1
    ) -> None:
        self.exporter = exporter or ChartExporter()
        self.timeout = timeout
        self.workers = workers
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=prepare_worker,
            initargs=(os.getpid(),),
        )
        with _main_module_left_out():
            for _ in range(self.workers):  # start every worker (and WeasyPrint's import) while charts are drawn
                pool.submit(ready)
        return pool

    def html(self, context: ReportContext) -> tuple[ReportContext, str]:
        """Export the charts and lay out the HTML; returns the context with its charts and the HTML."""
        result = self.exporter.export(build_figures(context))
        charted = context.with_charts(result.images, result.note)
        return charted, render_html(charted)

    def submit(self, html: str, author: str = "") -> Future[bytes]:
        """Start laying ``html`` out in the worker; ``result`` waits for it."""
        return self._pool.submit(html_to_pdf, html, author)

    def result(self, future: Future[bytes]) -> bytes:
        """The PDF of a submitted layout, or ``ReportError`` when it fails or takes too long."""
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            self._restart()
            raise ReportError(
                f"The report took longer than {self.timeout:.0f} seconds and was stopped; your answers are safe. "
                "Try again, or shorten very long notes."
            ) from None
        except BrokenProcessPool:
            self._restart()
            raise ReportError("The report could not be laid out (the worker stopped); your answers are safe.") from None
        except Exception as exc:  # noqa: BLE001 - WeasyPrint errors become one clear message
            log.exception("report layout failed")
            raise ReportError(
                f"The report could not be laid out ({type(exc).__name__}); your answers are safe."
            ) from None

    def render(self, context: ReportContext) -> bytes:
        """The whole report as PDF bytes."""
        _, html = self.html(context)
        return self.result(self.submit(html, context.city_name))

    def _restart(self) -> None:
        """Stop a stuck or broken worker and start a fresh one."""
        for process in list(getattr(self._pool, "_processes", {}).values()):
            process.kill()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()

    def close(self) -> None:
        """Stop the worker processes."""
        self._pool.shutdown(wait=True, cancel_futures=True)
