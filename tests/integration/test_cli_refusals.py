"""The command line refuses bad input in plain sentences, and one city's problem never stops the others' reports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from questionnaire.loader import load_frameworks
from storage.migrate import upgrade_database
from storage.store import Store
from storage.tables import cities
from tests.files import riverton, signed
from tests.integration.test_cli import run_cli


def plain(text: str) -> None:
    """No console markup, no documentation link, no traceback, no field named twice in a row."""
    assert not re.search(r"\[/?(red|bold|green|yellow)\]", text), text
    assert "http" not in text and "Traceback" not in text, text
    assert not re.search(r"(\b[\w.]+): \1:", text), text


def write(tmp_path: Path, name: str, content: dict[str, object]) -> Path:
    path = tmp_path / name
    path.write_bytes(signed({k: v for k, v in content.items() if k != "integrity"}))
    return path


def test_import_and_score_refuse_an_unknown_challenge_with_the_same_plain_sentence(tmp_path: Path) -> None:
    content = riverton()
    content["city"]["challenges"] = ["alien-invasion"]
    path = write(tmp_path, "odd.json", content)
    db = f"sqlite:///{tmp_path / 'a.db'}"
    imported = run_cli("import", str(path), "--db", db)
    scored = run_cli("score", str(path))
    assert imported.returncode == scored.returncode == 2
    said = "city.challenges: alien-invasion is not a local challenge of scn-transatlantic 1.0.0"
    assert said in imported.stderr and said in scored.stderr
    assert imported.stderr.startswith("Not imported: ") and scored.stderr.startswith("Cannot score ")
    plain(imported.stderr)
    plain(scored.stderr)
    assert json.loads(run_cli("list", "--db", db, "--json").stdout) == {"cities": []}


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"city": {"name": "Two\nlines"}}, "city.name: must fit on one line"),
        ({"answers": [{"level": True}]}, "answers.0.level (question Q7.1): must be a whole number"),
        ({"assessment": {"started_at": "2026-01-01T00:00:00"}}, "assessment.started_at: must be a date and time"),
        ({"city": {"mayor": "x"}}, "city.mayor: is not part of this format"),
    ],
)
def test_a_refused_import_and_report_print_plain_sentences(
    tmp_path: Path, change: dict[str, object], said: str
) -> None:
    content = riverton()
    for part, fields in change.items():
        target = content[part][0] if isinstance(content[part], list) else content[part]
        fields = fields[0] if isinstance(fields, list) else fields  # type: ignore[index]
        target.update(fields)  # type: ignore[union-attr]
    path = write(tmp_path, "bad.json", content)
    imported = run_cli("import", str(path), "--db", f"sqlite:///{tmp_path / 'b.db'}")
    reported = run_cli("report", "--input", str(path), "--out", str(tmp_path / "r.pdf"))
    assert imported.returncode == 2 and reported.returncode == 1
    for result in (imported, reported):
        assert said in result.stderr
        plain(result.stderr)
    assert not (tmp_path / "r.pdf").exists()


def test_a_file_for_a_stored_city_with_another_profile_needs_an_explicit_choice(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    first = write(tmp_path, "first.json", riverton())
    assert run_cli("import", str(first), "--db", db).returncode == 0
    content = riverton()
    content["city"]["region"] = "north_america"
    content["assessment"]["title"] = "A later sitting"
    later = write(tmp_path, "later.json", content)

    undecided = run_cli("import", str(later), "--db", db)
    assert undecided.returncode == 2
    assert "region: stored “europe”, in the file “north_america”" in undecided.stdout
    assert "--profile keep" in undecided.stderr and "--profile file" in undecided.stderr
    listing = json.loads(run_cli("list", "--db", db, "--json").stdout)
    assert len(listing["cities"][0]["assessments"]) == 1  # nothing written

    kept = run_cli("import", str(later), "--profile", "keep", "--db", db)
    assert kept.returncode == 0, kept.stderr
    (city,) = json.loads(run_cli("list", "--db", db, "--json").stdout)["cities"]
    assert city["region"] == "europe" and len(city["assessments"]) == 2


def test_a_database_that_cannot_be_opened_is_said_without_a_library_link(tmp_path: Path) -> None:
    for db in ("not-a-url", f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}".replace(str(tmp_path), "/proc")):
        result = run_cli("list", "--db", db)
        assert result.returncode == 1 and result.stderr.startswith("Could not open the database: ")
        plain(result.stderr)


def test_batch_reports_are_written_for_every_city_but_one_whose_record_is_broken(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'batch.db'}"
    for n, name in enumerate(("Alpha", "Broken", "Gamma")):
        content = riverton()
        content["city"]["name"] = name
        assert run_cli("import", str(write(tmp_path, f"{n}.json", content)), "--db", db).returncode == 0
    upgrade_database(db)
    store = Store.open(db, load_frameworks())
    broken = next(c for c in store.cities() if c.name == "Broken")
    with store.engine.begin() as conn:  # a record stored before the store checked challenges
        conn.execute(update(cities).where(cities.c.id == broken.id).values(challenges=["alien-invasion"]))
    store.engine.dispose()

    out = tmp_path / "reports"
    result = run_cli("batch-report", "--out", str(out), "--variant", "summary", "--db", db)
    assert result.returncode == 1
    written = sorted(p.name for p in out.glob("*.pdf"))
    assert len(written) == 2
    texts = " ".join(PdfReader(out / name).pages[0].extract_text() for name in written)
    assert "Alpha" in texts and "Gamma" in texts and "Broken" not in texts
    assert "Wrote 2 report(s)" in result.stdout
    assert "Broken (assessment 2): city.challenges: alien-invasion is not a local challenge" in result.stderr
    plain(result.stderr)
