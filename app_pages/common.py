"""What every page shares: the store as the signed-in person may use it, the report renderer, and
where the team is.

Engines and the chart exporter live once per server process (``st.cache_resource``); a database
session is opened per operation inside the store. Pages reach the store only through ``store()``,
which checks every operation against the signed-in person's roles (``access.guard``). The chosen
city and assessment are kept in the session and mirrored in the URL (``?city=…&assessment=…``), so a
reload comes back to the same place; a shared link opens nothing for someone who is not a member.
"""

from __future__ import annotations

import functools
import gc
import logging
import os
import re
import uuid
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, date, datetime, timezone
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st
from pydantic import ValidationError
from streamlit.runtime.scriptrunner import get_script_run_ctx

from access.accounts import Accounts
from access.guard import GuardedStore
from access.roles import Actor, NotAllowed, Operation, may
from app_pages import identity
from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from questionnaire.model import Framework
from questionnaire.problems import first_problem
from reporting.charts import WARM_TABS, ChartExporter
from reporting.pdf import ReportError, ReportRenderer
from reporting.prepared import PreparedReports
from scoring.records import AssessmentRecord, City
from storage.actions import Actions
from storage.config import database_url
from storage.errors import NotFound, StorageError
from storage.migrate import upgrade_database
from storage.rounds import Rounds
from storage.store import Store

log = logging.getLogger("cohesion.app")
T = TypeVar("T")
REMEMBERED_KEY, REMEMBERED_MAX = "remembered", 12
WARM_START_SETTING = "REPORT_WARM_START"

OPEN_ACTION_KEY = "plan_open"  # the action the Plan page opens with (Results sets it after adding one)
FOCUS_FIRST_QUESTION = "questionnaire_focus_first"  # set when a page opens a new assessment's questions
PAGES = {
    "sign_in": "app_pages/sign_in.py",
    "account": "app_pages/account.py",
    "home": "app_pages/home.py",
    "city": "app_pages/city.py",
    "members": "app_pages/members.py",
    "network": "app_pages/network.py",
    "questionnaire": "app_pages/questionnaire.py",
    "results": "app_pages/results.py",
    "workshop": "app_pages/workshop.py",
    "guest": "app_pages/guest.py",
    "compare": "app_pages/compare.py",
    "report": "app_pages/report.py",
    "framework": "app_pages/framework.py",
    "practices": "app_pages/practices.py",
    "plan": "app_pages/plan.py",
}


@st.cache_resource
def frameworks() -> dict[str, Framework]:
    """Every installed framework, by id (immutable; shared by every session)."""
    return load_frameworks()


def current_framework() -> Framework:
    """The framework new assessments use."""
    return frameworks()[DEFAULT_FRAMEWORK_ID]


@st.cache_resource
def backing_store() -> Store:
    """The store at ``DATABASE_URL`` (or the local SQLite file), brought to the newest schema once.
    Pages use ``store()``; this is for signing in and for the guard."""
    url = database_url()
    upgrade_database(url)
    return Store.open(url, frameworks())


@st.cache_resource
def accounts() -> Accounts:
    """The accounts of the deployment."""
    return Accounts(backing_store())


@st.cache_resource
def rounds() -> Rounds:
    """The workshop rounds of the deployment (each step checks the person who asks)."""
    return Rounds(backing_store())


@st.cache_resource
def actions() -> Actions:
    """The cities' action plans (each step checks the person who asks)."""
    return Actions(backing_store())


def today() -> date:
    """Today's date on the person's own clock (the browser's time zone)."""
    return in_zone(datetime.now(UTC), st.context.timezone).date()


def actor() -> Actor | None:
    """The signed-in person, asked of the database (see ``app_pages.identity``)."""
    return identity.signed_in(accounts())


def store() -> GuardedStore:
    """The store as the signed-in person may use it; every operation is checked there."""
    person = actor()
    if person is None:
        raise NotAllowed("You are signed out, so nothing was read or changed. Reload the page to sign in again.")
    return GuardedStore(backing_store(), person)


def allowed(operation: Operation, city_id: int | None) -> bool:
    """Whether the signed-in person may do ``operation`` in ``city_id`` (for what a page offers; the
    store checks again whatever is asked of it)."""
    person = actor()
    return person is not None and may(person, operation, city_id)


@st.cache_resource
def renderer() -> ReportRenderer:
    """The report renderer: one Chromium for charts and one layout worker for the whole server."""
    made = ReportRenderer(ChartExporter(tabs=WARM_TABS))
    made.exporter.start()
    return made


@st.cache_resource
def settle_memory() -> bool:
    """Once per server process, after the first run has loaded what every run shares (the modules, the
    frameworks, the store's engine): set it aside from Python's garbage collector (``gc.freeze``), so that
    a full collection scans what the sessions made since, not the whole program. A full collection of
    everything took a quarter second, and every other person's page waits for it."""
    gc.collect()
    gc.freeze()
    return True


def start_reports() -> None:
    """Start the renderer (Chromium and the layout worker, in the background) when the app first runs in this
    server process, whoever opens it, so that the first report is made as fast as the next ones; with
    ``REPORT_WARM_START=0`` they start with the first report instead."""
    if os.environ.get(WARM_START_SETTING, "1").strip() == "0":
        return
    try:
        renderer()
    except Exception:  # noqa: BLE001 - the Report page tries again and says what went wrong
        log.exception("the report renderer could not be started ahead")


@st.cache_resource
def prepared_reports() -> PreparedReports:
    """Report PDFs made in the background when the Report page opens, kept by what they show."""
    return PreparedReports(renderer().render, failure=(ReportError,))


_MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:")
WORD_JOINER = "\u2060"
_LINK_STARTS = re.compile(r"(?i)(www)(\.)|(:)(//)|(@)()")


def md(text: str) -> str:
    """User text made inert for ``st.markdown``: every markdown character escaped, so a name can
    never become a link, an image, a heading or a formula. Streamlit also turns text that looks like
    an address ("www.", "https://", an email) into a link after reading the markdown, escapes or not;
    an invisible word joiner inside each such start keeps it plain text."""
    unlinked = _LINK_STARTS.sub(lambda m: WORD_JOINER.join(g for g in m.groups() if g is not None), text)
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in unlinked).replace("\n", "  \n")


def _selected(name: str) -> int | None:
    """The chosen city or assessment id: this session's choice, else the one in the URL (after a reload)."""
    value = st.session_state.get(f"selected_{name}")
    if value is None:
        raw = st.query_params.get(name)
        value = int(raw) if raw is not None and raw.isdigit() else None
        st.session_state[f"selected_{name}"] = value
    return int(value) if value is not None else None


def _select(name: str, value: int | None) -> None:
    st.session_state[f"selected_{name}"] = value
    if value is None:
        st.query_params.pop(name, None)
    else:
        st.query_params[name] = str(value)


def keep_place_in_url() -> None:
    """Put the chosen city and assessment back into the URL (page navigation clears it), so a reload
    comes back to the same place."""
    for name in ("city", "assessment"):
        value = _selected(name)
        if value is not None and st.query_params.get(name) != str(value):
            st.query_params[name] = str(value)


def choose_city(city_id: int | None) -> None:
    """Make ``city_id`` the city the pages work on (and forget the assessment of another city)."""
    _select("city", city_id)
    _select("assessment", None)


def choose_assessment(record: AssessmentRecord) -> None:
    """Make ``record`` the assessment the pages work on."""
    _select("city", record.city_id)
    _select("assessment", record.id)


def current_city() -> City | None:
    """The city chosen in the URL, if it exists."""
    city_id = _selected("city")
    if city_id is None:
        return None
    try:
        return store().city(city_id)
    except (NotFound, NotAllowed):  # gone, or another city's: nothing of it is shown
        return None


def current_assessment() -> AssessmentRecord | None:
    """The assessment chosen in the URL, if it exists and belongs to the chosen city."""
    assessment_id = _selected("assessment")
    if assessment_id is None:
        return None
    try:
        record = store().assessment(assessment_id)
    except (NotFound, NotAllowed):
        return None
    city = _selected("city")
    return record if city is None or record.city_id == city else None


def require_assessment(purpose: str) -> AssessmentRecord:
    """The chosen assessment, or a pointer to Home and a stop."""
    record = current_assessment()
    if record is None:
        st.info(f"Choose a city and an assessment on the Home page first, {purpose}.")
        st.page_link(PAGES["home"], label="Go to Home", icon=":material/home:")
        st.stop()
    require_reading(record.city_id)
    return record


def require_reading(city_id: int | None) -> None:
    """Stop the page, saying why, when the signed-in person sees that the city exists but may not read
    its answers (a network administrator who is not a member)."""
    if not allowed(Operation.READ, city_id):
        st.info(
            "Only the city's members see its answers, results and reports. A network administrator "
            "who needs them asks the city's coordinator to be added as a member."
        )
        st.stop()


def invitation_link(token: str) -> str:
    """The address of a one-time invitation link on this server, as the browser reached it."""
    here = urlsplit(st.context.url or "")
    origin = f"{here.scheme}://{here.netloc}" if here.netloc else ""
    return f"{origin}/invitation?token={token}"


def attempt(action: Callable[[], T], failure: str) -> T | None:
    """Run a store action; a refusal becomes a red message (store errors are written for users)."""
    try:
        return action()
    except (StorageError, NotAllowed) as exc:
        st.error(f"{failure}: {md(str(exc))}")
    except ValidationError as exc:
        st.error(f"{failure}: {md(first_problem(exc)[1])}")
    return None


def remembered(name: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept for this browser session until anyone changes anything in the store.

    Pages rebuild on every click; what they work out from stored answers (scores, comparisons,
    charts) is worked out again only after a change, from this session or any other.
    """
    version = backing_store().change_count()
    kept: dict[str, tuple[int, Any]] = st.session_state.setdefault(REMEMBERED_KEY, {})
    if name in kept and kept[name][0] == version:
        return kept[name][1]  # type: ignore[no-any-return]
    value = compute()
    kept.pop(name, None)
    kept[name] = (version, value)
    while len(kept) > REMEMBERED_MAX:
        kept.pop(next(iter(kept)))  # the least recently worked out
    return value


def show_incident(exc: BaseException) -> None:
    """The last line of defence: an incident number, never a traceback."""
    st.error(
        f"Something went wrong on this page (incident {incident(exc)}). Your saved answers are safe. "
        "Reload the page to continue; if it happens again, give your administrator the incident number."
    )


def guarded_fragment(name: str, body: Callable[..., None]) -> Callable[..., None]:
    """``body`` as a fragment called ``name`` (``st.rerun([name])`` in a widget callback reruns it), with
    the app's safety net on its own reruns, which do not pass through the app's: an unexpected error
    shows an incident number, and someone signed out meanwhile gets the whole app again (its sign-in)."""

    @functools.wraps(body)
    def guarded(*args: Any, **kwargs: Any) -> None:
        try:
            if fragment_rerun() and actor() is None:  # a whole-page run has asked already
                st.rerun()
            body(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - no traceback reaches the user
            show_incident(exc)

    return st.fragment(key=name)(guarded)  # type: ignore[no-any-return]


def fragment_rerun() -> bool:
    """Whether this run reruns fragments alone (a widget inside one was used), not the whole page."""
    context = get_script_run_ctx()
    return bool(context is not None and context.fragment_ids_this_run)


def incident(exc: BaseException) -> str:
    """Log an unexpected error with a short id the user can quote, and return the id."""
    code = uuid.uuid4().hex[:8]
    log.error("incident %s", code, exc_info=(type(exc), exc, exc.__traceback__))
    return code


def show_chart(figure: Any, key: str, level: int = 2) -> None:
    """A plotly figure from ``reporting.figures`` under its title (a heading of ``level``, 2 or 3);
    its toolbar downloads PNG."""
    heading = st.header if level == 2 else st.subheader
    heading(figure.layout.meta["title"])
    st.plotly_chart(figure, key=key, config={"displaylogo": False})


def in_zone(moment: datetime, zone_name: str | None) -> datetime:
    """A stored moment (UTC; naive ones are UTC too) in the named time zone, or in UTC when the name
    is missing or unknown."""
    zone: ZoneInfo | timezone = UTC
    with suppress(ZoneInfoNotFoundError, ValueError):  # an unknown or malformed zone: stay on UTC
        zone = ZoneInfo(zone_name or "UTC")
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)


def local_time(moment: datetime) -> str:
    """A stored moment as the person's own clock shows it (the browser's time zone):
    "02 Dec 2026, 14:03:27 CET"."""
    local = in_zone(moment, st.context.timezone)
    return f"{local:%d %b %Y, %H:%M:%S} {local.tzname()}"


def local_date(moment: datetime) -> str:
    """A stored moment's date in the person's own time zone: "2026-12-02"."""
    return f"{in_zone(moment, st.context.timezone):%Y-%m-%d}"


def status_label(record: AssessmentRecord) -> str:
    """ "Draft" or "Submitted 2026-03-04"."""
    if record.submitted_at:
        return f"Submitted {local_date(record.submitted_at)}"
    return "Draft"
