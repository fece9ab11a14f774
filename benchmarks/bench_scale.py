"""A network on one server: what the report context, Results and Compare cost as sharing cities grow.

The demo city's draft is timed with no other city in the store, then with 500 and 5,000 cities that
share their results, each with a submitted assessment of every question (written straight into the
tables: the benchmark is about reading them). Every timed run follows a change to the draft (a saved
answer), as a team's next look at its results does, so nothing the page kept for the session
helps. The first read after the cities arrive works out their scores once (``scores_first_read_*``);
the figures after it are what every later request costs. ``BENCH_SCALE`` sets the sizes (default
"500,5000").
"""

from __future__ import annotations

import logging
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from access.accounts import Accounts
from access.roles import Role
from benchmarks.common import report
from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from questionnaire.model import Framework
from reporting.sources import context_from_facts
from scoring.records import RecordedAnswer, city_key
from storage.demo import create_demo
from storage.facts import report_facts
from storage.migrate import upgrade_database
from storage.peers import peers_of
from storage.store import Store
from storage.tables import answers, assessments, audit_events, cities

ROOT = Path(__file__).resolve().parent.parent
EMAIL = "scale@riverton.example"
REPEAT = 7
REGIONS = ("europe", "north_america")
BANDS = ("under_100k", "100k_500k", "500k_1m", "over_1m")


def _add_sharing_cities(store: Store, framework: Framework, first: int, count: int) -> None:
    """``count`` cities that share their results, each with one submitted assessment of every question."""
    now = datetime.now(UTC)
    with store.transaction() as conn:
        city_rows = [
            {
                "name": f"Peer city {n:05d}",
                "country": "Fictional",
                "region": REGIONS[n % len(REGIONS)],
                "population_band": BANDS[n % len(BANDS)],
                "challenges": [],
                "share_benchmarks": True,
                "is_demo": False,
                "created_at": now,
                "match_key": city_key(f"Peer city {n:05d}", "Fictional"),
            }
            for n in range(first, first + count)
        ]
        conn.execute(insert(cities), city_rows)
        keys = [r["match_key"] for r in city_rows]
        ids = conn.execute(select(cities.c.id).where(cities.c.match_key.in_(keys)).order_by(cities.c.id)).scalars()
        assessment_rows = [
            {
                "city_id": city_id,
                "framework_id": framework.id,
                "framework_version": framework.version,
                "title": "Shared assessment",
                "status": "submitted",
                "started_at": now - timedelta(days=30),
                "submitted_at": now - timedelta(days=2),
                "team": [],
                "targets": {},
                "version": 2,
            }
            for city_id in ids
        ]
        conn.execute(insert(assessments), assessment_rows)
        made = conn.execute(
            select(assessments.c.id).where(assessments.c.city_id.in_([r["city_id"] for r in assessment_rows]))
        ).scalars()
        conn.execute(
            insert(answers),
            [
                {
                    "assessment_id": assessment_id,
                    "question_id": question.id,
                    "status": "level",
                    "level": (assessment_id + position) % 5,
                    "evidence": "none",
                    "reason": None,
                    "note": "",
                    "links": [],
                    "answered_by": "Bench",
                    "answered_at": now,
                    "version": 1,
                    "carried_over": False,
                }
                for assessment_id in made
                for position, question in enumerate(framework.questions)
            ],
        )
        conn.execute(insert(audit_events).values(at=now, actor="Bench", action="assessment.import"))


def _after_a_change(store: Store, draft: int) -> Callable[[Callable[[], object]], float]:
    """Time ``action`` right after a saved answer on the draft (as a team's next look does)."""
    counter = iter(range(10**6))

    def timed(action: Callable[[], object]) -> float:
        n = next(counter)
        stored = {a.question_id: a for a in store.answers(draft)}.get("Q2.1")
        store.save_answer(
            draft, RecordedAnswer(question_id="Q2.1", level=n % 5), "Bench", stored.version if stored else 0
        )
        start = time.perf_counter()
        action()
        return time.perf_counter() - start

    return timed


def _app(draft: int, city: int) -> object:
    """The app under AppTest with the demo city's draft chosen and its coordinator signed in."""
    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["selected_city"] = city
    at.session_state["selected_assessment"] = draft
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "bench " * 6}
    at.user = {"is_logged_in": True, "email": EMAIL, "name": "Bench", "sub": EMAIL}
    at.run()
    return at


def _measure(store: Store, draft: int, city: int) -> dict[str, float]:
    """Median seconds of the report context, the Results page and the Compare page after a change."""
    from app_pages.common import PAGES

    timed = _after_a_change(store, draft)
    figures = {
        "context": statistics.median(
            timed(lambda: context_from_facts(report_facts(store, draft))) for _ in range(REPEAT)
        )
    }
    at = _app(draft, city)
    for name in ("results", "compare"):
        at.switch_page(PAGES[name]).run()  # type: ignore[attr-defined]
        if at.exception:  # type: ignore[attr-defined]
            raise RuntimeError(f"the {name} page failed: {at.exception[0].message}")  # type: ignore[attr-defined]
        figures[name] = statistics.median(timed(at.run) for _ in range(REPEAT))  # type: ignore[attr-defined]
    return figures


def main() -> None:
    """Time the report context, Results and Compare at each network size; write results/scale.json."""
    frameworks = load_frameworks()
    sizes = [int(s) for s in os.environ.get("BENCH_SCALE", "500,5000").split(",")]
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade_database(url)
        os.environ["DATABASE_URL"] = url
        store = Store.open(url, frameworks)
        draft = create_demo(store, frameworks[DEFAULT_FRAMEWORK_ID], "Bench")[-1]
        framework = store.framework_of(draft)
        people = Accounts(store)
        bench = people.add(EMAIL, "Bench", "Bench", password="a seat that sits by the river")
        people.add_member(bench.id, draft.city_id or 0, Role.COORDINATOR, "Bench")

        base = _measure(store, draft.id or 0, draft.city_id or 0)
        figures.update({f"{name}_0_s": value for name, value in base.items()})
        present = 0
        for size in sizes:
            _add_sharing_cities(store, framework, present, size - present)
            present = size
            start = time.perf_counter()
            shared = len(peers_of(store, framework, exclude_city=draft.city_id))
            figures[f"scores_first_read_{size}_s"] = time.perf_counter() - start
            if shared != size:
                raise RuntimeError(f"expected {size} peers, read {shared}")
            measured = _measure(store, draft.id or 0, draft.city_id or 0)
            for name, value in measured.items():
                figures[f"{name}_{size}_s"] = value
                figures[f"{name}_{size}_over_0_ratio"] = value / base[name]
        store.engine.dispose()

    goals = {}
    for name in ("context", "results", "compare"):
        goals[f"{name}_500_over_0_ratio"] = "≤ 1.2"
        goals[f"{name}_5000_over_0_ratio"] = "≤ 2.0"
    report("scale", figures, goals)


if __name__ == "__main__":
    main()
