"""City profile: who the city is, what it faces, and whether it shares results anonymously."""

from datetime import UTC, datetime

import streamlit as st
from pydantic import ValidationError

from access.roles import Operation
from app_pages import identity
from app_pages.access import focus_on, inside
from app_pages.common import (
    FOCUS_FIRST_QUESTION,
    PAGES,
    allowed,
    attempt,
    choose_assessment,
    choose_city,
    current_city,
    current_framework,
    md,
    store,
)
from questionnaire.model import text_in
from questionnaire.problems import first_problem
from scoring.records import AssessmentStatus, City, PopulationBand, Region

REGIONS = {Region.EUROPE: "Europe", Region.NORTH_AMERICA: "North America", Region.OTHER: "Elsewhere"}
SIZES = {
    PopulationBand.SMALL: "Under 100,000 residents",
    PopulationBand.MEDIUM: "100,000 to 500,000",
    PopulationBand.LARGE: "500,000 to 1 million",
    PopulationBand.VERY_LARGE: "Over 1 million",
}
SAVED_KEY = "city_saved"
FIELD_NAMES = {"name": "City name", "country": "Country", "challenges": "Local challenges"}

framework = current_framework()
city = None if st.session_state.get("city_new") else current_city()
st.title("City profile" if city else "A new city")
st.caption(
    "The declared local challenges raise the priority of the themes they bear on. Sharing results is off "
    "unless you turn it on; shared results are only ever shown as anonymous group figures of five or more cities."
)

may_edit = allowed(Operation.MANAGE_CITY, city.id) if city else allowed(Operation.ADMINISTER, None)
if not may_edit:
    st.info(
        "The city's coordinators keep its profile up to date."
        if city
        else "A network administrator sets up new cities; your city's coordinator can add you to its team."
    )
    if city:
        st.markdown(f"**{md(city.name)}**, {md(city.country)} · {REGIONS[city.region]} · {SIZES[city.population_band]}")
else:
    challenge_labels = {c.id: text_in(c.label) for c in framework.challenges}
    with st.form("city_form"):
        name = st.text_input("City name", value=city.name if city else "", max_chars=120, key="city_name")
        country = st.text_input("Country", value=city.country if city else "", max_chars=120, key="city_country")
        region = st.selectbox(
            "Region",
            options=list(REGIONS),
            format_func=REGIONS.__getitem__,
            key="city_region",
            index=list(REGIONS).index(city.region) if city else 0,
        )
        size = st.selectbox(
            "Population",
            options=list(SIZES),
            format_func=SIZES.__getitem__,
            key="city_size",
            index=list(SIZES).index(city.population_band) if city else 1,
        )
        challenges = st.multiselect(
            "Local challenges the city faces now",
            options=list(challenge_labels),
            format_func=challenge_labels.__getitem__,
            default=[c for c in city.challenges if c in challenge_labels] if city else [],
            key="city_challenges",
        )
        share = st.checkbox(
            "Share our scores, anonymously, for peer benchmarks",
            value=city.share_benchmarks if city else False,
            key="city_share",
        )
        join = city is not None or st.checkbox(
            "Make me a coordinator of this city",
            value=True,
            key="city_join",
            help="Leave it on when you set up your own city. A network administrator setting up a member city "
            "can turn it off and invite the city's coordinator from its Members page.",
        )
        saved = st.form_submit_button("Save the city profile", type="primary")
    if saved:
        try:
            profile = City(
                id=city.id if city else None,
                name=name,
                country=country,
                region=region,
                population_band=size,
                challenges=tuple(challenges),
                share_benchmarks=share,
                is_demo=city.is_demo if city else False,
            )
        except ValidationError as exc:
            st.error(md(first_problem(exc, FIELD_NAMES)[1]))
        else:
            stored = attempt(
                lambda: store().update_city(profile) if city else store().create_city(profile, join=join),
                "The city profile was not saved",
            )
            if stored:
                identity.forget()  # a new city's creator may be its coordinator now
                st.session_state["city_new"] = False
                st.session_state[SAVED_KEY] = stored.id
                if city is None:
                    focus_on(inside("city_start", "button"))  # the next step of a new city
                choose_city(stored.id)
                st.rerun()  # the title and the sidebar name the city from now on

if city and st.session_state.get(SAVED_KEY) == city.id:
    records = store().assessments(city.id)
    drafts = [r for r in records if r.status is AssessmentStatus.DRAFT]
    if drafts:  # said once; a new city without an assessment keeps its offer to start one
        st.session_state.pop(SAVED_KEY, None)
        st.success(f"Saved the profile of {md(city.name)}.", icon=":material/check_circle:")
        st.page_link(PAGES["home"], label="Go to Home to open an assessment", icon=":material/home:")
    else:
        st.success(
            f"Saved the profile of {md(city.name)}. Next, start its {'first ' if not records else ''}assessment: "
            "a blank questionnaire you can answer over as many sittings as you need.",
            icon=":material/check_circle:",
        )
        if allowed(Operation.MANAGE_ASSESSMENTS, city.id) and st.button(
            "Start the assessment", type="primary", key="city_start", icon=":material/edit_note:"
        ):
            started = attempt(
                lambda: store().start_assessment(
                    city.id or 0, f"Assessment {datetime.now(UTC):%Y}", framework_id=framework.id
                ),
                "The assessment was not started",
            )
            if started:
                st.session_state.pop(SAVED_KEY, None)
                st.session_state[FOCUS_FIRST_QUESTION] = True
                choose_assessment(started)
                st.switch_page(PAGES["questionnaire"])
