"""Eight people answering at once against one app server, on SQLite and then on PostgreSQL.

Eight browser sessions (contexts of one headless Chromium, `/usr/bin/chromium`, driven by
Playwright's async API) sign in as eight members of four cities, two per city on the same draft
(one answers the first six themes, the other the last six, as a workshop splits them), and answer
question after question for ``BENCH_LOAD_SECONDS`` (default 120) against one ``streamlit run``
process. Each click on a level is timed inside the browser, from the click event to the moment the
question's "… saved at … by …" line shows the new save; a refusal shown in the question's box, or
nothing within 30 s, counts as a failure. Between clicks a person pauses ``BENCH_LOAD_THINK_SECONDS``
(default 0.5 s: far quicker than anyone reads a question, so this is a stress load).

Two figures help read the timings on one machine, where the eight pages and the server share the
cores: ``*_rerun_on_wire_s``, the click's rerun as the browser's network process sees it (its
request out to the server's "script finished" back, without the page's drawing), and
``server_cores_busy``, the app process's CPU time over the run's length.
``BENCH_LOAD_SESSIONS`` runs fewer sessions (to compare with one person alone).

People's browsers run on their own computers, not on the app server's. Here they share its two
cores, so they run in Linux's idle scheduling class (``benchmarks.common.browsers_idle``): the server
gets the processor whenever it has work, as it would on its own machine, while the browsers' drawing
still takes what is left.

Afterwards the database is read: ``answers_lost`` counts the questions (by assessment) whose last
save a session saw confirmed but whose stored level is another one or missing, and
``audited_saves`` the audit trail's saves, which should equal ``answers_saved``. Writes
benchmarks/results/load.json.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from access.accounts import Accounts
from access.roles import Role
from benchmarks.bench_app import serve
from benchmarks.common import BROWSER_PRIORITY, RESULTS, browsers_idle
from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from questionnaire.model import Framework, Question, Theme, text_in
from scoring.records import City
from storage.migrate import upgrade_database
from storage.store import Store

SESSIONS, CITIES = 8, 4
PASSWORD = "eight people answer at once"
GOAL_P95_S = 0.4
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-timer-throttling"]
CHROMIUM_ARGS += ["--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"]
LIVE = '[data-testid="stElementContainer"]:not([data-stale="true"])'
LOOK = """(box) => {
  const found = document.querySelector(box);
  if (!found) return null;
  const live = Array.from(found.querySelectorAll('LIVE'));
  if (live.some((e) => e.querySelector('[role="alert"]'))) return {outcome: "refused"};
  const line = live.map((e) => e.textContent).find((t) => t.includes("saved at"));
  return {outcome: null, line: line === undefined ? "" : line};
}""".replace("LIVE", LIVE)
WATCH = """([box, before]) => {
  const look = LOOK;
  window.benchClick = null;
  window.benchDone = null;
  window.benchOutcome = null;
  document.addEventListener("click", () => { window.benchClick = performance.now(); }, {capture: true, once: true});
  const watcher = new MutationObserver(() => {
    if (window.benchClick === null || window.benchOutcome !== null) return;
    const seen = look(box);
    const outcome = seen && (seen.outcome || (seen.line && seen.line !== before ? "saved" : null));
    if (outcome) {
      window.benchOutcome = outcome;
      window.benchDone = performance.now();
      watcher.disconnect();
    }
  });
  watcher.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
}""".replace("LOOK", LOOK)


@dataclass
class Person:
    """One browser session: who signs in, where, and which themes they answer."""

    email: str
    city_id: int
    draft_id: int
    themes: list[Theme]
    times: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    believed: dict[tuple[int, str], int] = field(default_factory=dict)  # (draft, question) -> level
    server_times: list[float] = field(default_factory=list)
    rerun_sent: float | None = None  # when the click's rerun request left the browser (CDP clock)
    armed: bool = False  # a click is under way and its rerun not yet seen


def _watch_socket(person: Person, cdp: Any) -> None:
    """Time the click's rerun on the wire: from the browser sending the rerun request to receiving
    the server's "script finished", as the browser's network process stamps them. This leaves out
    the page's drawing, which on one 2-core machine competes with the server for the cores."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    def payload(event: dict[str, Any]) -> bytes | None:
        frame = event["response"]
        return base64.b64decode(frame["payloadData"]) if frame.get("opcode") == 2 else None

    def sent(event: dict[str, Any]) -> None:
        data = payload(event)
        if person.armed and person.rerun_sent is None and data:
            message = BackMsg()
            message.ParseFromString(data)
            if message.WhichOneof("type") == "rerun_script":
                person.rerun_sent = event["timestamp"]

    def received(event: dict[str, Any]) -> None:
        data = payload(event)
        if person.rerun_sent is not None and data:
            message = ForwardMsg()
            message.ParseFromString(data)
            if message.WhichOneof("type") == "script_finished":
                person.server_times.append(event["timestamp"] - person.rerun_sent)
                person.rerun_sent, person.armed = None, False

    cdp.on("Network.webSocketFrameSent", sent)
    cdp.on("Network.webSocketFrameReceived", received)


def _seed(url: str, framework: Framework, sessions: int) -> list[Person]:
    """Four cities with a blank draft each and two editors per city, each with half the themes."""
    store = Store.open(url, load_frameworks())
    people = Accounts(store)
    found = []
    try:
        for number in range(CITIES):
            city = store.create_city(
                City(name=f"Load city {number + 1}", country="Fictional", region="europe", population_band="100k_500k"),
                "Bench",
            )
            draft = store.start_assessment(city.id or 0, "Load", "Bench", framework_id=framework.id)
            half = len(framework.themes) // 2
            for member, themes in enumerate((framework.themes[:half], framework.themes[half:])):
                email = f"member{number * 2 + member + 1}@load.example"
                account = people.add(email, f"Member {number * 2 + member + 1}", "Bench", password=PASSWORD)
                people.add_member(account.id, city.id or 0, Role.EDITOR, "Bench")
                found.append(Person(email, city.id or 0, draft.id or 0, list(themes)))
    finally:
        store.engine.dispose()
    return found[:sessions]


def _label(framework: Framework, question: Question, index: int) -> tuple[int, str]:
    """The level and radio label of a question's ``index``-th option (wrapping round)."""
    descriptor = question.descriptors[index % len(question.descriptors)]
    return (
        descriptor.level,
        f"{descriptor.level} · {text_in(framework.level(descriptor.level).name)}: {text_in(descriptor.text)}",
    )


def _box(person: Person, question: Question) -> str:
    return f".st-key-questionnaire_{person.draft_id}_{question.id.replace('.', '-')}_box"


async def _answer(page: Any, framework: Framework, person: Person, question: Question, index: int) -> None:
    """Click one level and wait until the question says it was saved (or refused)."""
    level, label = _label(framework, question, index)
    box = _box(person, question)
    target = page.locator(f"{box} {LIVE}").get_by_text(label, exact=True)
    await target.wait_for(timeout=30_000)
    seen = await page.evaluate(LOOK, box)
    await page.evaluate(WATCH, [box, seen["line"] if seen else ""])
    person.armed, person.rerun_sent = True, None
    await target.click()
    try:
        await page.wait_for_function("window.benchOutcome !== null", timeout=30_000, polling=50)
    except Exception:  # noqa: BLE001 - a save the page never confirmed is a failure, not a crash
        person.failures.append(f"{question.id}: nothing shown within 30 s")
        return
    outcome, seconds = await page.evaluate("[window.benchOutcome, (window.benchDone - window.benchClick) / 1000]")
    if outcome == "saved":
        person.times.append(seconds)
        person.believed[(person.draft_id, question.id)] = level
    else:
        person.failures.append(f"{question.id}: {outcome}")


async def _open_theme(page: Any, address: str, person: Person, theme: Theme) -> None:
    await page.goto(f"{address}/questionnaire?city={person.city_id}&assessment={person.draft_id}&theme={theme.id}")


async def _settle(page: Any) -> None:
    await page.wait_for_function(
        "() => document.querySelectorAll('[data-stale=\"true\"]').length === 0", timeout=30_000, polling=50
    )


async def _work(
    browser: Any, address: str, framework: Framework, person: Person, deadline: float, think: float
) -> None:
    """One person: sign in, then answer theme after theme, round and round, until ``deadline``."""
    context = await browser.new_context(viewport={"width": 1366, "height": 900})
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    _watch_socket(person, cdp)
    await cdp.send("Network.enable")
    heading = lambda theme: page.get_by_role("heading", name=f"{theme.id} · {text_in(theme.title)}", exact=True)  # noqa: E731
    try:
        await _open_theme(page, address, person, person.themes[0])  # to the sign-in form first
        await page.get_by_label("Email").fill(person.email)
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in").click()
        rounds = 0
        while time.monotonic() < deadline:
            for number, theme in enumerate(person.themes):
                if number == 0 and rounds > 0:
                    await _open_theme(page, address, person, theme)
                elif number > 0:
                    await page.locator(LIVE).get_by_role("button", name=f"{theme.id} · ").click()
                await heading(theme).wait_for(timeout=30_000)
                await _settle(page)
                for position, question in enumerate(theme.questions):
                    if time.monotonic() >= deadline:
                        return
                    await _answer(page, framework, person, question, rounds + position)
                    await _settle(page)
                    await asyncio.sleep(think)
            rounds += 1
    finally:
        await context.close()


async def _drive(address: str, framework: Framework, people: list[Person], seconds: float, think: float) -> None:
    from playwright.async_api import async_playwright

    with browsers_idle():
        playwright = await async_playwright().start()
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    try:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(_work(browser, address, framework, p, deadline, think) for p in people))
        await browser.close()
    finally:
        await playwright.stop()


def _cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (user and system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stored(url: str, people: list[Person]) -> tuple[dict[tuple[int, str], int | None], int]:
    """Every stored answer's level by (assessment, question), and the audit trail's count of saves."""
    store = Store.open(url, load_frameworks())
    try:
        drafts = {p.draft_id for p in people}
        levels = {(d, a.question_id): a.level for d in drafts for a in store.answers(d)}
        saves = sum(1 for d in drafts for e in store.audit_trail(assessment_id=d) if e.action == "answer.save")
        return levels, saves
    finally:
        store.engine.dispose()


def _measure(url: str, folder: Path, seconds: float, think: float) -> dict[str, float]:
    """Seed ``url``, serve it, drive the eight sessions and read back what was kept."""
    framework = load_frameworks()[DEFAULT_FRAMEWORK_ID]
    upgrade_database(url)
    people = _seed(url, framework, int(os.environ.get("BENCH_LOAD_SESSIONS", SESSIONS)))
    server, address = serve(url, folder / "streamlit.log")
    started, cpu_before = time.monotonic(), _cpu_seconds(server.pid)
    try:
        asyncio.run(_drive(address, framework, people, seconds, think))
        server_cpu_s = _cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=20)
    elapsed = time.monotonic() - started
    on_wire = [t for p in people for t in p.server_times]
    times = [t for p in people for t in p.times]
    believed = {k: v for p in people for k, v in p.believed.items()}
    stored, audited = _stored(url, people)
    lost = [k for k, level in believed.items() if stored.get(k) != level]
    failures = [f"{p.email} {f}" for p in people for f in p.failures]
    for line in failures[:10]:
        Console(stderr=True).print(f"not saved: {line}", highlight=False, markup=False)
    for key in lost[:10]:
        Console(stderr=True).print(f"lost: {key} believed {believed[key]}, stored {stored.get(key)}", markup=False)
    return {
        "sessions": len(people),
        "answers_saved": len(times),
        "answers_lost": len(lost),
        "p95_save_s": round(statistics.quantiles(times, n=20)[18], 3) if len(times) > 1 else float("nan"),
        "median_save_s": round(statistics.median(times), 3) if times else float("nan"),
        "duration_s": round(elapsed),
        "p95_rerun_on_wire_s": round(statistics.quantiles(on_wire, n=20)[18], 3) if len(on_wire) > 1 else float("nan"),
        "median_rerun_on_wire_s": round(statistics.median(on_wire), 3) if on_wire else float("nan"),
        "server_cores_busy": round(server_cpu_s / elapsed, 2),
        "save_failures": len(failures),
        "audited_saves": audited,
        "think_s": think,
        "browsers_idle": float(BROWSER_PRIORITY != "same"),
    }


@contextmanager
def _postgresql() -> Iterator[str]:
    from tests.postgres import new_database, throwaway_server

    with throwaway_server() as server:
        yield new_database(server, "load")


def main() -> None:
    """Eight sessions at once on each backend; write benchmarks/results/load.json and print a table."""
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "120"))
    think = float(os.environ.get("BENCH_LOAD_THINK_SECONDS", "0.5"))
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = _measure(f"sqlite:///{Path(folder) / 'load.db'}", Path(folder), seconds, think)
    with tempfile.TemporaryDirectory() as folder, _postgresql() as url:
        results["postgresql"] = _measure(url, Path(folder), seconds, think)

    table = Table("metric", *results, "goal", title=f"benchmark: load ({SESSIONS} sessions, one app server)")
    goals = {"p95_save_s": f"≤ {GOAL_P95_S} s on 2 cores", "answers_lost": "0", "save_failures": "0"}
    for metric in results["sqlite"]:
        table.add_row(metric, *(f"{r[metric]:g}" for r in results.values()), goals.get(metric, ""))
    Console().print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
