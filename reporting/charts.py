"""Chart export: the only place that calls kaleido.

One long-lived headless Chromium (``kaleido.start_sync_server``) exports the figures of a report as SVG,
several at once when it has several tabs (``WARM_TABS``). The server is not thread-safe, so one lock guards it.
Results are cached by the figure's content, in memory and in a folder on disk (``CHART_CACHE_DIR``, see
``chart_cache_dir``), so a chart already drawn, by this process or an earlier one, needs no browser at
all. When no browser is installed, or export fails or takes too long, the caller gets no image and a
short note, and the report shows a table instead.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import os
import shutil
import tempfile
import threading
import warnings
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Literal

import plotly.graph_objects as go

__all__ = ["ChartExporter", "ChartResult", "browser_available", "chart_cache_dir"]

log = logging.getLogger(__name__)
CACHE_SIZE = 256
DISK_CACHE_FILES = 2000
"""At most this many charts stay in the disk cache; the oldest go first."""
EXPORT_FORMAT = "svg"
WARM_TABS = 2
"""Tabs for a long-lived exporter (the app's, a batch's): charts drawn at once, each in its own tab. Measured on
the demo report's three charts on 2 cores (medians of 14): 0.48 s one after the other, 0.40 s with two tabs,
0.38 s with three. Each tab holds about 70 MiB and loads plotly.js as Chromium starts, which costs a single
report from a cold command line 1.3 s (7.0 s with one tab, 8.3 s with two), so one report uses one tab."""


def _export_settings() -> str:
    """What besides the figure decides the SVG: the format and the versions of plotly and kaleido."""
    versions = []
    for package in ("plotly", "kaleido"):
        try:
            versions.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            versions.append(f"{package}=?")
    return ";".join([f"format={EXPORT_FORMAT}", "mathjax=off", *versions])


def chart_cache_dir() -> Path | None:
    """The folder of the disk cache of chart SVGs, made if needed; None when it is off or cannot be written.

    ``CHART_CACHE_DIR`` names it (an empty value turns the cache off); by default it is
    ``cohesion-charts`` under the user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``).
    """
    explicit = os.environ.get("CHART_CACHE_DIR")
    if explicit is not None:
        if not explicit.strip():
            return None
        folder = Path(explicit).expanduser()
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path("~/.cache").expanduser())
        folder = Path(base) / "cohesion-charts"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # files are written 0600 (mkstemp)
    except OSError:
        log.info("chart cache %s cannot be made; charts are cached in memory only", folder)
        return None
    if not os.access(folder, os.W_OK | os.X_OK):
        log.info("chart cache %s is not writable; charts are cached in memory only", folder)
        return None
    return folder


def _looks_like_svg(data: bytes) -> bool:
    """Whether ``data`` is a whole SVG document (a file cut short or overwritten is not)."""
    head, tail = data[:512].lstrip(), data[-64:].rstrip()
    return head.startswith((b"<svg", b"<?xml")) and tail.endswith(b"</svg>")


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

    def __init__(
        self, timeout: float = 30.0, cache_dir: Path | Literal["environment"] | None = "environment", tabs: int = 1
    ) -> None:
        """``cache_dir``: the disk cache's folder; by default the one ``chart_cache_dir()`` names, None for none.
        ``tabs``: how many charts Chromium draws at once (the first exporter of a process decides it)."""
        self.timeout = timeout
        self.tabs = tabs
        self.cache_dir = chart_cache_dir() if cache_dir == "environment" else cache_dir
        self.disk_hits = 0
        """Charts read from the disk cache, and ``exported`` those Chromium drew, since this exporter was made."""
        self.exported = 0
        self._settings = _export_settings()
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

            kaleido.start_sync_server(n=self.tabs, mathjax=False, silence_warnings=True)
            self._started = True

    def key(self, figure: go.Figure) -> str:
        """The cache key: a hash of the figure's full JSON and the export settings."""
        digest = hashlib.sha256(self._settings.encode("utf-8"))
        digest.update(b"\0")
        digest.update(figure.to_json().encode("utf-8"))
        return digest.hexdigest()

    def _path(self, key: str) -> Path | None:
        return None if self.cache_dir is None else self.cache_dir / f"{key}.svg"

    def _read_disk(self, key: str) -> str | None:
        """The cached chart of ``key`` as a data URI; None when absent, unreadable or not a whole SVG."""
        path = self._path(key)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if not _looks_like_svg(data):
            log.warning("chart cache file %s is damaged; the chart is drawn again", path.name)
            return None
        return _data_uri(data)

    def _write_disk(self, key: str, svg: bytes) -> None:
        """Keep ``svg`` under ``key``: written to a temporary file, then moved into place in one step."""
        path = self._path(key)
        if path is None:
            return
        try:
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".svg", dir=path.parent)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(svg)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as exc:
            log.info("chart cache not written (%s)", exc)

    def _prune_disk(self) -> None:
        """Remove the oldest charts beyond ``DISK_CACHE_FILES`` (a file is never rewritten once whole)."""
        if self.cache_dir is None:
            return
        try:
            files = [entry for entry in os.scandir(self.cache_dir) if entry.name.endswith(".svg")]
            if len(files) <= DISK_CACHE_FILES:
                return
            files.sort(key=lambda entry: entry.stat().st_mtime)
            for entry in files[: len(files) - DISK_CACHE_FILES]:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
        except OSError:
            pass

    def _export(self, figures: dict[str, go.Figure]) -> dict[str, bytes]:
        """Draw ``figures``, as many at once as Chromium has tabs, into a private temporary folder; read them back."""
        import plotly.io as pio

        self._ensure_server()
        names = list(figures)
        with tempfile.TemporaryDirectory(prefix="cohesion-charts-") as folder, warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="The kopts argument is ignored")
            paths = [Path(folder) / f"{index}.svg" for index in range(len(names))]
            pio.write_images(
                [figures[name] for name in names],
                paths,
                format=EXPORT_FORMAT,
                width=[figures[name].layout.width for name in names],
                height=[figures[name].layout.height for name in names],
            )
            out = {}
            for name, path in zip(names, paths, strict=True):
                data = path.read_bytes() if path.is_file() else b""
                if not _looks_like_svg(data):  # kaleido removes the file of a chart it could not draw
                    raise RuntimeError(f"the chart {name} was not drawn")
                out[name] = data
        return out

    def export(self, figures: dict[str, go.Figure]) -> ChartResult:
        """SVG data URIs for ``figures``; never raises, and waits at most ``timeout`` seconds."""
        keys = {name: self.key(figure) for name, figure in figures.items()}
        images: dict[str, str | None] = {name: self._cache.get(key) for name, key in keys.items()}
        for name, image in images.items():
            if image is None and (image := self._read_disk(keys[name])) is not None:
                images[name] = image
                self._remember(keys[name], image)
                self.disk_hits += 1
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
        for name, svg in exported.items():
            images[name] = uri = _data_uri(svg)
            self._remember(keys[name], uri)
            self._write_disk(keys[name], svg)
        self.exported += len(exported)
        self._prune_disk()
        return ChartResult(images, None)

    def _remember(self, key: str, uri: str) -> None:
        self._cache[key] = uri
        self._cache.move_to_end(key)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
