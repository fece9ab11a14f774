"""Page layout with WeasyPrint, in whichever process calls it (the renderer's worker, usually).

Kept apart from the rest of ``reporting`` so that the worker process imports WeasyPrint and
nothing else: no pandas, plotly or pydantic to load before the first report.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import resource
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from reporting.table_scope import add_header_scope

__all__ = ["REPORT_TEMPLATES", "html_to_pdf", "prepare_worker", "ready"]

log = logging.getLogger(__name__)
REPORT_TEMPLATES = Path(__file__).resolve().parent.parent / "report_templates"
WORKER_MEMORY_BYTES = 2 * 1024**3
PARENT_WATCH_S = 1.0
LAYOUT_COLLECT_EVERY = 20_000
"""In a layout worker, the youngest generation is collected after this many new objects (Python's default is 700)."""


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
    """Lay ``html`` out as a tagged PDF, WeasyPrint's PDF/UA-1 variant, with header scope on its tables
    (in whichever process calls it).

    ``author`` goes into the document metadata directly, so user text never sits in an attribute.
    """
    from weasyprint import HTML

    document = HTML(string=html, base_url=REPORT_TEMPLATES.as_uri() + "/", url_fetcher=_locked_fetcher()).render()
    if author:
        document.metadata.authors = [author]
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    return add_header_scope(pdf)


def prepare_worker(parent: int) -> None:
    """Cap the worker's memory, load WeasyPrint once before the first report, and tune the garbage collector.

    A layout builds a large tree of boxes that lives until its PDF is written, and Python's cyclic
    collector would scan it again and again as it grows (a tenth of a full report's layout). The
    worker does nothing else, so its collector runs less often, and the modules loaded up to here
    are set aside from its scans (``gc.freeze``); everything a layout leaves behind is still freed.
    The worker ends by itself when ``parent`` (the process that started it) is gone.
    """
    with contextlib.suppress(ValueError, OSError):  # some systems refuse; the time limit still holds
        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES, WORKER_MEMORY_BYTES))
    import weasyprint  # noqa: F401

    gc.collect()
    gc.freeze()
    gc.set_threshold(LAYOUT_COLLECT_EVERY, *gc.get_threshold()[1:])
    # the parent's id comes from the parent: it may be gone before this line runs
    threading.Thread(target=_end_with, args=(parent,), name="parent-watch", daemon=True).start()


def _end_with(parent: int) -> None:
    """End this worker when the process that started it is gone.

    A worker holds its own end of the task queue, so it would otherwise wait for work forever (and keep
    its memory) after an app server or a command line is killed.
    """
    while os.getppid() == parent:
        time.sleep(PARENT_WATCH_S)
    os._exit(0)


def ready() -> bool:
    """Nothing to do: submitted once so that the worker starts (and loads WeasyPrint) early."""
    return True
