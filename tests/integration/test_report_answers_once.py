"""Each answer of the full report is printed in one place, its theme's section, with its note in full."""

from __future__ import annotations

import re

from questionnaire.model import Framework, text_in
from reporting.context import ReportVariant
from reporting.pdf import ReportRenderer
from reporting.sources import context_from_facts
from scoring.answers import Evidence
from scoring.records import City, RecordedAnswer
from storage.facts import report_facts
from storage.store import Store
from tests.integration.conftest import WHEN
from tests.integration.test_report_pdf import text_of


def test_every_answer_level_evidence_and_note_is_printed_exactly_once(
    renderer: ReportRenderer, demo: tuple[Store, int], frameworks: dict[str, Framework]
) -> None:
    store, _ = demo
    framework = frameworks["scn-transatlantic"]
    city = store.create_city(
        City(name="Onceton", country="Fictional", region="europe", population_band="100k_500k"), "Tester"
    )
    draft = store.start_assessment(city.id or 0, "Once", "Tester", framework_id=framework.id)
    questions = framework.questions
    for i, question in enumerate(questions):
        evidence = Evidence.EVALUATED if i % 3 == 0 else Evidence.NONE
        note = f"Team note zq{i:03d}x about {question.id}."
        answer = RecordedAnswer(question_id=question.id, level=i % 5, evidence=evidence, note=note)
        store.save_answer(draft.id or 0, answer, "Tester")
    context = context_from_facts(report_facts(store, draft.id or 0), now=WHEN, variant=ReportVariant.FULL)
    text = " ".join(text_of(renderer.render(context)).split())

    for i, question in enumerate(questions):  # the note in full, once
        assert text.count(f"Team note zq{i:03d}x about {question.id}.") == 1, question.id
    for level in range(5):  # each answer's level label, once per question answered at that level
        label = f"Level {level} · {text_in(framework.level(level).name)}"
        assert text.count(label) == sum(1 for i in range(len(questions)) if i % 5 == level), label
    assert text.count("Independently evaluated") == sum(1 for i in range(len(questions)) if i % 3 == 0)
    assert "Appendix: every answer" in text
    appendix = text[text.index("This list says where to find the answer to each question.") :]
    for theme in framework.themes:  # the appendix says where each theme's answers are
        assert re.search(rf"{re.escape(theme.id)} · .*?page \d+", appendix), theme.id
