"""Workshop: several respondents answer a draft's questions apart, the team sees where it disagrees,
and the coordinator records a consensus per question, with its rationale and any dissent.

A round's answers are saved the moment they are given, like the Questionnaire's. In a blind round
nobody sees another's answers until the coordinator closes it. The consensus becomes the
assessment's answer; the spread is shown beside it, never mixed into a score.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from access.roles import Operation
from app_pages.common import (
    accounts,
    actor,
    allowed,
    attempt,
    guarded_fragment,
    invitation_link,
    md,
    remembered,
    require_assessment,
    rounds,
    store,
)
from app_pages.respondent import UNSURE, answer_round, key, level_label, round_answers
from questionnaire.model import Framework, Question, text_in
from scoring.answers import Status
from scoring.divergence import agreement, divergence_table, spread_of
from scoring.records import AssessmentStatus, RecordedAnswer
from storage.rounds import Dissent, Round, RoundAnswer, asked

DISSENTS = 3


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
            "Show respondents' names to the team (otherwise only to coordinators and the facilitator)",
            key="workshop_names",
        )
        facilitator = st.selectbox(
            "Facilitator (optional): closes the round and records the consensus, besides the coordinators",
            options=list(by_id),
            index=None,
            format_func=lambda i: f"{by_id[i].name} ({by_id[i].role.value})",
            key="workshop_facilitator",
        )
        opened = st.form_submit_button("Open the round", type="primary")
    if opened:
        labels = [line.strip() or None for line in groups.splitlines()]
        respondents = {a: (labels[n] if n < len(labels) else None) for n, a in enumerate(chosen)}
        made = attempt(
            lambda: rounds().open_round(record_id, respondents, person, themes, blind, names, facilitator),
            "The round was not opened",
        )
        if made:
            st.rerun()


def guest_form(shown: Round) -> None:
    """The coordinator's form to invite a guest from a partner organisation to the open round."""
    person = actor()
    link_key = f"workshop_guest_link_{shown.id}"
    with st.expander("Invite a guest from a partner organisation", icon=":material/person_add:"):
        st.caption(
            "A guest answers this round only and sees nothing else of the city: not the other answers, "
            "not the results. No email is sent: you get a one-time link (valid a week) to pass on."
        )
        with st.form(f"workshop_guest_{shown.id}", clear_on_submit=True):
            email = st.text_input("Email", max_chars=254, key=f"workshop_guest_email_{shown.id}")
            name = st.text_input("Name", max_chars=120, key=f"workshop_guest_name_{shown.id}")
            group = st.text_input(
                "Organisation (the group their answers are shown in)",
                max_chars=80,
                key=f"workshop_guest_group_{shown.id}",
            )
            invited = st.form_submit_button("Make a guest link")
        if invited and person is not None:
            token = attempt(
                lambda: rounds().invite_guest(shown.id, email, name or email, group, person),
                "The guest was not invited",
            )
            if token:
                st.session_state[link_key] = (email.strip(), invitation_link(token))
        if link_key in st.session_state:
            for_whom, link = st.session_state[link_key]
            st.success(f"Guest link for {md(for_whom)} (shown once; copy it now):", icon=":material/link:")
            st.code(link, language=None)


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
answers = round_answers(shown.id, person)
takes_part = any(p.account_id == person.account_id for p in shown.participants)
leads = rounds().leads(shown.id, person)  # a coordinator, or the round's facilitator
PARTICIPANTS = f"workshop_{shown.id}_participants"


def show_participants() -> None:
    """Who answers the round and how far each has got, as stored now."""
    progress = rounds().progress(shown.id, person)
    total = len(asked(framework, shown.themes))
    st.caption(
        f"Opened by {md(shown.opened_by)} · "
        + (f"facilitated by {md(shown.facilitator)} · " if shown.facilitator else "")
        + ("blind" if shown.blind else "answers visible as they come")
        + " · "
        + " · ".join(f"{md(p.label)}: {progress.get(p.account_id, 0)} of {total}" for p in shown.participants)
    )


guarded_fragment(PARTICIPANTS, show_participants)()
if shown.open:
    if takes_part:
        st.header("Your answers")
        # a round that is not blind shows everyone's answers below, the person's own among them
        answer_round(shown, framework, person, redraw=(PARTICIPANTS,) if shown.blind else None)
    if coordinates:
        guest_form(shown)
    closing = leads and st.button("Close the round", key="workshop_close", icon=":material/lock:")
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
deciding = leads and not shown.open and record.status is AssessmentStatus.DRAFT
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
