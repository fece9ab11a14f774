"""Who is signed in, asked afresh on every run: a local session (the cookie the sign-in page set), or
the city's identity provider (``st.login``) when ``[auth]`` is configured in ``.streamlit/secrets.toml``.

Nothing about a person is trusted from the page: the session token is looked up in the database, and
a provider's identity is the signed cookie Streamlit keeps for it. The answer is kept for a second
within one browser session, so that one click asks the database once, and a sign-out, a time-out or
a password change in another tab takes effect at the next click.

With a provider, roles come from the app (coordinators add members by email) unless the
administrator names a claim of the ID token that carries them::

    [cohesion]
    roles_claim = "roles"                    # the claim that lists the person's groups or app roles
    [cohesion.roles]                         # claim value = "admin", or "<role>@<city number>"
    "cohesion-admins" = "admin"
    "riverton-prevention-team" = "editor@1"
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import streamlit as st

from access.accounts import ABSOLUTE, Accounts
from access.roles import CITY_ROLES, Actor, Role
from access.web import SESSION_COOKIE

__all__ = ["forget", "identity_provider", "roles_from_claims", "signed_in"]

MEMO_KEY, MEMO_SECONDS = "identity_memo", 1.0


def identity_provider() -> bool:
    """Whether the city's identity provider signs people in (``[auth]`` in the secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all: local accounts
        return False


def _settings() -> Mapping[str, Any]:
    try:
        return st.secrets.get("cohesion", {})  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001
        return {}


def roles_from_claims(claims: Mapping[str, Any], settings: Mapping[str, Any]) -> tuple[dict[int, Role] | None, bool]:
    """The roles by city and the administrator flag an ID token's claims give, by the administrator's
    mapping; ``None`` roles when no claim is named (the app's own roles count). Unknown values are
    ignored; several values for one city give the highest role."""
    claim = settings.get("roles_claim")
    if not claim:
        return None, False
    values = claims.get(str(claim)) or []
    if isinstance(values, str):
        values = [values]
    mapping: Mapping[str, str] = settings.get("roles", {})
    roles: dict[int, Role] = {}
    admin = False
    for value in values:
        target = str(mapping.get(str(value), "")).strip().lower()
        if target == "admin":
            admin = True
            continue
        role, _, city = target.partition("@")
        if role in {r.value for r in CITY_ROLES} and city.isdigit():
            held = roles.get(int(city))
            if held is None or CITY_ROLES.index(Role(role)) > CITY_ROLES.index(held):
                roles[int(city)] = Role(role)
    return roles, admin


def _from_provider(accounts: Accounts) -> Actor | None:
    user = st.user
    if not user.is_logged_in or not user.get("email"):
        return None
    issued = user.get("iat")
    if isinstance(issued, int | float) and datetime.now(UTC).timestamp() - issued > ABSOLUTE.total_seconds():
        return None  # signed in too long ago: the person signs in again
    claims = user.to_dict()
    roles, admin = roles_from_claims(claims, _settings())
    actor = accounts.from_identity(str(user.get("email")), str(user.get("name") or ""), roles, admin)
    key = provider_key()
    return actor if key is not None and accounts.vouched(key, actor.account_id) else None


def _cookie() -> str | None:
    token = st.context.cookies.get(SESSION_COOKIE)
    return token if isinstance(token, str) and token else None


def _key() -> tuple[str, ...] | None:
    if identity_provider():
        key = provider_key()
        return ("provider", key) if key else None
    token = _cookie()
    return ("local", token) if token else None


def signed_in(accounts: Accounts) -> Actor | None:
    """The signed-in person of this browser session, or None."""
    key = _key()
    if key is None:
        return None
    memo = st.session_state.get(MEMO_KEY)
    if memo and memo[0] == key and time.monotonic() - memo[1] < MEMO_SECONDS:
        return memo[2]  # type: ignore[no-any-return]
    actor = _from_provider(accounts) if key[0] == "provider" else accounts.session(key[1])
    st.session_state[MEMO_KEY] = (key, time.monotonic(), actor)
    return actor


def provider_key() -> str | None:
    """What names this browser's sign-in at the city's identity provider (its subject and the time the
    provider issued it), if signed in that way."""
    user = st.user
    if not identity_provider() or not user.is_logged_in:
        return None
    return f"provider:{user.get('sub') or user.get('email')}:{user.get('iat')}"


def session_token() -> str | None:
    """This browser's local session token (for changing the password), if signed in locally."""
    return None if identity_provider() else _cookie()


def forget() -> None:
    """Ask the database again at the next call (after the person's roles changed)."""
    st.session_state.pop(MEMO_KEY, None)


def provider_names() -> list[str | None]:
    """The identity providers configured for ``st.login``: ``[None]`` for a single one set directly in
    ``[auth]``, else the name of each ``[auth.<name>]`` table."""
    auth = st.secrets.get("auth", {})
    if "client_id" in auth:
        return [None]
    return [name for name, value in auth.items() if isinstance(value, Mapping)] or [None]
