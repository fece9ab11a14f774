"""City Cohesion Self-Assessment: the Streamlit entry point. Navigation and the safety net only."""

import streamlit as st

from app_pages import access
from app_pages.common import (
    PAGES,
    current_assessment,
    current_city,
    incident,
    keep_place_in_url,
    md,
    status_label,
    who,
)
from questionnaire.problems import problems_of
from scoring.answers import AnswerError

st.set_page_config(
    page_title="City Cohesion Self-Assessment",
    page_icon=":material/diversity_3:",
    layout="wide",
)

pages = {
    "Start": [
        st.Page(PAGES["home"], title="Home", icon=":material/home:", default=True),
        st.Page(PAGES["who"], title="Who is answering", icon=":material/badge:", url_path="who"),
        st.Page(PAGES["city"], title="City profile", icon=":material/location_city:", url_path="city"),
    ],
    "Assessment": [
        st.Page(PAGES["questionnaire"], title="Questionnaire", icon=":material/checklist:", url_path="questionnaire"),
        st.Page(PAGES["results"], title="Results", icon=":material/insights:", url_path="results"),
        st.Page(PAGES["compare"], title="Compare", icon=":material/compare_arrows:", url_path="compare"),
        st.Page(PAGES["report"], title="Report and data", icon=":material/description:", url_path="report"),
    ],
    "Reference": [
        st.Page(PAGES["framework"], title="Framework", icon=":material/menu_book:", url_path="framework"),
        st.Page(PAGES["practices"], title="Practices", icon=":material/lightbulb:", url_path="practices"),
    ],
}
page = st.navigation(pages, position="hidden")
keep_place_in_url()
access.install()

with st.sidebar:
    # The app draws its own navigation: Streamlit's, with sections, puts the section wrappers inside
    # its list, which screen readers announce wrongly. Each section's name stays above its pages.
    with st.container(key="app_nav"):
        for section, entries in pages.items():
            st.markdown(f"**{section}**")
            for entry in entries:
                st.page_link(entry)
    st.divider()
    city, record = current_city(), current_assessment()
    st.caption(f"City: **{md(city.name)}**" if city else "No city chosen yet")
    if record:
        st.caption(f"Assessment: **{md(record.title)}** · {status_label(record)}")
    st.caption(f"Answering as: **{md(who() or '')}**" if who() else "Not signed in as anyone yet")

try:
    page.run()
except AnswerError as exc:  # a record stored before the store checked what scoring needs
    st.error(
        "This assessment cannot be scored as it is stored: "
        + "; ".join(md(p) for p in problems_of(exc))
        + ". Correct the city profile (or the answer named) and the page works again; nothing was changed."
    )
except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback reaches the user
    code = incident(exc)
    st.error(
        f"Something went wrong on this page (incident {code}). Your saved answers are safe. "
        "Reload the page to continue; if it happens again, give your administrator the incident number."
    )
access.after_run()
