"""Migrations build exactly the tables the code uses, on both backends, and upgrades keep data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from questionnaire.model import Framework
from scoring.records import City, RecordedAnswer
from storage.engine import make_engine
from storage.migrate import current_revision, head_revision, upgrade_database
from storage.store import Store
from storage.tables import metadata
from tests.postgres import new_database

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_migrated_schema_matches_the_tables_the_code_uses(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert differences == []


def test_upgrading_again_keeps_every_stored_answer(db_url: str, frameworks: dict[str, Framework]) -> None:
    store = Store.open(db_url, frameworks)
    city = store.create_city(City(name="Riverton", country="F", region="europe", population_band="under_100k"), "Ana")
    draft = store.start_assessment(city.id or 0, "2026", "Ana", framework_id="scn-transatlantic")
    store.save_answer(draft.id or 0, RecordedAnswer(question_id="Q1.1", level=3), "Ana")
    store.engine.dispose()

    assert upgrade_database(db_url) == head_revision() == current_revision(db_url)
    assert [a.level for a in Store.open(db_url, frameworks).answers(draft.id or 0)] == [3]


def test_app_processes_starting_together_on_one_postgresql_database_all_find_it_upgraded(
    postgres_server: str,
) -> None:
    url = new_database(postgres_server)
    upgrade = f"from storage.migrate import upgrade_database; print(upgrade_database({url!r}))"
    starting = [
        subprocess.Popen([sys.executable, "-c", upgrade], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    finished = [process.communicate(timeout=120) for process in starting]
    assert [process.returncode for process in starting] == [0, 0, 0], [err.decode()[-500:] for _, err in finished]
    assert {out.decode().strip() for out, _ in finished} == {head_revision()}
    assert current_revision(url) == head_revision()
