"""Local accounts, their roles per city, server-side sessions, and slowing down wrong passwords.

A session is an opaque random token held by the browser; the database keeps only its SHA-256, so a
copy of the database signs nobody in. A session ends on sign-out, after ``IDLE`` without use, after
``ABSOLUTE`` in all, and when the account's password changes. Wrong passwords slow down further
tries on the same account and from the same address, but never lock the real owner out for more
than ``MAX_WAIT``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from access.passwords import hash_password, needs_rehash, password_problem, verify_password
from access.roles import CITY_ROLES, Actor, NotAllowed, Operation, Role, may
from scoring.records import one_line, utc
from storage.errors import StorageError
from storage.store import Store
from storage.tables import (
    accounts,
    cities,
    invitations,
    memberships,
    round_invitations,
    sessions,
    sign_in_failures,
)

__all__ = [
    "ABSOLUTE",
    "Account",
    "Accounts",
    "FREE_FAILURES",
    "IDLE",
    "INVITATION_LIFETIME",
    "Invitation",
    "MAX_WAIT",
    "Member",
    "SignInRefused",
]

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
FREE_FAILURES = 5
"""Wrong passwords allowed within ``WINDOW`` before each further try must wait."""
WINDOW = timedelta(minutes=15)
INVITATION_LIFETIME = timedelta(days=7)
SEEN_EVERY = timedelta(minutes=1)
MAX_WAIT = timedelta(seconds=60)
"""The longest the owner of an account waits after any number of wrong tries by anyone."""


@dataclass(frozen=True)
class Account:
    """A person who can sign in."""

    id: int
    email: str
    name: str
    network_admin: bool
    has_password: bool


@dataclass(frozen=True)
class Member:
    """A person's place in one city, as its coordinators see it."""

    account_id: int
    name: str
    email: str
    role: Role
    pending: bool
    """Invited but has not set a password yet (and does not sign in through a provider)."""


@dataclass(frozen=True)
class Invitation:
    """What a one-time link is for, as its page words it."""

    for_round: bool
    """A guest's link to one workshop round (it joins no city)."""
    has_password: bool
    """The person has an account already and gives its password rather than choosing one."""


class SignInRefused(StorageError):
    """Signing in did not work; ``wait`` says how long before the next try is heard."""

    def __init__(self, message: str, wait: timedelta = timedelta(0)) -> None:
        super().__init__(message)
        self.wait = wait


def _now() -> datetime:
    return datetime.now(UTC)


def digest(token: str) -> str:
    """What the database keeps of a token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


@lru_cache(maxsize=1)
def _stand_in_hash() -> str:
    """A hash no password matches in practice, checked when the email is unknown so that it takes as long."""
    return hash_password(secrets.token_urlsafe(32))


ACTOR_CHARS = 120
"""What the audit trail's and an answer's "who" columns hold."""


def _label(name: str, email: str) -> str:
    """How the audit trail and each answer name an account, "Ana Ruiz <ana@city.example>": the name is
    shortened, never the email, to fit ``ACTOR_CHARS``."""
    room = ACTOR_CHARS - len(email) - 3
    return f"{one_line(name, room)} <{email}>" if room > 0 else email[:ACTOR_CHARS]


def _email(value: str) -> str:
    email = value.strip().casefold()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254 or any(ch.isspace() for ch in email):
        raise StorageError(f"“{value.strip()}” is not an email address.")
    return email


class Accounts:
    """The accounts of the deployment, in the store's database."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._write = store.transaction

    def _audit(self, conn: Connection, by: str, action: str, city_id: int | None = None, **new: Any) -> None:
        self._store.audit(conn, by, action, city_id=city_id, new=new or None)

    # -- accounts ----------------------------------------------------------------------------------

    def add(
        self, email: str, name: str, by: str, *, password: str | None = None, network_admin: bool = False
    ) -> Account:
        """Create an account; a password, when given, must meet the rules (``password_problem``)."""
        address, name, hashed = self._checked(email, name, password)
        with self._write() as conn:
            new_id = self._insert(conn, address, name, hashed, network_admin, by)
        return self.account(new_id)

    def add_first(self, email: str, name: str, password: str) -> Account:
        """The deployment's first account, a network administrator. Refused once any account exists;
        of two tries at once, one wins."""
        address, name, hashed = self._checked(email, name, password)
        with self._write() as conn:
            if conn.dialect.name == "postgresql":  # SQLite's write transaction already excludes others
                conn.execute(text("LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE"))
            if conn.execute(select(func.count()).select_from(accounts)).scalar_one():
                raise StorageError("The first account exists already: sign in instead.")
            new_id = self._insert(conn, address, name, hashed, True, _label(name, address))
        return self.account(new_id)

    def _checked(self, email: str, name: str, password: str | None) -> tuple[str, str, str | None]:
        """The case-folded email, the name on one line, and the password's hash (slow: made before any
        transaction opens)."""
        address = _email(email)
        if not one_line(name) or len(name.strip()) > 120:
            raise StorageError("Give the person's name, in up to 120 characters.")
        if password is not None and (problem := password_problem(password, address)):
            raise StorageError(problem)
        return address, one_line(name), hash_password(password) if password is not None else None

    def _insert(
        self, conn: Connection, address: str, name: str, hashed: str | None, network_admin: bool, by: str
    ) -> int:
        now = _now()
        try:
            with conn.begin_nested():
                result = conn.execute(
                    insert(accounts).values(
                        email=address,
                        name=name.strip(),
                        password_hash=hashed,
                        network_admin=network_admin,
                        created_at=now,
                        password_changed_at=now if hashed is not None else None,
                    )
                )
        except IntegrityError:
            raise StorageError(f"An account for {address} already exists.") from None
        self._audit(conn, by, "account.add", email=address, network_admin=network_admin)
        return int(result.inserted_primary_key[0]) if result.inserted_primary_key else 0

    def account(self, account_id: int) -> Account:
        with self._store.reading() as conn:
            row = conn.execute(select(accounts).where(accounts.c.id == account_id)).one_or_none()
        if row is None:
            raise StorageError(f"There is no account {account_id}.")
        return Account(row.id, row.email, row.name, row.network_admin, row.password_hash is not None)

    def find(self, email: str) -> Account | None:
        """The account with this email, if any."""
        with self._store.reading() as conn:
            row = conn.execute(select(accounts.c.id).where(accounts.c.email == email.strip().casefold())).one_or_none()
        return None if row is None else self.account(row.id)

    def count(self) -> int:
        """How many accounts exist (none on a fresh installation)."""
        with self._store.reading() as conn:
            return int(conn.execute(select(func.count()).select_from(accounts)).scalar_one())

    def set_password(self, account_id: int, password: str, by: str) -> None:
        """Change the password and end every session of the account."""
        account = self.account(account_id)
        if problem := password_problem(password, account.email):
            raise StorageError(problem)
        now, hashed = _now(), hash_password(password)
        with self._write() as conn:
            conn.execute(
                update(accounts)
                .where(accounts.c.id == account_id)
                .values(password_hash=hashed, password_changed_at=now)
            )
            self._end_sessions(conn, account_id, now, "password changed")
            self._audit(conn, by, "account.password", email=account.email)

    # -- roles -------------------------------------------------------------------------------------

    def add_member(self, account_id: int, city_id: int, role: Role, by: str) -> None:
        """Give the account ``role`` in ``city_id`` (replacing the role it had there)."""
        account = self.account(account_id)
        with self._write() as conn:
            self._set_member(conn, account, city_id, role, by)

    def _set_member(self, conn: Connection, account: Account, city_id: int, role: Role, by: str) -> None:
        found = conn.execute(
            select(memberships.c.id).where(memberships.c.account_id == account.id, memberships.c.city_id == city_id)
        ).one_or_none()
        if found is None:
            values = {"account_id": account.id, "city_id": city_id, "role": role.value, "created_at": _now()}
            conn.execute(insert(memberships).values(**values))
        else:
            conn.execute(update(memberships).where(memberships.c.id == found.id).values(role=role.value))
        self._audit(conn, by, "membership.set", city_id=city_id, email=account.email, role=role.value)

    def actor(self, account_id: int) -> Actor:
        """The account as the guard sees it: its name for the audit trail and its roles by city."""
        account = self.account(account_id)
        with self._store.reading() as conn:
            rows = conn.execute(select(memberships).where(memberships.c.account_id == account_id)).all()
        return Actor(
            account_id=account.id,
            name=_label(account.name, account.email),
            roles={row.city_id: Role(row.role) for row in rows},
            network_admin=account.network_admin,
        )

    def members(self, city_id: int, by: Actor) -> list[Member]:
        """The city's members by role and name (members of the city and administrators may see them)."""
        if not may(by, Operation.SEE, city_id):
            raise NotAllowed("You are not a member of this city.")
        with self._store.reading() as conn:
            rows = conn.execute(
                select(accounts.c.id, accounts.c.name, accounts.c.email, accounts.c.password_hash, memberships.c.role)
                .join(memberships, memberships.c.account_id == accounts.c.id)
                .where(memberships.c.city_id == city_id)
            ).all()
        order = {role: n for n, role in enumerate(reversed(CITY_ROLES))}
        found = [Member(r.id, r.name, r.email, Role(r.role), r.password_hash is None) for r in rows]
        return sorted(found, key=lambda m: (order[m.role], m.name.casefold()))

    def change_role(self, account_id: int, city_id: int, role: Role | None, by: Actor) -> None:
        """Give a member another role in the city, or remove them (``role`` None). Only the city's
        coordinators may; a city always keeps at least one coordinator."""
        if not (may(by, Operation.MANAGE_CITY, city_id) or may(by, Operation.ADMINISTER)):
            raise NotAllowed("Only the city's coordinators can change its members.")
        account = self.account(account_id)
        with self._write() as conn:
            current = conn.execute(
                select(memberships.c.id, memberships.c.role).where(
                    memberships.c.account_id == account_id, memberships.c.city_id == city_id
                )
            ).one_or_none()
            if current is None:
                raise StorageError(f"{account.name} is not a member of this city.")
            coordinators = conn.execute(
                select(func.count())
                .select_from(memberships)
                .where(memberships.c.city_id == city_id, memberships.c.role == Role.COORDINATOR.value)
            ).scalar_one()
            if current.role == Role.COORDINATOR.value and role is not Role.COORDINATOR and coordinators <= 1:
                raise StorageError("A city needs at least one coordinator: make someone else coordinator first.")
            if role is None:
                conn.execute(memberships.delete().where(memberships.c.id == current.id))
                self._audit(conn, by.name, "membership.remove", city_id=city_id, email=account.email)
            else:
                self._set_member(conn, account, city_id, role, by.name)

    def all(self, by: Actor) -> list[Account]:
        """Every account of the deployment (network administrators only)."""
        if not may(by, Operation.ADMINISTER):
            raise NotAllowed("Only a network administrator can see every account.")
        with self._store.reading() as conn:
            rows = conn.execute(
                select(accounts).where(accounts.c.stands_in.is_(False)).order_by(accounts.c.name, accounts.c.email)
            ).all()
        return [Account(r.id, r.email, r.name, r.network_admin, r.password_hash is not None) for r in rows]

    def change_password(self, token: str, current: str, new: str, now: datetime | None = None) -> None:
        """The signed-in person changes their own password: the current one must be right; every other
        session of the account ends, this one goes on."""
        now = now or _now()
        with self._store.reading() as conn:
            row = conn.execute(
                select(sessions.c.id.label("session_id"), accounts)
                .join(accounts, accounts.c.id == sessions.c.account_id)
                .where(sessions.c.token_hash == digest(token), sessions.c.ended_at.is_(None))
            ).one_or_none()
        if row is None or row.password_hash is None:
            raise StorageError("Sign in again to change your password.")
        if not verify_password(row.password_hash, current):
            raise StorageError("Your current password is not right; nothing was changed.")
        if problem := password_problem(new, row.email):
            raise StorageError(problem)
        hashed = hash_password(new)
        with self._write() as conn:
            conn.execute(
                update(accounts).where(accounts.c.id == row.id).values(password_hash=hashed, password_changed_at=now)
            )
            conn.execute(
                update(sessions)
                .where(sessions.c.account_id == row.id, sessions.c.ended_at.is_(None), sessions.c.id != row.session_id)
                .values(ended_at=now, ended_why="password changed")
            )
            self._audit(conn, _label(row.name, row.email), "account.password", email=row.email)

    def from_identity(
        self, email: str, name: str, roles: Mapping[int, Role] | None, network_admin: bool = False
    ) -> Actor:
        """The person a city's identity provider vouches for. The first sign-in creates their account
        (without a password). When the provider states roles (``roles``), they replace the ones stored;
        otherwise the roles given in this app count."""
        address = _email(email)
        account = self.find(address) or self.add(address, one_line(name) or address[:120], "identity provider")
        label = _label(account.name, account.email)
        if roles is not None:
            with self._write() as conn:
                held = {
                    r.city_id: r.role
                    for r in conn.execute(select(memberships).where(memberships.c.account_id == account.id))
                }
                known = {r.id for r in conn.execute(select(cities.c.id).where(cities.c.id.in_(list(roles))))}
                for city_id, role in roles.items():
                    if city_id in known and held.get(city_id) != role.value:
                        self._set_member(conn, account, city_id, role, label)
                for city_id in set(held) - set(roles):
                    conn.execute(
                        memberships.delete().where(
                            memberships.c.account_id == account.id, memberships.c.city_id == city_id
                        )
                    )
                    self._audit(conn, label, "membership.remove", city_id=city_id, email=account.email)
                if account.network_admin != network_admin:
                    conn.execute(
                        update(accounts).where(accounts.c.id == account.id).values(network_admin=network_admin)
                    )
                    self._audit(conn, label, "account.admin", email=account.email, network_admin=network_admin)
        return self.actor(account.id)

    # -- invitations -------------------------------------------------------------------------------

    def invite(self, email: str, name: str, city_id: int, role: Role, by: Actor, now: datetime | None = None) -> str:
        """A one-time token for a link that lets the person join ``city_id`` as ``role``; only the city's
        coordinators and network administrators may invite. No email is sent: the link is passed on by
        hand. A new person sets their password with it; someone who has an account already gives their
        own password, so a link never lets anyone else choose it."""
        if not (may(by, Operation.MANAGE_CITY, city_id) or may(by, Operation.ADMINISTER)):
            raise NotAllowed("Only the city's coordinators can invite members.")
        now = now or _now()
        account = self.invitable(email, name, by)
        token = secrets.token_urlsafe(32)
        with self._write() as conn:
            conn.execute(
                insert(invitations).values(
                    token_hash=digest(token),
                    account_id=account.id,
                    city_id=city_id,
                    role=role.value,
                    created_by=by.name,
                    created_at=now,
                    expires_at=now + INVITATION_LIFETIME,
                )
            )
            self._audit(conn, by.name, "invitation.add", city_id=city_id, email=account.email, role=role.value)
        return token

    def invitable(self, email: str, name: str, by: Actor) -> Account:
        """The account an invitation to ``email`` is for, made now when there is none. An account that
        signs in only through the city's identity provider takes its roles from there, not from a link."""
        account = self.find(email)
        if account is None:
            return self.add(email, name, by.name)
        with self._store.reading() as conn:
            row = conn.execute(select(accounts).where(accounts.c.id == account.id)).one()
            invited = any(
                conn.execute(select(table.c.id).where(table.c.account_id == account.id)).first()
                for table in (invitations, round_invitations)
            )
        if row.stands_in or row.disabled_at is not None:
            raise StorageError(f"The account of {account.email} cannot sign in, so it cannot be invited.")
        if not account.has_password and not invited:
            raise StorageError(
                f"{account.email} signs in through the city's identity provider; their roles come from there."
            )
        return account

    def _invitation(self, token: str, now: datetime) -> tuple[Any, bool]:
        """The unused, unexpired invitation of ``token`` and whether it is a guest's link to a round."""
        hashed = digest(token)
        with self._store.reading() as conn:
            row = conn.execute(select(invitations).where(invitations.c.token_hash == hashed)).one_or_none()
            for_round = row is None
            if for_round:
                query = select(round_invitations).where(round_invitations.c.token_hash == hashed)
                row = conn.execute(query).one_or_none()
        if row is None or row.used_at is not None or utc(row.expires_at) < now:
            raise StorageError("This invitation link is no longer valid; ask your coordinator for a new one.")
        return row, for_round

    def invitation(self, token: str, now: datetime | None = None) -> Invitation | None:
        """What a one-time link is for, to word its page; None when it is no longer valid."""
        try:
            row, for_round = self._invitation(token, now or _now())
        except StorageError:
            return None
        return Invitation(for_round=for_round, has_password=self.account(row.account_id).has_password)

    def accept(self, token: str, password: str, now: datetime | None = None) -> Account:
        """Use an invitation: a new person sets their password, someone with an account gives theirs;
        then they join the city (a guest's link joins no city: it only lets them answer their round).
        A refused password leaves the link usable; a used, expired or unknown link is refused in the
        same words. Wrong passwords given here slow down like those given at sign-in."""
        now = now or _now()
        row, for_round = self._invitation(token, now)
        account = self.account(row.account_id)
        account_key = f"account:{account.email}"
        hashed: str | None = None
        if account.has_password:
            with self._store.reading() as conn:
                wait = self._wait(conn, [account_key], now)
                stored = conn.execute(select(accounts.c.password_hash).where(accounts.c.id == account.id)).scalar_one()
            if wait > timedelta(0):
                raise SignInRefused("Too many wrong passwords; wait a minute and try again.", wait)
            if not verify_password(stored, password):
                with self._write() as conn:
                    conn.execute(insert(sign_in_failures).values(subject=account_key, at=now))
                raise StorageError("That is not the password of your account. Give the password you sign in with.")
        else:
            if problem := password_problem(password, account.email):
                raise StorageError(problem)
            hashed = hash_password(password)
        table = round_invitations if for_round else invitations
        with self._write() as conn:
            unused = table.c.id == row.id, table.c.used_at.is_(None)
            if conn.execute(update(table).where(*unused).values(used_at=now)).rowcount != 1:
                # the same link used twice at once: the second one loses
                raise StorageError("This invitation link is no longer valid; ask your coordinator for a new one.")
            if hashed is not None:
                conn.execute(
                    update(accounts)
                    .where(accounts.c.id == account.id)
                    .values(password_hash=hashed, password_changed_at=now)
                )
                self._end_sessions(conn, account.id, now, "password changed")
            who = _label(account.name, account.email)
            if for_round:
                self._store.audit(conn, who, "invitation.accept", new={"email": account.email, "round": row.round_id})
            else:
                self._audit(conn, who, "invitation.accept", city_id=row.city_id, email=account.email)
                self._set_member(conn, account, row.city_id, Role(row.role), who)
        return self.account(account.id)

    # -- signing in --------------------------------------------------------------------------------

    def _wait(self, conn: Connection, subjects: list[str], now: datetime) -> timedelta:
        """How long each subject must still wait before its next try is heard (the longest)."""
        longest = timedelta(0)
        for subject in subjects:
            times = [
                utc(t)
                for t in conn.execute(
                    select(sign_in_failures.c.at).where(
                        sign_in_failures.c.subject == subject, sign_in_failures.c.at > now - WINDOW
                    )
                ).scalars()
            ]
            if len(times) >= FREE_FAILURES:
                pause = min(timedelta(seconds=2 ** (len(times) - FREE_FAILURES)), MAX_WAIT)
                longest = max(longest, max(times) + pause - now)
        return longest

    def sign_in(self, email: str, password: str, address: str, now: datetime | None = None) -> str:
        """A new session token for the account, or ``SignInRefused`` saying why (and how long to wait).

        The password is checked outside any write transaction (a hash takes about a tenth of a
        second), and an unknown email costs the same hash as a known one, so timing tells nothing.
        """
        now = now or _now()
        folded = email.strip().casefold()
        address_key, email_key = f"address:{address}", f"account:{folded}"
        with self._store.reading() as conn:
            wait = self._wait(conn, [email_key, address_key], now)
            row = conn.execute(
                select(accounts).where(accounts.c.email == folded, accounts.c.disabled_at.is_(None))
            ).one_or_none()
        if wait > timedelta(0):
            seconds = int(wait.total_seconds()) + 1
            raise SignInRefused(
                f"Too many wrong passwords; try again in {seconds} second{'' if seconds == 1 else 's'}.", wait
            )
        stored = row.password_hash if row is not None and row.password_hash else _stand_in_hash()
        if not verify_password(stored, password) or row is None or row.password_hash is None:
            with self._write() as conn:
                conn.execute(insert(sign_in_failures), [{"subject": s, "at": now} for s in (email_key, address_key)])
                self._audit(conn, email.strip()[:120] or "(no email)", "sign_in.failed", address=address)
            raise SignInRefused("The email or the password is not right.")
        token = secrets.token_urlsafe(32)
        fresh = hash_password(password) if needs_rehash(row.password_hash) else None
        with self._write() as conn:
            if fresh is not None:
                conn.execute(update(accounts).where(accounts.c.id == row.id).values(password_hash=fresh))
            conn.execute(sign_in_failures.delete().where(sign_in_failures.c.subject == email_key))
            conn.execute(
                insert(sessions).values(token_hash=digest(token), account_id=row.id, created_at=now, last_seen_at=now)
            )
            self._audit(conn, _label(row.name, row.email), "sign_in", address=address)
        return token

    def session(self, token: str, now: datetime | None = None) -> Actor | None:
        """The signed-in person of ``token``, or None when it is unknown, ended, timed out or its
        account disabled. Use is written down at most once a minute (``SEEN_EVERY``), so opening
        pages does not queue behind answers being saved."""
        now = now or _now()
        with self._store.reading() as conn:
            row = conn.execute(
                select(sessions, accounts.c.disabled_at)
                .join(accounts, accounts.c.id == sessions.c.account_id)
                .where(sessions.c.token_hash == digest(token))
            ).one_or_none()
        if row is None or row.ended_at is not None:
            return None
        why = (
            "account disabled"
            if row.disabled_at is not None
            else "idle"
            if now - utc(row.last_seen_at) > IDLE
            else "too old"
            if now - utc(row.created_at) > ABSOLUTE
            else None
        )
        if why is not None or now - utc(row.last_seen_at) > SEEN_EVERY:
            with self._write() as conn:
                ended = {"ended_at": now, "ended_why": why} if why else {"last_seen_at": now}
                conn.execute(update(sessions).where(sessions.c.id == row.id).values(**ended))
        return None if why else self.actor(row.account_id)

    def vouched(self, key: str, account_id: int, now: datetime | None = None) -> bool:
        """Whether a sign-in that a city's identity provider vouched for (``key`` names it: subject and
        time of issue) still holds. The first time it is seen it becomes a session like a local one,
        recorded in the audit trail, so it times out, and ends on sign-out, the same way."""
        now = now or _now()
        with self._store.reading() as conn:
            known = conn.execute(select(sessions.c.id).where(sessions.c.token_hash == digest(key))).one_or_none()
        if known is not None:
            return self.session(key, now) is not None
        account = self.account(account_id)
        try:
            with self._write() as conn:
                conn.execute(
                    insert(sessions).values(
                        token_hash=digest(key), account_id=account_id, created_at=now, last_seen_at=now
                    )
                )
                self._audit(conn, _label(account.name, account.email), "sign_in", via="identity provider")
        except IntegrityError:  # two tabs at once: the other one recorded it
            pass
        return True

    def sign_out(self, token: str, now: datetime | None = None) -> None:
        """End the session of ``token`` (nothing happens for an unknown or ended one)."""
        now = now or _now()
        with self._write() as conn:
            row = conn.execute(
                select(sessions.c.id, accounts.c.name, accounts.c.email)
                .join(accounts, accounts.c.id == sessions.c.account_id)
                .where(sessions.c.token_hash == digest(token), sessions.c.ended_at.is_(None))
            ).one_or_none()
            if row is None:
                return
            conn.execute(update(sessions).where(sessions.c.id == row.id).values(ended_at=now, ended_why="signed out"))
            self._audit(conn, _label(row.name, row.email), "sign_out")

    def _end_sessions(self, conn: Connection, account_id: int, now: datetime, why: str) -> None:
        conn.execute(
            update(sessions)
            .where(sessions.c.account_id == account_id, sessions.c.ended_at.is_(None))
            .values(ended_at=now, ended_why=why)
        )
