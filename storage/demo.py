"""A fictional demo city, so that a newcomer sees scores, comparisons and a draft at once."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from questionnaire.model import Framework
from scoring.answers import Evidence, Status
from scoring.records import AssessmentRecord, AssessmentStatus, City, PopulationBand, RecordedAnswer, Region
from storage.store import Store

__all__ = ["DEMO_CITY", "create_demo"]

DEMO_CITY = City(
    name="Demoville (demo data)",
    country="Fictional",
    region=Region.EUROPE,
    population_band=PopulationBand.MEDIUM,
    challenges=("online-hate", "global-protests"),
    share_benchmarks=False,
    is_demo=True,
)
DEMO_TEAM = ("Alex Demo (cohesion lead)", "Sam Example (data officer)")
_EVIDENCE = list(Evidence)


def _year_of_answers(
    framework: Framework, rng: random.Random, base: dict[str, int], when: datetime
) -> list[RecordedAnswer]:
    given: list[RecordedAnswer] = []
    for question in framework.questions:
        who = DEMO_TEAM[len(given) % 2]
        at = when + timedelta(minutes=3 * len(given))
        if question.not_applicable_allowed and rng.random() < 0.5:
            reason = "Demo: this power sits with the region, not the city."
            given.append(
                RecordedAnswer(
                    question_id=question.id,
                    status=Status.NOT_APPLICABLE,
                    reason=reason,
                    answered_by=who,
                    answered_at=at,
                )
            )
        elif rng.random() < 0.06:
            given.append(
                RecordedAnswer(question_id=question.id, status=Status.DONT_KNOW, answered_by=who, answered_at=at)
            )
        else:
            level = base[question.id]
            note = "Demo note: evidence is in the annual cohesion report." if rng.random() < 0.15 else ""
            given.append(
                RecordedAnswer(
                    question_id=question.id,
                    level=level,
                    evidence=_EVIDENCE[min(level, rng.randint(0, 3))],
                    note=note,
                    answered_by=who,
                    answered_at=at,
                )
            )
    return given


def create_demo(store: Store, framework: Framework, by: str, today: datetime | None = None) -> list[AssessmentRecord]:
    """Create Demoville with assessments submitted two years and one year ago and a draft started today.

    The two submitted assessments are answered on the oldest installed version of ``framework``'s id
    and the draft on ``framework``, started from the last one, so an upgrade between versions shows:
    comparable answers are carried over, and a few of the questions that need a fresh answer have one.
    The same frameworks always give the same answers. Refuses when a demo city already exists.
    """
    existing = store.matching_city(DEMO_CITY)
    if existing is not None:
        raise ValueError(f"The demo city already exists (city {existing.id}); delete it first to start again.")
    today = today or datetime.now(UTC).replace(microsecond=0)
    first = (store.frameworks.versions(framework.id) or [framework])[0]
    rng = random.Random(20231)
    levels = {q.id: rng.choice([0, 1, 1, 2, 2, 2, 3]) for q in first.questions}
    created: list[AssessmentRecord] = []
    city_id: int | None = None
    for years_ago, title in ((2, "Baseline assessment (demo)"), (1, "Annual review (demo)")):
        started = today - timedelta(days=365 * years_ago)
        record = AssessmentRecord(
            framework_id=first.id,
            framework_version=first.version,
            title=title,
            status=AssessmentStatus.SUBMITTED,
            started_at=started,
            submitted_at=started + timedelta(days=21),
            team=DEMO_TEAM,
            targets={theme.id: 60.0 for theme in first.themes},
        )
        given = _year_of_answers(first, rng, levels, started + timedelta(days=2))
        saved = store.import_assessment(DEMO_CITY, record, given, by, digest=None, details={"demo": True})
        city_id = saved.city_id
        created.append(saved)
        levels = {q: min(4, level + (rng.random() < 0.35)) for q, level in levels.items()}

    draft = store.start_assessment(
        city_id or 0,
        "This year's assessment (demo draft)",
        by,
        framework_id=framework.id,
        based_on=created[-1].id,
        team=DEMO_TEAM,
        started_at=today,
    )
    stored = store.answers(draft.id or 0)
    improvable = [a for a in stored if a.status is Status.LEVEL and (a.level or 0) < 4][::9][:6]
    for answer in improvable:  # a few answers have moved on this year; the rest wait for confirmation
        better = answer.model_copy(update={"level": (answer.level or 0) + 1, "note": "Demo: improved this year."})
        store.save_answer(draft.id or 0, better, DEMO_TEAM[0], expected_version=answer.version)
    carried = {a.question_id for a in stored}
    fresh = [q for q in framework.questions if q.id not in carried][::4]
    for question in fresh:  # on a new version, some questions are already answered afresh
        answer = RecordedAnswer(
            question_id=question.id,
            level=rng.choice([1, 1, 2, 2, 3]),
            evidence=Evidence.INTERNAL,
            note="Demo: answered afresh on this version's scale.",
        )
        store.save_answer(draft.id or 0, answer, DEMO_TEAM[1])
    return [*created, draft]
