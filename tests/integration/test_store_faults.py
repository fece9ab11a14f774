"""The store under faults: concurrent writers (both backends), and on SQLite a killed process, a held
lock and a read-only disk."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from access.accounts import Accounts
from access.roles import Role
from questionnaire.model import Framework
from scoring.records import City, RecordedAnswer
from storage.actions import Actions
from storage.engine import make_engine
from storage.errors import StorageUnavailable
from storage.migrate import upgrade_database
from storage.rounds import Rounds
from storage.store import Store

ROOT = Path(__file__).resolve().parent.parent.parent
WRITER = ROOT / "tests" / "integration" / "store_writer.py"
SAVES = 200


def a_draft(store: Store) -> int:
    city = store.create_city(
        City(name="Riverton", country="Freedonia", region="europe", population_band="100k_500k"), "Ana"
    )
    return store.start_assessment(city.id or 0, "2026", "Ana", framework_id="scn-transatlantic").id or 0


def split_questions(framework: Framework) -> tuple[list[str], list[str]]:
    ids = [q.id for q in framework.questions]
    return ids[: len(ids) // 2], ids[len(ids) // 2 :]


def save_many(store: Store, assessment: int, who: str, questions: list[str], errors: list[BaseException]) -> None:
    version: dict[str, int] = {}
    try:
        for n in range(SAVES):
            question = questions[n % len(questions)]
            answer = RecordedAnswer(question_id=question, level=n % 5, note=f"save {n} by {who}")
            version[question] = store.save_answer(assessment, answer, who, version.get(question, 0)).version
    except BaseException as exc:  # noqa: BLE001 - any failure is what this test reports
        errors.append(exc)


def expected_versions(questions: list[str]) -> Counter[str]:
    return Counter(questions[n % len(questions)] for n in range(SAVES))


def assert_every_save_is_stored(store: Store, assessment: int, halves: tuple[list[str], list[str]]) -> None:
    versions = {a.question_id: a.version for a in store.answers(assessment)}
    assert versions == dict(expected_versions(halves[0]) + expected_versions(halves[1]))
    saves = [e for e in store.audit_trail(assessment_id=assessment) if e.action == "answer.save"]
    assert len(saves) == 2 * SAVES


def test_two_threads_saving_200_answers_each_lose_nothing(store: Store, frameworks: dict[str, Framework]) -> None:
    assessment = a_draft(store)
    halves = split_questions(frameworks["scn-transatlantic"])
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=save_many, args=(store, assessment, who, half, errors))
        for who, half in zip(("Ana", "Ben"), halves, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert_every_save_is_stored(store, assessment, halves)


def writer(url: str, assessment: int, who: str, questions: list[str], saves: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), url, str(assessment), who, ",".join(questions), str(saves)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_saving_200_answers_each_lose_nothing(sqlite_url: str, frameworks: dict[str, Framework]) -> None:
    store = Store.open(sqlite_url, frameworks)
    assessment = a_draft(store)
    halves = split_questions(frameworks["scn-transatlantic"])
    procs = [writer(sqlite_url, assessment, who, half, SAVES) for who, half in zip(("Ana", "Ben"), halves, strict=True)]
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        assert out.count("ack ") == SAVES
    assert_every_save_is_stored(store, assessment, halves)


def test_a_process_killed_mid_write_leaves_a_sound_database_with_every_acknowledged_answer(
    sqlite_url: str, frameworks: dict[str, Framework]
) -> None:
    store = Store.open(sqlite_url, frameworks)
    assessment = a_draft(store)
    store.engine.dispose()
    questions = [q.id for q in frameworks["scn-transatlantic"].questions]
    proc = writer(sqlite_url, assessment, "Ana", questions, 100_000)
    acknowledged: dict[str, int] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        _, question, version = line.split()
        acknowledged[question] = int(version)
        if sum(acknowledged.values()) >= 150:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    reopened = Store.open(sqlite_url, frameworks)
    stored = {a.question_id: a.version for a in reopened.answers(assessment)}
    assert all(stored[q] >= v for q, v in acknowledged.items())
    audit = Counter(e.question_id for e in reopened.audit_trail(assessment_id=assessment) if e.action == "answer.save")
    assert all(audit[q] == stored[q] for q in stored)  # each stored version has exactly its audit events


def test_a_writer_held_up_longer_than_the_busy_timeout_gets_a_clear_error_and_nothing_half_written(
    sqlite_url: str, frameworks: dict[str, Framework]
) -> None:
    store = Store(make_engine(sqlite_url, busy_timeout_ms=300), frameworks)
    assessment = a_draft(store)
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a backup or another tool holding the write lock
    try:
        with pytest.raises(StorageUnavailable, match="busy"):
            store.save_answer(assessment, RecordedAnswer(question_id="Q1.1", level=2), "Ana")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.answers(assessment) == []
    assert store.save_answer(assessment, RecordedAnswer(question_id="Q1.1", level=2), "Ana").version == 1


def test_reading_does_not_wait_for_a_writer_holding_the_lock(sqlite_url: str, frameworks: dict[str, Framework]) -> None:
    """Pages read the answers, the assessment, the person signed in and the plan while others save."""
    store = Store(make_engine(sqlite_url, busy_timeout_ms=300), frameworks)
    assessment = a_draft(store)
    store.save_answer(assessment, RecordedAnswer(question_id="Q1.1", level=2), "Ana")
    people = Accounts(store)
    account = people.add("ana@riverton.example", "Ana", "set-up", password="a long enough password")
    token = people.sign_in("ana@riverton.example", "a long enough password", "127.0.0.1")
    city_id = store.assessment(assessment).city_id or 0
    people.add_member(account.id, city_id, Role.COORDINATOR, "set-up")
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # someone's answer being saved
    holder.execute("UPDATE answers SET level = 4")  # not committed: no reader sees it
    try:
        assert [(a.question_id, a.level) for a in store.answers(assessment)] == [("Q1.1", 2)]
        assert store.assessment(assessment).id == assessment
        actor = people.session(token)  # seen a moment ago: nothing to write down
        assert actor is not None and actor.account_id == account.id
        assert Rounds(store).of(assessment, actor) == []
        assert Actions(store).of(city_id, actor) == []
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_many_threads_sharing_one_engine_do_not_trip_over_each_other(
    store: Store, frameworks: dict[str, Framework]
) -> None:
    assessment = a_draft(store)
    questions = [q.id for q in frameworks["scn-transatlantic"].questions][:20]
    errors: list[BaseException] = []

    def answer_and_read(question: str) -> None:
        try:
            store.save_answer(assessment, RecordedAnswer(question_id=question, level=3), "Ana")
            assert any(a.question_id == question for a in store.answers(assessment))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=answer_and_read, args=(q,)) for q in questions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(store.answers(assessment)) == 20


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` unwritable: permissions for a normal user; the immutable flag for root, whom
    permissions do not stop."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("this file system cannot mark files immutable, and root ignores permissions")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.mark.parametrize("locked", ["file", "folder"])
def test_a_read_only_database_gives_a_clear_storage_error(
    locked: str, tmp_path: Path, frameworks: dict[str, Framework]
) -> None:
    path = tmp_path / "cohesion.db"
    url = f"sqlite:///{path}"
    upgrade_database(url)
    store = Store.open(url, frameworks)
    assessment = a_draft(store)
    store.engine.dispose()  # the last connection to close folds the write-ahead log into the file
    assert not list(tmp_path.glob("cohesion.db-*"))

    with read_only(path if locked == "file" else tmp_path):
        with pytest.raises(StorageUnavailable) as caught:
            attempt = Store.open(url, frameworks)
            attempt.save_answer(assessment, RecordedAnswer(question_id="Q1.1", level=4), "Ana")
        assert str(caught.value).startswith(("Saving failed", "The database cannot be opened"))
        assert "sqlite3" not in str(caught.value)
    assert Store.open(url, frameworks).answers(assessment) == []
