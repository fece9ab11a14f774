"""What the report of a stored assessment draws on, read from the store as plain values.

``reporting`` builds a report from these values (``reporting.sources.context_from_facts``) and never
reads the store itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from questionnaire.model import Framework
from scoring.actions import Action
from scoring.matching import Peer
from scoring.records import AssessmentRecord, AssessmentStatus, City, RecordedAnswer
from storage.actions import Actions
from storage.peers import peers_of
from storage.portable import PortableRound
from storage.rounds import Rounds
from storage.store import Store

__all__ = ["ReportFacts", "plan_for_report", "report_facts"]


@dataclass(frozen=True)
class ReportFacts:
    """A stored assessment with everything its report compares it with."""

    framework: Framework
    city: City
    record: AssessmentRecord
    answers: Sequence[RecordedAnswer]
    earlier: Sequence[tuple[AssessmentRecord, Sequence[RecordedAnswer]]] = ()
    """The city's submitted assessments started before it, on the same framework, oldest first."""
    versions: Mapping[str, Framework] = field(default_factory=dict)
    peers: Sequence[Peer] = ()
    rounds: Sequence[PortableRound] = ()
    """The assessment's closed workshop rounds (the latest is the one a report shows)."""
    actions: Sequence[Action] = ()
    owners: Mapping[int, str] = field(default_factory=dict)


def report_facts(store: Store, assessment_id: int) -> ReportFacts:
    """The facts of a stored assessment's report: its earlier submitted assessments, its peers (cities
    that share their results, scored once: ``storage.peers``), its latest closed workshop round and the
    city's action plan (see ``plan_for_report``)."""
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
    return ReportFacts(
        framework=framework,
        city=city,
        record=record,
        answers=store.answers(assessment_id),
        earlier=earlier,
        versions=store.frameworks.by_version(framework.id),
        peers=peers_of(store, framework, city.id),
        rounds=Rounds(store).portable(assessment_id, latest=True),
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
