"""Reports made ahead: the PDF of a report is made in the background as soon as someone may want it,
and kept by what it shows, so asking for it again is instant until anything in it changes.

A report is known by a hash of its context without the moment it was made (``key_of``): the same
answers, city, peers, plan and workshop give the same key, so every member of the city who opens the
Report page shares one PDF, and any change gives a new key and a new PDF. The PDFs are derived from
the database and can be made again at any time, so keeping them in one process's memory loses
nothing when the process stops.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from reporting.context import ReportContext

__all__ = ["Prepared", "PreparedReports", "Readiness", "key_of"]

KEEP = 24
"""How many PDFs a process keeps (a full report is a few hundred kilobytes)."""


class Readiness(StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class Prepared:
    """Where one report stands: being made, made (with its PDF and when), or failed (with why)."""

    readiness: Readiness
    pdf: bytes = b""
    made_at: datetime | None = None
    problem: str = ""


def key_of(context: ReportContext) -> str:
    """What the report shows, as a hash: equal for equal contents whenever they were put together."""
    shown = context.model_dump_json(exclude={"generated_at"})
    return hashlib.sha256(shown.encode("utf-8")).hexdigest()


class PreparedReports:
    """Makes report PDFs one at a time in a background thread and keeps the latest ``keep`` of them.

    ``render`` turns a context into PDF bytes and raises an exception whose message is written for
    the person (``ReportError``) when it cannot; ``failure`` lists the exception types to show as
    they are, any other one is reported as a short generic problem.
    """

    def __init__(
        self,
        render: Callable[[ReportContext], bytes],
        failure: tuple[type[Exception], ...] = (),
        keep: int = KEEP,
    ) -> None:
        self._render = render
        self._failure = failure
        self._keep = keep
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Future[bytes]] = OrderedDict()
        self._made_at: dict[str, datetime] = {}
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-ahead")

    def request(self, context: ReportContext) -> str:
        """Start making the report of ``context`` unless it is made or being made; returns its key."""
        key = key_of(context)
        with self._lock:
            if key in self._jobs:
                self._jobs.move_to_end(key)
                return key
            self._jobs[key] = self._worker.submit(self._make, key, context)
            while len(self._jobs) > self._keep:
                old, _ = self._jobs.popitem(last=False)
                self._made_at.pop(old, None)
        return key

    def _make(self, key: str, context: ReportContext) -> bytes:
        pdf = self._render(context)
        self._made_at[key] = datetime.now(UTC)
        return pdf

    def state(self, key: str) -> Prepared | None:
        """Where the report with ``key`` stands, or None when it was never asked for (or is forgotten)."""
        with self._lock:
            job = self._jobs.get(key)
        if job is None:
            return None
        if not job.done():
            return Prepared(Readiness.PENDING)
        problem = job.exception()
        if problem is None:
            return Prepared(Readiness.READY, pdf=job.result(), made_at=self._made_at.get(key))
        if isinstance(problem, self._failure):
            return Prepared(Readiness.FAILED, problem=str(problem))
        return Prepared(Readiness.FAILED, problem=f"The report could not be made ({type(problem).__name__}).")

    def wait(self, key: str, timeout: float | None = None) -> Prepared | None:
        """``state`` once the report with ``key`` is made or has failed (or ``timeout`` seconds passed)."""
        with self._lock:
            job = self._jobs.get(key)
        if job is not None:
            with contextlib.suppress(TimeoutError):
                job.exception(timeout=timeout)
        return self.state(key)

    def forget(self, key: str) -> None:
        """Drop the report with ``key`` (a failed one, so that asking again tries again)."""
        with self._lock:
            self._jobs.pop(key, None)
            self._made_at.pop(key, None)

    def close(self) -> None:
        """Stop taking work; reports being made are finished first."""
        self._worker.shutdown(wait=True, cancel_futures=True)
