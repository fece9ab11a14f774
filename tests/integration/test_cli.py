"""The command line, run as a city's IT team would run it: a real process, real files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.files import riverton, signed

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "cli.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )


def test_framework_check_reports_full_coverage_of_the_shipped_framework(seeds: Path) -> None:
    result = run_cli("framework", "check", "--json", "--seeds", str(seeds))
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["findings"] == 20
    assert report["themes"] >= 10
    assert report["questions"] >= 60
    for key in ("findings_under_two", "questions_without_source", "bad_quotes", "repeated_descriptors"):
        assert report[key] == [], key
    assert report["seeds_checked"] is True


def test_framework_check_fails_and_names_the_bad_quote(tmp_path: Path) -> None:
    base = tmp_path / "frameworks"
    shutil.copytree(FIXTURES / "frameworks" / "mini-v1", base / "mini")
    theme = base / "mini" / "themes" / "02-plans.yaml"
    theme.write_text(theme.read_text().replace("with all departments", "with every department"))
    result = run_cli("framework", "check", "--json", "--frameworks", str(base), "--seeds", str(FIXTURES / "seeds"))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert len(report["bad_quotes"]) == 1
    assert report["bad_quotes"][0].startswith("P.1: mini-brief.txt line 5")


def test_framework_check_prints_a_readable_table_without_json(seeds: Path) -> None:
    result = run_cli("framework", "check", "--seeds", str(seeds))
    assert result.returncode == 0
    assert "Questions per theme" in result.stdout
    assert "Questions per finding" in result.stdout
    assert "bad quotes: none" in result.stdout


def test_framework_check_names_the_file_of_an_invalid_framework(tmp_path: Path) -> None:
    base = tmp_path / "frameworks"
    shutil.copytree(FIXTURES / "frameworks" / "mini-v1", base / "mini")
    (base / "mini" / "findings.yaml").write_text("findings: [")
    result = run_cli("framework", "check", "--frameworks", str(base))
    assert result.returncode == 1
    assert "findings.yaml" in result.stderr
    assert "not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_framework_show_prints_every_question_with_its_levels() -> None:
    result = run_cli("framework", "show")
    assert result.returncode == 0
    from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks

    framework = load_frameworks()[DEFAULT_FRAMEWORK_ID]
    for question in framework.questions:
        assert f"{question.id} " in result.stdout
    assert result.stdout.count("Source: ") >= len(framework.questions)


def test_db_upgrade_creates_a_versioned_sqlite_database_and_is_repeatable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'city.db'}"
    first = run_cli("db", "upgrade", "--db", url)
    second = run_cli("db", "upgrade", "--db", url)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "nested" / "city.db").exists()
    from storage.migrate import current_revision, head_revision

    assert current_revision(url) == head_revision()


def test_score_prints_the_worked_example_as_json() -> None:
    result = run_cli("score", str(FIXTURES / "assessments" / "riverton-2026.json"), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    t7 = next(t for t in report["themes"] if t["theme_id"] == "T7")
    assert (t7["score"], t7["conservative"], t7["completeness"], t7["gap"]) == (50.0, 30.0, 0.6, 10.0)
    assert report["overall"]["index"] == 50.0
    assert report["priorities"][0]["theme_id"] == "T7"
    assert report["priorities"][0]["priority"] == 15.0


def test_score_prints_a_table_and_the_top_priorities() -> None:
    result = run_cli("score", str(FIXTURES / "assessments" / "riverton-2026.json"))
    assert result.returncode == 0, result.stderr
    assert "Overall index 50 (Developing)" in result.stdout
    assert "1. Global crises, local impacts" in result.stdout


def test_score_refuses_a_bad_file_with_a_clear_message(tmp_path: Path) -> None:
    def with_answer(answer: dict[str, object]) -> str:
        content = riverton()
        content["answers"] = [{**content["answers"][0], **answer}]
        return signed(content).decode()

    tampered = riverton()
    tampered["answers"][0]["level"] = 4
    cases = {
        "level.json": (with_answer({"level": 9}), "answers.0.level"),
        "unknown.json": (with_answer({"question_id": "Q99.1"}), "Q99.1: unknown question id"),
        "forbidden.json": (
            with_answer({"question_id": "Q1.1", "status": "not_applicable", "level": None, "reason": "x"}),
            "Q1.1: 'not applicable' is not allowed",
        ),
        "tampered.json": (json.dumps(tampered), "integrity check failed"),
        "deep.json": ("[" * 100_000 + "]" * 100_000, "too deeply nested"),
        "broken.json": ('{"framework": ', "not valid JSON"),
        "other.json": ('{"answers": []}', "not a City Cohesion assessment file"),
    }
    for name, (content, expected) in cases.items():
        path = tmp_path / name
        path.write_text(content)
        result = run_cli("score", str(path))
        assert result.returncode == 2, name
        assert expected in result.stderr, (name, result.stderr)
        assert "Traceback" not in result.stderr, name
