"""Where a report's facts come from: a stored assessment's facts as values (``storage.facts``), or a
portable file. Nothing here reads the store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache

from questionnaire.loader import BUILTIN_FRAMEWORKS
from questionnaire.model import Framework
from questionnaire.practices import PracticeLibrary, load_practices
from reporting.context import DissentRow, ReportContext, ReportVariant, RoundFacts, build_context
from storage.facts import ReportFacts
from storage.portable import PortableFile, PortableRound

__all__ = ["context_from_facts", "context_from_file", "practice_library"]


@lru_cache(maxsize=8)
def practice_library(framework_id: str, version: str) -> PracticeLibrary:
    """The practice library shipped with a built-in framework version (empty when it has none).

    Each version has its own library, whose practices name that version's questions.
    """
    return load_practices(BUILTIN_FRAMEWORKS / framework_id / version)


def context_from_facts(
    facts: ReportFacts, now: datetime | None = None, variant: ReportVariant = ReportVariant.FULL
) -> ReportContext:
    """The report of a stored assessment from its facts (``storage.facts.report_facts``): compared with
    the city's submitted assessments before it, with its peers, workshop round and action plan."""
    framework = facts.framework
    return build_context(
        framework,
        facts.city,
        facts.record,
        facts.answers,
        facts.earlier,
        versions=facts.versions,
        library=practice_library(framework.id, framework.version),
        peers=facts.peers,
        generated_at=now or datetime.now(UTC),
        variant=variant,
        workshop=_round_facts(facts.rounds),
        actions=facts.actions,
        owners=facts.owners,
    )


def _round_facts(carried: Sequence[PortableRound]) -> RoundFacts | None:
    """The latest closed workshop round, for the report: no respondent's name is in it."""
    if not carried:
        return None
    last = max(carried, key=lambda r: r.number)
    return RoundFacts(
        number=last.number,
        respondents=len(last.respondents),
        answers=[(a.question_id, a.respondent, a.status, a.level) for a in last.answers],
        decisions={
            d.question_id: (d.rationale, [DissentRow(holder=x.holder, level=x.level, note=x.note) for x in d.dissents])
            for d in last.decisions
        },
    )


def context_from_file(
    file: PortableFile, framework: Framework, now: datetime | None = None, variant: ReportVariant = ReportVariant.FULL
) -> ReportContext:
    """The report of a portable file on its own (no earlier assessments to compare with).

    Raises ``ValueError`` when the file was made with another version of the framework.
    """
    if (file.framework.id, file.framework.version) != (framework.id, framework.version):
        raise ValueError(
            f"the file uses {file.framework.id} {file.framework.version} but {framework.label} is installed; "
            "import it first (the import maps it to the installed version) and report on the stored assessment"
        )
    return build_context(
        framework,
        file.city_profile(),
        file.assessment_record(),
        file.recorded_answers(),
        library=practice_library(framework.id, framework.version),
        generated_at=now or datetime.now(UTC),
        variant=variant,
        workshop=_round_facts(file.rounds),
    )
