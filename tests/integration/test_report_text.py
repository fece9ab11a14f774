"""Every character a team wrote reaches the PDF, however long its words, and a heavy file still reports in time."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from questionnaire.model import Framework
from reporting.pdf import ZERO_WIDTH_SPACE, ReportRenderer, breakable, render_html
from reporting.sources import context_from_facts
from scoring.records import MAX_LINK_CHARS, City, RecordedAnswer
from storage.facts import report_facts
from storage.store import Store


def body_text(pdf: bytes) -> str:
    """The PDF's text without its running header and footer (the last two lines of each page), without
    any whitespace, so that a word wrapped across lines and pages reads as one."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        lines = page.extract_text().splitlines()
        pages.append("".join(lines[:-2]))
    return re.sub(r"\s+", "", "".join(pages).replace(ZERO_WIDTH_SPACE, ""))


def a_draft(store: Store, framework: Framework, notes: dict[str, tuple[str, tuple[str, ...]]]) -> int:
    city = store.create_city(City(name="Longtext", country="X", region="europe", population_band="under_100k"), "T")
    draft = store.start_assessment(city.id or 0, "2026", "T", framework_id=framework.id)
    for question_id, (note, links) in notes.items():
        answer = RecordedAnswer(question_id=question_id, level=2, note=note, links=links)
        store.save_answer(draft.id or 0, answer, "T")
    return draft.id or 0


def test_breakable_only_adds_invisible_break_points_to_long_runs() -> None:
    assert breakable("short words stay as they are") == "short words stay as they are"
    long_run = "x" * 95
    assert breakable(long_run).replace(ZERO_WIDTH_SPACE, "") == long_run
    assert breakable(long_run).count(ZERO_WIDTH_SPACE) == 9
    assert breakable("<b>" + long_run).replace(ZERO_WIDTH_SPACE, "") == "<b>" + long_run


def test_a_note_without_spaces_and_long_links_are_printed_whole_one_link_per_line(
    sqlite_url: str, frameworks: dict[str, Framework], renderer: ReportRenderer
) -> None:
    store = Store.open(sqlite_url, frameworks)
    framework = frameworks["scn-transatlantic"]
    note = "".join(f"{n:05d}" for n in range(1000))  # 5,000 characters, no space
    links = tuple(f"https://example.org/{n}/" + "abcdefghij" * 150 for n in range(3))
    cjk = "漢字仮名交じり文" * 125  # 1,000 CJK characters
    assessment = a_draft(store, framework, {"Q1.1": (note, links), "Q1.2": (cjk, ())})
    context = context_from_facts(report_facts(store, assessment))
    html = render_html(context)
    assert html.count('<li class="user">') >= len(links)  # links one per line
    text = body_text(renderer.render(context))
    assert note in text
    assert cjk in text
    for link in links:
        assert len(link) <= MAX_LINK_CHARS and link in text


def test_the_heaviest_file_the_format_allows_reports_within_the_limit(
    sqlite_url: str, frameworks: dict[str, Framework], renderer: ReportRenderer
) -> None:
    store = Store.open(sqlite_url, frameworks)
    framework = frameworks["scn-transatlantic"]
    cjk = ("漢字仮名交じり文" * 700)[:5_000]
    assessment = a_draft(store, framework, {q.id: (cjk, ()) for q in framework.questions[:10]})
    context = context_from_facts(report_facts(store, assessment))
    text = body_text(renderer.render(context))  # raises past the time limit
    assert text.count(cjk) == 10
