"""The report's HTML: every section present, every piece of user text escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from questionnaire.loader import load_frameworks
from questionnaire.model import Framework
from reporting.context import ReportContext, ReportVariant, build_context
from reporting.pdf import REPORT_TEMPLATES, render_html
from reporting.sources import context_from_file
from scoring.records import AssessmentRecord, City, RecordedAnswer
from storage.portable import read_portable
from tests.files import riverton_workshop, signed

HOSTILE = '<script>alert(1)</script><img src="file:///etc/passwd"><link href="http://127.0.0.1:9/x">'
WHEN = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


class Collector(HTMLParser):
    """Element ids, tag names and attribute values of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.ids += [value or "" for name, value in attrs if name == "id"]
        self.attributes += [value or "" for _, value in attrs]


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework_default()


def load_framework_default() -> Framework:
    return load_frameworks()["scn-transatlantic"]


def context(framework: Framework, city_name: str = "Riverton", note: str = "", earlier: bool = True) -> ReportContext:
    city = City(name=city_name, country="Fictional", region="europe", population_band="100k_500k")
    record = AssessmentRecord(
        framework_id=framework.id, framework_version=framework.version, title="2026", started_at=WHEN
    )
    given = [
        RecordedAnswer(
            question_id=q.id,
            level=i % 5,
            note=note if i == 0 else "",
            links=("https://example.org/a?x=<b>",) if i == 0 else (),
        )
        for i, q in enumerate(framework.questions)
    ]
    before = AssessmentRecord(
        framework_id=framework.id,
        framework_version=framework.version,
        title="2025",
        started_at=WHEN.replace(year=2025),
        status="submitted",
    )
    history = [(before, [a.model_copy(update={"level": max(0, (a.level or 0) - 1)}) for a in given])] if earlier else []
    return build_context(framework, city, record, given, history, generated_at=WHEN)


def test_every_section_of_the_report_is_in_the_html(framework: Framework) -> None:
    page = Collector()
    page.feed(render_html(context(framework)))
    expected = ["contents", "summary", "charts", "plan", "practices", "changes", "methodology", "appendix"]
    assert [i for i in page.ids if i in expected] == expected
    assert [i for i in page.ids if i.startswith("theme-")] == [f"theme-{t.id}" for t in framework.themes]
    assert {f"chart-{name}" for name in ("radar", "bars", "heatmap", "changes")} <= set(page.ids)


def test_the_summary_leaves_out_theme_detail_and_answers_but_keeps_every_theme_and_next_step(
    framework: Framework,
) -> None:
    summary = context(framework).model_copy(update={"variant": ReportVariant.SUMMARY})
    html = render_html(summary)
    page = Collector()
    page.feed(html)
    expected = ["contents", "summary", "charts", "glance", "plan", "practices", "changes", "methodology"]
    assert [i for i in page.ids if i in [*expected, "appendix"]] == expected
    assert not [i for i in page.ids if i.startswith("theme-")]
    assert 'href="#theme-' not in html  # no page reference points at a section that is not there
    for theme in summary.themes:
        assert f"{theme.id} · {theme.title}" in html
    top = summary.priorities[0]
    assert top.steps and all(step in html for step in top.steps)
    assert "summary for leadership" in html


def test_without_a_previous_assessment_there_is_no_change_section(framework: Framework) -> None:
    page = Collector()
    page.feed(render_html(context(framework, earlier=False)))
    assert "changes" not in page.ids and "chart-changes" not in page.ids


def test_user_text_is_shown_literally_never_as_markup(framework: Framework) -> None:
    html = render_html(context(framework, city_name=HOSTILE[:120], note=HOSTILE + " javascript:alert(2)"))
    page = Collector()
    page.feed(html)
    assert "script" not in page.tags and "link" not in page.tags
    assert not [a for a in page.attributes if "passwd" in a or "127.0.0.1" in a or a.startswith("javascript:")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "https://example.org/a?x=&lt;b&gt;" in html  # links are shown as text, not as href


def test_no_template_turns_escaping_off() -> None:
    for template in REPORT_TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "|safe" not in text and "autoescape false" not in text and "Markup" not in text, template.name


def test_every_weasyprint_document_and_stylesheet_gets_the_locked_fetcher() -> None:
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent.parent
    calls = []
    for path in [*root.glob("reporting/*.py"), *root.glob("app_pages/*.py"), root / "cli.py", root / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "HTML",
                "CSS",
            ):
                calls.append((path.name, {k.arg for k in node.keywords}))
    assert calls, "no WeasyPrint call found"
    assert all("url_fetcher" in keywords for _, keywords in calls), calls


def test_a_report_made_from_a_file_sets_out_the_disagreement_of_its_workshop_round() -> None:
    file = read_portable(signed(riverton_workshop()))
    found = context_from_file(file, load_frameworks().by_version("scn-transatlantic")["1.0.0"], now=WHEN)
    part = found.workshop
    assert part is not None and part.respondents == 2
    (row,) = part.disagreements  # levels 1 and 3: two levels apart
    stored = next(a for a in file.answers if a.question_id == "Q7.1")
    assert (row.question_id, row.consensus) == ("Q7.1", f"Level {stored.level}")
    assert [(d.holder, d.level) for d in row.dissents] == [("Social services", 1)]
    html = render_html(found)
    assert "Where the team disagreed" in html and "In use in two districts" in html
