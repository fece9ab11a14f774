"""The PDF: Jinja2 lays the context out as HTML, WeasyPrint turns it into a tagged A4 PDF.

WeasyPrint runs in a separate worker process so that a report that takes too long can be stopped
without harming the app; it fetches nothing but ``data:`` URIs and files inside
``report_templates/`` (one locked fetcher, passed to every ``HTML()``).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import resource
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from reporting.charts import ChartExporter
from reporting.context import ReportContext
from reporting.figures import build_figures

__all__ = ["REPORT_TEMPLATES", "ReportError", "ReportRenderer", "html_to_pdf", "render_html"]

log = logging.getLogger(__name__)
REPORT_TEMPLATES = Path(__file__).resolve().parent.parent / "report_templates"
RENDER_TIMEOUT = 60.0
WORKER_MEMORY_BYTES = 2 * 1024**3


class ReportError(Exception):
    """The report could not be made; the message says why. The assessment itself is untouched."""


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(REPORT_TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(context: ReportContext) -> str:
    """The report as HTML: every value from ``context`` escaped, nothing fetched from outside."""
    return _environment().get_template("report.html").render(c=context)


def _locked_fetcher() -> Any:
    """A WeasyPrint fetcher that serves ``data:`` URIs and files inside ``report_templates/`` only."""
    from weasyprint import URLFetcher

    class LockedFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file" and not parts.netloc:
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(REPORT_TEMPLATES) and path.is_file():
                    return super().fetch(url, headers)
            log.warning("report refused to fetch %s", url[:200])
            raise ValueError(f"the report does not fetch {url[:80]}")

    return LockedFetcher(allowed_protocols={"data", "file"}, allow_redirects=False, timeout=3)


def html_to_pdf(html: str, author: str = "") -> bytes:
    """Lay ``html`` out as a tagged PDF/UA-1 document (in whichever process calls it).

    ``author`` goes into the document metadata directly, so user text never sits in an attribute.
    """
    from weasyprint import HTML

    document = HTML(string=html, base_url=REPORT_TEMPLATES.as_uri() + "/", url_fetcher=_locked_fetcher()).render()
    if author:
        document.metadata.authors = [author]
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    return pdf


def _prepare_worker() -> None:
    """Cap the worker's memory and load WeasyPrint once, before the first report."""
    with contextlib.suppress(ValueError, OSError):  # some systems refuse; the time limit still holds
        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES, WORKER_MEMORY_BYTES))
    import weasyprint  # noqa: F401


def _warm() -> bool:
    return True


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
            max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_prepare_worker
        )
        pool.submit(_warm)  # start the worker (and WeasyPrint's import) while charts are drawn
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
