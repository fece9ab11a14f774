"""Report and data: the PDF gap report, the assessment's data as JSON, CSV and Excel, and imports.

The PDF is made on request (charts and layout take seconds) and kept for this browser session until
the assessment or its answers change; a report that cannot be made says why. Downloads never rerun
the page. An import is checked completely and previewed before anything is written.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

import streamlit as st

from access.roles import NotAllowed, Operation
from app_pages import identity
from app_pages.access import focus_on, inside, key_class
from app_pages.common import (
    PAGES,
    allowed,
    attempt,
    choose_assessment,
    local_time,
    md,
    renderer,
    require_assessment,
    store,
)
from reporting.context import ReportVariant
from reporting.pdf import ReportError
from scoring.records import AssessmentRecord, AssessmentStatus, City, RecordedAnswer
from storage.errors import ImportRefused, StorageError
from storage.transfer import (
    EXPORT_TABLES,
    ImportPlan,
)

T = TypeVar("T")
PDF_KEY = "report_pdf_built"
PLAN_KEY = "report_import_plan"
IMPORTED_KEY = "report_imported"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_LABELS = {
    "answers": "Answers",
    "theme_scores": "Theme scores",
    "gaps": "Gaps against the targets",
    "priorities": "Priorities",
    "workshop_answers": "Workshop rounds: each respondent's answers",
    "workshop_consensus": "Workshop rounds: consensus and dissent",
    "actions": "The city's action plan",
}


def slug(text: str) -> str:
    """``text`` as a short lowercase ASCII file-name part ("São Paulo (demo)" -> "sao-paulo-demo")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-") or "city"


def fingerprint(record: AssessmentRecord, city: City, given: list[RecordedAnswer]) -> str:
    """Changes whenever anything the report shows changes: the assessment, the city or an answer."""
    parts = [record.model_dump_json(), city.model_dump_json()]
    parts += sorted(f"{a.question_id}:{a.version}:{a.answered_at}" for a in given)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def show_problems(heading: str, problems: list[str]) -> None:
    """A red message with one bullet per problem (problems can quote the file, so they are escaped)."""
    st.error(heading + "\n\n" + "\n".join(f"- {md(problem)}" for problem in problems), icon=":material/error:")


def guarded(action: Callable[[], T], failure: str) -> T | None:
    """``attempt``, but an import refusal is listed problem by problem."""
    refused: list[str] = []

    def run() -> T | None:
        try:
            return action()
        except ImportRefused as exc:
            refused.extend(exc.problems)
            return None

    result = attempt(run, failure)
    if refused:
        show_problems(f"{failure}; nothing was changed.", refused)
    return result


def preview_import(data: bytes, file_id: str) -> tuple[ImportPlan | None, list[str]]:
    """The checked plan of an uploaded portable file, or its problems; kept per upload across reruns."""
    kept = st.session_state.get(PLAN_KEY)
    if kept and kept["file_id"] == file_id:
        return kept["plan"], kept["problems"]
    plan, problems = None, []
    try:
        plan = store().plan_import(data)
    except ImportRefused as exc:
        problems = exc.problems
    except NotAllowed as exc:
        problems = [str(exc)]
    st.session_state[PLAN_KEY] = {"file_id": file_id, "plan": plan, "problems": problems}
    return plan, problems


st.title("Report and data")
record = require_assessment("to download its report or data")
assessment_id = record.id or 0
city = store().city(record.city_id or 0)
name_part = f"{slug(city.name)}-{assessment_id}"

st.markdown(f"**{md(record.title)}**, {md(city.name)}")

# -- the PDF report ---------------------------------------------------------------------------------

st.header("Gap report (PDF)")
st.markdown(
    "Where the city stands theme by theme, the gaps against its targets, the next steps that would close "
    "them, and practices from peer cities. Making the report takes up to a minute."
)
variant = st.radio(
    "Which report",
    options=list(ReportVariant),
    format_func=lambda v: v.label,
    captions=[v.description for v in ReportVariant],
    key="report_pdf_variant",
    persist_state="session",
)
current = (fingerprint(record, city, store().answers(assessment_id)), variant.value)
built = st.session_state.get(PDF_KEY)
if built and built["key"] == current:
    with st.container(key="report_ready"):
        st.success(
            f"The report is ready, made at {local_time(built['made_at'])} from the answers as they are now. "
            "Download it here.",
            icon=":material/check_circle:",
        )
        st.download_button(
            "Download the PDF report",
            data=built["pdf"],
            file_name=f"cohesion-report-{'' if variant is ReportVariant.FULL else 'summary-'}{name_part}.pdf",
            mime="application/pdf",
            on_click="ignore",
            key="report_pdf",
            type="primary",
            icon=":material/picture_as_pdf:",
        )
else:
    if built and built["assessment"] == assessment_id and built["key"][0] != current[0]:
        st.caption("The assessment changed since the report was made; make it again for the latest answers.")
    if st.button("Make the PDF report", key="report_pdf_make", type="primary", icon=":material/picture_as_pdf:"):
        with st.spinner("Making the report: drawing the charts and laying out the pages…"):
            try:
                pdf = attempt(
                    lambda: renderer().render(store().report_context(assessment_id, variant=variant)),
                    "The report was not made",
                )
            except ReportError as exc:
                pdf = None
                st.error(str(exc), icon=":material/error:")
        if pdf:
            made = {"key": current, "assessment": assessment_id, "pdf": pdf, "made_at": datetime.now(UTC)}
            st.session_state[PDF_KEY] = made
            focus_on(inside("report_pdf", "button"), view=f".{key_class('report_ready')}")
            st.rerun()

# -- the data ---------------------------------------------------------------------------------------

st.header("The assessment's data")
st.markdown(
    "The assessment file (.json) holds everything needed to move the assessment to another installation "
    "or keep it safe, its closed workshop rounds included; it carries a check that shows whether it was "
    "changed. The tables are for people: open them in a spreadsheet."
)
left, middle, right = st.columns(3)
with left:
    st.download_button(
        "Download the file (.json)",
        data=partial(store().export_json, assessment_id),
        file_name=f"cohesion-assessment-{name_part}.json",
        mime="application/json",
        on_click="ignore",
        key="report_json",
        icon=":material/data_object:",
    )
with middle:
    table = st.selectbox(
        "Table", options=list(EXPORT_TABLES), format_func=TABLE_LABELS.__getitem__, key="report_csv_table"
    )
    st.download_button(
        "Download the table (.csv)",
        data=partial(store().export_csv, assessment_id, table),
        file_name=f"cohesion-{table.replace('_', '-')}-{name_part}.csv",
        mime="text/csv",
        on_click="ignore",
        key="report_csv",
        icon=":material/table:",
    )
with right:
    st.download_button(
        "Download every table (.xlsx)",
        data=partial(store().export_xlsx, assessment_id),
        file_name=f"cohesion-tables-{name_part}.xlsx",
        mime=XLSX_MIME,
        on_click="ignore",
        key="report_xlsx",
        icon=":material/grid_on:",
    )

# -- importing an assessment file -------------------------------------------------------------------

st.header("Import an assessment file")
if allowed(Operation.MANAGE_ASSESSMENTS, record.city_id) or allowed(Operation.ADMINISTER, None):
    st.markdown(
        "Add an assessment exported from this or another installation. The file is checked completely "
        "first and you see what it would add; nothing is written until you confirm."
    )
    uploaded = st.file_uploader(
        "Import an assessment file (.json)", type=["json"], max_upload_size=5, key="report_import_file"
    )
else:
    st.caption("The city's coordinators import assessment files.")
    uploaded = None
imported = st.session_state.get(IMPORTED_KEY)
if uploaded is None:
    st.session_state.pop(PLAN_KEY, None)
elif imported and imported["file_id"] == uploaded.file_id:
    made: AssessmentRecord = imported["record"]
    st.success(f"Imported “{md(made.title)}”.", icon=":material/check_circle:")
    if st.button("Open the imported assessment", key="report_import_open", icon=":material/insights:"):
        choose_assessment(made)
        st.switch_page(PAGES["results"])
else:
    try:
        plan, problems = preview_import(uploaded.getvalue(), uploaded.file_id)
    except StorageError as exc:
        plan, problems = None, []
        st.error(f"The file could not be checked: {md(str(exc))}", icon=":material/error:")
    if problems:
        show_problems("This file cannot be imported; nothing was changed.", problems)
    if plan is not None:
        with st.container(border=True):
            st.markdown("**What the import would add**")
            st.markdown("\n".join(f"- {md(line)}" for line in plan.describe()))
            st.markdown(f"Answers to import: **{len(plan.answers)}**")
            use_file: bool | None = False
            if plan.needs_profile_choice:
                profile = st.radio(
                    "The city profile in the file differs from the stored one. Which should the city keep?",
                    ["Keep the stored profile", "Update the stored profile from the file"],
                    index=None,
                    key="report_import_profile",
                )
                use_file = None if profile is None else profile.startswith("Update")
            if st.button("Import it", key="report_import_go", type="primary", disabled=use_file is None):
                added = guarded(
                    lambda: store().apply_import(plan, use_file_profile=bool(use_file)), "The file was not imported"
                )
                if added is not None:
                    identity.forget()  # a new city's importer is its coordinator
                    st.session_state[IMPORTED_KEY] = {"file_id": uploaded.file_id, "record": added}
                    st.session_state.pop(PLAN_KEY, None)
                    focus_on(inside("report_import_open", "button"))  # the next step: open what was imported
                    st.rerun()

# -- importing answers from a spreadsheet -----------------------------------------------------------

st.header("Import answers from a spreadsheet")
if record.status is AssessmentStatus.DRAFT and allowed(Operation.ANSWER, record.city_id):
    st.markdown(
        "Fill in or correct answers in the answers table (.csv, as downloaded above), then read it back "
        "into this draft. The whole file is checked first; if one row is wrong, nothing is written."
    )
    sheet = st.file_uploader("Answers table (.csv)", type=["csv"], max_upload_size=5, key="report_import_csv")
    replace = st.checkbox(
        "Replace answers that differ",
        key="report_csv_replace",
        help="Without this, a file that would change an answer already given is refused, naming the questions.",
    )
    if sheet is not None and st.button("Import the answers", key="report_csv_go", type="primary"):
        changed = guarded(
            lambda: store().import_answers_csv(assessment_id, sheet.getvalue(), replace),
            "The answers were not imported",
        )
        if changed is not None:
            st.success(
                f"{changed} answer{'' if changed == 1 else 's'} changed."
                if changed
                else "The file holds the same answers as the assessment; nothing changed.",
                icon=":material/check_circle:",
            )
elif record.status is AssessmentStatus.DRAFT:
    st.caption("Editors and coordinators of the city import answers.")
else:
    st.markdown(
        "This assessment is submitted, so its answers are frozen and cannot be imported into. "
        "To change them, reopen it as a new version."
    )
