"""Framework: browse the findings, themes and questions, with the sources behind each."""

import streamlit as st

from app_pages.common import current_framework
from questionnaire.model import text_in

framework = current_framework()
briefs = {b.seed: b for b in framework.briefs}

st.title("The framework")
st.caption(f"{text_in(framework.title)} · version {framework.version}")
st.markdown(text_in(framework.description))

themes_tab, findings_tab, sources_tab = st.tabs(["Themes and questions", "Key findings", "Sources"])

with themes_tab:
    options = {theme.id: f"{theme.id} · {text_in(theme.title)}" for theme in framework.themes}
    chosen = st.selectbox(
        "Theme", options=list(options), format_func=options.__getitem__, key="framework_theme", persist_state="session"
    )
    theme = next(t for t in framework.themes if t.id == chosen)
    st.header(text_in(theme.title))
    st.markdown(text_in(theme.description))
    for question in theme.questions:
        with st.expander(f"{question.id} · {text_in(question.text)}"):
            st.markdown(f"**Guidance for the team.** {text_in(question.guidance)}")
            st.markdown("**Levels**")
            for descriptor in question.descriptors:
                name = text_in(framework.level(descriptor.level).name)
                st.markdown(f"- **{descriptor.level} · {name}**: {text_in(descriptor.text)}")
            if question.not_applicable_allowed:
                st.caption("A city may answer *not applicable* here, with a reason.")
            titles = ", ".join(f"{ref} {text_in(framework.finding(ref).title)}" for ref in question.findings)
            st.markdown(f"**Serves findings:** {titles}")
            for source in question.sources:
                brief = briefs[source.seed]
                st.caption(f"Source: “{source.quote}” — {brief.title}, paragraph at line {source.line}")

with findings_tab:
    st.info(
        "The briefs' headings were lost in the copies we cite, so the split into findings and "
        "their titles are our own reading of the text.",
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
