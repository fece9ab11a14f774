"""The practice library as shipped: checked by `framework check`, browsable in the app, matched in the report."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reporting.sources import context_from_facts
from scoring.records import City, RecordedAnswer
from storage.facts import report_facts
from storage.store import Store
from tests.integration.conftest import sign_in_app
from tests.integration.test_cli import FIXTURES, ROOT, run_cli

MINI_PRACTICES = """practices:
  - id: parks-register
    title: "A register of parks"
    summary: "Keep a register of parks and plan shared spaces with the residents who use them every day."
    themes: [S]
    questions: [S.1]
    helps_reach: 2
    kind: recommendation
    verification: not_applicable
    source: {seed: mini-brief.txt, line: 3, quote: "QUOTE"}
"""


def test_framework_check_counts_the_practices_and_finds_every_theme_covered(seeds: Path) -> None:
    result = run_cli("framework", "check", "--json", "--seeds", str(seeds))
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["practices"] >= 24
    assert report["themes_without_practices"] == []
    assert report["practice_problems"] == []


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("keep a register of their parks", "P: no practice helps with this theme"),
        ("a register of every fountain", "parks-register: mini-brief.txt line 3"),
    ],
)
def test_framework_check_names_a_bad_practice_quote_or_a_theme_left_without_practices(
    tmp_path: Path, quote: str, expected: str
) -> None:
    base = tmp_path / "frameworks"
    shutil.copytree(FIXTURES / "frameworks" / "mini-v1", base / "mini")
    (base / "mini" / "practices.yaml").write_text(MINI_PRACTICES.replace("QUOTE", quote))
    result = run_cli("framework", "check", "--json", "--frameworks", str(base), "--seeds", str(FIXTURES / "seeds"))
    assert result.returncode == 1
    problems = json.loads(result.stdout)["practice_problems"]
    assert any(p.startswith(expected) for p in problems), problems


@pytest.fixture
def store(app_store: Store) -> Store:
    return app_store


def test_the_practices_page_filters_by_theme_region_and_kind(store: Store) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    sign_in_app(at, store)
    at.run()
    at.switch_page("app_pages/practices.py").run()
    assert not at.exception
    everything = len(at.expander)
    at.multiselect(key="practices_themes").set_value(["T10"]).run()
    at.multiselect(key="practices_regions").set_value(["europe"]).run()
    labels = [e.label for e in at.expander]
    assert 0 < len(labels) < everything
    assert any("Weissenfels" in label for label in labels)
    assert not any("Boise" in label for label in labels)
    at.multiselect(key="practices_kinds").set_value(["ngo_delivered"]).run()
    assert "No practice matches these filters." in [i.value for i in at.info]


def _city_with_answers(store: Store, name: str, level: int, **profile: object) -> int:
    city = store.create_city(
        City.model_validate(
            {"name": name, "country": "Freedonia", "region": "europe", "population_band": "under_100k", **profile}
        ),
        "Tester",
    )
    record = store.start_assessment(city.id or 0, f"{name} 2026", "Tester", framework_id="scn-transatlantic")
    given = [RecordedAnswer(question_id=q.id, level=level) for q in store.framework("scn-transatlantic").questions]
    store.save_answers(record.id or 0, given, "Tester", replace=False)
    store.submit_assessment(record.id or 0, "Tester")
    return record.id or 0


def test_the_report_matches_practices_and_only_opted_in_cities_to_talk_to(store: Store) -> None:
    weak = _city_with_answers(store, "Kleinstadt", 1)
    _city_with_answers(store, "Openville", 4, share_benchmarks=True)
    _city_with_answers(store, "Closedburg", 4, share_benchmarks=False)
    context = context_from_facts(report_facts(store, weak), now=datetime(2026, 11, 22, tzinfo=UTC))
    assert context.practices and all(group.items for group in context.practices)
    for group in context.practices:
        assert [p.theme_id for p in group.items] == [group.theme_id] * len(group.items)
        assert all(p.reason.startswith(("Addresses", "Works on")) for p in group.items)
    talk_to = [t.city for group in context.practices for t in group.talk_to]
    assert "Openville" in talk_to
    assert "Closedburg" not in talk_to and "Kleinstadt" not in talk_to
