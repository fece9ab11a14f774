"""The shipped framework against the briefs themselves (runs wherever the seed texts are present)."""

from __future__ import annotations

from pathlib import Path

from questionnaire.coverage import measure_coverage
from questionnaire.loader import load_framework
from questionnaire.sources import check_sources


def test_every_quoted_phrase_is_on_its_cited_seed_line(framework_dir: Path, seeds: Path) -> None:
    problems = check_sources(load_framework(framework_dir), seeds)
    assert problems == [], "\n".join(map(str, problems))


def test_every_finding_is_served_by_at_least_two_questions(framework_dir: Path, seeds: Path) -> None:
    coverage = measure_coverage(load_framework(framework_dir), seeds)
    assert coverage.findings_under_two == []
    assert min(coverage.questions_per_finding.values()) >= 2


def test_no_level_descriptor_is_shared_between_questions(framework_dir: Path, seeds: Path) -> None:
    assert measure_coverage(load_framework(framework_dir), seeds).repeated_descriptors == []


def test_findings_cover_lines_that_exist_in_their_brief(framework_dir: Path, seeds: Path) -> None:
    framework = load_framework(framework_dir)
    for finding in framework.findings:
        brief = next(b for b in framework.briefs if b.id == finding.brief)
        lines = (seeds / brief.seed).read_text(encoding="utf-8").splitlines()
        for number in finding.lines:
            assert lines[number - 1].strip(), f"{finding.id} cites blank line {number}"
