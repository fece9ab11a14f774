"""A respondent's own answers to a workshop round, saved the moment they are given (shared by the
Workshop page and the guest's page).

A choice redraws only what it changes: each question is a fragment, and so is the count of answers
above them, so a save reruns its question and the count, not every question of the round (a room of
respondents answers at once). A page that shows more that a save changes names those fragments too,
or asks for the whole page.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from access.roles import Actor, NotAllowed
from app_pages.common import actor, fragment_rerun, guarded_fragment, md, remembered, rounds
from questionnaire.model import Framework, Question, text_in
from storage.errors import StorageError
from storage.rounds import Round, RoundAnswer, asked

UNSURE = {"dont_know": "Don't know", "not_my_area": "Not my area"}


def key(round_id: int, question_id: str, part: str) -> str:
    """The session-state key of one part of one question's answer in a round."""
    return f"workshop_{round_id}_{question_id.replace('.', '-')}_{part}"


def level_label(framework: Framework, question: Question, choice: Any) -> str:
    """A choice in words: the level, its name and what it means for this question, or "Don't know"."""
    if choice in UNSURE:
        return UNSURE[choice]
    return f"{choice} · {text_in(framework.level(int(choice)).name)}: {text_in(question.levels[int(choice)])}"


def round_answers(round_id: int, person: Actor) -> list[RoundAnswer]:
    """The round's answers ``person`` may see, as stored now (read again only after a change to the store)."""
    return remembered(f"round_answers_{round_id}", lambda: rounds().answers(round_id, person))


def own_answers(round_id: int, person: Actor) -> dict[str, RoundAnswer]:
    """``person``'s own answers in the round, by question, as stored now."""
    return {a.question_id: a for a in round_answers(round_id, person) if a.respondent.account_id == person.account_id}


def save(round_id: int, question_id: str, redraw: tuple[str, ...] | None = ()) -> None:
    """Save this respondent's answer to one question now (a widget callback); then rerun the question
    and the fragments named in ``redraw``, or the whole page when ``redraw`` is None."""
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
    if fragment_rerun():  # the question alone would rerun
        if redraw is None:
            st.rerun()
        st.rerun([key(round_id, question_id, "fragment"), *redraw])


def answer_round(
    shown: Round,
    framework: Framework,
    person: Actor,
    redraw: tuple[str, ...] | None = (),
) -> None:
    """``person``'s own questions, saved as they answer; after a save, the question, the count and the
    fragments named in ``redraw`` rerun (the whole page when ``redraw`` is None)."""
    questions = asked(framework, shown.themes)
    count = f"workshop_{shown.id}_count"

    def show_count() -> None:
        mine = own_answers(shown.id, person)
        st.progress(len(mine) / len(questions), text=f"You have answered {len(mine)} of {len(questions)} questions")

    guarded_fragment(count, show_count)()
    st.caption(
        "Answer as you see the city yourself; "
        + ("nobody sees your answers until the round closes." if shown.blind else "the team sees answers as they come.")
        + " Each choice is saved as soon as it is made."
    )
    after_save = None if redraw is None else (count, *redraw)

    def show_question(question: Question) -> None:
        stored = own_answers(shown.id, person).get(question.id)
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
                args=(shown.id, question.id, after_save),
            )
            st.text_area(
                "Why (optional; the team reads it when the round closes)",
                key=key(shown.id, question.id, "note"),
                on_change=save,
                args=(shown.id, question.id, after_save),
                height=68,
            )
            problem = st.session_state.get(key(shown.id, question.id, "problem"))
            if problem:
                st.error(md(problem))
            elif stored is not None:
                st.caption(":material/check_circle: Saved")

    for question in questions:
        guarded_fragment(key(shown.id, question.id, "fragment"), show_question)(question)
