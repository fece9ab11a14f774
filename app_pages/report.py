"""Report and data: the PDF gap report, the assessment's data as JSON, CSV and Excel, and imports.

The PDF is made in the background as soon as the page opens (charts and layout take seconds) and kept
by what it shows, for every member of the city, until anything in it changes; a report that cannot be
made says why. Downloads never rerun the page. An import is checked completely and previewed before anything is written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import partial
from typing import TypeVar

import streamlit as st

from access.roles import NotAllowed, Operation
from app_pages import identity
from app_pages.access import focus_on, inside
from app_pages.common import (
    PAGES,
    allowed,
    attempt,
    choose_assessment,
    local_time,
    md,
    prepared_reports,
    remembered,
    require_assessment,
    store,
)
from reporting.context import ReportVariant
from reporting.prepared import Prepared, Readiness
from scoring.records import AssessmentRecord, AssessmentStatus
from storage.errors import ImportRefused, StorageError
from storage.transfer import (
    EXPORT_TABLES,
    ImportPlan,
)

T = TypeVar("T")
POLL_SECONDS = 0.25
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


def show_pdf(key: str, file_name: str) -> None:
    """The report's state: being made (the page looks again every quarter second), ready to download, or
    failed with why and a way to try again."""
    pending = (prepared_reports().state(key) or Prepared(Readiness.PENDING)).readiness is Readiness.PENDING
    st.fragment(run_every=POLL_SECONDS if pending else None)(_pdf_state)(key, file_name, pending)


def _pdf_state(key: str, file_name: str, was_pending: bool) -> None:
    state = prepared_reports().state(key) or Prepared(Readiness.PENDING)
    if state.readiness is Readiness.PENDING:
        st.info(
            "Making the report: drawing the charts and laying out the pages. It is ready in a few seconds; "
            "you can go on with anything else meanwhile.",
            icon=":material/hourglass_top:",
        )
    elif was_pending:
        st.rerun()  # ready or failed: show it with the whole page, which stops looking again
    elif state.readiness is Readiness.READY:
        with st.container(key="report_ready"):
            made = f" at {local_time(state.made_at)}" if state.made_at else ""
            st.success(
                f"The report is ready, made{made} from the answers as they are now. Download it here.",
                icon=":material/check_circle:",
            )
            st.download_button(
                "Download the PDF report",
                data=state.pdf,
                file_name=file_name,
                mime="application/pdf",
                on_click="ignore",
                key="report_pdf",
                type="primary",
                icon=":material/picture_as_pdf:",
            )
    else:
        st.error(state.problem, icon=":material/error:")
        if st.button("Try again", key="report_pdf_make", icon=":material/refresh:"):
            prepared_reports().forget(key)
            st.rerun()


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
    "them, and practices from peer cities. The report is made as soon as this page opens and is ready to "
    "download a few seconds later; it stays ready until something in it changes."
)
variant = st.radio(
    "Which report",
    options=list(ReportVariant),
    format_func=lambda v: v.label,
    captions=[v.description for v in ReportVariant],
    key="report_pdf_variant",
    persist_state="session",
)
context = attempt(
    lambda: remembered(
        f"report_context_{assessment_id}_{variant.value}",
        lambda: store().report_context(assessment_id, variant=variant),
    ),
    "The report could not be made",
)
if context is not None:
    show_pdf(
        prepared_reports().request(context),
        f"cohesion-report-{'' if variant is ReportVariant.FULL else 'summary-'}{name_part}.pdf",
    )

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
