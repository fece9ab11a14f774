"""The divergence view of a large workshop round: 12 respondents answering every question of the
framework (82). Timed: working out the spread and the agreement (pure pandas), the Workshop page's
whole run under AppTest as a coordinator sees the closed round, and the round's trip through the
portable file (export, the import's checks, and the import into a second database)."""

from __future__ import annotations

import logging
import os
import random
import tempfile
from pathlib import Path

import pandas as pd

from access.accounts import Accounts
from access.roles import Role
from benchmarks.common import median_seconds, report
from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from scoring.divergence import agreement, divergence_table
from scoring.records import City
from storage.migrate import upgrade_database
from storage.rounds import Rounds
from storage.store import Store
from storage.transfer import apply_import, export_json, plan_import

ROOT = Path(__file__).resolve().parent.parent
RESPONDENTS = 12
EMAIL = "lead@bench.example"


def _seeded(url: str) -> tuple[Store, int, int]:
    """A city whose draft has a closed round of ``RESPONDENTS`` who answered every question."""
    upgrade_database(url)
    frameworks = load_frameworks()
    framework = frameworks[DEFAULT_FRAMEWORK_ID]
    store = Store.open(url, frameworks)
    city = store.create_city(City(name="Bench", country="Fictional", region="europe", population_band="100k_500k"), "b")
    draft = store.start_assessment(city.id or 0, "Round", "b", framework_id=framework.id)
    people = Accounts(store)
    lead = people.add(EMAIL, "Lead", "b")
    people.add_member(lead.id, city.id or 0, Role.COORDINATOR, "b")
    respondents = {}
    for n in range(RESPONDENTS):
        account = people.add(f"r{n}@bench.example", f"Respondent {n}", "b")
        people.add_member(account.id, city.id or 0, Role.EDITOR, "b")
        respondents[account.id] = ("Police", "Social services", "Schools")[n % 3]
    rounds = Rounds(store)
    made = rounds.open_round(draft.id or 0, respondents, people.actor(lead.id))
    rng = random.Random(12)
    for account_id in respondents:
        voice = people.actor(account_id)
        for question in framework.questions:
            if rng.random() < 0.08:
                rounds.answer(made.id, question.id, "dont_know", None, "", voice)
            else:
                rounds.answer(made.id, question.id, "level", rng.choice([1, 2, 2, 3, 3, 4]), "A short note.", voice)
    rounds.close(made.id, people.actor(lead.id))
    return store, draft.id or 0, made.id


def main() -> None:
    """Time the spread and the page; write benchmarks/results/workshop.json."""
    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        store, draft, round_id = _seeded(url)
        lead = Accounts(store).find(EMAIL)
        assert lead is not None
        actor = Accounts(store).actor(lead.id)
        answers = Rounds(store).answers(round_id, actor)
        frame = pd.DataFrame(
            [
                {
                    "question_id": a.question_id,
                    "respondent": a.respondent.account_id,
                    "status": a.status,
                    "level": a.level,
                }
                for a in answers
            ]
        )
        spread = median_seconds(lambda: divergence_table(frame), repeat=20)
        alpha = median_seconds(lambda: agreement(frame), repeat=20)
        read = median_seconds(lambda: Rounds(store).answers(round_id, actor), repeat=10)
        exported = export_json(store, draft, actor)
        export = median_seconds(lambda: export_json(store, draft, actor), repeat=10)
        elsewhere_url = f"sqlite:///{Path(folder) / 'elsewhere.db'}"
        upgrade_database(elsewhere_url)
        elsewhere = Store.open(elsewhere_url, load_frameworks())
        checks = median_seconds(lambda: plan_import(elsewhere, exported), repeat=10)
        imported = median_seconds(lambda: apply_import(elsewhere, plan_import(elsewhere, exported), "b"), repeat=1)

        os.environ["DATABASE_URL"] = url
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        record = store.assessment(draft)
        at.query_params["city"], at.query_params["assessment"] = str(record.city_id), str(draft)
        at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "bench " * 6}
        at.user = {"is_logged_in": True, "email": EMAIL, "name": "Lead", "sub": EMAIL}
        at.run()
        at.switch_page("app_pages/workshop.py").run()
        if at.exception:
            raise RuntimeError(f"the Workshop page failed: {at.exception[0].message}")
        page = median_seconds(at.run, repeat=5)
    figures = {
        "round_answers": float(len(answers)),
        "spread_table_s": spread,
        "agreement_s": alpha,
        "read_answers_s": read,
        "workshop_page_run_s": page,
        "file_kb": len(exported) / 1024,
        "export_json_s": export,
        "plan_import_s": checks,
        "apply_import_s": imported,
    }
    report("workshop", figures, goals={"workshop_page_run_s": "≤ 0.300 s"})


if __name__ == "__main__":
    main()
