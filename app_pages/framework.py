"""Framework: browse the scale, findings, themes and questions, with the sources behind each."""

import streamlit as st

from app_pages.common import current_framework, frameworks, md
from questionnaire.model import Framework, text_in

st.title("The framework")
newest = current_framework()
installed = frameworks().versions(newest.id)
versions = [f.version for f in reversed(installed)]
chosen_version = st.selectbox(
    "Version",
    options=versions,
    format_func=lambda v: f"{v} (new assessments use this one)" if v == newest.version else f"{v} (earlier)",
    key="framework_version",
    persist_state="session",
)
framework: Framework = next(f for f in installed if f.version == chosen_version)
briefs = {b.seed: b for b in framework.briefs}


def brief_label(seed: str) -> str:
    """The brief a seed file holds, by title."""
    brief = briefs.get(seed)
    return brief.title if brief else seed


st.caption(f"{text_in(framework.title)} · version {framework.version}")
st.markdown(text_in(framework.description))
if framework.caveat is not None:
    st.info(f"**What this framework can claim.** {md(text_in(framework.caveat))}", icon=":material/info:")

tabs = ["Themes and questions", "Scale and weights", "Key findings", "Sources"]
if framework.crosswalks:
    tabs.append("What changed")
themes_tab, scale_tab, findings_tab, sources_tab, *changes_tab = st.tabs(tabs)

with themes_tab:
    options = {theme.id: f"{theme.id} · {text_in(theme.title)}" for theme in framework.themes}
    chosen = st.selectbox(
        "Theme", options=list(options), format_func=options.__getitem__, key="framework_theme", persist_state="session"
    )
    theme = next((t for t in framework.themes if t.id == chosen), framework.themes[0])
    st.header(text_in(theme.title))
    st.markdown(text_in(theme.description))
    for question in theme.questions:
        with st.expander(f"{question.id} · {text_in(question.text)}"):
            st.markdown(f"**Guidance for the team.** {text_in(question.guidance)}")
            st.markdown("**Levels**")
            for descriptor in question.descriptors:
                name = text_in(framework.level(descriptor.level).name)
                st.markdown(f"- **{descriptor.level} · {name}**: {text_in(descriptor.text)}")
            if question.weight_basis is not None:
                st.markdown(
                    f"**Weight {question.weight:g}**, set by “{question.weight_basis.quote}” "
                    f"({brief_label(question.weight_basis.seed)}, line {question.weight_basis.line})."
                )
            if question.not_applicable_when is not None:
                st.markdown(f"**When “not applicable” is honest.** {text_in(question.not_applicable_when)}")
            elif question.not_applicable_allowed:
                st.caption("A city may answer *not applicable* here, with a reason.")
            if question.small_city is not None:
                st.markdown(f"**In a small town.** {text_in(question.small_city)}")
            if question.data_protection is not None:
                st.markdown(f"**Data protection.** {text_in(question.data_protection)}")
            titles = ", ".join(f"{ref} {text_in(framework.finding(ref).title)}" for ref in question.findings)
            st.markdown(f"**Serves findings:** {titles}")
            for source in question.sources:
                st.caption(f"Source: “{source.quote}” — {brief_label(source.seed)}, paragraph at line {source.line}")

with scale_tab:
    st.markdown("Every question is answered on the same five levels; each question says what they look like for it.")
    for step in framework.scale:
        st.markdown(f"- **{step.level} · {text_in(step.name)}**: {text_in(step.meaning)}")
    if framework.rules:
        st.markdown(
            "A level is reached by what the city does, never by a document alone: whether a plan or "
            "agreement exists on paper is recorded beside the answer as its evidence. Wherever a higher "
            "level would need a real incident, an exercise counts. Level 4 asks the same of every "
            "question: results reviewed with the people affected, and acted on."
        )
    weighted = [q for q in framework.questions if q.weight_basis is not None]
    if weighted:
        st.header("Weights")
        st.markdown(
            "A question's weight in its theme's score follows how strongly the briefs recommend the "
            "practice: **1.5** where they call it essential, critical, crucial or vital; **1** where they "
            "say cities should or need to; **0.5** where they say cities can, may or might consider it."
        )
        counts = {w: sum(1 for q in weighted if q.weight == w) for w in sorted({q.weight for q in weighted})}
        st.caption(" · ".join(f"weight {w:g}: {n} questions" for w, n in counts.items()))
    else:
        st.caption("Every question of this version weighs the same in its theme's score.")

with findings_tab:
    st.info(
        "The briefs' headings were lost in the copies we cite, so the split into findings and "
        "their titles are our own reading of the text; other splits are possible.",
        icon=":material/info:",
    )
    for brief in framework.briefs:
        brief_findings = [f for f in framework.findings if f.brief == brief.id]
        if not brief_findings:
            continue
        st.header(brief.title)
        for finding in brief_findings:
            served = [q.id for q in framework.questions if finding.id in q.findings]
            st.markdown(f"**{finding.id} · {text_in(finding.title)}**")
            st.markdown(text_in(finding.summary))
            st.caption(f"Questions: {', '.join(served) or 'none'}")

with sources_tab:
    for brief in framework.briefs:
        st.markdown(f"- [{brief.title}]({brief.url}) ({brief.year})")

for crosswalk, tab in zip(framework.crosswalks, changes_tab, strict=False):
    with tab:
        entries = crosswalk.questions
        comparable = sum(1 for e in entries.values() if e.comparable)
        partly = sum(1 for e in entries.values() if e.keep_levels)
        retired = sum(1 for e in entries.values() if not e.to)
        fresh = len(entries) - comparable - partly - retired
        st.markdown(
            f"From version {crosswalk.from_version}, {len(entries)} earlier questions: "
            f"{comparable} keep every answer; {partly} keep an answer only at the levels whose meaning did "
            f"not change; {fresh} need a fresh answer; {retired} {'was' if retired == 1 else 'were'} retired."
        )
        if crosswalk.scale_changed:
            st.caption("The levels were redefined, so most earlier answers cannot be carried over as they are.")
        rows = [
            {
                "Earlier question": old,
                "Now": ", ".join(entry.to) or "retired",
                "Answers comparable": "yes"
                if entry.comparable
                else f"at level {', '.join(map(str, entry.keep_levels))} only"
                if entry.keep_levels
                else "no",
                "Why": entry.note,
            }
            for old, entry in entries.items()
        ]
        st.dataframe(
            rows, hide_index=True, width="stretch", column_config={"Why": st.column_config.TextColumn(width="large")}
        )
