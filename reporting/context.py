"""The report's whole contract with its template: every number and sentence, worked out in pure code.

``build_context`` scores the assessment, compares it with the city's earlier assessments, and puts
everything the report shows into one frozen ``ReportContext``. The template only lays it out;
charts are added afterwards (``with_charts``) as data URIs, with a table to fall back on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum

import pandas as pd
from pydantic import BaseModel, ConfigDict

from questionnaire.crosswalk import CrosswalkError, map_question_ids, readable_from, same_scale
from questionnaire.model import Framework, text_in
from questionnaire.practices import PracticeLibrary
from scoring.actions import ACTION_STATUS_LABELS, Action, actions_beside_changes, plan_progress
from scoring.answers import Status, answers_frame
from scoring.bands import BANDS, band_for, format_points
from scoring.comparison import compare, trends
from scoring.divergence import agreement, divergence_table
from scoring.matching import Gap, Match, Peer, cities_to_talk_to, match_practices
from scoring.plan import owner_of, soonest_first, themes_of
from scoring.records import AssessmentRecord, City, RecordedAnswer
from scoring.summary import summarise

__all__ = [
    "ActionRow",
    "ChartSlot",
    "PracticeRow",
    "ReportContext",
    "ReportVariant",
    "build_context",
]

PRODUCT = "City Cohesion Self-Assessment"
PRIORITY_GAPS = 5
"""How many of the highest-priority gaps get matched practices."""
EVIDENCE_LABELS = {
    "none": "No evidence",
    "internal_document": "Internal document",
    "published": "Published",
    "independently_evaluated": "Independently evaluated",
}
SCORE_HEADERS = ["Theme", "Title", "Score", "Band", "Target", "Answered"]
"""The columns of the table shown in place of the radar or the bar chart when it cannot be drawn."""
STATUS_LABELS = {Status.NOT_APPLICABLE.value: "Not applicable", Status.DONT_KNOW.value: "Don't know"}


class ReportVariant(StrEnum):
    """How much the report holds: everything, or what leadership needs in a few pages."""

    FULL = "full"
    SUMMARY = "summary"

    @property
    def label(self) -> str:
        """The name a city team sees."""
        return {"full": "Full report", "summary": "Summary for leadership"}[self.value]

    @property
    def description(self) -> str:
        """What the variant holds, in one sentence."""
        if self is ReportVariant.FULL:
            return "Every section: a page or more per theme with each question, next step and note, and every answer."
        return (
            "The summary, the charts, every theme at a glance, the action plan with its next steps, peer practices, "
            "changes and the method; without the theme-by-theme detail and the list of every answer."
        )


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True)


class QuestionRow(_Part):
    """One question in its theme's table, and in the appendix."""

    id: str
    text: str
    answer: str
    """"Level 2 · Documented", "Not applicable", "Don't know" or "Not answered"."""
    level: int | None
    evidence: str
    target_level: float | None
    below_target: bool
    next_step: str | None
    reason: str
    note: str
    links: list[str]
    answered_by: str
    carried_over: bool

    @property
    def written(self) -> str:
        """What the team wrote beside the answer, in a few words ("Note and 2 links"); empty when nothing."""
        parts = [name for name, value in (("reason", self.reason), ("note", self.note)) if value]
        if self.links:
            parts.append(f"{len(self.links)} link{'s' if len(self.links) > 1 else ''}")
        said = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)
        return said[:1].upper() + said[1:]


class ThemeSection(_Part):
    """One theme's section of the report."""

    id: str
    title: str
    description: str
    score: float | None
    band: str | None
    band_meaning: str
    conservative: float | None
    completeness: float
    evidence_coverage: float | None
    state: str
    target: float | None
    target_source: str
    gap: float | None
    delta: float | None
    questions: list[QuestionRow]


class ActionRow(_Part):
    """One action of the city's plan, as the report prints it."""

    id: int | None
    title: str
    owner: str
    """The member's name, the partner organisation, or "No owner yet"."""
    due: str
    """The due date (ISO), or "No due date"."""
    status: str
    """"Planned", "In progress", "Done" or "Dropped"."""
    overdue: bool
    questions: list[str] = []
    """The questions it addresses."""
    done_on: str = ""


class PriorityRow(_Part):
    """One entry of the priority action plan."""

    rank: int
    theme_id: str
    theme_title: str
    score: float | None
    target: float
    gap: float
    priority: float
    explanation: str
    steps: list[str]
    actions: list[ActionRow] = []
    """The open actions that address the theme or one of its questions, soonest due first."""


class PlanPart(_Part):
    """How far the city's action plan has got, and its open actions that no listed priority holds."""

    progress: str
    """For example "3 of 8 actions done, 2 overdue"."""
    overdue: int
    other_open: list[ActionRow]


class PracticeRow(_Part):
    """Something a city can learn from for one priority gap, with why it was chosen and its source."""

    theme_id: str
    title: str
    city: str | None
    summary: str
    reason: str
    source: str
    notes: list[str] = []


class TalkToRow(_Part):
    """A city in the store, sharing its results, that does well on a priority theme."""

    theme_id: str
    city: str
    country: str
    reason: str


class PracticeGroup(_Part):
    """The practices (and cities to talk to) matched to one priority theme."""

    theme_id: str
    theme_title: str
    items: list[PracticeRow]
    talk_to: list[TalkToRow] = []


class ThemeChange(_Part):
    """A theme's score before and after."""

    theme_id: str
    title: str
    before: float | None
    after: float | None
    delta: float | None


class ItemChange(_Part):
    """A question whose answer changed since the previous assessment."""

    question_id: str | None
    """The current id (None for a retired question)."""
    before_id: str | None = None
    """The earlier id, where the question had one."""
    theme_id: str
    before: str
    after: str
    change: str
    actions: list[str] = []
    """The actions linked to the question: each one's title and status ("… (done)")."""

    @property
    def label(self) -> str:
        """``Q3.3``, ``Q3.3 (was Q5.3)`` across versions, or ``Q1.6 (retired)``."""
        if self.question_id is None:
            return f"{self.before_id} (retired)"
        if self.before_id and self.before_id != self.question_id:
            return f"{self.question_id} (was {self.before_id})"
        return self.question_id


class DoneAction(_Part):
    """An action done between the two assessments, with the linked questions that moved ("Q2.4 improved")."""

    action: ActionRow
    moved: list[str]


class PlanChanges(_Part):
    """The change since the previous assessment set beside the action plan, read three ways."""

    done: list[DoneAction]
    """Every action done between the two assessments, soonest first."""
    moved_without_action: list[ItemChange]
    """Questions whose level moved with no linked action done in between."""
    done_without_movement: list[DoneAction]
    """Actions done whose linked questions stayed at the same level."""


class TrendPoint(_Part):
    """One theme (or "overall") score of one assessment, for trend lines."""

    assessment: str
    date: date
    theme_id: str
    score: float | None


class Previous(_Part):
    """The assessment this one is compared with."""

    title: str
    started_on: date
    overall: float | None
    overall_delta: float | None
    comparable_share: float
    framework_version: str = ""
    """The framework version the previous assessment was answered on."""
    scale_changed: bool = False


class ChartSlot(_Part):
    """A chart: its image as a data URI once exported, and a table that stands in when it is not."""

    id: str
    title: str
    description: str
    image: str | None = None
    note: str | None = None
    headers: list[str]
    rows: list[list[str]]


class ScaleRow(_Part):
    """One step of the 0–4 scale."""

    level: int
    name: str
    meaning: str


class BandRow(_Part):
    """One band of the 0–100 scale."""

    name: str
    lower: float
    upper: float
    meaning: str


class NotApplicableRow(_Part):
    """A question answered not applicable, with the team's reason."""

    question_id: str
    text: str
    reason: str


class SourceRow(_Part):
    """A brief the framework is drawn from."""

    title: str
    year: int
    url: str


class DissentRow(_Part):
    """A view the consensus did not adopt: who holds it, the level they hold, and why."""

    holder: str
    level: int | None = None
    note: str = ""


class RoundFacts(_Part):
    """What a closed workshop round holds, as read from the store: its number, how many took part,
    each answer (question, respondent, status, level) and the consensus per question (rationale and
    dissent)."""

    number: int
    respondents: int
    answers: list[tuple[str, int, str, int | None]]
    decisions: dict[str, tuple[str, list[DissentRow]]] = {}


class DisagreementRow(_Part):
    """A question the round's respondents disagreed on, with the consensus the team recorded."""

    question_id: str
    text: str
    answered: int
    unsure: int
    median: float | None
    iqr: float | None
    lowest: int | None
    highest: int | None
    why: str
    consensus: str
    rationale: str
    dissents: list[DissentRow]


class WorkshopPart(_Part):
    """The latest closed workshop round of the assessment: how far the team agreed, and where not."""

    number: int
    respondents: int
    questions: int
    alpha: float | None
    caveat: str
    disagreements: list[DisagreementRow]
    """Only the questions flagged as divergent, widest disagreement first."""


class ReportContext(_Part):
    """Everything the report template shows, and nothing it has to work out."""

    product: str
    variant: ReportVariant
    generated_at: datetime
    language: str
    city_name: str
    city_country: str
    city_is_demo: bool
    title: str
    status: str
    started_on: date
    submitted_on: date | None
    team: list[str]
    framework_id: str
    framework_version: str
    framework_title: str
    framework_caveat: str | None = None
    """What the framework can and cannot claim, where it says so."""
    weights_from_briefs: bool = False
    """Whether question weights follow the briefs' words (and are then explained)."""
    overall_index: float | None
    overall_band: str | None
    overall_band_meaning: str
    conservative: float | None
    completeness: float
    evidence_coverage: float | None
    answered: int
    applicable: int
    not_applicable: int
    themes: list[ThemeSection]
    strongest: list[ThemeSection]
    priorities: list[PriorityRow]
    practices: list[PracticeGroup]
    practices_note: str
    previous: Previous | None
    theme_changes: list[ThemeChange]
    item_changes: list[ItemChange]
    trend: list[TrendPoint]
    scale: list[ScaleRow]
    bands: list[BandRow]
    not_applicable_rows: list[NotApplicableRow]
    sources: list[SourceRow]
    charts: dict[str, ChartSlot]
    workshop: WorkshopPart | None = None
    """Where the team disagreed in the latest closed workshop round, if there is one."""
    plan: PlanPart | None = None
    """The city's action plan, when it has one."""
    plan_changes: PlanChanges | None = None
    """What the actions done between the two assessments did, when there is a previous one and a plan."""

    def with_charts(self, images: dict[str, str | None], note: str | None = None) -> ReportContext:
        """A copy with each chart's data URI filled in; a chart without one keeps its table and ``note``."""
        charts = {
            key: slot.model_copy(update={"image": images.get(key), "note": None if images.get(key) else note})
            for key, slot in self.charts.items()
        }
        return self.model_copy(update={"charts": charts})


def _number(value: object) -> float | None:
    """A plain float, or None for a missing value (NaN, None, pandas NA)."""
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _answer_label(framework: Framework, answer: RecordedAnswer | None) -> str:
    if answer is None:
        return "Not answered"
    if answer.status is Status.LEVEL and answer.level is not None:
        return f"Level {answer.level} · {text_in(framework.level(answer.level).name)}"
    return STATUS_LABELS[answer.status.value]


def _comparable(
    framework: Framework, record: AssessmentRecord, given: Sequence[RecordedAnswer]
) -> list[RecordedAnswer]:
    """An earlier assessment's answers on the current framework's question ids (unmappable ones dropped)."""
    if record.framework_id != framework.id:
        return []
    try:
        mapping = map_question_ids(framework, record.framework_version, [a.question_id for a in given])
    except CrosswalkError:
        return []
    return [
        a.model_copy(update={"question_id": mapping.mapped[a.question_id]})
        for a in given
        if a.question_id in mapping.mapped
    ]


def _charts(themes: list[ThemeSection], changes: list[ThemeChange], trend: list[TrendPoint]) -> dict[str, ChartSlot]:
    """The four chart slots with the tables that stand in for them."""
    scored = [
        [t.id, t.title, format_points(t.score), t.band or t.state, format_points(t.target), f"{t.completeness:.0%}"]
        for t in themes
    ]
    heat = [[t.id, *[q.answer for q in t.questions]] for t in themes]
    width = max(len(row) for row in heat)
    slots = {
        "radar": ChartSlot(
            id="radar",
            title="Theme scores against targets",
            description="Each spoke is a theme; the outer edge is 100.",
            headers=SCORE_HEADERS,
            rows=scored,
        ),
        "bars": ChartSlot(
            id="bars",
            title="Scores by theme, coloured by band",
            description="Bars show the score; the label gives the share of questions answered.",
            headers=SCORE_HEADERS,
            rows=scored,
        ),
        "heatmap": ChartSlot(
            id="heatmap",
            title="Question levels by theme",
            description="One row per theme, one cell per question, darker for higher levels.",
            headers=["Theme", *[f"Q{n}" for n in range(1, width)]],
            rows=[row + [""] * (width - len(row)) for row in heat],
        ),
    }
    if changes:
        over_time = len({p.assessment for p in trend}) >= 3
        slots["changes"] = ChartSlot(
            id="changes",
            title="Theme scores over time" if over_time else "Change since the previous assessment",
            description="One line per theme and a thicker one for the overall index, one point per assessment."
            if over_time
            else "Points gained or lost per theme since the previous assessment.",
            headers=["Theme", "Title", "Before", "After", "Change"],
            rows=[
                [c.theme_id, c.title, *map(format_points, (c.before, c.after)), format_points(c.delta, signed=True)]
                for c in changes
            ],
        )
    return slots


def build_context(
    framework: Framework,
    city: City,
    record: AssessmentRecord,
    given: Sequence[RecordedAnswer],
    earlier: Sequence[tuple[AssessmentRecord, Sequence[RecordedAnswer]]] = (),
    *,
    versions: Mapping[str, Framework] | None = None,
    library: PracticeLibrary | None = None,
    peers: Sequence[Peer] = (),
    generated_at: datetime,
    language: str = "en",
    variant: ReportVariant = ReportVariant.FULL,
    workshop: RoundFacts | None = None,
    actions: Sequence[Action] = (),
    owners: Mapping[int, str] | None = None,
    today: date | None = None,
) -> ReportContext:
    """Score ``record`` and set out everything its report shows.

    ``earlier`` holds the city's earlier assessments, oldest first; the last one is "previous". An
    earlier assessment answered on another version of the framework is read on that version, taken
    from ``versions`` (version → framework), and compared through the crosswalk.
    Each priority gap gets practices from ``library`` (matched, with reasons) and cities to talk to
    from ``peers`` (cities that share their results); without a library the report points each
    priority gap to the findings of the briefs it draws on. ``variant`` says which sections the
    template lays out; the context holds every section either way.
    ``actions`` are the city's action plan and ``owners`` its members' names by account id: each
    priority lists its open actions, and the change since the previous assessment is set beside the
    actions done in between. An action is overdue when still open after its due date, as of ``today``
    (by default the day the report is made).
    """
    today = today or generated_at.date()
    owners = owners or {}
    theme_of = {q.id: t.id for t in framework.themes for q in t.questions}
    summary = summarise(framework, given, record.targets, city.challenges)
    by_question = {a.question_id: a for a in given}
    steps = summary.steps.set_index("question_id")
    # only earlier assessments the framework can read forward (its own version, or one it has a crosswalk from)
    earlier = [
        (r, a) for r, a in earlier if r.framework_id == framework.id and readable_from(framework, r.framework_version)
    ]
    previous_pair = earlier[-1] if earlier else None

    installed = {framework.version: framework, **(versions or {})}
    comparison = None
    if previous_pair is not None:
        after = answers_frame(framework, given, assessment="after")
        old = installed.get(previous_pair[0].framework_version)  # same id: ``earlier`` was filtered above
        if old is not None:
            before = answers_frame(old, previous_pair[1], assessment="before")
            comparison = compare(framework, before, after, before_framework=old)
        else:
            before = answers_frame(framework, _comparable(framework, *previous_pair), assessment="before")
            comparison = compare(framework, before, after)
    # scores on two scales (the levels changed meaning) are set side by side, never subtracted
    scored_alike = comparison is not None and not comparison.scale_changed
    deltas = pd.Series(dtype=float)
    if comparison is not None and scored_alike:
        deltas = comparison.themes.set_index("theme_id")["delta"]

    themes: list[ThemeSection] = []
    for row, theme in zip(summary.themes.itertuples(), framework.themes, strict=True):
        band = band_for(row.score)
        questions = []
        for question in theme.questions:
            answer = by_question.get(question.id)
            step = steps.loc[question.id]
            questions.append(
                QuestionRow(
                    id=question.id,
                    text=text_in(question.text, language),
                    answer=_answer_label(framework, answer),
                    level=answer.level if answer else None,
                    evidence=EVIDENCE_LABELS[answer.evidence.value] if answer else "",
                    target_level=_number(step["target_level"]),
                    below_target=bool(step["below_target"]),
                    next_step=step["next_step"] if isinstance(step["next_step"], str) else None,
                    reason=(answer.reason or "") if answer else "",
                    note=answer.note if answer else "",
                    links=list(answer.links) if answer else [],
                    answered_by=answer.answered_by if answer else "",
                    carried_over=answer.carried_over if answer else False,
                )
            )
        themes.append(
            ThemeSection(
                id=theme.id,
                title=text_in(theme.title, language),
                description=text_in(theme.description, language),
                score=_number(row.score),
                band=band.name if band else None,
                band_meaning=framework.band_meaning(band.name, band.meaning)
                if band
                else "Not enough answers to place this theme in a band yet.",
                conservative=_number(row.conservative),
                completeness=float(row.completeness),
                evidence_coverage=_number(row.evidence_coverage),
                state=str(row.state),
                target=_number(row.target),
                target_source=str(row.target_source),
                gap=_number(row.gap),
                delta=_number(deltas.get(theme.id)) if scored_alike else None,
                questions=questions,
            )
        )
    titles = {t.id: t.title for t in themes}
    by_theme = {t.id: t for t in themes}

    ranked = [
        PriorityRow(
            rank=int(p.rank),
            theme_id=p.theme_id,
            theme_title=titles[p.theme_id],
            score=_number(p.score),
            target=float(p.target),
            gap=float(p.gap),
            priority=float(p.priority),
            explanation=p.explanation,
            steps=[f"{q.id}: {q.next_step}" for q in by_theme[p.theme_id].questions if q.below_target and q.next_step],
            actions=[
                _action_row(a, owners, today)
                for a in soonest_first(actions)
                if a.open and p.theme_id in themes_of(a, theme_of)
            ],
        )
        for p in summary.priorities.itertuples()
    ]
    gaps = [
        Gap(
            theme_id=p.theme_id,
            below_target={q.id: q.level for q in by_theme[p.theme_id].questions if q.below_target},
            theme_level=(p.score or 0) / 25,
        )
        for p in ranked[:PRIORITY_GAPS]
    ]
    talk_to = [
        TalkToRow(theme_id=t.theme_id, city=t.city.name, country=t.city.country, reason=t.reason)
        for t in cities_to_talk_to(peers, gaps, city, framework)
    ]
    if library is None or not library.practices:
        practices_note = (
            "The peer-city practice library is not installed; for each priority gap the report points "
            "to the findings of the briefs that its questions draw on."
        )
        practices = _finding_pointers(framework, ranked[:PRIORITY_GAPS], language)
    else:
        practices_note = (
            "For each of the highest-priority gaps: practices from the briefs, chosen for how well they fit the "
            "questions below target, the level the city is at, and how much the practice city resembles this one."
        )
        practices = [_practice_row(m, framework) for m in match_practices(library, framework, gaps, city)]

    overall = summary.overall
    overall_band = band_for(overall["index"])
    theme_changes: list[ThemeChange] = []
    item_changes: list[ItemChange] = []
    plan_changes = None
    previous = None
    trend: list[TrendPoint] = []
    if comparison is not None and previous_pair is not None:
        theme_changes = [
            ThemeChange(
                theme_id=r.theme_id,
                title=titles[r.theme_id],
                before=_number(r.before),
                after=_number(r.after),
                delta=_number(r.delta) if scored_alike else None,
            )
            for r in comparison.themes.itertuples()
        ]
        until = record.submitted_at.date() if record.submitted_at else today
        beside = actions_beside_changes(comparison.items, actions, since=previous_pair[0].started_on, until=until)
        by_id = {a.id: a for a in actions}
        every_item = [
            ItemChange(
                question_id=r.question_id if isinstance(r.question_id, str) else None,
                before_id=r.before_id if isinstance(r.before_id, str) else None,
                theme_id=r.theme_id,
                before=_state(r.before_status, r.before_level),
                after=_state(r.after_status, r.after_level),
                change=str(r.change),
                actions=[f"{by_id[i].title} ({ACTION_STATUS_LABELS[by_id[i].status].lower()})" for i in linked],
            )
            for r, linked in zip(comparison.items.itertuples(), beside["actions"], strict=True)
        ]
        item_changes = [i for i in every_item if i.change != "unchanged"]
        if actions:
            plan_changes = _plan_changes(every_item, beside, by_id, owners, today)
        previous = Previous(
            title=previous_pair[0].title,
            started_on=previous_pair[0].started_on,
            overall=_number(comparison.overall_before),
            overall_delta=_number(comparison.overall_delta) if scored_alike else None,
            comparable_share=comparison.comparable_share,
            framework_version=previous_pair[0].framework_version,
            scale_changed=comparison.scale_changed,
        )
        alike = [
            (r, a) for r, a in earlier if r.framework_id == framework.id and same_scale(framework, r.framework_version)
        ]
        if len(alike) >= 2:
            trend = _trend(framework, record, given, alike, installed)

    scored = sorted((t for t in themes if t.score is not None), key=lambda t: (-(t.score or 0), t.id))
    return ReportContext(
        product=PRODUCT,
        variant=variant,
        generated_at=generated_at,
        language=language,
        city_name=city.name,
        city_country=city.country,
        city_is_demo=city.is_demo,
        title=record.title,
        status=record.status.value,
        started_on=record.started_on,
        submitted_on=record.submitted_at.date() if record.submitted_at else None,
        team=list(record.team),
        framework_id=framework.id,
        framework_version=framework.version,
        framework_caveat=text_in(framework.caveat, language) if framework.caveat else None,
        weights_from_briefs="sourced-weights" in framework.rules,
        framework_title=text_in(framework.title, language),
        overall_index=_number(overall["index"]),
        overall_band=overall_band.name if overall_band else None,
        overall_band_meaning=framework.band_meaning(overall_band.name, overall_band.meaning)
        if overall_band
        else "Not enough answers for an overall index yet.",
        conservative=_number(overall["conservative"]),
        completeness=float(overall["completeness"]),
        evidence_coverage=_number(overall["evidence_coverage"]),
        answered=int(overall["answered"]),
        applicable=int(overall["applicable"]),
        not_applicable=int(overall["not_applicable"]),
        themes=themes,
        strongest=scored[:3],
        priorities=ranked,
        practices=[
            PracticeGroup(
                theme_id=gap.theme_id,
                theme_title=titles[gap.theme_id],
                items=[p for p in practices if p.theme_id == gap.theme_id],
                talk_to=[t for t in talk_to if t.theme_id == gap.theme_id],
            )
            for gap in gaps
        ],
        practices_note=practices_note,
        previous=previous,
        theme_changes=theme_changes,
        item_changes=item_changes,
        trend=trend,
        scale=[
            ScaleRow(level=s.level, name=text_in(s.name, language), meaning=text_in(s.meaning, language))
            for s in framework.scale
        ],
        bands=[
            BandRow(
                name=b.name,
                lower=b.lower,
                upper=(BANDS[i + 1].lower if i + 1 < len(BANDS) else 100.0),
                meaning=framework.band_meaning(b.name, b.meaning),
            )
            for i, b in enumerate(BANDS)
        ],
        not_applicable_rows=[
            NotApplicableRow(question_id=q.id, text=q.text, reason=q.reason)
            for t in themes
            for q in t.questions
            if q.answer == STATUS_LABELS[Status.NOT_APPLICABLE.value]
        ],
        sources=[SourceRow(title=b.title, year=b.year, url=b.url) for b in framework.briefs],
        charts=_charts(themes, theme_changes, trend),
        workshop=_workshop(framework, workshop, by_question, language) if workshop else None,
        plan=_plan(actions, owners, theme_of, {p.theme_id for p in ranked}, today) if actions else None,
        plan_changes=plan_changes,
    )


def _action_row(action: Action, owners: Mapping[int, str], today: date) -> ActionRow:
    return ActionRow(
        id=action.id,
        title=action.title,
        owner=owner_of(action, owners),
        due=action.due_on.isoformat() if action.due_on else "No due date",
        status=ACTION_STATUS_LABELS[action.status],
        overdue=action.overdue(today),
        questions=list(action.question_ids),
        done_on=action.done_on.isoformat() if action.done_on else "",
    )


def _plan(
    actions: Sequence[Action], owners: Mapping[int, str], theme_of: Mapping[str, str], listed: set[str], today: date
) -> PlanPart:
    """The plan's progress line, and the open actions that address none of the ``listed`` priority themes."""
    counts = plan_progress(actions, today)
    total = counts["total"]
    parts = [f"{counts['done']} of {total} action{'s' if total != 1 else ''} done"]
    if counts["in_progress"]:
        parts.append(f"{counts['in_progress']} in progress")
    if counts["overdue"]:
        parts.append(f"{counts['overdue']} overdue")
    if counts["dropped"]:
        parts.append(f"{counts['dropped']} dropped")
    return PlanPart(
        progress=", ".join(parts),
        overdue=counts["overdue"],
        other_open=[
            _action_row(a, owners, today)
            for a in soonest_first(actions)
            if a.open and listed.isdisjoint(themes_of(a, theme_of))
        ],
    )


def _plan_changes(
    items: Sequence[ItemChange],
    beside: pd.DataFrame,
    by_id: Mapping[int | None, Action],
    owners: Mapping[int, str],
    today: date,
) -> PlanChanges:
    """The three readings of ``actions_beside_changes``, one entry per action or question."""
    moved: dict[int | None, list[str]] = {}
    stayed: set[int | None] = set()
    unmatched = []
    for item, row in zip(items, beside.itertuples(), strict=True):
        if row.reading == "moved with action":
            for action_id in row.done:
                moved.setdefault(action_id, []).append(f"{item.label} {item.change}")
        elif row.reading == "moved with no action":
            unmatched.append(item)
        elif row.reading == "action done, no movement":
            stayed.update(row.done)
    done_ids = {i for ids in beside["done"] for i in ids}
    done = sorted((by_id[i] for i in done_ids), key=lambda a: (a.done_on is None, a.done_on or date.max, a.id or 0))
    return PlanChanges(
        done=[DoneAction(action=_action_row(a, owners, today), moved=moved.get(a.id, [])) for a in done],
        moved_without_action=unmatched,
        done_without_movement=[
            DoneAction(action=_action_row(a, owners, today), moved=[]) for a in done if a.id in stayed - moved.keys()
        ],
    )


def _workshop(
    framework: Framework, facts: RoundFacts, given: Mapping[str, RecordedAnswer], language: str
) -> WorkshopPart:
    """The round's agreement and its divergent questions, each with the consensus now stored."""
    frame = pd.DataFrame(facts.answers, columns=["question_id", "respondent", "status", "level"])
    found = agreement(frame)
    table = divergence_table(frame)
    texts = {q.id: text_in(q.text, language) for q in framework.questions}
    rows = []
    for row in table[table["divergent"]].itertuples():
        question_id = str(row.question_id)
        rationale, dissents = facts.decisions.get(question_id, ("", []))
        stored = given.get(question_id)
        consensus = (
            _state(stored.status.value, stored.level)
            if question_id in facts.decisions and stored
            else "Not recorded yet"
        )
        rows.append(
            DisagreementRow(
                question_id=question_id,
                text=texts.get(question_id, question_id),
                answered=int(row.answered),
                unsure=int(row.unsure),
                median=_number(row.median),
                iqr=_number(row.iqr),
                lowest=None if pd.isna(row.lowest) else int(row.lowest),
                highest=None if pd.isna(row.highest) else int(row.highest),
                why=str(row.why),
                consensus=consensus,
                rationale=rationale,
                dissents=dissents,
            )
        )
    return WorkshopPart(
        number=facts.number,
        respondents=facts.respondents,
        questions=int(len(table)),
        alpha=found.alpha,
        caveat=found.caveat,
        disagreements=rows,
    )


def _state(status: object, level: object) -> str:
    if status == Status.LEVEL.value and _number(level) is not None:
        return f"Level {int(float(level))}"  # type: ignore[arg-type]
    return {"not_applicable": "Not applicable", "dont_know": "Don't know"}.get(str(status), "Not answered")


def _trend(
    framework: Framework,
    record: AssessmentRecord,
    given: Sequence[RecordedAnswer],
    earlier: Sequence[tuple[AssessmentRecord, Sequence[RecordedAnswer]]],
    installed: Mapping[str, Framework],
) -> list[TrendPoint]:
    """Each assessment's scores on the version it was answered on (mapped through the crosswalk only
    when that version is not installed)."""
    names = {f"a{i}": r for i, r in enumerate([*(r for r, _ in earlier), record])}
    groups: dict[str, tuple[Framework, list[pd.DataFrame]]] = {}
    for i, (r, a) in enumerate([*earlier, (record, given)]):
        own = installed.get(r.framework_version) if r.framework_id == framework.id else None
        scored_on = own or framework
        frame = answers_frame(scored_on, a if own else _comparable(framework, r, a), assessment=f"a{i}")
        groups.setdefault(scored_on.version, (scored_on, []))[1].append(frame)
    dates = {k: r.started_on for k, r in names.items()}
    parts = [trends(fw, pd.concat(frames, ignore_index=True), dates) for fw, frames in groups.values()]
    table = parts[0]
    if len(parts) > 1:
        table = pd.concat(parts, ignore_index=True).sort_values(["date", "assessment"], kind="stable")
    return [
        TrendPoint(
            assessment=names[row.assessment].title, date=row.date, theme_id=row.theme_id, score=_number(row.score)
        )
        for row in table.itertuples()
    ]


def _practice_row(match: Match, framework: Framework) -> PracticeRow:
    practice = match.practice
    brief = next((b for b in framework.briefs if b.seed == practice.source.seed), None)
    where = f"{brief.title} ({brief.year}), {brief.url}" if brief else practice.source.seed
    return PracticeRow(
        theme_id=match.theme_id,
        title=practice.title,
        city=f"{practice.city}, {practice.country}" if practice.city else None,
        summary=practice.summary,
        reason=match.reason,
        source=f"{where}; seed line {practice.source.line}: “{practice.source.quote}”",
        notes=practice.notes,
    )


def _finding_pointers(framework: Framework, ranked: list[PriorityRow], language: str) -> list[PracticeRow]:
    """Until the practice library is installed: the findings each priority theme's questions serve."""
    rows = []
    for priority in ranked:
        theme = next(t for t in framework.themes if t.id == priority.theme_id)
        finding_ids = list(dict.fromkeys(f for q in theme.questions for f in q.findings))
        for finding_id in finding_ids[:3]:
            finding = framework.finding(finding_id)
            brief = next(b for b in framework.briefs if b.id == finding.brief)
            rows.append(
                PracticeRow(
                    theme_id=theme.id,
                    title=f"{finding.id}: {text_in(finding.title, language)}",
                    city=None,
                    summary=text_in(finding.summary, language),
                    reason=f"Questions of {priority.theme_title} draw on this finding.",
                    source=f"{brief.title} ({brief.year}), {brief.url}",
                )
            )
    return rows
