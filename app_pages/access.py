"""What makes the app usable by keyboard and screen reader where Streamlit alone does not.

- A focus ring anyone can see (WCAG 2.4.7) on every control, level options included, and the
  labels of controls that cannot be changed (a submitted assessment's answers) kept readable.
- The sidebar's own navigation is marked as the app's navigation landmark, its link to the page on
  screen as the current page.
- In a level group of the Questionnaire, the arrow keys move between levels without choosing one;
  Space or Enter chooses. (A browser's radio group chooses every level the arrows pass, and each
  choice would be saved and audited.)
- A page can ask for focus to go where the person's next action is (``focus_on``): after the run has
  drawn the page, the element is scrolled to the top of the view and focused. A page can also have
  screen readers announce a short confirmation (``announce``), through one polite live region.

Every script here is written by us and carries no user text (selectors are built from ids we make).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import streamlit as st

FOCUS_KEY, NEWS_KEY, SERIAL_KEY = "access_focus", "access_news", "access_serial"
LEVEL_GROUP = '[class*="st-key-questionnaire_"][class*="_answer"]'

STYLE = """
<style>
:focus-visible { outline: 3px solid #0b57d0 !important; outline-offset: 2px !important; }
[data-testid="stRadio"] label:has(input:focus-visible) {
  outline: 3px solid #0b57d0; outline-offset: 2px; border-radius: 4px;
}
h1, h2, h3, [class*="st-key-"] { scroll-margin-top: 4.5rem; }
.cohesion-sign-out button {
  font: inherit; padding: 0.4rem 0.9rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, 0.4); background: #fff; color: #111;
}
.cohesion-sign-out button:hover { border-color: #0b57d0; color: #0b57d0; }
#cohesion-status {
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap;
}
/* Streamlit draws a disabled control's label and options at 40 % opacity (2.6:1): a submitted
   assessment's answers must stay readable, so they are drawn lighter than live ones, at 7.6:1. */
[data-testid="stWidgetLabel"][disabled],
[data-testid="stRadioOption"][data-disabled="true"] [data-testid="stMarkdownContainer"] {
  color: rgba(17, 17, 17, 0.72) !important;
}
</style>
"""

SCRIPT = """
<script>
(() => {
  if (window.cohesionAccess) return;
  window.cohesionAccess = true;
  const LEVELS = %(levels)s;
  const mark = () => {
    const nav = document.querySelector(".st-key-app_nav");
    if (!nav) return;
    if (nav.getAttribute("role") !== "navigation") {
      nav.setAttribute("role", "navigation");
      nav.setAttribute("aria-label", "App pages");
    }
    const page = window.location.pathname.split("/").pop();  // links are relative: "", "account", "city"…
    for (const link of nav.querySelectorAll("a[href]")) {
      const here = link.getAttribute("href") === page;
      if (here && link.getAttribute("aria-current") !== "page") link.setAttribute("aria-current", "page");
      if (!here && link.hasAttribute("aria-current")) link.removeAttribute("aria-current");
    }
  };
  new MutationObserver(mark).observe(document.body, {childList: true, subtree: true});
  mark();
  const status = document.createElement("div");  // what screen readers announce, such as "Q1.2: note saved"
  status.id = "cohesion-status";
  status.setAttribute("role", "status");
  document.body.appendChild(status);
  document.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "radio") return;
    const group = input.closest(LEVELS);
    if (!group) return;
    const options = Array.from(group.querySelectorAll('input[type="radio"]')).filter((o) => !o.disabled);
    if (event.key === "Enter") { event.preventDefault(); if (!input.checked) input.click(); return; }
    const step = {ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1}[event.key];
    if (!step) return;
    event.preventDefault();
    event.stopPropagation();
    options[(options.indexOf(input) + step + options.length) %% options.length].focus();
  }, true);
})();
</script>
"""

AFTER_RUN = """
<script>
(() => {
  const selector = %(selector)s, view = %(view)s, news = %(news)s;
  const status = document.getElementById("cohesion-status");
  if (news && status) {
    status.textContent = "";
    setTimeout(() => { status.textContent = news; }, 150);
  }
  if (!selector) return;
  const until = Date.now() + 5000;
  const attempt = () => {
    const found = document.querySelector(selector);
    const settled = !document.querySelector('[data-stale="true"]');
    if (found && settled) {
      if (!found.matches("a, button, input, select, textarea, [tabindex]")) found.setAttribute("tabindex", "-1");
      (document.querySelector(view) || found).scrollIntoView({block: "start"});
      found.focus({preventScroll: true});
    } else if (Date.now() < until) {
      setTimeout(attempt, 50);
    }
  };
  attempt();
})(/* request %(serial)d */);
</script>
"""


def script_value(value: str) -> str:
    """``value`` as a JavaScript string literal that cannot end the script it sits in."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")


def after_run_script(selector: str, view: str, news: str, serial: int) -> str:
    """The script that focuses ``selector`` with ``view`` at the top of the screen (when a selector is
    given) and has screen readers announce ``news`` (when given); ``serial`` makes each one new."""
    values = {"selector": script_value(selector), "view": script_value(view), "news": script_value(news)}
    return AFTER_RUN % {**values, "serial": serial}


def key_class(key: str) -> str:
    """The CSS class Streamlit gives the element of widget or container ``key`` (as its frontend does)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def inside(key: str, element: str) -> str:
    """The CSS selector of ``element`` (say "button" or "input") inside the widget or container ``key``."""
    return f".{key_class(key)} {element}"


def install() -> None:
    """The focus ring and the keyboard handling, for every page (call once per run)."""
    st.html(STYLE)
    st.sidebar.html(SCRIPT % {"levels": script_value(LEVEL_GROUP)}, unsafe_allow_javascript=True)


def focus_on(selector: str, view: str | None = None) -> None:
    """Move focus to the first element matching ``selector`` once this run (or, after a rerun, the
    next complete run) has drawn the page, with ``view`` (else the element itself) at the top of
    the screen, so that what the focused control is about shows with it."""
    st.session_state[FOCUS_KEY] = (selector, view or selector)


def announce(news: str) -> None:
    """Have screen readers say ``news`` (a short confirmation, such as "Q1.2: note saved") once this
    run has drawn the page; sighted people read the same on the page."""
    st.session_state[NEWS_KEY] = news


def after_run(where: Any = None) -> None:
    """Carry out this run's focus request and announcement, if any (call after the page has run, or in a
    fragment that reruns alone, with ``where`` inside it; by default in the sidebar)."""
    selector, view = st.session_state.pop(FOCUS_KEY, ("", ""))
    news = st.session_state.pop(NEWS_KEY, "")
    if selector or news:
        serial = st.session_state.get(SERIAL_KEY, 0) + 1
        st.session_state[SERIAL_KEY] = serial
        (where or st.sidebar).html(after_run_script(selector, view, news, serial), unsafe_allow_javascript=True)


def sign_in_link(back: str) -> None:
    """A plain link to the server's sign-in page, so the browser leaves the app in the same tab;
    ``back`` (where to return) is percent-encoded here, so it cannot leave the attribute."""
    st.html(
        f'<p><a href="/sign-in?next={quote(back, safe="/")}" class="cohesion-sign-in">Go to the sign-in page</a></p>'
    )


def sign_out_button() -> None:
    """A form posted to the server's sign-out route, which ends the session and removes the cookie
    (the app itself cannot remove a cookie)."""
    st.html(
        '<form method="post" action="/sign-out" class="cohesion-sign-out">'
        '<button type="submit">Sign out</button></form>'
    )
