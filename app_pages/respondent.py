"""A respondent's own answers to a workshop round, saved the moment they are given (shared by the
Workshop page and the guest's page)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from access.roles import NotAllowed
from app_pages.common import actor, md, rounds
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
