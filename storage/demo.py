"""A fictional demo city, so that a newcomer sees scores, comparisons and a draft at once."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from questionnaire.model import Framework, text_in
from scoring.actions import Action, ActionStatus, ActionTarget, Priority
from scoring.answers import Evidence, Status
from scoring.plan import shorten
from scoring.records import AssessmentRecord, AssessmentStatus, City, PopulationBand, RecordedAnswer, Region
from scoring.summary import summarise
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
    _workshop_round(store, draft, framework)
    moved = [a.question_id for a in improvable]
    _action_plan(store, draft, framework, moved, [a.question_id for a in stored if a.question_id not in moved], today)
    return [*created, draft]


DEMO_PARTNERS = ("Regional School Board (demo)", "Demoville Community Foundation (demo)")
"""Partner organisations that own some of the demo's actions."""


def _action_plan(
    store: Store,
    draft: AssessmentRecord,
    framework: Framework,
    moved: Sequence[str],
    stayed: Sequence[str],
    today: datetime,
) -> None:
    """A plan of eight actions, mostly in the draft's weakest themes, so that every view of it shows
    something at once: two done since the annual review (one on a question that has moved since,
    one on a question that has not), one late, three open with later dates, one that addresses no
    theme, and one dropped with its reason; owned by demo members, partner organisations, or no one yet."""
    from access.roles import Actor, Role
    from storage.actions import Actions

    city_id = draft.city_id or 0
    lead = Actor(account_id=0, name=DEMO_TEAM[0], roles={city_id: Role.COORDINATOR})
    plan = Actions(store)
    members = {name: account for account, name in plan.owners(city_id, lead).items()}

    def owned_by(name: str, partner: str) -> dict[str, Any]:
        """The member ``name`` as the owner, or the partner organisation where the demo has no such member."""
        if name in members:
            return {"owner_account_id": members[name]}
        return {"owner_partner": partner}

    record = store.assessment(draft.id or 0)
    given = {a.question_id: a for a in store.answers(draft.id or 0)}
    summary = summarise(framework, list(given.values()), record.targets, DEMO_CITY.challenges)
    below = set(summary.steps.loc[summary.steps["below_target"].astype(bool), "question_id"])
    questions = {q.id: q for q in framework.questions}
    # links only to questions every installed version has, so the plan reads the same beside each assessment
    everywhere = set(questions).intersection(
        *({q.id for q in f.questions} for f in store.frameworks.by_version(framework.id).values())
    )
    by_theme = {t.id: t for t in framework.themes}
    weakest = [
        q.id
        for theme_id in summary.priorities["theme_id"]
        for q in by_theme[str(theme_id)].questions
        if q.id in below and q.id in everywhere and q.id not in moved and q.id not in stayed
    ]

    def step(question_id: str, level: int) -> dict[str, Any]:
        """An action on the question, titled with what it looks like at ``level``."""
        described = text_in(questions[question_id].levels[min(4, level)])
        return {
            "title": shorten(f"{question_id}: {described}", 120),
            "targets": (ActionTarget(question_id=question_id, target_level=min(4, level)),),
            "source": f"Next step of {question_id}",
        }

    on = today.date()
    days = timedelta(days=1)
    actions: list[Action] = []
    for question_id in [q for q in moved if q in everywhere][
        :1
    ]:  # done since the annual review, and the question has moved since
        level = given[question_id].level or 0
        actions.append(
            Action(
                **step(question_id, level),
                **owned_by("Sam Example", DEMO_PARTNERS[0]),
                status=ActionStatus.DONE,
                priority=Priority.HIGH,
                start_on=on - 330 * days,
                due_on=on - 180 * days,
                done_on=on - 200 * days,
                money_planned=8_000,
                money_actual=7_400,
            )
        )
    for question_id in [q for q in stayed if q in everywhere][:1]:  # done, and the question has not moved (yet)
        level = given[question_id].level or 0
        actions.append(
            Action(
                **step(question_id, level + 1),
                owner_partner=DEMO_PARTNERS[0],
                status=ActionStatus.DONE,
                start_on=on - 300 * days,
                due_on=on - 120 * days,
                done_on=on - 110 * days,
            )
        )
    for question_id, values in zip(
        weakest,
        [
            {
                **owned_by("Rosa Sample", DEMO_PARTNERS[1]),
                "status": ActionStatus.IN_PROGRESS,
                "start_on": on - 150 * days,
                "due_on": on - 30 * days,
                "priority": Priority.HIGH,
            },  # late
            {
                "owner_partner": DEMO_PARTNERS[1],
                "start_on": on + 14 * days,
                "due_on": on + 90 * days,
                "money_planned": 25_000,
            },
            {"start_on": on + 30 * days, "due_on": on + 180 * days, "priority": Priority.LOW},  # no owner yet
            {
                **owned_by("Alex Demo", DEMO_PARTNERS[1]),
                "status": ActionStatus.IN_PROGRESS,
                "start_on": on - 60 * days,
                "due_on": on + 120 * days,
                "staff_days_planned": 40,
            },
            {
                **owned_by("Jon Placeholder", DEMO_PARTNERS[1]),
                "status": ActionStatus.DROPPED,
                "dropped_reason": "Demo: the region's own programme now covers this, so the city dropped its own.",
                "due_on": on + 60 * days,
            },
        ],
        strict=False,
    ):
        now_at = given[question_id].level if question_id in given else None
        actions.append(Action(**step(question_id, (now_at or 0) + 1), **values))
    actions.append(
        Action(
            title="Demo: report the plan's progress to the city council twice a year",
            description="A short paper to the council each spring and autumn: what was done, what is late, and why.",
            **owned_by("Sam Example", DEMO_PARTNERS[1]),
            start_on=on - 20 * days,
            due_on=on + 45 * days,
            status=ActionStatus.IN_PROGRESS,
        )
    )
    for action in actions:
        plan.add(city_id, action, lead)


DEMO_RESPONDENTS = (
    ("Alex Demo", "Cohesion team"),
    ("Sam Example", "Data and research"),
    ("Rosa Sample", "Social services"),
    ("Jon Placeholder", "Police"),
)
"""Who answers the demo draft's workshop round, and the group each speaks for."""


def _workshop_round(store: Store, draft: AssessmentRecord, framework: Framework) -> None:
    """A closed workshop round on the draft: four respondents answered one theme apart, mostly near the
    team's answer and far apart on one question, where the consensus keeps Social services' dissent.
    The consensus is the draft's own answer, so the demo's scores do not move."""
    from access.accounts import Accounts  # the demo's respondents are accounts (they cannot sign in)
    from access.roles import Actor, Role
    from storage.rounds import Dissent, Rounds

    stored = {a.question_id: a for a in store.answers(draft.id or 0) if a.status is Status.LEVEL and not a.carried_over}
    theme = next((t for t in framework.themes if sum(q.id in stored for q in t.questions) >= 2), None)
    if theme is None:
        return
    city_id = draft.city_id or 0
    people = Accounts(store)
    respondents: dict[int, str | None] = {}
    for name, group in DEMO_RESPONDENTS:
        email = f"{name.lower().replace(' ', '.')}@demoville-{city_id}.invalid"
        account = people.find(email) or people.add(email, name, DEMO_TEAM[0])
        people.add_member(account.id, city_id, Role.EDITOR, DEMO_TEAM[0])
        respondents[account.id] = group
    lead = Actor(account_id=0, name=DEMO_TEAM[0], roles={city_id: Role.COORDINATOR})
    rounds = Rounds(store)
    made = rounds.open_round(draft.id or 0, respondents, lead, themes=[theme.id])
    answered = [q for q in theme.questions if q.id in stored]
    disputed = answered[-1]
    for position, account_id in enumerate(respondents):
        voice = people.actor(account_id)
        for number, question in enumerate(theme.questions):
            base = stored[question.id].level if question.id in stored else 2
            if question is disputed:
                level, note = (
                    min(4, max(0, (base or 0) + (-1, 0, 1, 2)[position])),
                    (
                        "",
                        "",
                        "It exists on paper; in our cases we rarely see it.",
                        "It works well in the cases we share.",
                    )[position],
                )
            elif position == 2 and number == len(theme.questions) - 1:
                rounds.answer(made.id, question.id, "not_my_area", None, "", voice)
                continue
            else:
                level, note = min(4, (base or 0) + (position == 1 and number % 2 == 0)), ""
            rounds.answer(made.id, question.id, "level", level, note, voice)
    rounds.close(made.id, lead)
    for question in answered:
        kept = stored[question.id]
        dissents = (
            [
                Dissent(
                    "Social services",
                    max(0, (kept.level or 0) - 1),
                    "It exists on paper; we rarely see it in practice.",
                )
            ]
            if question is disputed
            else []
        )
        rationale = (
            "Demo: most of the team sees it in use; Social services rarely does."
            if question is disputed
            else "Demo: the team agreed."
        )
        rounds.decide(made.id, kept, rationale, dissents, lead, expected_version=kept.version)
