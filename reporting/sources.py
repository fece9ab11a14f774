"""Where a report's facts come from: an assessment in the store, or a portable file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache

import pandas as pd

from questionnaire.loader import BUILTIN_FRAMEWORKS
from questionnaire.model import Framework
from questionnaire.practices import PracticeLibrary, load_practices
from reporting.context import DissentRow, ReportContext, ReportVariant, RoundFacts, build_context
from scoring.actions import Action
from scoring.answers import answers_frame
from scoring.benchmarks import benchmark
from scoring.matching import Peer
from scoring.records import AssessmentRecord, AssessmentStatus
from scoring.scores import theme_scores
from scoring.summary import summarise
from storage.actions import Actions
from storage.portable import PortableFile, PortableRound
from storage.rounds import Rounds
from storage.store import Store

__all__ = [
    "OWN_CITY",
    "benchmark_from_store",
    "context_from_file",
    "context_from_store",
    "peers_from_store",
    "plan_for_report",
    "practice_library",
    "shared_assessments",
]

OWN_CITY = "this city"
"""The key of the city being benchmarked in ``benchmark_from_store``'s input (other cities are numbered)."""


@lru_cache(maxsize=8)
def practice_library(framework_id: str, version: str) -> PracticeLibrary:
    """The practice library shipped with a built-in framework version (empty when it has none).

    Each version has its own library, whose practices name that version's questions.
    """
    return load_practices(BUILTIN_FRAMEWORKS / framework_id / version)


def shared_assessments(store: Store, framework: Framework, exclude_city: int | None) -> list[AssessmentRecord]:
    """The latest submitted assessment of every city that shares its results (demo cities never count)
    on ``framework``'s id and version, leaving out ``exclude_city``."""
    sharing = {c.id for c in store.cities() if c.share_benchmarks and not c.is_demo and c.id != exclude_city}
    latest: dict[int, AssessmentRecord] = {}
    for record in store.assessments():  # oldest first, so the last one wins
        if (
            record.city_id in sharing
            and record.status is AssessmentStatus.SUBMITTED
            and (record.framework_id, record.framework_version) == (framework.id, framework.version)
        ):
            latest[record.city_id or 0] = record
    return list(latest.values())


def benchmark_from_store(store: Store, framework: Framework, record: AssessmentRecord) -> pd.DataFrame:
    """``record`` among the other cities that share their results, theme by theme and peer group by
    peer group (``scoring.benchmarks.benchmark``): no other city is named, and groups below the
    minimum size are marked suppressed."""
    peers = shared_assessments(store, framework, exclude_city=record.city_id)
    profiles = {c.id: c for c in store.cities()}
    benchmarked = [(record, OWN_CITY), *((r, f"city {n}") for n, r in enumerate(peers, start=1))]
    answers = pd.concat(
        [answers_frame(framework, store.answers(r.id or 0), assessment=f"a{r.id}") for r, _ in benchmarked],
        ignore_index=True,
    )
    places = pd.DataFrame(
        [
            {
                "assessment": f"a{r.id}",
                "city": key,
                "region": profiles[r.city_id or 0].region.value,
                "population_band": profiles[r.city_id or 0].population_band.value,
            }
            for r, key in benchmarked
        ]
    )
    return benchmark(theme_scores(framework, answers), places, OWN_CITY)


def peers_from_store(store: Store, framework: Framework, exclude_city: int | None) -> list[Peer]:
    """Cities that share their results, with the theme scores of their latest submitted assessment."""
    peers = []
    for record in shared_assessments(store, framework, exclude_city):
        city = store.city(record.city_id or 0)
        # Theme scores depend on the answers alone, so a peer's targets or declared challenges never
        # stand in the way of another city's report.
        themes = summarise(framework, store.answers(record.id or 0)).themes
        scores = {row.theme_id: (None if row.score != row.score else float(row.score)) for row in themes.itertuples()}
        peers.append(Peer(city=city, theme_scores=scores))
    return peers


def context_from_store(
    store: Store, assessment_id: int, now: datetime | None = None, variant: ReportVariant = ReportVariant.FULL
) -> ReportContext:
    """The report of a stored assessment, compared with the city's submitted assessments before it,
    with the city's action plan (see ``plan_for_report``)."""
    record = store.assessment(assessment_id)
    city = store.city(record.city_id or 0)
    framework = store.framework_of(record)
    actions, owners = plan_for_report(store, record)
    earlier = [
        (other, store.answers(other.id or 0))
        for other in store.assessments(city.id)
        if other.id != record.id
        and other.status is AssessmentStatus.SUBMITTED
        and other.framework_id == record.framework_id
        and (other.started_at, other.id or 0) < (record.started_at, record.id or 0)
        and other.id != record.revision_of
    ]
    return build_context(
        framework,
        city,
        record,
        store.answers(assessment_id),
        earlier,
        versions=store.frameworks.by_version(framework.id),
        library=practice_library(framework.id, framework.version),
        peers=peers_from_store(store, framework, city.id),
        generated_at=now or datetime.now(UTC),
        variant=variant,
        workshop=_round_facts(Rounds(store).portable(assessment_id, latest=True)),
        actions=actions,
        owners=owners,
    )


def plan_for_report(store: Store, record: AssessmentRecord) -> tuple[list[Action], dict[int, str]]:
    """The city's actions and its members' names by account id, for the report of ``record``.

    An action names its questions by the ids of the framework version the city works on now, that of
    its latest assessment; on another version the same id may be another question, so the report of
    an assessment on an earlier version shows no plan. The plan is read unchecked: the person asking
    for the report was checked already (``GuardedStore.report_context`` checks READ), as for the
    answers read above.
    """
    city_id = record.city_id or 0
    latest = [(r.framework_id, r.framework_version) for r in store.assessments(city_id)][-1:]
    if latest != [(record.framework_id, record.framework_version)]:
        return [], {}
    return Actions(store).held(city_id)


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
