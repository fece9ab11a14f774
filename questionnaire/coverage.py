"""How well a framework covers its briefs: the figures behind ``cli.py framework check``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from questionnaire.model import Framework
from questionnaire.practices import PracticeLibrary, library_problems
from questionnaire.rules import crosswalk_problems, rule_problems
from questionnaire.sources import check_practice_sources, check_sources

__all__ = ["Coverage", "MIN_QUESTIONS_PER_FINDING", "measure_coverage"]

MIN_QUESTIONS_PER_FINDING = 2


@dataclass(frozen=True)
class Coverage:
    """Counts and problem lists for one framework; ``ok`` when every list is empty."""

    framework: str
    version: str
    findings: int
    themes: int
    questions: int
    questions_per_theme: dict[str, int]
    questions_per_finding: dict[str, int]
    findings_under_two: list[str]
    questions_without_source: list[str]
    bad_quotes: list[str]
    repeated_descriptors: list[str]
    seeds_checked: bool
    practices: int = 0
    themes_without_practices: list[str] = field(default_factory=list)
    practice_problems: list[str] = field(default_factory=list)
    rule_problems: list[str] = field(default_factory=list)
    crosswalk_problems: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    PROBLEM_LISTS = (
        "findings_under_two",
        "questions_without_source",
        "bad_quotes",
        "repeated_descriptors",
        "practice_problems",
        "rule_problems",
        "crosswalk_problems",
    )

    @property
    def ok(self) -> bool:
        """True when no problem list has an entry."""
        return not any(getattr(self, name) for name in self.PROBLEM_LISTS)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary of every figure and list."""
        data = asdict(self)
        extra = data.pop("extra")
        return {**data, **extra, "ok": self.ok}


def _repeated_descriptors(framework: Framework) -> list[str]:
    """Descriptor texts used by more than one question, each with the questions that use it."""
    users: dict[str, set[str]] = defaultdict(set)
    for question in framework.questions:
        for text in question.levels.values():
            users[" ".join(text["en"].split()).casefold()].add(question.id)
    return sorted(f"{text!r} in {', '.join(sorted(ids))}" for text, ids in users.items() if len(ids) > 1)


def measure_coverage(
    framework: Framework,
    seeds: Path | None,
    library: PracticeLibrary | None = None,
    installed: Iterable[Framework] = (),
) -> Coverage:
    """Count questions per theme and per finding and list every coverage problem.

    Quotes are checked against the seed texts only when ``seeds`` is an existing folder. With a
    practice ``library``, its references and quotes are checked too, and a theme without any
    practice is a problem. The rules the framework declares are checked, and its crosswalks against
    the earlier versions among ``installed``.
    """
    per_finding = {f.id: 0 for f in framework.findings}
    for question in framework.questions:
        for ref in set(question.findings):
            per_finding[ref] = per_finding.get(ref, 0) + 1
    seeds_checked = seeds is not None and seeds.is_dir()
    bad = [str(p) for p in check_sources(framework, seeds)] if seeds_checked and seeds else []
    return Coverage(
        framework=framework.id,
        version=framework.version,
        findings=len(framework.findings),
        themes=len(framework.themes),
        questions=len(framework.questions),
        questions_per_theme={t.id: len(t.questions) for t in framework.themes},
        questions_per_finding=per_finding,
        findings_under_two=[f for f, n in per_finding.items() if n < MIN_QUESTIONS_PER_FINDING],
        questions_without_source=[q.id for q in framework.questions if not q.sources],
        bad_quotes=bad,
        repeated_descriptors=_repeated_descriptors(framework),
        seeds_checked=seeds_checked,
        rule_problems=rule_problems(framework),
        crosswalk_problems=crosswalk_problems(framework, installed),
        **_practice_coverage(framework, seeds if seeds_checked else None, library),
    )


def _practice_coverage(framework: Framework, seeds: Path | None, library: PracticeLibrary | None) -> dict[str, Any]:
    if library is None:
        return {"practices": 0, "themes_without_practices": [t.id for t in framework.themes]}
    bare = [t.id for t in framework.themes if not library.for_theme(t.id)]
    problems = library_problems(library, framework)
    problems += [str(p) for p in check_practice_sources(library, seeds)] if seeds else []
    problems += [f"{theme}: no practice helps with this theme" for theme in bare]
    return {"practices": len(library.practices), "themes_without_practices": bare, "practice_problems": problems}
