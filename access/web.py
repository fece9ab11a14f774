"""The sign-in pages served beside the app, and the gate in front of it.

Streamlit's script cannot set a cookie, so signing in happens here, on plain HTTP routes of the
same server (``server.py``): the browser gets an opaque session token in a cookie that page scripts
cannot read (``HttpOnly``) and that other sites' pages do not send (``SameSite=Lax``); the database
keeps only the token's hash (``access.accounts``). The app reads the cookie on every run and asks
the database whether the session still holds, so a sign-out, a time-out or a password change ends
access everywhere at the next click.

- ``/sign-in``: email and password; wrong tries are slowed down by ``Accounts.sign_in``.
- ``/sign-out``: ends the session and forgets the cookie.
- ``/invitation?token=…``: a person invited by a coordinator sets a password and is signed in.
- ``/first-account``: only while the deployment has no account at all, and only from the server's
  own machine: the first person creates the network administrator's account.

Each form carries a random value that must match a cookie set with the form (a double-submit
check), so another site cannot post one in a visitor's name. Every page is plain, escaped HTML
with no script, under a strict Content-Security-Policy.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
from collections.abc import Awaitable, Callable
from functools import lru_cache
from html import escape
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from access.accounts import ABSOLUTE, Accounts, SignInRefused
from access.passwords import MIN_PASSWORD
from storage.errors import StorageError

__all__ = ["SESSION_COOKIE", "SignInGate", "client_address", "routes", "safe_next"]

SESSION_COOKIE = "cohesion_session"
FORM_COOKIE = "cohesion_form"
SIGN_IN_PATHS = ("/sign-in", "/sign-out", "/invitation", "/first-account")
OPEN_PATHS = (
    *SIGN_IN_PATHS,
    "/_stcore/",
    "/static/",
    "/component/",
    "/media/",
    "/app/static/",
    "/auth/",
    "/oauth2callback",
    "/favicon",
)
"""What the gate lets through unsigned: these pages and what the browser loads for the app (the app
checks the session itself on every run)."""

_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; color: #111; background: #fff; margin: 0; }
main { max-width: 26rem; margin: 4rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
p.lead { color: #333; margin-top: 0; }
label { display: block; font-weight: 600; margin-top: 1rem; }
input { box-sizing: border-box; width: 100%; font: inherit; padding: .55rem .6rem; margin-top: .25rem;
        border: 1px solid #555; border-radius: 6px; }
.hint { font-size: .9rem; color: #333; margin: .25rem 0 0; }
button { font: inherit; font-weight: 600; margin-top: 1.5rem; padding: .6rem 1.2rem; border: 0; border-radius: 6px;
         background: #0b57d0; color: #fff; cursor: pointer; }
:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.problem { border-left: 4px solid #b3261e; background: #fdecea; padding: .6rem .8rem; margin: 1rem 0; }
.news { border-left: 4px solid #146c2e; background: #e7f4ea; padding: .6rem .8rem; margin: 1rem 0; }
a { color: #0b57d0; }
"""


@lru_cache(maxsize=1)
def _accounts() -> Accounts:
    """The accounts of the store at ``DATABASE_URL`` (opened once per server process)."""
    from questionnaire.loader import load_frameworks
    from storage.config import database_url
    from storage.store import Store

    return Accounts(Store.open(database_url(), load_frameworks()))


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this server only (never another site), else Home."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith(SIGN_IN_PATHS):
        return "/"
    return value


def _is_local(request: Request) -> bool:
    """The request comes from the server's own machine, not through a proxy in front of it."""
    if any(h in request.headers for h in ("x-forwarded-for", "forwarded", "x-real-ip")):
        return False
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


def client_address(request: Request) -> str:
    """The address wrong passwords are counted against: the connecting one, or, when it is a reverse
    proxy the administrator named in ``COHESION_PROXIES`` (comma-separated addresses), the address that
    proxy saw (the last one it added to ``X-Forwarded-For``). Anyone can send that header, so it counts
    only from a named proxy; otherwise every person behind the proxy would share one count."""
    host = request.client.host if request.client else "unknown"
    proxies = {p.strip() for p in os.environ.get("COHESION_PROXIES", "").split(",") if p.strip()}
    forwarded = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    return forwarded[-1] if host in proxies and forwarded else host


def _page(title: str, body: str, status: int = 200, form_value: str | None = None, secure: bool = False) -> Response:
    """A whole page: ``body`` is HTML built here, with every user text already escaped."""
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · City Cohesion Self-Assessment</title><style>{_STYLE}</style></head>"
        f"<body><main><p>City Cohesion Self-Assessment</p><h1>{escape(title)}</h1>{body}</main></body></html>"
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Security-Policy"] = _POLICY
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if form_value is not None:
        response.set_cookie(FORM_COOKIE, form_value, httponly=True, samesite="strict", secure=secure, path="/")
    return response


def _field(
    name: str, label: str, kind: str, autocomplete: str, value: str = "", hint: str = "", first: bool = False
) -> str:
    """A labelled input; the ``first`` of a form has focus when the page opens."""
    described = f' aria-describedby="{name}-hint"' if hint else ""
    described += " autofocus" if first else ""
    return (
        f'<label for="{name}">{escape(label)}</label>'
        f'<input id="{name}" name="{name}" type="{kind}" autocomplete="{autocomplete}" required '
        f'value="{escape(value)}"{described}>'
        + (f'<p class="hint" id="{name}-hint">{escape(hint)}</p>' if hint else "")
    )


def _form(action: str, fields: str, button: str, problem: str = "", news: str = "") -> tuple[str, str]:
    """A form posting to ``action`` and the random value that the form cookie must match."""
    value = secrets.token_urlsafe(24)
    said = f'<div class="problem" role="alert">{escape(problem)}</div>' if problem else ""
    said += f'<div class="news" role="status">{escape(news)}</div>' if news else ""
    body = (
        f'{said}<form method="post" action="{escape(action)}" novalidate>'
        f'<input type="hidden" name="form" value="{value}">{fields}'
        f'<button type="submit">{escape(button)}</button></form>'
    )
    return body, value


def _form_is_ours(request: Request, posted: str) -> bool:
    """The posted form came from a page of this server (same origin, matching form cookie)."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        return False
    cookie = request.cookies.get(FORM_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie, posted)


def _signed_in(request: Request, token: str, to: str) -> Response:
    response = RedirectResponse(to, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(ABSOLUTE.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(FORM_COOKIE, path="/")
    return response


PASSWORD_HINT = (
    f"At least {MIN_PASSWORD} characters. A few unrelated words make a good one; very common passwords are refused."
)


# -- the pages ---------------------------------------------------------------------------------------


def _sign_in_page(request: Request, email: str = "", problem: str = "", status: int = 200) -> Response:
    accounts = _accounts()
    if accounts.count() == 0:
        return RedirectResponse("/first-account", status_code=303)
    news = "You are signed out." if request.query_params.get("signed_out") else ""
    to = safe_next(request.query_params.get("next"))
    fields = _field("email", "Email", "email", "username", email, first=True) + _field(
        "password", "Password", "password", "current-password"
    )
    body, value = _form(f"/sign-in?next={quote(to, safe='/')}", fields, "Sign in", problem, news)
    body += (
        '<p class="hint">No account yet? Your city coordinator invites you with a link. '
        "Forgotten password? Ask your coordinator or administrator for a new invitation link.</p>"
    )
    return _page("Sign in", body, status, value, _secure(request))


async def sign_in(request: Request) -> Response:
    """GET: the sign-in form. POST: check the password and start a session."""
    if request.method == "GET":
        return await run_in_threadpool(_sign_in_page, request)
    form = await request.form()
    email, password = str(form.get("email", ""))[:254], str(form.get("password", ""))[:1024]
    if not _form_is_ours(request, str(form.get("form", ""))):
        return await run_in_threadpool(
            _sign_in_page, request, email, "The form had expired. Please sign in again.", 400
        )
    try:
        token = await run_in_threadpool(_accounts().sign_in, email, password, client_address(request))
    except SignInRefused as refused:
        return await run_in_threadpool(_sign_in_page, request, email, str(refused), 401)
    return _signed_in(request, token, safe_next(request.query_params.get("next")))


async def sign_out(request: Request) -> Response:
    """POST (a button in the app): end this browser's session and forget its cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await run_in_threadpool(_accounts().sign_out, token)
    response = RedirectResponse("/sign-in?signed_out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _invitation_page(request: Request, token: str, problem: str = "", status: int = 200) -> Response:
    found = _accounts().invitation(token)
    if found is not None and found.has_password:
        fields = _field("password", "Your password", "password", "current-password", first=True)
        button = "Sign in and join"
        lead = "You have an account already: sign in with your own password to accept."
    else:
        fields = _field("password", "Choose a password", "password", "new-password", hint=PASSWORD_HINT, first=True)
        button = "Set my password and sign in"
        lead = "Choose a password to accept."
    guest = found is not None and found.for_round
    title = "Answer a workshop round" if guest else "Join your city's team"
    why = (
        "You were invited, as a guest, to answer one workshop round of a city's self-assessment."
        if guest
        else "You were invited to your city's self-assessment team."
    )
    body, value = _form(f"/invitation?token={quote(token)}", fields, button, problem)
    return _page(title, f'<p class="lead">{why} {lead}</p>' + body, status, value, _secure(request))


async def invitation(request: Request) -> Response:
    """GET: the form to set a password from a one-time link. POST: use the link and sign in."""
    token = request.query_params.get("token", "")[:200]
    if request.method == "GET":
        return _invitation_page(request, token)
    form = await request.form()
    password = str(form.get("password", ""))[:1024]
    if not _form_is_ours(request, str(form.get("form", ""))):
        return _invitation_page(request, token, "The form had expired. Please try again.", 400)
    try:
        account = await run_in_threadpool(_accounts().accept, token, password)
        session = await run_in_threadpool(_accounts().sign_in, account.email, password, client_address(request))
    except StorageError as refused:
        return _invitation_page(request, token, str(refused), 400)
    return _signed_in(request, session, "/")


def _first_account_page(
    request: Request, name: str = "", email: str = "", problem: str = "", status: int = 200
) -> Response:
    fields = (
        _field("name", "Your name", "text", "name", name, first=True)
        + _field("email", "Your email", "email", "username", email)
        + _field("password", "Choose a password", "password", "new-password", hint=PASSWORD_HINT)
    )
    body, value = _form("/first-account", fields, "Create the account and sign in", problem)
    lead = (
        '<p class="lead">Nobody has an account on this server yet. The first account manages the server: '
        "it adds cities and invites each city's team. This page is open only from the server's own "
        "machine, and only until the first account exists.</p>"
    )
    return _page("Create the first account", lead + body, status, value, _secure(request))


async def first_account(request: Request) -> Response:
    """The network administrator's account on a fresh server, from the server's own machine only."""
    accounts = _accounts()
    if await run_in_threadpool(accounts.count) > 0 or not _is_local(request):
        return _page("Not here", '<p>This page is not available. <a href="/sign-in">Sign in</a>.</p>', 404)
    if request.method == "GET":
        return _first_account_page(request)
    form = await request.form()
    name, email = str(form.get("name", ""))[:120], str(form.get("email", ""))[:254]
    password = str(form.get("password", ""))[:1024]
    if not _form_is_ours(request, str(form.get("form", ""))):
        return _first_account_page(request, name, email, "The form had expired. Please try again.", 400)
    try:
        await run_in_threadpool(accounts.add_first, email, name, password)
        token = await run_in_threadpool(accounts.sign_in, email, password, client_address(request))
    except StorageError as refused:
        return _first_account_page(request, name, email, str(refused), 400)
    return _signed_in(request, token, "/")


def routes() -> list[Route]:
    """The sign-in routes for ``st.App``."""
    return [
        Route("/sign-in", sign_in, methods=["GET", "POST"]),
        Route("/sign-out", sign_out, methods=["POST"]),
        Route("/invitation", invitation, methods=["GET", "POST"]),
        Route("/first-account", first_account, methods=["GET", "POST"]),
    ]


class SignInGate(BaseHTTPMiddleware):
    """Sends a browser that opens a page of the app without a live session to the sign-in page (or,
    on a fresh server, to the first account's page), and keeps app pages out of the browser's cache so
    Back after signing out shows nothing. Off when the city's identity provider signs people in."""

    def __init__(self, app: object, identity_provider: Callable[[], bool]) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self._identity_provider = identity_provider

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        path = request.url.path
        page = request.method in ("GET", "HEAD") and not path.startswith(OPEN_PATHS)
        if page and not self._identity_provider():
            token = request.cookies.get(SESSION_COOKIE)
            actor = await run_in_threadpool(_accounts().session, token) if token else None
            if actor is None:
                if await run_in_threadpool(_accounts().count) == 0:
                    return RedirectResponse("/first-account", status_code=303)
                to = path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/sign-in?next={quote(to, safe='/')}", status_code=303)
        response = await call_next(request)
        if page:
            response.headers["Cache-Control"] = "no-store"
        return response
