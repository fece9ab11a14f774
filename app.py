"""City Cohesion Self-Assessment: the Streamlit entry point. Navigation and the safety net only."""

import streamlit as st

from app_pages import access
from app_pages.common import (
    PAGES,
    actor,
    current_assessment,
    current_city,
    keep_place_in_url,
    md,
    rounds,
    settle_memory,
    show_incident,
    start_reports,
    status_label,
)
from questionnaire.problems import problems_of
from scoring.answers import AnswerError

st.set_page_config(
    page_title="City Cohesion Self-Assessment",
    page_icon=":material/diversity_3:",
    layout="wide",
)


start_reports()  # Chromium and the layout worker, once per server process, in the background
try:
    person = actor()  # asked of the database on every run: a session ended elsewhere ends here too
    # a guest of a workshop round (invited from a partner organisation) belongs to no city
    guest = person is not None and not person.roles and not person.network_admin and bool(rounds().mine(person))
except Exception as exc:  # noqa: BLE001 - the store is out of reach: say so, show nothing else
    show_incident(exc)
    st.stop()
settle_memory()
account_page = st.Page(PAGES["account"], title="Your account", icon=":material/badge:", url_path="account")
if person is None:
    pages = {"Start": [st.Page(PAGES["sign_in"], title="Sign in", icon=":material/login:", default=True)]}
elif guest:
    pages = {
        "Start": [st.Page(PAGES["guest"], title="Your workshop round", icon=":material/groups:", default=True)],
        "You": [account_page],
    }
else:
    pages = {
        "Start": [
            st.Page(PAGES["home"], title="Home", icon=":material/home:", default=True),
            st.Page(PAGES["city"], title="City profile", icon=":material/location_city:", url_path="city"),
            st.Page(PAGES["members"], title="Members", icon=":material/group:", url_path="members"),
        ],
        "Assessment": [
            st.Page(
                PAGES["questionnaire"], title="Questionnaire", icon=":material/checklist:", url_path="questionnaire"
            ),
            st.Page(PAGES["workshop"], title="Workshop", icon=":material/groups:", url_path="workshop"),
            st.Page(PAGES["results"], title="Results", icon=":material/insights:", url_path="results"),
            st.Page(PAGES["plan"], title="Action plan", icon=":material/task_alt:", url_path="plan"),
            st.Page(PAGES["compare"], title="Compare", icon=":material/compare_arrows:", url_path="compare"),
            st.Page(PAGES["report"], title="Report and data", icon=":material/description:", url_path="report"),
        ],
        "Reference": [
            st.Page(PAGES["framework"], title="Framework", icon=":material/menu_book:", url_path="framework"),
            st.Page(PAGES["practices"], title="Practices", icon=":material/lightbulb:", url_path="practices"),
        ],
        "You": [account_page],
    }
    if person.network_admin:
        pages["You"].insert(0, st.Page(PAGES["network"], title="Network", icon=":material/hub:", url_path="network"))
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
    if person is None:
        st.caption("Not signed in")
    elif guest:
        st.caption(f"Signed in as **{md(person.name)}** · guest")
    else:
        city, record = current_city(), current_assessment()
        st.caption(f"City: **{md(city.name)}**" if city else "No city chosen yet")
        if record:
            st.caption(f"Assessment: **{md(record.title)}** · {status_label(record)}")
        role = person.role_in(city.id or 0) if city else None
        st.caption(f"Signed in as **{md(person.name)}**" + (f" · {role.value}" if role else ""))

try:
    page.run()
except AnswerError as exc:  # a record stored before the store checked what scoring needs
    st.error(
        "This assessment cannot be scored as it is stored: "
        + "; ".join(md(p) for p in problems_of(exc))
        + ". Correct the city profile (or the answer named) and the page works again; nothing was changed."
    )
except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback reaches the user
    show_incident(exc)
access.after_run()
