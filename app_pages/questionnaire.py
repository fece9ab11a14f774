"""Questionnaire: one theme per screen; every answer is saved the moment it is given.

The database is the source of truth. Each run works from the stored answers, read again whenever
the store has changed; a question's widgets are
filled from the store whenever the stored version differs from the one this browser last saw, so
a reload, a restart or a colleague's change always shows what is really stored. A save made
against a version someone else has since changed is refused by the store and shown here with both
answers and a choice.

Nothing typed is ever dropped. The text boxes have no browser-side length limit (Streamlit's
``max_chars`` silently discards a paste that would pass it): text longer than the store keeps stays
in its box with a message beside it saying what to do, and nothing of that answer is saved over the
stored one until it fits. While a box holds what the store refused, it is not refilled from the
store, and the boxes keep their text when the person moves to another theme and back.

A click redraws only what it changes. Each question is a fragment of its own, and so are the page's
counts (the progress bar, each theme's progress, the notes above the questions, the submission's
warnings and the screen-reader announcement: one fragment drawn in five places). A save reruns its
question and the counts, not the whole page, so a person's browser redraws a dozen elements instead
of every question of the theme.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from pydantic import ValidationError

from access.roles import NotAllowed, Operation
from app_pages.access import after_run, announce, focus_on, inside, key_class
from app_pages.common import (
    FOCUS_FIRST_QUESTION,
    PAGES,
    actor,
    allowed,
    attempt,
    choose_assessment,
    fragment_rerun,
    guarded_fragment,
    local_time,
    md,
    remembered,
    require_assessment,
    store,
)
from questionnaire.crosswalk import CrosswalkError, map_question_ids
from questionnaire.model import Framework, Question, text_in
from questionnaire.problems import first_problem
from scoring.answers import Evidence, Status
from scoring.records import (
    MAX_LINK_CHARS,
    MAX_LINKS,
    MAX_NOTE_CHARS,
    AssessmentRecord,
    AssessmentStatus,
    RecordedAnswer,
)
from storage.errors import AnswerConflict, StorageError

EVIDENCE_LABELS = {
    Evidence.NONE: "No evidence yet",
    Evidence.INTERNAL: "An internal document",
    Evidence.PUBLISHED: "A published document",
    Evidence.EVALUATED: "An independent evaluation",
}
NA, DK = Status.NOT_APPLICABLE.value, Status.DONT_KNOW.value
CONFLICTS, ERRORS = "questionnaire_conflicts", "questionnaire_errors"
MAX_REASON_CHARS = 1_000  # RecordedAnswer.reason's limit (a test keeps the two the same)
UNTIL_IT_FITS = "Until then nothing of this answer is saved; what was saved before stays as it was."
THEME_KEY = "questionnaire_theme"
COUNTS = "questionnaire_counts"  # the fragment of the page's counts, drawn in several places
SUBMITTED_KEY = "questionnaire_submitted"  # the assessment just submitted here, for the page's next run
HEADING = inside("questionnaire_heading", "h2")  # the theme's heading, where "next theme" takes focus
PARTS = {"answer": "Answer", "reason": "Reason", "evidence": "Evidence", "links": "Links", "note": "Note"}


def key(record_id: int, question_id: str, part: str) -> str:
    """A stable widget key for one part of one question of one assessment."""
    return f"questionnaire_{record_id}_{question_id}_{part}"


def choice_of(answer: RecordedAnswer | None) -> int | str | None:
    """The radio option an answer corresponds to."""
    if answer is None:
        return None
    return answer.level if answer.status is Status.LEVEL else answer.status.value


def describe(framework: Framework, answer: RecordedAnswer | dict[str, Any]) -> str:
    """An answer in words, for the conflict message."""
    data = answer if isinstance(answer, dict) else answer.model_dump(mode="json")
    if data["status"] == Status.LEVEL.value:
        words = f"level {data['level']} · {text_in(framework.level(int(data['level'])).name)}"
    else:
        words = "not applicable" if data["status"] == NA else "don't know"
    extra = [f"note: {data['note']}"] if data.get("note") else []
    return "; ".join([words, *extra])


# An earlier assessment, its framework version, an earlier question id and the answer given to it.
# (A comment, not a docstring: Streamlit would show a bare string on the page.)
Earlier = tuple[AssessmentRecord, Framework, str, RecordedAnswer]


def answer_afresh(record: AssessmentRecord, framework: Framework) -> dict[str, list[Earlier]]:
    """The questions of ``record`` whose earlier answers (from the assessment it started from, on
    another framework version) could not be carried over, each with those earlier answers."""
    if record.based_on is None:
        return {}
    base = store().assessment(record.based_on)
    if base.framework_version == record.framework_version or base.framework_id != framework.id:
        return {}
    base_framework = store().framework_of(base)
    given = {a.question_id: a for a in store().answers(base.id or 0)}
    try:
        mapping = map_question_ids(framework, base.framework_version, list(given))
    except CrosswalkError:
        return {}
    return {new: [(base, base_framework, old, given[old]) for old in olds] for new, olds in mapping.afresh().items()}


def about_question(framework: Framework, question: Question) -> None:
    """How much the question weighs and why, when "not applicable" is honest, what a small town can
    reach and which data safeguards apply, for the versions that say so."""
    parts = []
    if question.weight_basis is not None:
        parts.append(
            f"**Weight {question.weight:g}** in its theme's score, set by the briefs' words "
            f"“{md(question.weight_basis.quote)}” ({framework.brief_for_seed(question.weight_basis.seed).short_name}, "
            f"line {question.weight_basis.line})."
        )
    if question.not_applicable_when is not None:
        parts.append(f"**When “not applicable” is honest:** {md(text_in(question.not_applicable_when))}")
    if question.small_city is not None:
        parts.append(f"**In a small town:** {md(text_in(question.small_city))}")
    if question.data_protection is not None:
        parts.append(f"**Data protection:** {md(text_in(question.data_protection))}")
    if parts:
        with st.expander("About this question"):
            st.markdown("\n\n".join(parts))


def fill_from_store(record_id: int, question: Question, answer: RecordedAnswer | None) -> None:
    """Put the stored answer into the question's widgets (before they are drawn)."""
    st.session_state[key(record_id, question.id, "answer")] = choice_of(answer)
    st.session_state[key(record_id, question.id, "reason")] = (answer.reason or "") if answer else ""
    st.session_state[key(record_id, question.id, "evidence")] = answer.evidence if answer else Evidence.NONE
    st.session_state[key(record_id, question.id, "note")] = answer.note if answer else ""
    st.session_state[key(record_id, question.id, "links")] = "\n".join(answer.links) if answer else ""
    st.session_state[key(record_id, question.id, "seen")] = answer.version if answer else 0


def answer_from_widgets(record_id: int, question_id: str) -> RecordedAnswer | None:
    """The answer the widgets show, or None while it cannot be saved yet (nothing chosen)."""
    choice = st.session_state.get(key(record_id, question_id, "answer"))
    if choice is None:
        return None
    links = [line.strip() for line in st.session_state.get(key(record_id, question_id, "links"), "").splitlines()]
    reason = st.session_state.get(key(record_id, question_id, "reason"), "").strip()
    return RecordedAnswer(
        question_id=question_id,
        status=Status.LEVEL if isinstance(choice, int) else choice,
        level=choice if isinstance(choice, int) else None,
        reason=reason if choice == NA else None,
        evidence=st.session_state.get(key(record_id, question_id, "evidence"), Evidence.NONE),
        note=st.session_state.get(key(record_id, question_id, "note"), ""),
        links=tuple(line for line in links if line),
    )


def too_long(record_id: int, question_id: str) -> tuple[str, str] | None:
    """The first box holding more than the store keeps, and what to do about it; None when all fits."""
    note = st.session_state.get(key(record_id, question_id, "note"), "")
    if len(note) > MAX_NOTE_CHARS:
        return "note", (
            f"This note has {len(note):,} characters; a note keeps up to {MAX_NOTE_CHARS:,}. Shorten it "
            f"(or move the detail into a document and link to it) and it is saved. {UNTIL_IT_FITS}"
        )
    reason = st.session_state.get(key(record_id, question_id, "reason"), "").strip()
    if st.session_state.get(key(record_id, question_id, "answer")) == NA and len(reason) > MAX_REASON_CHARS:
        return "reason", (
            f"This reason has {len(reason):,} characters; a reason keeps up to {MAX_REASON_CHARS:,}. "
            f"Shorten it (the detail can go in the note) and it is saved. {UNTIL_IT_FITS}"
        )
    lines = st.session_state.get(key(record_id, question_id, "links"), "").splitlines()
    links = [line.strip() for line in lines if line.strip()]
    if len(links) > MAX_LINKS:
        return "links", (
            f"This box has {len(links)} links; an answer keeps up to {MAX_LINKS}. Keep the {MAX_LINKS} that "
            f"matter most (or link to one page that lists the rest) and they are saved. {UNTIL_IT_FITS}"
        )
    for number, link in enumerate(links, start=1):
        if len(link) > MAX_LINK_CHARS:
            return "links", (
                f"Link {number} has {len(link):,} characters; a link keeps up to {MAX_LINK_CHARS:,}. Use a "
                f"shorter address for the same page and it is saved. {UNTIL_IT_FITS}"
            )
    return None


def answer_group(record_id: int, question_id: str) -> str:
    """The CSS selector of a question's first level option (where focus goes to answer it)."""
    return inside(key(record_id, question_id, "answer"), 'input[type="radio"]')


def save(record_id: int, question_id: str, expected: int | None = None, part: str = "answer") -> None:
    """Save one question's widgets now (a widget callback). A problem is kept with the box it is
    about ("answer" when it is about the whole answer), to show beside that box; a save is confirmed
    with the part that was saved."""
    errors: dict[str, tuple[str, str]] = st.session_state.setdefault(ERRORS, {})
    conflicts: dict[str, Any] = st.session_state.setdefault(CONFLICTS, {})
    errors.pop(question_id, None)
    if (
        st.session_state.get(key(record_id, question_id, "answer")) == NA
        and not st.session_state.get(key(record_id, question_id, "reason"), "").strip()
    ):
        errors[question_id] = ("reason", "Not saved yet: say why this question does not apply to your city.")
        return
    problem = too_long(record_id, question_id)
    if problem:
        errors[question_id] = problem
        return
    try:
        answer = answer_from_widgets(record_id, question_id)
    except ValidationError as exc:
        labels = {"links": "Links", "note": "Note", "reason": "Reason"}
        loc, sentence = first_problem(exc, labels)
        part = str(loc[0]) if loc and loc[0] in labels else "answer"
        errors[question_id] = (part, f"Not saved yet. {sentence}")
        return
    if answer is None:
        return
    seen = st.session_state.get(key(record_id, question_id, "seen"), 0) if expected is None else expected
    try:
        saved = store().save_answer(record_id, answer, expected_version=seen)
    except AnswerConflict as exc:
        conflicts[question_id] = {
            "message": str(exc),
            "current": exc.current.model_dump(mode="json"),
            "attempted": exc.attempted.model_dump(mode="json"),
        }
        return
    except (StorageError, NotAllowed) as exc:
        errors[question_id] = ("answer", f"{exc} What you entered is still here.")
        return
    conflicts.pop(question_id, None)
    st.session_state[key(record_id, question_id, "seen")] = saved.version
    announce(f"{question_id}: {PARTS[part].lower()} saved.")  # the caption under the question says it too
    st.session_state[key(record_id, question_id, "saved_part")] = part
    if fragment_rerun():  # the question alone would rerun: the counts too, not the whole page
        st.rerun([key(record_id, question_id, "fragment"), COUNTS])


def take_theirs(record_id: int, question_id: str) -> None:
    """Drop my refused answer; the widgets are filled from the store on this run."""
    st.session_state.get(CONFLICTS, {}).pop(question_id, None)
    st.session_state.get(ERRORS, {}).pop(question_id, None)
    st.session_state[key(record_id, question_id, "seen")] = -1


def keep_mine(record_id: int, question_id: str, current_version: int) -> None:
    """Save my answer over theirs, knowingly (the audit trail keeps both)."""
    save(record_id, question_id, expected=current_version)


def whole_page() -> None:
    """Rerun the whole page (a callback of a control outside the questions): when the same click also
    committed a box inside a question, the browser asks for that question's rerun alone."""
    st.rerun()


st.title("Questionnaire")
record = require_assessment("to answer its questions")
record_id = record.id or 0
framework = store().framework_of(record)
if THEME_KEY not in st.session_state and st.query_params.get("theme") in {t.id for t in framework.themes}:
    st.session_state[THEME_KEY] = st.query_params["theme"]  # a reload comes back to the same theme
person = actor()
by = person.name if person else ""
answers_here = allowed(Operation.ANSWER, record.city_id)
coordinates = allowed(Operation.MANAGE_ASSESSMENTS, record.city_id)
editable = record.status is AssessmentStatus.DRAFT and answers_here


def stored_answers() -> dict[str, RecordedAnswer]:
    """The assessment's stored answers by question, read again after any change to the store (by
    anyone), so every part of the page that reruns on its own shows what is stored now."""
    return remembered(
        f"questionnaire_answers_{record_id}", lambda: {a.question_id: a for a in store().answers(record_id)}
    )


stored = stored_answers()
conflicts: dict[str, Any] = st.session_state.setdefault(CONFLICTS, {})
errors: dict[str, tuple[str, str]] = st.session_state.setdefault(ERRORS, {})


def start_answering(questions: list[Question]) -> None:
    """Focus on the first level of the first unanswered question, with the question in view (the
    theme's heading too, when it is the theme's first question)."""
    question = next((q for q in questions if q.id not in stored), questions[0])
    shown = HEADING if question is questions[0] else f".{key_class(key(record_id, question.id, 'box'))}"
    focus_on(answer_group(record_id, question.id), view=shown)


st.caption(f"{md(record.title)} · {'Draft' if record.status is AssessmentStatus.DRAFT else 'Submitted'}")
if record.status is AssessmentStatus.SUBMITTED:
    if st.session_state.pop(SUBMITTED_KEY, None) == record_id:
        st.success("Submitted.")
        st.page_link(PAGES["results"], label="See the results", icon=":material/insights:")
    st.info("This assessment was submitted, so its answers are frozen. To change them, reopen it as a new version.")
    if coordinates and st.button("Reopen as a new version", key="questionnaire_reopen", icon=":material/lock_open:"):
        reopened = attempt(lambda: store().reopen_assessment(record_id), "The assessment was not reopened")
        if reopened:
            choose_assessment(reopened)
            st.rerun()
elif not answers_here:
    st.info("You can read this assessment. Editors and coordinators of the city change its answers.")

applicable_total = len(framework.questions)


def theme_progress(theme_id: str, answers: dict[str, RecordedAnswer]) -> str:
    """How much of a theme is answered: "✓" when all of it, else "answered/total"."""
    questions = next(t for t in framework.themes if t.id == theme_id).questions
    done = sum(1 for q in questions if q.id in answers)
    return "✓" if done == len(questions) else f"{done}/{len(questions)}"


def show_counts(place: str) -> None:
    """The page's counts, from the answers stored now, in one of the places they show: "progress" (the
    bar at the top), "themes" (each theme's progress), "notes" (this theme's questions waiting for a
    fresh answer or a confirmation), "submit" (the submission, with its warnings) and "news" (in the
    sidebar: what screen readers announce, such as "Q1.2: answer saved."). One fragment drawn in these
    places: a save reruns it with its question, so every count stays true without redrawing the
    questions."""
    answers = stored_answers()
    answered = sum(1 for q in framework.questions if q.id in answers)
    if place == "progress":
        st.progress(answered / applicable_total, text=f"{answered} of {applicable_total} questions answered")
    elif place == "themes":
        st.caption("Answered so far: " + " · ".join(f"{t} {theme_progress(t, answers)}" for t in theme_ids))
    elif place == "notes" and editable:
        show_theme_notes(answers)
    elif place == "submit":
        show_submission(answers, answered)
    elif place == "news":  # a rerun of fragments alone does not reach the app's own after_run
        after_run(where=st)


def show_theme_notes(answers: dict[str, RecordedAnswer]) -> None:
    """What in this theme still needs the team: questions to answer afresh, answers to confirm."""
    waiting = [q.id for q in theme.questions if q.id in afresh and q.id not in answers]
    if waiting:
        st.info(
            f"{len(waiting)} question(s) in this theme need a fresh answer: the earlier assessment was "
            f"answered on version {afresh[waiting[0]][0][0].framework_version} of the framework, whose "
            "levels mean something else, so those answers were not carried over. Each such question shows "
            "its earlier answer for reference."
        )
    carried = [q.id for q in theme.questions if q.id in answers and answers[q.id].carried_over]
    if carried:
        st.warning(
            f"{len(carried)} answer(s) in this theme were carried over from the previous assessment. "
            "Check each one and confirm it or change it."
        )


def counts_again() -> None:
    """Rerun the counts (a callback of a control among them): when the same click also committed a box
    inside a question, the browser asks for that question's rerun alone."""
    if fragment_rerun():
        st.rerun([COUNTS])


def show_submission(answers: dict[str, RecordedAnswer], answered: int) -> None:
    """What is still missing, and the Submit button (for the draft's coordinators)."""
    missing = applicable_total - answered
    unconfirmed = sum(1 for a in answers.values() if a.carried_over)
    if missing:
        st.warning(f"{missing} of {applicable_total} questions are unanswered; they lower completeness.")
    if unconfirmed:
        st.warning(f"{unconfirmed} carried-over answer(s) have not been confirmed yet.")
    anyway = True
    if missing or unconfirmed:
        anyway = st.checkbox("Submit with these gaps", key="questionnaire_submit_anyway", on_change=counts_again)
    if st.button("Submit", type="primary", key="questionnaire_submit", disabled=not anyway, on_click=counts_again):
        submitted = attempt(lambda: store().submit_assessment(record_id), "The assessment was not submitted")
        if submitted:
            st.session_state[SUBMITTED_KEY] = record_id
            st.rerun()  # the whole page: its answers are frozen now


counts = guarded_fragment(COUNTS, show_counts)
counts("progress")
st.page_link(
    PAGES["report"],
    label="Make a draft report now: no need to finish or submit first",
    icon=":material/picture_as_pdf:",
)
if editable:
    st.caption(
        "By keyboard: Tab moves between questions and boxes; in a list of levels the arrow keys move "
        "between levels and Space or Enter chooses one. Each choice is saved as soon as it is made."
    )


def theme_label(theme_id: str) -> str:
    """A theme's name. It never shows progress: the browser identifies the chosen option by this label,
    so a label that changed as answers were saved would send the picker back to the first theme."""
    theme = next(t for t in framework.themes if t.id == theme_id)
    return f"{theme.id} · {text_in(theme.title)}"


theme_ids = [t.id for t in framework.themes]
theme_id = st.selectbox(
    "Theme",
    options=theme_ids,
    format_func=theme_label,
    key=THEME_KEY,
    persist_state="session",  # kept while the person is on another page
    on_change=whole_page,
)
st.query_params["theme"] = theme_id
counts("themes")
theme = next(t for t in framework.themes if t.id == theme_id)
opened = f"questionnaire_opened_{record_id}"
if (st.session_state.pop(FOCUS_FIRST_QUESTION, False) or opened not in st.session_state) and editable:
    start_answering(theme.questions)  # a new assessment, or the first visit in this browser session
st.session_state[opened] = True
with st.container(key="questionnaire_heading"):
    st.header(f"{theme.id} · {text_in(theme.title)}")
st.markdown(text_in(theme.description))
afresh = answer_afresh(record, framework)
counts("notes")


def problem_beside(question_id: str, part: str, where: Any = st) -> None:
    """The message about what was not saved, right under the box it is about."""
    if question_id in errors and errors[question_id][0] == part:
        where.error(md(errors[question_id][1]))


def show_question(question: Question) -> None:
    """One question with its boxes, from what is stored now; its own widgets rerun it alone (with the
    counts, when a save changed them)."""
    answer = stored_answers().get(question.id)
    seen = st.session_state.get(key(record_id, question.id, "seen"))
    unsaved = question.id in conflicts or question.id in errors  # the boxes hold what the store refused
    if key(record_id, question.id, "answer") not in st.session_state or (
        not unsaved and seen != (answer.version if answer else 0)
    ):
        fill_from_store(record_id, question, answer)

    with st.container(border=True, key=key(record_id, question.id, "box")):
        st.markdown(f"**{question.id}** {text_in(question.text)}")
        st.caption(text_in(question.guidance))
        about_question(framework, question)
        if question.id in afresh and answer is None:
            st.caption(
                "Answer afresh. Earlier: "
                + "; ".join(
                    f"{md(old_id)} in “{md(base.title)}” ({base.framework_version}): "
                    f"{md(describe(base_framework, old).rstrip('.'))}"
                    for base, base_framework, old_id, old in afresh[question.id]
                )
                + "."
            )
        options: list[int | str] = [d.level for d in question.descriptors]
        if question.not_applicable_allowed:
            options.append(NA)
        options.append(DK)
        labels = {
            d.level: f"{d.level} · {text_in(framework.level(d.level).name)}: {text_in(d.text)}"
            for d in question.descriptors
        }
        labels[NA], labels[DK] = "Not applicable to our city", "Don't know"
        st.radio(
            "Where does your city stand?",
            options=options,
            format_func=labels.__getitem__,
            key=key(record_id, question.id, "answer"),
            index=None,
            disabled=not editable,
            on_change=save,
            args=(record_id, question.id),
            persist_state="session",
        )
        choice = st.session_state.get(key(record_id, question.id, "answer"))
        if choice == NA:
            st.text_input(
                f"Why does this question not apply to your city? (up to {MAX_REASON_CHARS:,} characters)",
                key=key(record_id, question.id, "reason"),
                disabled=not editable,
                on_change=save,
                args=(record_id, question.id),
                kwargs={"part": "reason"},
                persist_state="session",
            )
            problem_beside(question.id, "reason")
        left, right = st.columns(2)
        left.selectbox(
            "Evidence",
            options=list(EVIDENCE_LABELS),
            format_func=EVIDENCE_LABELS.__getitem__,
            key=key(record_id, question.id, "evidence"),
            disabled=not editable or choice is None,
            on_change=save,
            args=(record_id, question.id),
            kwargs={"part": "evidence"},
            persist_state="session",
        )
        right.text_area(
            f"Links to evidence (one per line, http or https; up to {MAX_LINKS})",
            key=key(record_id, question.id, "links"),
            height=68,
            disabled=not editable or choice is None,
            on_change=save,
            args=(record_id, question.id),
            kwargs={"part": "links"},
            persist_state="session",
        )
        problem_beside(question.id, "links", right)
        st.text_area(
            f"Note (up to {MAX_NOTE_CHARS:,} characters)",
            key=key(record_id, question.id, "note"),
            height=68,
            disabled=not editable or choice is None,
            on_change=save,
            args=(record_id, question.id),
            kwargs={"part": "note"},
            persist_state="session",
        )
        problem_beside(question.id, "note")

        if question.id in conflicts:
            clash = conflicts[question.id]
            st.warning(md(clash["message"]))
            st.markdown(
                f"**Their answer:** {md(describe(framework, clash['current']))}  \n"
                f"**Your answer:** {md(describe(framework, clash['attempted']))}"
            )
            mine, theirs = st.columns(2)
            mine.button(
                "Keep mine",
                key=key(record_id, question.id, "keep_mine"),
                on_click=keep_mine,
                args=(record_id, question.id, clash["current"]["version"]),
            )
            theirs.button(
                "Take theirs",
                key=key(record_id, question.id, "take_theirs"),
                on_click=take_theirs,
                args=(record_id, question.id),
            )
        elif question.id in errors:  # shown beside its box above, unless it is about the whole answer
            part, message = errors[question.id]
            if part == "answer" or (part == "reason" and choice != NA):
                st.error(md(message))
        elif answer is not None:
            when = local_time(answer.answered_at) if answer.answered_at else ""
            if answer.carried_over:
                st.caption(f"Carried over from the previous assessment (answered by {md(answer.answered_by)}).")
                if editable:
                    st.button(
                        "Confirm this answer",
                        key=key(record_id, question.id, "confirm"),
                        on_click=save,
                        args=(record_id, question.id),
                    )
            else:
                part = st.session_state.get(key(record_id, question.id, "saved_part"), "answer")
                what = PARTS[part] if answer.answered_by == by else "Answer"
                st.caption(f":material/check_circle: {what} saved at {when} by {md(answer.answered_by)}")


for question in theme.questions:
    guarded_fragment(key(record_id, question.id, "fragment"), show_question)(question)


def go_to_theme(target: str) -> None:
    """Switch the theme picker (a button callback, so before the picker is drawn again) and show the
    new theme from its heading, with focus there."""
    st.session_state[THEME_KEY] = target
    focus_on(HEADING)
    whole_page()


position = theme_ids.index(theme_id)
back, forward = st.columns(2)
if position > 0:
    back.button(
        f"← {theme_label(theme_ids[position - 1])}",
        key="questionnaire_previous",
        on_click=go_to_theme,
        args=(theme_ids[position - 1],),
    )
if position < len(theme_ids) - 1:
    forward.button(
        f"{theme_label(theme_ids[position + 1])} →",
        key="questionnaire_next",
        on_click=go_to_theme,
        args=(theme_ids[position + 1],),
        type="primary",
    )

if record.status is AssessmentStatus.DRAFT and coordinates:
    st.divider()
    st.header("Submit the assessment")
    st.caption(
        "Submitting freezes the answers; results and the report stay available. A report can be made "
        "at any time without submitting: it is marked as a draft."
    )
    st.page_link(PAGES["report"], label="Make a draft report instead", icon=":material/picture_as_pdf:")
    counts("submit")
with st.sidebar:
    counts("news")
