"""The Plan page of a city with a long plan: 500 actions, each addressing one to three questions, in
every status, owned by members, partners or nobody, with due dates spread over three years. Timed:
reading the plan from the store, turning it into the page's rows (pure), and the page's whole run
under AppTest as a coordinator sees it, an action open: a rerun with nothing changed, and one
with the table filtered to the open actions that are overdue."""

from __future__ import annotations

import logging
import os
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from access.accounts import Accounts
from access.roles import Role
from app_pages.common import OPEN_ACTION_KEY
from benchmarks.common import median_seconds, report
from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from scoring.actions import Action, ActionStatus, ActionTarget, Priority
from scoring.plan import plan_rows
from scoring.records import City
from storage.actions import Actions
from storage.migrate import upgrade_database
from storage.store import Store

ROOT = Path(__file__).resolve().parent.parent
ACTIONS = 500
EMAIL = "lead@bench.example"


def _seeded(url: str) -> tuple[Store, int, int]:
    """A city with a draft assessment, five members and ``ACTIONS`` actions; its id and the draft's."""
    upgrade_database(url)
    frameworks = load_frameworks()
    framework = frameworks[DEFAULT_FRAMEWORK_ID]
    store = Store.open(url, frameworks)
    city = store.create_city(City(name="Bench", country="Fictional", region="europe", population_band="100k_500k"), "b")
    draft = store.start_assessment(city.id or 0, "Plan", "b", framework_id=framework.id)
    people = Accounts(store)
    lead = people.add(EMAIL, "Lead", "b")
    people.add_member(lead.id, city.id or 0, Role.COORDINATOR, "b")
    members = [lead.id]
    for n in range(4):
        account = people.add(f"m{n}@bench.example", f"Member {n}", "b")
        people.add_member(account.id, city.id or 0, Role.EDITOR, "b")
        members.append(account.id)
    by = people.actor(lead.id)
    plan = Actions(store)
    rng = random.Random(16)
    questions = [q.id for q in framework.questions]
    start = date.today() - timedelta(days=365)
    for n in range(ACTIONS):
        status = rng.choice(
            [
                *[ActionStatus.PLANNED] * 3,
                *[ActionStatus.IN_PROGRESS] * 3,
                *[ActionStatus.DONE] * 3,
                ActionStatus.DROPPED,
            ]
        )
        owner = rng.random()
        begins = start + timedelta(days=rng.randrange(0, 700))
        action = Action(
            title=f"Action {n}: a rota, a training day or a partnership",
            description="What the team agreed to do, and why. " * 3,
            targets=tuple(
                ActionTarget(question_id=q, target_level=rng.randrange(2, 5))
                for q in rng.sample(questions, rng.randrange(1, 4))
            ),
            owner_account_id=rng.choice(members) if owner < 0.6 else None,
            owner_partner="Youth services trust" if 0.6 <= owner < 0.85 else "",
            start_on=begins,
            due_on=begins + timedelta(days=rng.randrange(30, 400)),
            status=status,
            done_on=begins + timedelta(days=20) if status is ActionStatus.DONE else None,
            dropped_reason="Folded into the youth strategy." if status is ActionStatus.DROPPED else "",
            priority=rng.choice(list(Priority)),
            money_planned=float(rng.randrange(0, 50_000)),
            staff_days_planned=float(rng.randrange(0, 60)),
        )
        plan.add(city.id or 0, action, by)
    return store, city.id or 0, draft.id or 0


def main() -> None:
    """Time reading the plan, its rows and the page; write benchmarks/results/plan.json."""
    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        store, city_id, draft = _seeded(url)
        lead = Accounts(store).find(EMAIL)
        assert lead is not None
        actor = Accounts(store).actor(lead.id)
        plan = Actions(store)
        stored = plan.of(city_id, actor)
        owners = plan.owners(city_id, actor)
        framework = store.frameworks[DEFAULT_FRAMEWORK_ID]
        theme_of = {q.id: t.id for t in framework.themes for q in t.questions}
        read = median_seconds(lambda: plan.of(city_id, actor), repeat=10)
        rows = median_seconds(lambda: plan_rows(stored, owners, theme_of, date.today()), repeat=10)

        os.environ["DATABASE_URL"] = url
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.query_params["city"], at.query_params["assessment"] = str(city_id), str(draft)
        at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "bench " * 6}
        at.user = {"is_logged_in": True, "email": EMAIL, "name": "Lead", "sub": EMAIL}
        at.run()
        at.switch_page("app_pages/plan.py").run()
        if at.exception:
            raise RuntimeError(f"the Plan page failed: {at.exception[0].message}")
        page = median_seconds(at.run, repeat=10)
        at.multiselect(key="plan_filter_status").set_value(["planned", "in_progress"])
        at.checkbox(key="plan_filter_overdue").check()
        at.session_state[OPEN_ACTION_KEY] = stored[len(stored) // 2].id
        at.run()
        if at.exception:
            raise RuntimeError(f"the filtered Plan page failed: {at.exception[0].message}")
        filtered = median_seconds(at.run, repeat=10)
    figures = {
        "actions": float(len(stored)),
        "read_plan_s": read,
        "plan_rows_s": rows,
        "plan_page_run_s": page,
        "plan_page_run_overdue_only_s": filtered,
    }
    report("plan", figures, goals={"plan_page_run_s": "≤ 0.150 s", "plan_page_run_overdue_only_s": "≤ 0.150 s"})


if __name__ == "__main__":
    main()
