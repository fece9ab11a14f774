"""Check that every cited passage is really on its seed line."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from questionnaire.model import Framework, Source
from questionnaire.practices import PracticeLibrary

__all__ = ["DEFAULT_SEEDS_DIR", "SourceProblem", "check_sources", "quote_on_line", "seeds_dir"]

DEFAULT_SEEDS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"

_QUOTE_MARKS = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def seeds_dir(explicit: Path | str | None = None) -> Path:
    """The folder with the briefs' plain-text copies: ``explicit``, ``$SEEDS_DIR`` or ``../shared/seeds``."""
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("SEEDS_DIR") or DEFAULT_SEEDS_DIR)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_QUOTE_MARKS)).strip()


def quote_on_line(quote: str, line: str) -> bool:
    """Whether ``quote`` appears on ``line``; parts separated by "…" must appear in order."""
    haystack = _normalise(line)
    position = 0
    for part in (_normalise(p) for p in quote.split("…")):
        if not part:
            continue
        found = haystack.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


@dataclass(frozen=True)
class SourceProblem:
    """A citation that does not hold: the question, the source and what is wrong."""

    question_id: str
    seed: str
    line: int
    quote: str
    problem: str

    def __str__(self) -> str:
        return f"{self.question_id}: {self.seed} line {self.line}: {self.problem}"


def _problem(source: Source, lines: list[str] | None) -> str | None:
    if lines is None:
        return "seed file not found"
    if source.line > len(lines):
        return f"line {source.line} is past the end of the file ({len(lines)} lines)"
    if not quote_on_line(source.quote, lines[source.line - 1]):
        return f'quoted phrase is not on line {source.line}: "{source.quote}"'
    return None


def check_practice_sources(library: PracticeLibrary, directory: Path | str) -> list[SourceProblem]:
    """Every practice whose cited seed line does not hold its quoted phrase."""
    directory = Path(directory)
    problems = []
    for practice in library.practices:
        path = directory / practice.source.seed
        lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else None
        problem = _problem(practice.source, lines)
        if problem:
            problems.append(
                SourceProblem(practice.id, practice.source.seed, practice.source.line, practice.source.quote, problem)
            )
    return problems


def check_sources(framework: Framework, directory: Path | str) -> list[SourceProblem]:
    """Every question source whose file, line or quoted phrase does not match the seed texts."""
    directory = Path(directory)
    cache: dict[str, list[str] | None] = {}

    def lines_of(seed: str) -> list[str] | None:
        if seed not in cache:
            path = directory / seed
            cache[seed] = path.read_text(encoding="utf-8").splitlines() if path.is_file() else None
        return cache[seed]

    problems = []
    for question in framework.questions:
        cited = [*question.sources, *([question.weight_basis] if question.weight_basis else [])]
        for source in cited:
            problem = _problem(source, lines_of(source.seed))
            if problem:
                problems.append(SourceProblem(question.id, source.seed, source.line, source.quote, problem))
    for finding in framework.findings:
        brief = next(b for b in framework.briefs if b.id == finding.brief)
        lines = lines_of(brief.seed)
        for number in finding.lines:
            if lines is not None and number > len(lines):
                problems.append(
                    SourceProblem(
                        finding.id,
                        brief.seed,
                        number,
                        "",
                        f"line {number} is past the end of the file ({len(lines)} lines)",
                    )
                )
    return problems
