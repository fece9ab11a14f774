"""Citations: a quoted phrase must be on its cited seed line; lines past the end are caught."""

from __future__ import annotations

from pathlib import Path

from questionnaire.coverage import measure_coverage
from questionnaire.loader import load_framework
from questionnaire.sources import check_sources, quote_on_line

FIXTURE_SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"


def test_a_quote_matches_whatever_the_spacing_and_quote_marks() -> None:
    line = "Libraries are trusted places where “neighbours  meet” and learn."
    assert quote_on_line('places where "neighbours meet"', line)


def test_a_quote_with_an_omission_needs_its_parts_in_order() -> None:
    line = "Every city should rehearse its emergency plan at least once a year."
    assert quote_on_line("rehearse … once a year", line)
    assert not quote_on_line("once a year … rehearse", line)


def test_a_quote_not_on_the_line_is_refused() -> None:
    assert not quote_on_line("rehearse its evacuation plan", "Every city should rehearse its emergency plan.")


def test_the_test_framework_cites_its_seed_correctly(mini_framework: Path) -> None:
    assert check_sources(load_framework(mini_framework), FIXTURE_SEEDS) == []


def test_a_citation_past_the_end_of_the_seed_is_reported_with_the_file_length(mini_framework: Path) -> None:
    path = mini_framework / "themes" / "02-plans.yaml"
    path.write_text(path.read_text().replace("line: 5,", "line: 999,"))
    problems = check_sources(load_framework(mini_framework), FIXTURE_SEEDS)
    assert [str(p) for p in problems] == [
        "P.1: mini-brief.txt line 999: line 999 is past the end of the file (7 lines)"
    ]


def test_a_quote_on_the_wrong_line_is_reported(mini_framework: Path) -> None:
    path = mini_framework / "themes" / "01-spaces.yaml"
    path.write_text(path.read_text().replace("line: 3,", "line: 5,"))
    problems = check_sources(load_framework(mini_framework), FIXTURE_SEEDS)
    assert len(problems) == 1
    assert problems[0].question_id == "S.1"
    assert "not on line 5" in problems[0].problem


def test_a_missing_seed_file_is_reported(mini_framework: Path, tmp_path: Path) -> None:
    problems = check_sources(load_framework(mini_framework), tmp_path)
    assert {p.problem for p in problems} == {"seed file not found"}


def test_coverage_lists_a_finding_served_by_fewer_than_two_questions(mini_framework: Path) -> None:
    path = mini_framework / "themes" / "01-spaces.yaml"
    path.write_text(path.read_text().replace("findings: [M.1, M.2]", "findings: [M.1]"))
    coverage = measure_coverage(load_framework(mini_framework), FIXTURE_SEEDS)
    assert coverage.findings_under_two == ["M.2"]
    assert coverage.questions_per_finding == {"M.1": 2, "M.2": 1}
    assert not coverage.ok


def test_coverage_lists_a_descriptor_that_two_questions_share(mini_framework: Path) -> None:
    path = mini_framework / "themes" / "02-plans.yaml"
    path.write_text(path.read_text().replace('"The plan is never rehearsed."', '"No register."'))
    coverage = measure_coverage(load_framework(mini_framework), FIXTURE_SEEDS)
    assert coverage.repeated_descriptors == ["'no register.' in P.1, S.1"]
