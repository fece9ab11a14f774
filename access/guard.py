"""The store as one signed-in person may use it: every operation is checked first, below any page.

A refused operation raises ``NotAllowed`` before anything is read out or written. What a person
does is recorded in the audit trail under their account's name, never a typed one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

from access.roles import Actor, NotAllowed, Operation, Role, may
from questionnaire.loader import FrameworkCatalog
from questionnaire.model import Framework
from reporting.context import ReportContext, ReportVariant
from reporting.sources import context_from_facts
from scoring.records import AssessmentRecord, AssessmentStatus, AuditEvent, City, RecordedAnswer
from storage.demo import create_demo
from storage.facts import report_facts
from storage.peers import benchmark_of
from storage.store import Store
from storage.transfer import (
    ImportPlan,
    apply_import,
    export_calendar,
    export_csv,
    export_json,
    export_tables,
    export_xlsx,
    import_answers_csv,
    plan_import,
)

__all__ = ["CityOverview", "GuardedStore"]

_REFUSALS = {
    Operation.SEE: "You are not a member of this city.",
    Operation.READ: "You are not a member of this city, so you cannot see its answers.",
    Operation.ANSWER: "Your role in this city does not let you change answers (editors and coordinators can).",
    Operation.MANAGE_ASSESSMENTS: (
        "Only the city's coordinators can start, submit, reopen, delete or import assessments."
    ),
    Operation.MANAGE_CITY: "Only the city's coordinators can change its profile and members.",
    Operation.ADMINISTER: "Only a network administrator can create or delete cities and manage accounts.",
}


@dataclass(frozen=True)
class CityOverview:
    """What a network administrator sees of one city: that it exists and how far it has got, never
    an answer or a score."""

    city_id: int
    name: str
    country: str
    drafts: int
    submitted: int
    last_submitted_on: date | None
    shares_benchmarks: bool


class GuardedStore:
    """``store`` as ``actor`` may use it."""

    def __init__(self, store: Store, actor: Actor) -> None:
        self.store = store
        self.actor = actor

    # -- the check ---------------------------------------------------------------------------------

    def check(self, operation: Operation, city_id: int | None = None) -> None:
        """Raise ``NotAllowed`` unless the actor may do ``operation`` in ``city_id``."""
        if not may(self.actor, operation, city_id):
            raise NotAllowed(_REFUSALS[operation])

    def _city_of(self, assessment_id: int, operation: Operation) -> AssessmentRecord:
        record = self.store.assessment(assessment_id)
        self.check(operation, record.city_id)
        return record

    # -- cities ------------------------------------------------------------------------------------

    def cities(self) -> list[City]:
        """The cities the person may see: all of them for a network administrator, else their own."""
        return [c for c in self.store.cities() if may(self.actor, Operation.SEE, c.id)]

    def city(self, city_id: int) -> City:
        self.check(Operation.SEE, city_id)
        return self.store.city(city_id)

    def create_city(self, city: City, join: bool = True) -> City:
        """A new city (administrators only); with ``join`` its creator is its first coordinator."""
        self.check(Operation.ADMINISTER)
        made = self.store.create_city(city, self.actor.name)
        if join:
            self._join(made.id or 0)
        return made

    def create_demo(self, framework: Framework) -> list[AssessmentRecord]:
        """A fictional demo city for this person to try things out in, with them as its coordinator
        (anyone signed in may; demo cities never count in benchmarks)."""
        made = create_demo(self.store, framework, self.actor.name)
        self._join(made[-1].city_id or 0)
        return made

    def _join(self, city_id: int) -> None:
        from access.accounts import Accounts  # accounts build on the guard's roles, not the other way

        Accounts(self.store).add_member(self.actor.account_id, city_id, Role.COORDINATOR, self.actor.name)

    def update_city(self, city: City) -> City:
        self.check(Operation.MANAGE_CITY, city.id)
        return self.store.update_city(city, self.actor.name)

    def delete_city(self, city_id: int, confirm: str) -> None:
        self.check(Operation.ADMINISTER)
        self.store.delete_city(city_id, self.actor.name, confirm)

    def restore_city(self, city_id: int) -> City:
        self.check(Operation.ADMINISTER)
        return self.store.restore_city(city_id, self.actor.name)

    def network_overview(self) -> list[CityOverview]:
        """Every live city with the count of its drafts and submitted assessments (administrators only)."""
        self.check(Operation.ADMINISTER)
        rows = []
        for city in self.store.cities():
            records = self.store.assessments(city.id)
            done = [r for r in records if r.status is AssessmentStatus.SUBMITTED]
            rows.append(
                CityOverview(
                    city_id=city.id or 0,
                    name=city.name,
                    country=city.country,
                    drafts=len(records) - len(done),
                    submitted=len(done),
                    last_submitted_on=max((r.submitted_at.date() for r in done if r.submitted_at), default=None),
                    shares_benchmarks=city.share_benchmarks,
                )
            )
        return rows

    # -- assessments -------------------------------------------------------------------------------

    def assessments(self, city_id: int) -> list[AssessmentRecord]:
        self.check(Operation.SEE, city_id)
        return self.store.assessments(city_id)

    def assessment(self, assessment_id: int) -> AssessmentRecord:
        return self._city_of(assessment_id, Operation.SEE)

    @property
    def frameworks(self) -> FrameworkCatalog:
        """The installed frameworks (the same for everyone)."""
        return self.store.frameworks

    def framework_of(self, record: AssessmentRecord) -> Framework:
        """The framework version ``record`` was answered on (the record came through this guard)."""
        return self.store.framework_of(record)

    def start_assessment(self, city_id: int, title: str, **options: Any) -> AssessmentRecord:
        self.check(Operation.MANAGE_ASSESSMENTS, city_id)
        return self.store.start_assessment(city_id, title, self.actor.name, **options)

    def set_targets(self, assessment_id: int, targets: Mapping[str, float]) -> AssessmentRecord:
        self._city_of(assessment_id, Operation.MANAGE_ASSESSMENTS)
        return self.store.set_targets(assessment_id, targets, self.actor.name)

    def submit_assessment(self, assessment_id: int) -> AssessmentRecord:
        self._city_of(assessment_id, Operation.MANAGE_ASSESSMENTS)
        return self.store.submit_assessment(assessment_id, self.actor.name)

    def reopen_assessment(self, assessment_id: int, title: str | None = None) -> AssessmentRecord:
        self._city_of(assessment_id, Operation.MANAGE_ASSESSMENTS)
        return self.store.reopen_assessment(assessment_id, self.actor.name, title)

    def delete_assessment(self, assessment_id: int, confirm: str) -> None:
        self._city_of(assessment_id, Operation.MANAGE_ASSESSMENTS)
        self.store.delete_assessment(assessment_id, self.actor.name, confirm)

    def restore_assessment(self, assessment_id: int) -> AssessmentRecord:
        self._city_of(assessment_id, Operation.MANAGE_ASSESSMENTS)
        return self.store.restore_assessment(assessment_id, self.actor.name)

    # -- answers -----------------------------------------------------------------------------------

    def answers(self, assessment_id: int) -> list[RecordedAnswer]:
        self._city_of(assessment_id, Operation.READ)
        return self.store.answers(assessment_id)

    def save_answer(self, assessment_id: int, answer: RecordedAnswer, expected_version: int = 0) -> RecordedAnswer:
        self._city_of(assessment_id, Operation.ANSWER)
        return self.store.save_answer(assessment_id, answer, self.actor.name, expected_version)

    def save_answers(self, assessment_id: int, given: Sequence[RecordedAnswer], replace: bool) -> int:
        self._city_of(assessment_id, Operation.ANSWER)
        return self.store.save_answers(assessment_id, given, self.actor.name, replace)

    def audit_trail(self, city_id: int) -> list[AuditEvent]:
        self.check(Operation.READ, city_id)
        return self.store.audit_trail(city_id=city_id)

    # -- results that draw on other cities --------------------------------------------------------

    def report_context(
        self, assessment_id: int, variant: ReportVariant = ReportVariant.FULL, now: datetime | None = None
    ) -> ReportContext:
        """What the report of ``assessment_id`` shows; other cities appear in it only as they chose to
        share (``City.share_benchmarks``)."""
        self._city_of(assessment_id, Operation.READ)
        return context_from_facts(report_facts(self.store, assessment_id), now=now, variant=variant)

    def benchmark(self, framework: Framework, assessment_id: int) -> pd.DataFrame:
        """Where ``assessment_id`` stands among the cities that share their results: anonymous group
        figures, with groups smaller than the minimum left out (``scoring.benchmarks``)."""
        record = self._city_of(assessment_id, Operation.READ)
        return benchmark_of(self.store, framework, record, self.store.answers(assessment_id))

    # -- files in and out --------------------------------------------------------------------------

    def export_json(self, assessment_id: int) -> bytes:
        self._city_of(assessment_id, Operation.READ)
        return export_json(self.store, assessment_id, self.actor)

    def export_tables(self, assessment_id: int) -> dict[str, Any]:
        self._city_of(assessment_id, Operation.READ)
        return export_tables(self.store, assessment_id, self.actor)

    def export_csv(self, assessment_id: int, table: str = "answers") -> bytes:
        self._city_of(assessment_id, Operation.READ)
        return export_csv(self.store, assessment_id, table, self.actor)

    def export_xlsx(self, assessment_id: int) -> bytes:
        self._city_of(assessment_id, Operation.READ)
        return export_xlsx(self.store, assessment_id, self.actor)

    def export_calendar(self, city_id: int) -> bytes:
        """The due dates of the city's open actions as an iCalendar file (the city's members)."""
        self.check(Operation.READ, city_id)
        return export_calendar(self.store, city_id, self.actor)

    def import_answers_csv(self, assessment_id: int, data: bytes, replace: bool = False) -> int:
        self._city_of(assessment_id, Operation.ANSWER)
        return import_answers_csv(self.store, assessment_id, data, self.actor.name, replace)

    def _may_import(self, plan: ImportPlan) -> None:
        """Into an existing city only for its coordinators, as a new city only for a network
        administrator; the refusal does not say which, so it does not tell whether the city exists."""
        city = plan.existing_city
        allowed = (
            may(self.actor, Operation.MANAGE_ASSESSMENTS, city.id)
            if city is not None
            else may(self.actor, Operation.ADMINISTER)
        )
        if not allowed:
            raise NotAllowed(
                "You can import an assessment only into a city where you are a coordinator "
                "(a network administrator can import a new city)."
            )

    def plan_import(self, data: bytes) -> ImportPlan:
        """Check a portable file and whether the person may import it; write nothing."""
        plan = plan_import(self.store, data)
        self._may_import(plan)
        return plan

    def apply_import(self, plan: ImportPlan, use_file_profile: bool = False) -> AssessmentRecord:
        """Import a checked file; a new city's importer becomes its first coordinator."""
        self._may_import(plan)
        made = apply_import(self.store, plan, self.actor.name, use_file_profile)
        if plan.existing_city is None:
            self._join(made.city_id or 0)
        return made
