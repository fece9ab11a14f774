"""The stricter rules a framework version can hold itself to (its ``rules`` list), and the crosswalk check.

- ``practice-levels``: a level is reached by what the city does, never by writing something down
  (documentation is recorded beside the answer as evidence).
- ``sourced-weights``: every weight is set by the force of the briefs' own words, quoted.
- ``not-applicable-guidance``: a question that allows "not applicable" says when that is honest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from questionnaire.model import Framework

__all__ = ["PAPER_WORDS", "WEIGHT_WORDS", "crosswalk_problems", "force_of", "rule_problems", "weights_table"]

PAPER_WORDS = re.compile(r"\b(writ(?:e|es|ten|ing)|document(?:s|ed|ation)?|paper|on file)\b", re.IGNORECASE)
"""Words that would make a level depend on documentation."""

WEIGHT_WORDS: dict[float, re.Pattern[str]] = {
    1.5: re.compile(r"\b(essential|critical|crucial|vital|pivotal|invaluable|key)\b", re.IGNORECASE),
    1.0: re.compile(
        r"\b(should|needs? to|must|importance|important|recommended|encouraged|agreement|good practice)\b",
        re.IGNORECASE,
    ),
    0.5: re.compile(r"\b(can|could|may|might|consider|desirable|for example)\b", re.IGNORECASE),
}
"""The briefs' words of force, strongest first: essential 1.5, should 1.0, may consider 0.5."""

PLAIN_WEIGHT = 1.0
"""The weight of a phrase with none of the words above: a plain statement of what cities do or aim at."""


def force_of(phrase: str) -> float:
    """The weight the strongest word of force in ``phrase`` sets (1.0 when it has none)."""
    for weight, words in WEIGHT_WORDS.items():
        if words.search(phrase):
            return weight
    return PLAIN_WEIGHT


def rule_problems(framework: Framework) -> list[str]:
    """Every breach of the rules ``framework`` declares, one sentence each."""
    problems: list[str] = []
    if "practice-levels" in framework.rules:
        for step in framework.scale:
            if PAPER_WORDS.search(step.meaning["en"]):
                problems.append(f"scale level {step.level}: the meaning mentions documentation")
        for question in framework.questions:
            for level, text in sorted(question.levels.items()):
                found = PAPER_WORDS.search(text["en"])
                if found:
                    problems.append(f"{question.id} level {level}: '{found.group(0)}' makes the level depend on paper")
    if "sourced-weights" in framework.rules:
        for question in framework.questions:
            basis = question.weight_basis
            if basis is None:
                problems.append(f"{question.id}: weight {question.weight:g} has no source phrase (weight_basis)")
            elif force_of(basis.quote) != question.weight:
                problems.append(
                    f"{question.id}: weight {question.weight:g} does not match its source phrase "
                    f"'{basis.quote}' (which sets {force_of(basis.quote):g})"
                )
    if "not-applicable-guidance" in framework.rules:
        for question in framework.questions:
            if question.not_applicable_allowed and question.not_applicable_when is None:
                problems.append(f"{question.id}: allows not applicable but does not say when (not_applicable_when)")
            if question.not_applicable_when is not None and not question.not_applicable_allowed:
                problems.append(f"{question.id}: says when not applicable is honest but does not allow it")
    return problems


def crosswalk_problems(framework: Framework, installed: Iterable[Framework]) -> list[str]:
    """Problems of ``framework``'s crosswalks from the earlier versions in ``installed``.

    Every question of the earlier version must be mapped or retired; a retired question, and one
    whose answers are not comparable, says why. An id that is not mentioned carries over as it is,
    which is only allowed when the scale kept its meaning; a change of meaning must be declared.
    """
    earlier = {f.version: f for f in installed if f.id == framework.id}
    problems: list[str] = []
    for crosswalk in framework.crosswalks:
        old = earlier.get(crosswalk.from_version)
        if old is None:
            continue
        where = f"crosswalk {crosswalk.from_version} → {framework.version}"
        old_ids = [q.id for q in old.questions]
        kept = {q.id for q in framework.questions}
        for question_id in old_ids:
            entry = crosswalk.questions.get(question_id)
            if entry is None:
                # an unchanged id carries over as it is, unless the levels changed meaning
                if question_id not in kept or crosswalk.scale_changed:
                    problems.append(f"{where}: {question_id} is neither mapped nor retired")
            elif not entry.comparable and not entry.note.strip():
                why = "retired" if not entry.to else "not comparable"
                problems.append(f"{where}: {question_id} has no note saying why it is {why}")
        for question_id in sorted(set(crosswalk.questions) - set(old_ids)):
            problems.append(f"{where}: {question_id} is not a question of {old.label}")
        before, after = ({(s.level, s.meaning["en"]) for s in f.scale} for f in (old, framework))
        if before != after and not crosswalk.scale_changed:
            problems.append(f"{where}: the scale's meaning changed but the crosswalk does not say so (scale_changed)")
    return problems


def weights_table(framework: Framework) -> str:
    """Every question with its weight and the briefs' phrase that sets it, as a Markdown table."""
    rows = ["| Question | Weight | The briefs' words | Where |", "|---|---|---|---|"]
    for question in framework.questions:
        basis = question.weight_basis
        if basis is None:
            rows.append(f"| {question.id} | {question.weight:g} | (every question weighs the same) | |")
            continue
        where = framework.brief_for_seed(basis.seed).short_name
        quote = basis.quote.replace("|", "\\|")
        rows.append(f"| {question.id} | {question.weight:g} | “{quote}” | {where}, line {basis.line} |")
    return "\n".join(rows) + "\n"
