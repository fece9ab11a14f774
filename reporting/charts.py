"""Chart export: the only place that calls kaleido.

One long-lived headless Chromium (``kaleido.start_sync_server(mathjax=False)``) exports every figure
of a report as SVG. The server is not thread-safe, so one lock guards it; results are cached by the
figure's content. When no browser is installed, or export fails or takes too long, the caller gets
no image and a short note, and the report shows a table instead.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import shutil
import threading
import warnings
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import plotly.graph_objects as go

__all__ = ["ChartExporter", "ChartResult", "browser_available"]

log = logging.getLogger(__name__)
CACHE_SIZE = 256


def browser_available() -> bool:
    """Whether a Chromium for kaleido is installed (``BROWSER_PATH`` or one on the PATH)."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        return os.access(explicit, os.X_OK)
    return any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome", "chrome"))


class ChartResult:
    """Images as ``data:image/svg+xml`` URIs by chart id (None where export failed), and why."""

    def __init__(self, images: dict[str, str | None], note: str | None) -> None:
        self.images = images
        self.note = note


class ChartExporter:
    """Export plotly figures to SVG through one shared Chromium, with a lock, a cache and a time limit."""

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, str] = OrderedDict()
        self._started = False
        self._broken: str | None = None
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chart-export")

    def start(self) -> None:
        """Start Chromium in the background now, so that it is ready when the first chart is needed."""
        if browser_available():
            self._worker.submit(self._ensure_server)

    def _ensure_server(self) -> None:
        if not self._started:
            import kaleido

            kaleido.start_sync_server(mathjax=False, silence_warnings=True)
            self._started = True

    @staticmethod
    def key(figure: go.Figure) -> str:
        """The cache key: a hash of the figure's full JSON."""
        return hashlib.sha256(figure.to_json().encode("utf-8")).hexdigest()

    def _export(self, figures: dict[str, go.Figure]) -> dict[str, str]:
        import plotly.io as pio

        self._ensure_server()
        out = {}
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="The kopts argument is ignored")
            for name, figure in figures.items():
                width, height = figure.layout.width, figure.layout.height
                svg = pio.to_image(figure, format="svg", width=width, height=height)
                out[name] = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        return out

    def export(self, figures: dict[str, go.Figure]) -> ChartResult:
        """SVG data URIs for ``figures``; never raises, and waits at most ``timeout`` seconds."""
        keys = {name: self.key(figure) for name, figure in figures.items()}
        images: dict[str, str | None] = {name: self._cache.get(key) for name, key in keys.items()}
        missing = {name: figures[name] for name, image in images.items() if image is None}
        if not missing:
            return ChartResult(images, None)
        if self._broken:
            return ChartResult(images, self._broken)
        if not browser_available():
            return ChartResult(images, "Charts need the Chromium browser, which is not installed on this server.")
        if not self._lock.acquire(timeout=self.timeout):
            return ChartResult(images, "Charts were busy for too long; the tables below show the same figures.")
        try:
            future = self._worker.submit(self._export, missing)
            exported = future.result(timeout=self.timeout)
        except FutureTimeout:
            log.error("chart export took longer than %.0f s; charts are off for this process", self.timeout)
            self._broken = "Charts could not be drawn in time; the tables below show the same figures."
            return ChartResult(images, self._broken)
        except Exception:  # noqa: BLE001 - any export failure falls back to the tables
            log.exception("chart export failed")
            return ChartResult(images, "Charts could not be drawn; the tables below show the same figures.")
        finally:
            self._lock.release()
        for name, uri in exported.items():
            images[name] = uri
            self._cache[keys[name]] = uri
            self._cache.move_to_end(keys[name])
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return ChartResult(images, None)
