"""Imports on both backends: nothing the scorer refuses gets in, a file is stored once however many import it
at the same moment, and one city is one city however its name is typed."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from alembic import command
from sqlalchemy import column, func, insert, select, table

from questionnaire.model import Framework
from scoring.records import City, RecordedAnswer
from storage.engine import make_engine
from storage.errors import ImportRefused, StorageError
from storage.migrate import alembic_config, upgrade_database
from storage.store import Store
from storage.tables import assessments, audit_events, cities
from storage.transfer import apply_import, export_tables, export_xlsx, plan_import
from tests.files import riverton, signed

IMPORTER = Path(__file__).resolve().parent / "store_importer.py"


def file_with(**city: Any) -> bytes:
    content = riverton()
    content["city"] = {**content["city"], **city}
    return signed({k: v for k, v in content.items() if k != "integrity"})


def live(store: Store, table: Any) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(table.c.deleted_at.is_(None))).scalar())


# -- one validation ----------------------------------------------------------------------------------


def test_a_file_with_a_challenge_the_framework_does_not_know_is_refused_and_nothing_is_stored(store: Store) -> None:
    with pytest.raises(ImportRefused) as caught:
        plan_import(store, file_with(challenges=["hate-incident", "alien-invasion"]))
    assert caught.value.problems[0].startswith("city.challenges: alien-invasion is not a local challenge of")
    assert live(store, cities) == live(store, assessments) == 0


def test_the_store_refuses_a_city_profile_no_installed_framework_could_score(store: Store) -> None:
    city = City(name="Oddton", country="X", region="europe", population_band="under_100k", challenges=("meteor",))
    with pytest.raises(StorageError, match="meteor is not a local challenge"):
        store.create_city(city, "Ana")
    kept = store.create_city(city.model_copy(update={"challenges": ("online-hate",)}), "Ana")
    with pytest.raises(StorageError, match="meteor"):
        store.update_city(kept.model_copy(update={"challenges": ("meteor",)}), "Ana")
    assert store.city(kept.id or 0).challenges == ("online-hate",)


def test_a_file_with_a_target_for_a_theme_the_framework_does_not_have_is_refused(store: Store) -> None:
    content = riverton()
    content["assessment"]["targets"] = {"T1": 90, "T99": 50}
    with pytest.raises(ImportRefused) as caught:
        plan_import(store, signed({k: v for k, v in content.items() if k != "integrity"}))
    assert caught.value.problems == ["targets.T99: scn-transatlantic 1.0.0 has no theme T99"]


# -- the same file, at the same moment -----------------------------------------------------------


def test_four_threads_importing_one_file_at_once_store_it_once_and_the_others_are_told(store: Store) -> None:
    data = file_with()
    plans = [plan_import(store, data) for _ in range(4)]
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def importer(n: int) -> None:
        start.wait()
        try:
            outcomes.append(f"imported {apply_import(store, plans[n], f'Importer {n}').id}")
        except ImportRefused as exc:
            outcomes.append(f"refused {exc.problems[0]}")

    threads = [threading.Thread(target=importer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    imported = [o for o in outcomes if o.startswith("imported")]
    assert len(outcomes) == 4 and len(imported) == 1, outcomes
    new_id = imported[0].split()[1]
    told = f"refused this file was already imported as assessment {new_id}"
    assert all(o.startswith(told) for o in outcomes if o not in imported), outcomes
    assert live(store, cities) == live(store, assessments) == 1


def test_four_processes_importing_one_file_at_once_store_it_once(db_url: str, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "riverton.json"
    path.write_bytes(file_with())
    procs = [
        subprocess.Popen(
            [sys.executable, str(IMPORTER), db_url, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for proc in procs:  # every importer has checked the file and waits
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [proc.communicate(timeout=120) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), [err for _, err in results]
    lines = [out.strip() for out, _ in results]
    assert sum(line.startswith("imported") for line in lines) == 1, lines
    assert sum("already imported as assessment" in line for line in lines) == 3, lines
    assert live(store, cities) == live(store, assessments) == 1


def test_four_files_of_one_new_city_imported_at_once_make_one_city(store: Store) -> None:
    plans = []
    for n in range(4):
        content = riverton()
        content["assessment"] = {**content["assessment"], "title": f"Sitting {n}"}
        plans.append(plan_import(store, signed({k: v for k, v in content.items() if k != "integrity"})))
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def importer(n: int) -> None:
        start.wait()
        try:
            apply_import(store, plans[n], f"Importer {n}")
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)

    threads = [threading.Thread(target=importer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert live(store, cities) == 1 and live(store, assessments) == 4


def test_a_deleted_import_cannot_come_back_beside_its_second_import(store: Store) -> None:
    data = file_with()
    first = apply_import(store, plan_import(store, data), "Ana")
    store.delete_assessment(first.id or 0, "Ana", confirm=first.title)
    second = apply_import(store, plan_import(store, data), "Ana")
    with pytest.raises(StorageError, match="the same file was imported again"):
        store.restore_assessment(first.id or 0, "Ana")
    assert [a.id for a in store.assessments()] == [second.id]


# -- one city, however it is typed -----------------------------------------------------------------


def test_a_city_name_in_decomposed_unicode_is_the_same_city(store: Store) -> None:
    composed = City(name="São Paulo", country="Brasil", region="other", population_band="over_1m")
    stored = store.create_city(composed, "Ana")
    decomposed = unicodedata.normalize("NFD", "São Paulo")
    assert decomposed != "São Paulo"
    for spelling in (decomposed, "SÃO  PAULO", "são paulo "):
        with pytest.raises(StorageError, match="already stored"):
            store.create_city(composed.model_copy(update={"name": spelling}), "Ben")
        found = store.matching_city(composed.model_copy(update={"name": spelling}))
        assert found is not None and found.id == stored.id
    plan = plan_import(
        store, file_with(name=decomposed, country="Brasil", region="other", population_band="over_1m", challenges=[])
    )
    assert plan.existing_city is not None and plan.existing_city.id == stored.id
    assert City(name=decomposed, country="B", region="other", population_band="over_1m").name == "São Paulo"
    assert [c.name for c in store.cities()] == ["São Paulo"]


def test_every_profile_difference_is_stated_and_the_chosen_profile_is_the_one_kept(store: Store) -> None:
    apply_import(store, plan_import(store, file_with()), "Ana")
    stored = store.cities()[0]
    content = riverton()
    content["city"] = {
        **content["city"],
        "name": content["city"]["name"].upper(),
        "region": "north_america",
        "population_band": "over_1m",
        "challenges": ["online-hate"],
        "share_benchmarks": True,
    }
    content["assessment"]["title"] = "A later sitting"
    data = signed({k: v for k, v in content.items() if k != "integrity"})
    plan = plan_import(store, data)
    assert plan.needs_profile_choice
    assert {d.field for d in plan.differences} == {
        "name",
        "region",
        "population_band",
        "challenges",
        "share_benchmarks",
    }
    preview = " ".join(plan.describe())
    assert "region: stored “europe”, in the file “north_america”" in preview and "Choose whether" in preview

    apply_import(store, plan, "Ana")  # keep the stored profile (the default)
    assert store.city(stored.id or 0) == stored

    later = riverton()
    later["city"] = content["city"]
    later["assessment"]["title"] = "Yet another sitting"
    plan = plan_import(store, signed({k: v for k, v in later.items() if k != "integrity"}))
    apply_import(store, plan, "Ana", use_file_profile=True)
    updated = store.city(stored.id or 0)
    assert (updated.name, updated.region.value, updated.population_band.value) == (
        stored.name,
        "north_america",
        "over_1m",
    )
    assert updated.challenges == ("online-hate",) and updated.share_benchmarks
    assert [e.action for e in store.audit_trail(city_id=stored.id)].count("city.update") == 1


# -- spreadsheets --------------------------------------------------------------------------------------


def test_every_exported_table_says_whose_assessment_it_is(store: Store) -> None:
    record = apply_import(store, plan_import(store, file_with()), "Ana")
    city = store.city(record.city_id or 0)
    for name, exported in export_tables(store, record.id or 0).items():
        assert list(exported.columns[:2]) == ["city", "assessment"], name
        assert set(exported["city"]) <= {f"{city.name}, {city.country}"}
        assert all(record.title in value for value in exported["assessment"])

    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(store, record.id or 0)))
    assert book.properties.title == f"{city.name}: {record.title}"


def test_notes_in_the_workbook_read_exactly_as_written(store: Store) -> None:
    city = store.create_city(City(name="Dashby", country="X", region="europe", population_band="under_100k"), "Ana")
    draft = store.start_assessment(city.id or 0, "2026", "Ana", framework_id="scn-transatlantic")
    notes = {"Q1.1": "- first point\n- second point", "Q1.2": "+ budget", "Q1.3": "'quoted", "Q1.4": "plain"}
    for question, note in notes.items():
        store.save_answer(draft.id or 0, RecordedAnswer(question_id=question, level=2, note=note), "Ana")
    sheet = openpyxl.load_workbook(io.BytesIO(export_xlsx(store, draft.id or 0)))["Answers"]
    header = [c.value for c in sheet[1]]
    column = header.index("note")
    shown = {row[header.index("question_id")].value: row[column].value for row in sheet.iter_rows(min_row=2)}
    assert shown == notes


# -- an upgrade keeps what the old schema let in ---------------------------------------------------------


def test_upgrading_a_store_that_holds_duplicates_keeps_every_row_and_says_what_it_did(
    db_url: str, frameworks: dict[str, Framework]
) -> None:
    config = alembic_config(db_url)
    command.downgrade(config, "base")
    command.upgrade(config, "0002")
    old_cities = table(
        "cities",
        *(
            column(c)
            for c in (
                "id",
                "name",
                "country",
                "region",
                "population_band",
                "challenges",
                "share_benchmarks",
                "is_demo",
                "created_at",
            )
        ),
    )
    old_assessments = table(
        "assessments",
        *(
            column(c)
            for c in (
                "city_id",
                "framework_id",
                "framework_version",
                "title",
                "status",
                "started_at",
                "team",
                "targets",
                "imported_digest",
                "version",
            )
        ),
    )
    profile = {
        "country": "X",
        "region": "europe",
        "population_band": "under_100k",
        "challenges": "[]",
        "share_benchmarks": False,
        "is_demo": False,
        "created_at": datetime.now(UTC),
    }
    engine = make_engine(db_url)
    with engine.begin() as conn:  # what two racing importers could leave behind before this schema
        for name in ("Twin", "twin", "Other"):
            conn.execute(insert(old_cities).values(name=name, **profile))
        for _ in range(2):
            conn.execute(
                insert(old_assessments).values(
                    city_id=1,
                    framework_id="scn-transatlantic",
                    framework_version="1.0.0",
                    title="Same file",
                    status="draft",
                    started_at=datetime.now(UTC),
                    team="[]",
                    targets="{}",
                    imported_digest="ab" * 32,
                    version=1,
                )
            )
    engine.dispose()

    upgrade_database(db_url)
    store = Store.open(db_url, frameworks)
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(cities)).scalar() == 3
        digests = conn.execute(select(assessments.c.imported_digest).order_by(assessments.c.id)).scalars().all()
        actions = conn.execute(select(audit_events.c.action)).scalars().all()
    assert digests == ["ab" * 32, None]
    assert sorted(actions) == ["assessment.duplicate_import", "city.duplicate"]
    assert [c.name for c in store.cities()] == ["Other", "Twin", "twin"]
    with pytest.raises(StorageError, match="already stored"):
        store.create_city(City(name="TWIN", country="x", region="europe", population_band="under_100k"), "Ana")
