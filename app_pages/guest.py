"""A guest's page: the workshop rounds a partner organisation's guest was invited to, their questions
and their own answers, and nothing else of the city."""

from __future__ import annotations

import streamlit as st

from app_pages.common import actor, attempt, md, rounds
from app_pages.respondent import UNSURE, answer_round, own_answers

st.title("Your workshop round")
person = actor()
if person is None:  # the app shows this page only to someone signed in
    st.stop()
held = attempt(lambda: rounds().mine(person), "Your rounds could not be shown") or []
if not held:
    st.info("You take part in no workshop round. The city's coordinator who invited you can send a new link.")
    st.stop()
chosen = st.selectbox(
    "Round",
    options=range(len(held)),
    format_func=lambda n: f"{held[n][1]} · round {held[n][0].number} · {'open' if held[n][0].open else 'closed'}",
    key="guest_round",
)
shown, named = held[chosen]
st.markdown(
    f"You were invited to give your organisation's view in **{md(named)}**. Your answers go to the "
    "city's team, who record the consensus; you see only your own answers."
)
framework = rounds().framework(shown.id, person)
if shown.open:
    answer_round(shown, framework, person)
else:
    mine = own_answers(shown.id, person)
    st.info(f"This round closed; your {len(mine)} answers are kept as you gave them.", icon=":material/lock:")
    for question_id, given in mine.items():
        level = UNSURE.get(given.status) or f"level {given.level}"
        st.markdown(f"**{question_id}**: {level}" + (f" · “{md(given.note)}”" if given.note else ""))
