"""Practices: browse the library of what cities did, filtered by theme, region, size and kind."""

import streamlit as st

from app_pages.common import current_framework
from questionnaire.model import text_in
from questionnaire.practices import Kind, Verification
from reporting.sources import practice_library

REGIONS = {"europe": "Europe", "north_america": "North America", "other": "Elsewhere", None: "No city (general advice)"}
SIZES = {
    "under_100k": "Under 100,000 residents",
    "100k_500k": "100,000 to 500,000",
    "500k_1m": "500,000 to 1 million",
    "over_1m": "Over 1 million",
    None: "No city (general advice)",
}
KINDS = {
    Kind.CITY_PROGRAMME: "City programme",
    Kind.CITY_OFFICE: "City office",
    Kind.PARTNERSHIP: "Partnership",
    Kind.NGO_DELIVERED: "Delivered by an NGO",
    Kind.NATIONAL: "National initiative",
    Kind.RECOMMENDATION: "What the briefs recommend (no city)",
}
VERIFIED = {
    Verification.CONFIRMED: "confirmed by an independent source",
    Verification.NETWORK_ONLY: "described only by the network or the practice's owner",
    Verification.LIKELY: "likely, not confirmed",
    Verification.UNVERIFIED: "not verified outside the brief",
    Verification.DISCREPANCY: "outside sources differ from the brief",
    Verification.NOT_APPLICABLE: "",
}

framework = current_framework()
library = practice_library(framework.id, framework.version)
titles = {t.id: f"{t.id} · {text_in(t.title)}" for t in framework.themes}
briefs = {b.seed: b for b in framework.briefs}

st.title("Practices")
st.markdown(
    "What cities in the Transatlantic Dialogue did, and what the two briefs recommend, for each theme. "
    "The Results page and the gap report match these to your city's priority gaps and say why."
)
named = [p for p in library.practices if p.city]
if named:
    by_region = {label: sum(1 for p in named if p.region == region) for region, label in REGIONS.items() if region}
    small = sum(1 for p in named if p.population_band == "under_100k")
    st.info(
        f"**Read with care.** {len(named)} of the {len(library.practices)} entries are practices of named "
        f"cities; the rest are the briefs' own recommendations. The named ones come from "
        + ", ".join(f"{label} ({n})" for label, n in by_region.items() if n)
        + f"; {small} of them from a city under 100,000 residents. The briefs describe each in a "
        "sentence or two, and none has a published evaluation, so treat them as leads to follow up, "
        "not proven models.",
        icon=":material/info:",
    )
left, right = st.columns(2)
themes = left.multiselect(
    "Theme", options=list(titles), format_func=titles.__getitem__, key="practices_themes", placeholder="Every theme"
)
kinds = right.multiselect(
    "Kind", options=list(KINDS), format_func=KINDS.__getitem__, key="practices_kinds", placeholder="Every kind"
)
left, right = st.columns(2)
regions = left.multiselect(
    "Region",
    options=list(REGIONS),
    format_func=REGIONS.__getitem__,
    key="practices_regions",
    placeholder="Every region",
)
sizes = right.multiselect(
    "City size", options=list(SIZES), format_func=SIZES.__getitem__, key="practices_sizes", placeholder="Every size"
)

shown = [
    p
    for p in library.practices
    if (not themes or set(themes) & set(p.themes))
    and (not kinds or p.kind in kinds)
    and (not regions or p.region in regions)
    and (not sizes or p.population_band in sizes)
]
st.caption(f"{len(shown)} of {len(library.practices)} practices")
for practice in shown:
    where = f"{practice.city}, {practice.country}" if practice.city else "no city: the briefs' own advice"
    with st.expander(f"{practice.title} · {where}"):
        st.markdown(practice.summary)
        st.caption(
            f"Themes: {', '.join(titles[t] for t in practice.themes)}"
            + (f" · Questions: {', '.join(practice.questions)}" if practice.questions else "")
            + f" · Helps reach level {practice.helps_reach}"
            + (f" · Verification: {VERIFIED[practice.verification]}" if VERIFIED[practice.verification] else "")
        )
        for note in practice.notes:
            st.caption(f"Note: {note}")
        brief = briefs.get(practice.source.seed)
        st.caption(
            f"Source: {brief.title if brief else practice.source.seed}, line {practice.source.line}: "
            f"“{practice.source.quote}”" + (f" ({brief.url})" if brief else "")
        )
if not shown:
    st.info("No practice matches these filters.")
