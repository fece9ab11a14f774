"""Reports made ahead: one PDF per content, made once in the background, failures told as they are."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest

from questionnaire.model import Framework
from reporting.context import ReportContext
from reporting.pdf import ReportError
from reporting.prepared import PreparedReports, Readiness, key_of
from tests.unit.test_report_html import context, load_framework_default


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework_default()


class Pdfs:
    """A render that writes the city's name as the 'PDF', can be held back, and counts its calls."""

    def __init__(self) -> None:
        self.made: list[str] = []
        self.go = threading.Event()
        self.go.set()

    def __call__(self, report: ReportContext) -> bytes:
        self.go.wait(10)
        self.made.append(report.city_name)
        if report.city_name == "Refused":
            raise ReportError("The charts could not be drawn; the answers are safe.")
        if report.city_name == "Broken":
            raise KeyError("internal")
        return report.city_name.encode()


@pytest.fixture
def pdfs() -> Pdfs:
    return Pdfs()


@pytest.fixture
def prepared(pdfs: Pdfs) -> Iterator[PreparedReports]:
    made = PreparedReports(pdfs, failure=(ReportError,), keep=2)
    yield made
    pdfs.go.set()
    made.close()


def test_the_key_ignores_when_the_context_was_put_together_but_not_what_it_shows(framework: Framework) -> None:
    first = context(framework)
    later = first.model_copy(update={"generated_at": first.generated_at + timedelta(hours=3)})
    assert key_of(first) == key_of(later)
    assert key_of(first) != key_of(context(framework, note="A new note"))
    assert key_of(first) != key_of(context(framework, city_name="Lakeside"))


def test_a_report_asked_for_twice_is_made_once_and_is_pending_until_made(
    framework: Framework, pdfs: Pdfs, prepared: PreparedReports
) -> None:
    pdfs.go.clear()
    key = prepared.request(context(framework))
    assert prepared.request(context(framework)) == key
    assert prepared.state(key).readiness is Readiness.PENDING  # type: ignore[union-attr]
    pdfs.go.set()
    made = prepared.wait(key, timeout=10)
    assert made is not None and made.readiness is Readiness.READY
    assert made.pdf == b"Riverton" and made.made_at is not None
    assert pdfs.made == ["Riverton"]


def test_a_report_never_asked_for_has_no_state(prepared: PreparedReports) -> None:
    assert prepared.state("0" * 64) is None
    assert prepared.wait("0" * 64, timeout=0.1) is None


def test_a_failure_written_for_the_person_is_shown_as_it_is_and_any_other_briefly(
    framework: Framework, prepared: PreparedReports
) -> None:
    refused = prepared.wait(prepared.request(context(framework, city_name="Refused")), timeout=10)
    assert refused is not None and refused.readiness is Readiness.FAILED
    assert refused.problem == "The charts could not be drawn; the answers are safe."
    broken = prepared.wait(prepared.request(context(framework, city_name="Broken")), timeout=10)
    assert broken is not None and broken.problem == "The report could not be made (KeyError)."
    assert "internal" not in broken.problem


def test_a_forgotten_report_is_made_again_when_asked(
    framework: Framework, pdfs: Pdfs, prepared: PreparedReports
) -> None:
    key = prepared.request(context(framework, city_name="Refused"))
    prepared.wait(key, timeout=10)
    prepared.forget(key)
    assert prepared.state(key) is None
    prepared.wait(prepared.request(context(framework, city_name="Refused")), timeout=10)
    assert pdfs.made == ["Refused", "Refused"]


def test_only_the_latest_reports_are_kept(framework: Framework, pdfs: Pdfs, prepared: PreparedReports) -> None:
    keys = [prepared.request(context(framework, city_name=name)) for name in ("A", "B", "C")]
    for key in keys[1:]:
        prepared.wait(key, timeout=10)
    assert prepared.state(keys[0]) is None  # keep=2: the oldest went
    assert [prepared.state(k).pdf for k in keys[1:]] == [b"B", b"C"]  # type: ignore[union-attr]
