"""Workshop: several respondents answer a draft's questions apart, the team sees where it disagrees,
and the coordinator records a consensus per question, with its rationale and any dissent.

A round's answers are saved the moment they are given, like the Questionnaire's. In a blind round
nobody sees another's answers until the coordinator closes it. The consensus becomes the
assessment's answer; the spread is shown beside it, never mixed into a score.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from access.roles import NotAllowed, Operation
from app_pages.common import accounts, actor, allowed, attempt, md, remembered, require_assessment, rounds, store
from questionnaire.model import Framework, Question, text_in
from scoring.answers import Status
from scoring.divergence import agreement, divergence_table, spread_of
from scoring.records import AssessmentStatus, RecordedAnswer
from storage.errors import StorageError
from storage.rounds import Dissent, Round, RoundAnswer, asked

UNSURE = {"dont_know": "Don't know", "not_my_area": "Not my area"}
DISSENTS = 3


def key(round_id: int, question_id: str, part: str) -> str:
    return f"workshop_{round_id}_{question_id.replace('.', '-')}_{part}"


def level_label(framework: Framework, question: Question, choice: Any) -> str:
    if choice in UNSURE:
        return UNSURE[choice]
    return f"{choice} · {text_in(framework.level(int(choice)).name)}: {text_in(question.levels[int(choice)])}"


def save(round_id: int, question_id: str) -> None:
    """Save this respondent's answer to one question now (a widget callback)."""
    choice = st.session_state.get(key(round_id, question_id, "answer"))
    if choice is None:
        return
    note = st.session_state.get(key(round_id, question_id, "note"), "")
    status, level = (choice, None) if choice in UNSURE else ("level", int(choice))
    person = actor()
    if person is None:
        return
    try:
        saved = rounds().answer(
            round_id,
            question_id,
            status,
            level,
            note,
            person,
            expected_version=st.session_state.get(key(round_id, question_id, "seen"), 0),
        )
    except (StorageError, NotAllowed) as exc:
        st.session_state[key(round_id, question_id, "problem")] = f"Not saved: {exc} What you chose is still here."
        return
    st.session_state.pop(key(round_id, question_id, "problem"), None)
    st.session_state[key(round_id, question_id, "seen")] = saved.version


def answer_round(shown: Round, framework: Framework, mine: dict[str, RoundAnswer]) -> None:
    """The respondent's own questions, saved as they answer."""
    questions = asked(framework, shown.themes)
    st.progress(len(mine) / len(questions), text=f"You have answered {len(mine)} of {len(questions)} questions")
    st.caption(
        "Answer as you see the city yourself; "
        + ("nobody sees your answers until the round closes." if shown.blind else "the team sees answers as they come.")
        + " Each choice is saved as soon as it is made."
    )
    for question in questions:
        stored = mine.get(question.id)
        seen = key(shown.id, question.id, "seen")
        if stored is not None and st.session_state.get(seen) != stored.version:  # a reload or another tab
            st.session_state[key(shown.id, question.id, "answer")] = (
                stored.level if stored.status == "level" else stored.status
            )
            st.session_state[key(shown.id, question.id, "note")] = stored.note
            st.session_state[seen] = stored.version
        with st.container(border=True, key=key(shown.id, question.id, "box")):
            st.markdown(f"**{question.id}** {text_in(question.text)}")
            st.radio(
                "Where does the city stand, as you see it?",
                options=[0, 1, 2, 3, 4, *UNSURE],
                format_func=lambda c, q=question: level_label(framework, q, c),
                key=key(shown.id, question.id, "answer"),
                index=None,
                on_change=save,
                args=(shown.id, question.id),
            )
            st.text_area(
                "Why (optional; the team reads it when the round closes)",
                key=key(shown.id, question.id, "note"),
                on_change=save,
                args=(shown.id, question.id),
                height=68,
            )
            problem = st.session_state.get(key(shown.id, question.id, "problem"))
            if problem:
                st.error(md(problem))
            elif stored is not None:
                st.caption(":material/check_circle: Saved")


def open_form(record_id: int, city_id: int, framework: Framework) -> None:
    """The coordinator's form to open a round."""
    person = actor()
    if person is None:
        return
    members = attempt(lambda: accounts().members(city_id, person), "The members could not be listed") or []
    by_id = {m.account_id: m for m in members}
    with st.form("workshop_open"):
        themes = st.multiselect(
            "Themes (none chosen: every theme)",
            options=[t.id for t in framework.themes],
            format_func=lambda t: f"{t} · {text_in(next(x.title for x in framework.themes if x.id == t))}",
            key="workshop_themes",
        )
        chosen = st.multiselect(
            "Respondents (members of the city)",
            options=list(by_id),
            format_func=lambda i: f"{by_id[i].name} ({by_id[i].role.value})",
            key="workshop_respondents",
        )
        groups = st.text_area(
            "Groups, one line per respondent in the order chosen (a department or partner; optional)",
            key="workshop_groups",
            height=90,
        )
        blind = st.checkbox(
            "Blind: nobody sees others' answers until the round closes", value=True, key="workshop_blind"
        )
        names = st.checkbox(
            "Show respondents' names to the team (otherwise only to coordinators)", key="workshop_names"
        )
        opened = st.form_submit_button("Open the round", type="primary")
    if opened:
        labels = [line.strip() or None for line in groups.splitlines()]
        respondents = {a: (labels[n] if n < len(labels) else None) for n, a in enumerate(chosen)}
        made = attempt(
            lambda: rounds().open_round(record_id, respondents, person, themes, blind, names),
            "The round was not opened",
        )
        if made:
            st.rerun()


def answers_frame_of(answers: list[RoundAnswer]) -> pd.DataFrame:
    """A round's answers as the divergence functions read them."""
    return pd.DataFrame(
        [
            {"question_id": a.question_id, "respondent": a.respondent.account_id, "status": a.status, "level": a.level}
            for a in answers
        ],
        columns=["question_id", "respondent", "status", "level"],
    )


def decide_form(shown: Round, framework: Framework, question: Question, current: RecordedAnswer | None) -> None:
    """The coordinator's consensus on one question, with rationale and dissent (``current``: the
    assessment's answer now, whose version the save is checked against)."""
    person = actor()
    with st.form(key(shown.id, question.id, "decide")):
        level = st.selectbox(
            "Consensus level",
            options=[0, 1, 2, 3, 4],
            format_func=lambda c: level_label(framework, question, c),
            index=current.level if current and current.level is not None else None,
            key=key(shown.id, question.id, "consensus"),
        )
        rationale = st.text_area("Why the team settled here", key=key(shown.id, question.id, "rationale"), height=68)
        dissents = []
        for n in range(DISSENTS):
            left, middle, right = st.columns([2, 1, 3])
            holder = left.text_input(f"Dissent {n + 1}: held by", key=key(shown.id, question.id, f"holder{n}"))
            held = middle.selectbox(
                f"Dissent {n + 1}: level",
                options=[0, 1, 2, 3, 4],
                index=None,
                key=key(shown.id, question.id, f"held{n}"),
            )
            why = right.text_input(f"Dissent {n + 1}: why", key=key(shown.id, question.id, f"why{n}"))
            if holder.strip():
                dissents.append(Dissent(holder, held, why))
        decided = st.form_submit_button("Record the consensus", type="primary")
    if decided and person is not None:
        if level is None:
            st.error("Choose the consensus level first.")
            return
        answer = RecordedAnswer(question_id=question.id, status=Status.LEVEL, level=level, note=rationale)
        saved = attempt(
            lambda: rounds().decide(shown.id, answer, rationale, dissents, person, current.version if current else 0),
            "The consensus was not recorded",
        )
        if saved:
            st.success(f"{question.id}: the consensus is level {saved.level}, now the assessment's answer.")


st.title("Workshop")
record = require_assessment("to run a workshop round on it")
framework = store().framework_of(record)
person = actor()
if person is None:  # the app shows this page only to someone signed in
    st.stop()
coordinates = allowed(Operation.MANAGE_ASSESSMENTS, record.city_id)
st.markdown(
    "Several people answer the same questions apart; the team then sees where it disagrees and records "
    "a consensus, with its reasons and any dissent. Scores come from the consensus only."
)
all_rounds = attempt(lambda: rounds().of(record.id or 0, person), "The rounds could not be shown") or []
current_round = next((r for r in all_rounds if r.open), None)
if coordinates and record.status is AssessmentStatus.DRAFT and current_round is None:
    with st.expander("Open a new round", expanded=not all_rounds, icon=":material/add:"):
        open_form(record.id or 0, record.city_id or 0, framework)
if not all_rounds:
    st.info("No round yet." + ("" if coordinates else " The city's coordinators open rounds."))
    st.stop()

chosen = st.selectbox(
    "Round",
    options=[r.id for r in all_rounds],
    index=len(all_rounds) - 1,
    format_func=lambda i: next(
        f"Round {r.number} · {'open' if r.open else 'closed'} · {len(r.participants)} respondents"
        for r in all_rounds
        if r.id == i
    ),
    key="workshop_round",
)
shown = next(r for r in all_rounds if r.id == chosen)
answers = rounds().answers(shown.id, person)
takes_part = any(p.account_id == person.account_id for p in shown.participants)
progress = rounds().progress(shown.id, person)
total = len(asked(framework, shown.themes))
st.caption(
    f"Opened by {md(shown.opened_by)} · "
    + ("blind" if shown.blind else "answers visible as they come")
    + " · "
    + " · ".join(f"{md(p.label)}: {progress.get(p.account_id, 0)} of {total}" for p in shown.participants)
)

if shown.open:
    if takes_part:
        st.header("Your answers")
        answer_round(
            shown, framework, {a.question_id: a for a in answers if a.respondent.account_id == person.account_id}
        )
    closing = coordinates and st.button("Close the round", key="workshop_close", icon=":material/lock:")
    if closing and attempt(lambda: rounds().close(shown.id, person), "The round was not closed"):
        st.rerun()
    if shown.blind:
        st.stop()

st.header("Where the team disagrees")
frame = answers_frame_of(answers)
found = agreement(frame)
st.metric("Agreement across the round (Krippendorff's alpha)", "–" if found.alpha is None else f"{found.alpha:.2f}")
st.caption(found.caveat)
table = remembered(f"workshop_spread_{shown.id}", lambda: divergence_table(frame))
if table.empty:
    st.info("Nobody has answered yet.")
    st.stop()
questions = {q.id: q for q in asked(framework, shown.themes)}
decisions = rounds().decisions(shown.id, person) if not shown.open else {}
st.dataframe(
    pd.DataFrame(
        {
            "Question": table["question_id"],
            "Answers": table["answered"].astype(int),
            "Unsure": table["unsure"].astype(int),
            "Median": table["median"],
            "IQR": table["iqr"],
            "Lowest to highest": [
                "–" if pd.isna(lo) else f"{int(lo)} to {int(hi)}"
                for lo, hi in zip(table["lowest"], table["highest"], strict=True)
            ],
            "Disagreement": table["why"].where(table["divergent"], ""),
            "Consensus": ["recorded" if q in decisions else "" for q in table["question_id"]],
        }
    ),
    hide_index=True,
    width="stretch",
)

order = [str(q) for q in table["question_id"] if str(q) in questions]  # widest disagreement first
flagged = dict(zip(table["question_id"].astype(str), table["divergent"], strict=True))
picked = st.selectbox(
    "Look at a question",
    options=order,
    format_func=lambda q: f"{q} · {'disagreement' if flagged[q] else 'agreed'} · {text_in(questions[q].text)}",
    key=f"workshop_question_{shown.id}",
)
question = questions[picked]
for given in (a for a in answers if a.question_id == picked):
    group = f" ({md(given.respondent.group)})" if given.respondent.group else ""
    shown_level = UNSURE.get(given.status) or f"level {given.level}"
    st.markdown(
        f"**{md(given.respondent.label)}**{group}: {shown_level}" + (f" · “{md(given.note)}”" if given.note else "")
    )
groups = {a.respondent.account_id: a.respondent.group for a in answers if a.question_id == picked}
if len({g for g in groups.values() if g}) >= 2:  # where groups are set: the spread within each
    here = answers_frame_of([a for a in answers if a.question_id == picked])
    here["group"] = here["respondent"].map(groups).fillna("No group")
    split = divergence_table(here, by=("question_id", "group"))
    st.dataframe(
        pd.DataFrame(
            {
                "Group": split["group"],
                "Answers": split["answered"].astype(int),
                "Median": split["median"],
                "Lowest to highest": [
                    "–" if pd.isna(lo) else f"{int(lo)} to {int(hi)}"
                    for lo, hi in zip(split["lowest"], split["highest"], strict=True)
                ],
            }
        ),
        hide_index=True,
        width="stretch",
        key=f"workshop_groups_{shown.id}",
    )
decision = decisions.get(picked)
if decision:
    rationale, dissents, decided_by = decision
    st.success(f"Consensus recorded by {md(decided_by)}: {md(rationale) or 'no rationale given'}")
    for dissent in dissents:
        st.markdown(
            f"Dissent, {md(dissent.holder)}"
            + ("" if dissent.level is None else f" (level {dissent.level})")
            + (f": {md(dissent.note)}" if dissent.note else "")
        )
deciding = coordinates and not shown.open and record.status is AssessmentStatus.DRAFT
if deciding:
    current = {a.question_id: a for a in store().answers(record.id or 0)}
    decide_form(shown, framework, question, current.get(picked))
    by_question = {q: [a.level for a in answers if a.question_id == q and a.level is not None] for q in order}
    ready = {q: spread_of(levels).settled for q, levels in by_question.items() if q not in decisions}
    settled = {q: level for q, level in ready.items() if level is not None}
    if settled and st.button(f"Accept the {len(settled)} undisputed questions at their median", key="workshop_accept"):
        done = 0
        for question_id, level in settled.items():
            answer = RecordedAnswer(question_id=question_id, status=Status.LEVEL, level=level)
            old = current.get(question_id)
            if attempt(
                lambda a=answer, o=old: rounds().decide(
                    shown.id, a, f"Undisputed in round {shown.number}", [], person, o.version if o else 0
                ),
                f"{question_id} was not accepted",
            ):
                done += 1
        st.success(f"{done} undisputed questions accepted; they are now the assessment's answers.")
