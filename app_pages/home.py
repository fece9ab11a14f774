"""Home: what the assessment is and how a city team uses it."""

import streamlit as st

from app_pages.common import current_framework
from questionnaire.model import text_in

framework = current_framework()

st.title("City Cohesion Self-Assessment")
st.markdown(
    "A self-assessment for city teams working to prevent hate, extremism and polarisation. "
    "It turns what mayors and practitioners in Europe and North America learned through the "
    "Strong Cities Network's Transatlantic Dialogue into maturity questions, theme by theme."
)

left, middle, right = st.columns(3)
left.metric("Themes", len(framework.themes))
middle.metric("Questions", len(framework.questions))
right.metric("Key findings behind them", len(framework.findings))

st.subheader("How it works")
st.markdown(
    "1. Describe your city and the local challenges you face.\n"
    "2. Answer the questions theme by theme, over as many sittings as you need. Each answer picks "
    "one of five levels, from *not in place* to *evaluated and improving*.\n"
    "3. See where the city stands, set targets and download a gap report with practices from peer cities.\n"
    "4. A year later, start again from your previous answers and compare."
)
st.subheader("The five levels")
for level in framework.scale:
    st.markdown(f"**{level.level} · {text_in(level.name)}**: {text_in(level.meaning)}")

st.page_link("app_pages/framework.py", label="Browse the framework", icon=":material/menu_book:")
