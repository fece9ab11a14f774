"""Where a report's facts come from: an assessment in the store, or a portable file."""

from __future__ import annotations

from datetime import UTC, datetime

from questionnaire.model import Framework
from reporting.context import ReportContext, build_context
from scoring.records import AssessmentStatus
from storage.portable import PortableFile
from storage.store import Store

__all__ = ["context_from_file", "context_from_store"]


def context_from_store(store: Store, assessment_id: int, now: datetime | None = None) -> ReportContext:
    """The report of a stored assessment, compared with the city's submitted assessments before it."""
    record = store.assessment(assessment_id)
    city = store.city(record.city_id or 0)
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
        store.framework(record.framework_id),
        city,
        record,
        store.answers(assessment_id),
        earlier,
        generated_at=now or datetime.now(UTC),
    )


def context_from_file(file: PortableFile, framework: Framework, now: datetime | None = None) -> ReportContext:
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
        generated_at=now or datetime.now(UTC),
    )
