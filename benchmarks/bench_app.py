"""How the app feels: a click on a level until the page shows it saved, and each page's script run.

The click is timed inside a real Chromium (`/usr/bin/chromium`, in the idle scheduling class as if on the
person's own computer: see ``benchmarks.common.browsers_idle``) against `streamlit run` on loopback:
from the browser's click event to the moment a new "Saved at" line is on the page. The page runs
are timed under AppTest on the demo city, with a city and an assessment chosen and the person signed
in (in the browser with a password; under AppTest through ``AppTest.user``, as a city's identity
provider signs people in).
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from access.accounts import Accounts
from access.roles import Role
from app_pages.common import PAGES, prepared_reports
from benchmarks.common import browsers_idle, median_seconds, report
from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from questionnaire.model import Framework, text_in
from scoring.records import AssessmentStatus, City
from storage.demo import create_demo
from storage.migrate import upgrade_database
from storage.store import Store

ROOT = Path(__file__).resolve().parent.parent
THEMES_CLICKED = 3
EMAIL, PASSWORD = "timer@riverton.example", "a seat that sits by the river"
WATCH_SAVE = """(before) => {
  window.benchClick = null;
  window.benchSaved = null;
  document.addEventListener("click", () => { window.benchClick = performance.now(); }, {capture: true, once: true});
  const saved = () => Array.from(
    document.querySelectorAll('[data-testid="stElementContainer"]:not([data-stale="true"])')
  ).filter((e) => e.textContent.toLowerCase().includes("saved at")).length;
  const watcher = new MutationObserver(() => {
    if (window.benchSaved === null && saved() > before) {
      window.benchSaved = performance.now();
      watcher.disconnect();
    }
  });
  watcher.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(url: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`streamlit run app.py` on a free loopback port; returns the process and its address once healthy."""
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", "server.py", "--server.headless", "true"]
    command += ["--server.address", "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none"]
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, stdout=out, stderr=out)
    address = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{address}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return server, address
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"the app did not start:\n{log.read_text()}")


def _click_to_saved(address: str, framework: Framework, city_id: int, assessment_id: int) -> list[float]:
    """Seconds from each click on a level to its "Saved at" line, over the first themes' questions."""
    from playwright.sync_api import sync_playwright

    times = []
    with browsers_idle():  # as on the person's own computer
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=["--no-sandbox"]
        )
    try:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(f"{address}/questionnaire?city={city_id}&assessment={assessment_id}")  # to sign-in first
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        current = page.locator('[data-testid="stElementContainer"]:not([data-stale="true"])')
        for number, theme in enumerate(framework.themes[:THEMES_CLICKED]):
            for before, question in enumerate(theme.questions):  # answers already saved in this theme
                descriptor = question.descriptors[(number + 2) % len(question.descriptors)]
                level = text_in(framework.level(descriptor.level).name)
                target = current.get_by_text(f"{descriptor.level} · {level}: {text_in(descriptor.text)}", exact=True)
                target.wait_for(timeout=30_000)
                page.evaluate(WATCH_SAVE, before)
                target.click()
                page.wait_for_function("window.benchSaved !== null", timeout=30_000, polling=50)
                times.append(page.evaluate("(window.benchSaved - window.benchClick) / 1000"))
            if number + 1 < THEMES_CLICKED:
                current.get_by_role("button", name=f"{framework.themes[number + 1].id} ·").click()
                page.get_by_role("heading", name=framework.themes[number + 1].id).first.wait_for(timeout=30_000)
        browser.close()
    finally:
        playwright.stop()
    return times


def _page_runs(store: Store) -> dict[str, float]:
    """Median script run of each page under AppTest, in seconds: a rerun with nothing changed, and the
    first run after a change to the store (a colleague's target edit), when scores are worked out again."""
    from streamlit.testing.v1 import AppTest

    quiet = "streamlit.runtime.scriptrunner_utils.script_run_context"  # warns on every run outside a server
    logging.getLogger(quiet).setLevel(logging.ERROR)
    draft = next(a for a in store.assessments() if a.status is AssessmentStatus.DRAFT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["selected_city"] = draft.city_id
    at.session_state["selected_assessment"] = draft.id
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "bench " * 6}
    at.user = {"is_logged_in": True, "email": EMAIL, "name": "Bench", "sub": EMAIL}
    at.run()
    runs = {}
    for name, path in PAGES.items():
        if name in {"sign_in", "guest"}:  # not pages for a signed-in member of a city
            continue
        at.switch_page(path).run()
        if at.exception:
            raise RuntimeError(f"the {name} page failed: {at.exception[0].message}")
        runs[f"page_run_{name}_s"] = median_seconds(at.run, repeat=10)
        after_change = []
        for n in range(10):
            store.set_targets(draft.id or 0, {"T1": 50 + n}, "Bench")
            after_change.append(median_seconds(at.run, repeat=1))
        runs[f"page_run_{name}_after_change_s"] = statistics.median(after_change)
        if name == "report":  # it made a report of each change in the background: let those finish first
            prepared_reports().close()
            prepared_reports.clear()
    return runs


def main() -> None:
    """Time clicks in a real browser and page runs under AppTest; write benchmarks/results/app.json."""
    frameworks = load_frameworks()
    framework = frameworks[DEFAULT_FRAMEWORK_ID]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade_database(url)
        store = Store.open(url, frameworks)
        create_demo(store, framework, "Bench")
        city = store.create_city(
            City(name="Click city", country="Fictional", region="europe", population_band="100k_500k"), "Bench"
        )
        blank = store.start_assessment(city.id or 0, "Clicks", "Bench", framework_id=framework.id)
        people = Accounts(store)
        bench = people.add(EMAIL, "Bench", "Bench", password=PASSWORD, network_admin=True)
        for each in store.cities():
            people.add_member(bench.id, each.id or 0, Role.COORDINATOR, "Bench")

        server, address = serve(url, Path(folder) / "streamlit.log")
        try:
            clicks = _click_to_saved(address, framework, city.id or 0, blank.id or 0)
        finally:
            server.terminate()
            server.wait(timeout=20)
        os.environ["DATABASE_URL"] = url
        runs = _page_runs(store)

    figures = {
        "clicks": float(len(clicks)),
        "click_to_saved_median_s": statistics.median(clicks),
        "click_to_saved_max_s": max(clicks),
        **runs,
        "page_run_slowest_s": max(v for k, v in runs.items() if not k.endswith("_after_change_s")),
    }
    goals = {"click_to_saved_median_s": "≤ 0.200 s", "page_run_slowest_s": "≤ 0.100 s (each page)"}
    plain_runs = [name for name in runs if not name.endswith("_after_change_s")]
    report("app", figures, goals={**goals, **dict.fromkeys(plain_runs, "≤ 0.100 s")})


if __name__ == "__main__":
    main()
