"""Who is answering: a name and role, asked once per browser session, recorded with every answer."""

import streamlit as st

from app_pages.access import focus_on, inside
from app_pages.common import PAGES, WHO_KEY, ask_who, md, who

st.title("Who is answering")
current = who()
if current:
    st.success(f"You are answering as **{md(current)}**. Every answer you give is recorded under this name.")
    if st.button("I am someone else", key="who_change"):
        st.session_state.pop(WHO_KEY, None)
        st.rerun()
    with st.container(key="who_next"):
        st.page_link(PAGES["home"], label="Continue to Home", icon=":material/home:")
else:
    st.markdown(
        "A city team answers together, often over several sittings. So that everyone can see who gave "
        "which answer, and so that the audit trail is complete, tell us who you are. We remember it until "
        "you close this browser tab or change it here."
    )
    ask_who("who", then=lambda: focus_on(inside("who_next", "a")))
