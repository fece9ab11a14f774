"""Network: what a network administrator sees across the deployment. Every city's progress and every
account, never a city's answers or scores (those are open only to the city's members)."""

import pandas as pd
import streamlit as st

from app_pages.common import accounts, actor, attempt, store

st.title("Network")
person = actor()
if person is None or not person.network_admin:
    st.info("This page is for network administrators.")
    st.stop()

st.markdown(
    "Every city on this server and how far it has got. Answers and scores stay with each city's team; "
    "cities that share their results appear in others' benchmarks only as anonymous group figures."
)
overview = attempt(lambda: store().network_overview(), "The overview could not be shown") or []
st.header(f"Cities ({len(overview)})")
st.dataframe(
    pd.DataFrame(
        {
            "City": [c.name for c in overview],
            "Country": [c.country for c in overview],
            "Drafts": [c.drafts for c in overview],
            "Submitted": [c.submitted for c in overview],
            "Last submitted": [c.last_submitted_on.isoformat() if c.last_submitted_on else "–" for c in overview],
            "Shares results": ["yes" if c.shares_benchmarks else "no" for c in overview],
        }
    ),
    hide_index=True,
    width="stretch",
)
st.caption(
    "To invite a city's coordinator, choose the city on Home and open its Members page. Set up a new city from Home."
)

people = attempt(lambda: accounts().all(person), "The accounts could not be shown") or []
st.header(f"Accounts ({len(people)})")
st.dataframe(
    pd.DataFrame(
        {
            "Name": [a.name for a in people],
            "Email": [a.email for a in people],
            "Network administrator": ["yes" if a.network_admin else "" for a in people],
            "Password set": ["yes" if a.has_password else "no" for a in people],
        }
    ),
    hide_index=True,
    width="stretch",
)
