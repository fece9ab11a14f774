"""The Report and data page, driven with AppTest on the real app and a real SQLite file.

AppTest cannot read download bytes, so these tests check which downloads are offered; the exports
themselves are tested in ``test_transfer.py``. The PDF is made in the background by a real renderer
(Chromium for the charts, WeasyPrint in a worker) that only counts how often it is asked.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import app_pages.common
from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from reporting.context import ReportContext, ReportVariant
from reporting.pdf import ReportRenderer
from scoring.answers import Status
from scoring.records import AssessmentRecord, AssessmentStatus, RecordedAnswer
from storage.demo import create_demo
from storage.migrate import upgrade_database
from storage.rounds import Rounds
from storage.store import Store
from storage.transfer import export_json
from tests.files import RIVERTON, riverton, signed
from tests.integration.conftest import as_read, sign_in_app

APP = str(Path(__file__).resolve().parent.parent.parent / "app.py")
PAGE = "app_pages/report.py"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """A SQLite file with the demo city (two submitted assessments and a draft), used by the app too."""
    st.cache_resource.clear()
    url = f"sqlite:///{tmp_path}/app.db"
    monkeypatch.setenv("DATABASE_URL", url)
    upgrade_database(url)
    frameworks = load_frameworks()
    opened = Store.open(url, frameworks)
    create_demo(opened, frameworks[DEFAULT_FRAMEWORK_ID], "Tester")
    yield opened
    st.cache_resource.clear()
    opened.engine.dispose()


def _demo(store: Store, status: AssessmentStatus) -> AssessmentRecord:
    return next(a for a in store.assessments() if a.status is status)


def report_page(record: AssessmentRecord | None) -> AppTest:
    """The app on the Report and data page, with ``record`` chosen and someone answering."""
    at = AppTest.from_file(APP, default_timeout=90)
    if record is not None:
        at.session_state["selected_city"] = record.city_id
        at.session_state["selected_assessment"] = record.id
    sign_in_app(at, name="Tester", network_admin=True)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def plain(text: str) -> str:
    """Markdown-escaped text as the reader sees it."""
    return as_read(text)


def errors(at: AppTest) -> str:
    return "\n".join(plain(e.value) for e in at.error)


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def counts(store: Store) -> tuple[int, int]:
    return len(store.cities()), len(store.assessments())


MAKING = "Making the report"


def making(at: AppTest) -> bool:
    return any(MAKING in i.value for i in at.info)


def when_made(at: AppTest, timeout: float = 90) -> AppTest:
    """Rerun the page, as its quarter-second look does in the browser, until the report is made or failed."""
    deadline = time.monotonic() + timeout
    while making(at):
        assert time.monotonic() < deadline, "the report was still being made"
        time.sleep(0.25)
        at.run()
        assert not at.exception
    return at


def pdf_offered(at: AppTest) -> bool:
    return "Download the PDF report" in {b.label for b in at.get("download_button")}


class CountingRenderer:
    """The shared real renderer, recording the variant of every report it is asked for."""

    def __init__(self, real: ReportRenderer) -> None:
        self.real = real
        self.variants: list[ReportVariant] = []

    @property
    def calls(self) -> int:
        return len(self.variants)

    def render(self, context: ReportContext) -> bytes:
        self.variants.append(context.variant)
        return self.real.render(context)


@pytest.fixture
def real_renderer(renderer: ReportRenderer, monkeypatch: pytest.MonkeyPatch) -> CountingRenderer:
    """The app's renderer for this test: the real one, counted."""
    counting = CountingRenderer(renderer)
    monkeypatch.setattr(app_pages.common, "renderer", lambda: counting)
    return counting


@pytest.mark.parametrize(("setting", "started"), [("1", 1), ("0", 0)])
def test_the_first_visit_starts_the_report_renderer_unless_the_deployment_turns_that_off(
    store: Store, monkeypatch: pytest.MonkeyPatch, setting: str, started: int
) -> None:
    starts: list[str] = []
    monkeypatch.setattr(app_pages.common, "renderer", lambda: starts.append("started"))
    monkeypatch.setenv("REPORT_WARM_START", setting)
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()  # the sign-in page, while the person types
    assert not at.exception
    assert len(starts) == started
    sign_in_app(at, name="Tester")
    at.run()
    assert not at.exception


def test_a_renderer_that_cannot_start_ahead_does_not_stop_the_app(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise OSError("no processes left")

    monkeypatch.setattr(app_pages.common, "renderer", broken)
    monkeypatch.setenv("REPORT_WARM_START", "1")
    at = AppTest.from_file(APP, default_timeout=90)
    sign_in_app(at, name="Tester")
    at.run()
    assert not at.exception
    assert not at.error
    assert at.title[0].value == "City Cohesion Self-Assessment"  # the Home page


def test_without_a_chosen_assessment_the_page_points_to_home(store: Store) -> None:
    at = report_page(None)
    assert "Choose a city and an assessment on the Home page first" in at.info[0].value
    assert not at.get("download_button")
    assert not at.file_uploader


def test_a_draft_offers_the_report_every_download_and_both_imports(store: Store) -> None:
    at = report_page(_demo(store, AssessmentStatus.DRAFT))
    assert at.title[0].value == "Report and data"
    assert making(at)  # the report is being made as soon as the page opens
    labels = {b.label for b in at.get("download_button")}
    assert labels == {
        "Download the file (.json)",
        "Download the table (.csv)",
        "Download every table (.xlsx)",
    }
    table = at.selectbox(key="report_csv_table")
    assert table.options == [
        "Answers",
        "Theme scores",
        "Gaps against the targets",
        "Priorities",
        "Workshop rounds: each respondent's answers",
        "Workshop rounds: consensus and dissent",
        "The city's action plan",  # the demo city has one
    ]
    assert at.file_uploader(key="report_import_file").label == "Import an assessment file (.json)"
    assert at.file_uploader(key="report_import_file").allowed_type == [".json"]
    assert at.file_uploader(key="report_import_csv").allowed_type == [".csv"]
    assert at.checkbox(key="report_csv_replace").label == "Replace answers that differ"


def test_a_submitted_assessment_does_not_offer_the_answers_import(store: Store) -> None:
    at = report_page(_demo(store, AssessmentStatus.SUBMITTED))
    keys = {u.key for u in at.file_uploader}
    assert keys == {"report_import_file"}
    assert "report_csv_replace" not in {c.key for c in at.checkbox}
    assert "report_csv_go" not in {b.key for b in at.button}
    assert "answers are frozen" in markdown(at)


def test_the_pdf_is_made_as_the_page_opens_shared_and_made_again_after_a_change(
    store: Store, real_renderer: CountingRenderer
) -> None:
    draft = _demo(store, AssessmentStatus.DRAFT)
    at = report_page(draft)
    assert making(at) and not pdf_offered(at)  # opening the page starts it; the page is usable meanwhile
    at.selectbox(key="report_csv_table").set_value("gaps").run()
    when_made(at)
    assert real_renderer.variants == [ReportVariant.FULL]
    pdf = at.get("download_button")[0]
    assert pdf.label == "Download the PDF report"
    assert pdf.proto.type == "primary"
    assert "The report is ready" in at.success[0].value
    assert at.selectbox(key="report_csv_table").value == "gaps"  # the page kept its state

    at.run()
    colleague = report_page(draft)  # another member of the city opening the page
    assert pdf_offered(colleague) and not making(colleague)
    assert real_renderer.calls == 1  # made once, for every rerun and every member

    question = store.answers(draft.id or 0)[0]
    changed = question.model_copy(update={"status": Status.LEVEL, "level": 4 if question.level != 4 else 3})
    store.save_answer(draft.id or 0, changed, "Someone else", expected_version=question.version)
    at.run()
    assert making(at) and not pdf_offered(at)  # the old PDF is never offered for the new answers
    when_made(at)
    assert pdf_offered(at)
    assert real_renderer.calls == 2


def test_the_summary_is_made_when_chosen_and_the_full_report_stays_ready(
    store: Store, real_renderer: CountingRenderer
) -> None:
    at = report_page(_demo(store, AssessmentStatus.DRAFT))
    choice = at.radio(key="report_pdf_variant")
    assert choice.value is ReportVariant.FULL and choice.options == ["Full report", "Summary for leadership"]
    when_made(at)
    at.radio(key="report_pdf_variant").set_value(ReportVariant.SUMMARY).run()
    assert making(at)
    when_made(at)
    assert real_renderer.variants == [ReportVariant.FULL, ReportVariant.SUMMARY]
    assert pdf_offered(at)

    at.radio(key="report_pdf_variant").set_value(ReportVariant.FULL).run()
    assert pdf_offered(at) and not making(at)
    assert real_renderer.calls == 2  # both kept


def test_a_report_that_cannot_be_made_says_why_without_a_traceback_and_can_be_tried_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    impatient = ReportRenderer(timeout=0.05)  # a real render that cannot finish in time
    monkeypatch.setattr(app_pages.common, "renderer", lambda: impatient)
    try:
        at = when_made(report_page(_demo(store, AssessmentStatus.SUBMITTED)))
        assert not at.exception
        assert any("took longer than 0 seconds" in e.value and "answers are safe" in e.value for e in at.error)
        assert not pdf_offered(at)
        at.button(key="report_pdf_make").click().run()
        assert making(at)  # tried again
        when_made(at)
    finally:
        impatient.close()
    assert any("took longer than 0 seconds" in e.value for e in at.error)
    assert at.button(key="report_pdf_make").label == "Try again"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"format": "other"}', "this is not a City Cohesion assessment file"),
        (RIVERTON.read_bytes().replace(b'"level": 2', b'"level": 3', 1), "integrity check failed"),
        (b"\xff\xfe not text", "not UTF-8 text"),
    ],
)
def test_a_bad_assessment_file_is_refused_with_its_problem_and_nothing_written(
    store: Store, data: bytes, expected: str
) -> None:
    before = counts(store)
    at = report_page(_demo(store, AssessmentStatus.DRAFT))
    at.file_uploader(key="report_import_file").upload("bad.json", data, "application/json").run()
    assert not at.exception
    assert "This file cannot be imported; nothing was changed." in errors(at)
    assert expected in errors(at)
    assert "report_import_go" not in {b.key for b in at.button}
    assert counts(store) == before


def test_an_assessment_file_is_previewed_then_imported_and_can_be_opened(store: Store) -> None:
    before_cities, before_assessments = counts(store)
    at = report_page(_demo(store, AssessmentStatus.DRAFT))
    at.file_uploader(key="report_import_file").upload(RIVERTON.name, RIVERTON.read_bytes(), "application/json").run()
    assert not at.exception
    preview = plain(markdown(at))
    assert "Assessment “Riverton 2026 (worked example)” (submitted)" in preview
    assert "A new city will be created: Riverton (fictional), Fictional." in preview
    answers = len(riverton()["answers"])
    assert f"Answers to import: **{answers}**" in preview
    assert counts(store) == (before_cities, before_assessments)  # a preview writes nothing

    at.button(key="report_import_go").click().run()
    assert not at.exception
    assert counts(store) == (before_cities + 1, before_assessments + 1)
    city = next(c for c in store.cities() if c.name == "Riverton (fictional)")
    made = store.assessments(city.id)[0]
    assert made.title == "Riverton 2026 (worked example)"
    assert len(store.answers(made.id or 0)) == answers
    assert "Imported “Riverton 2026 (worked example)”." in plain(at.success[0].value)
    assert "report_import_go" not in {b.key for b in at.button}  # no second import by a double click

    at.button(key="report_import_open").click().run()
    assert at.session_state["selected_assessment"] == made.id
    assert at.session_state["selected_city"] == city.id


def test_the_preview_escapes_markdown_in_the_file(store: Store) -> None:
    content = riverton()
    content["assessment"] = {**content["assessment"], "title": "[click me](http://evil.example) **now**"}
    at = report_page(_demo(store, AssessmentStatus.DRAFT))
    at.file_uploader(key="report_import_file").upload("evil.json", signed(content), "application/json").run()
    shown = markdown(at)
    assert r"\[click me\]\(http\:" in shown
    assert "[click me](" not in shown
    assert r"\*\*now\*\*" in shown


def test_answers_from_a_spreadsheet_need_replace_to_overwrite_then_say_how_many_changed(store: Store) -> None:
    draft = _demo(store, AssessmentStatus.DRAFT)
    stored = next(a for a in store.answers(draft.id or 0) if a.status == "level")
    level = 4 if stored.level != 4 else 3
    sheet = f"question_id,status,level\n{stored.question_id},level,{level}\n".encode()
    at = report_page(draft)
    at.file_uploader(key="report_import_csv").upload("answers.csv", sheet, "text/csv").run()
    at.button(key="report_csv_go").click().run()
    assert not at.exception
    assert "The answers were not imported; nothing was changed." in errors(at)
    assert "already have a different answer" in errors(at)
    assert _level(store, draft, stored.question_id) == stored.level

    at.checkbox(key="report_csv_replace").check().run()
    at.button(key="report_csv_go").click().run()
    assert not at.exception
    assert at.success[0].value == "1 answer changed."
    assert _level(store, draft, stored.question_id) == level


def _level(store: Store, record: AssessmentRecord, question_id: str) -> int | None:
    answer: RecordedAnswer = next(a for a in store.answers(record.id or 0) if a.question_id == question_id)
    return answer.level


def test_a_file_whose_city_profile_differs_asks_which_profile_to_keep_before_importing(store: Store) -> None:
    at = report_page(_demo(store, AssessmentStatus.DRAFT))
    at.file_uploader(key="report_import_file").upload(RIVERTON.name, RIVERTON.read_bytes(), "application/json").run()
    at.button(key="report_import_go").click().run()
    city = next(c for c in store.cities() if c.name == "Riverton (fictional)")

    content = riverton()
    content["city"] = {**content["city"], "population_band": "over_1m"}
    content["assessment"] = {**content["assessment"], "title": "A later sitting"}
    at = report_page(_demo(store, AssessmentStatus.DRAFT))
    at.file_uploader(key="report_import_file").upload("later.json", signed(content), "application/json").run()
    assert not at.exception
    assert "size: stored “100k_500k”, in the file “over_1m”" in plain(markdown(at))
    assert at.button(key="report_import_go").disabled  # no import until the team chooses
    at.radio(key="report_import_profile").set_value("Update the stored profile from the file").run()
    assert not at.button(key="report_import_go").disabled
    at.button(key="report_import_go").click().run()
    assert not at.exception
    assert store.city(city.id or 0).population_band.value == "over_1m"
    assert [a.title for a in store.assessments(city.id)] == ["Riverton 2026 (worked example)", "A later sitting"]


def test_a_file_with_a_workshop_round_is_imported_with_it_and_the_workshop_page_shows_the_round(
    store: Store,
) -> None:
    draft = _demo(store, AssessmentStatus.DRAFT)
    data = export_json(store, draft.id or 0)
    at = report_page(draft)
    at.file_uploader(key="report_import_file").upload("demo.json", data, "application/json").run()
    assert not at.exception
    assert "1 closed workshop round(s) with 4 respondent(s) come with it" in plain(markdown(at))
    at.button(key="report_import_go").click().run()
    assert not at.exception
    at.button(key="report_import_open").click().run()
    imported = at.session_state["selected_assessment"]
    assert imported != draft.id and len(Rounds(store).portable(imported)) == 1

    at.switch_page("app_pages/workshop.py").run()
    assert not at.exception
    assert (
        at.selectbox(key="workshop_round")
        .format_func(at.selectbox(key="workshop_round").value)
        .startswith("Round 1 · closed · 4 respondents")
    )
    assert "Where the team disagrees" in [h.value for h in at.header]
    shown = plain(at.caption[0].value)  # the stand-ins answered every question of the round, as in the file
    assert all(f"{name}: 7 of 7" in shown for name in ("Alex Demo", "Sam Example", "Rosa Sample", "Jon Placeholder"))
