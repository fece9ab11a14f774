"""Roles per city, the operations of the store, and which role may do which (pure: no database).

A person holds a role in each city they belong to; a network administrator manages cities and
accounts across the deployment but sees no city's answers unless they are also a member of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Actor", "CITY_ROLES", "NotAllowed", "Operation", "Role", "PERMISSIONS", "may"]


class Role(StrEnum):
    """What a person may do in one city (ordered from the least to the most)."""

    VIEWER = "viewer"
    """Reads results, compares, downloads reports and exports."""
    EDITOR = "editor"
    """Also answers questions and writes notes and evidence."""
    COORDINATOR = "coordinator"
    """Also manages the city profile and its members; starts, submits, reopens, deletes and imports
    assessments; sets targets."""


CITY_ROLES: tuple[Role, ...] = (Role.VIEWER, Role.EDITOR, Role.COORDINATOR)


class Operation(StrEnum):
    """Everything the store can be asked to do about a city, named for the permission it needs."""

    SEE = "see"
    """See that the city and its assessments exist: the profile, titles, dates and status."""
    READ = "read"
    """Read the city's answers, results, reports, exports and audit trail."""
    ANSWER = "answer"
    """Save answers (one by one, or a spreadsheet of them) in a draft."""
    MANAGE_ASSESSMENTS = "manage_assessments"
    """Start, submit, reopen, delete and restore assessments; set targets; import a file."""
    MANAGE_CITY = "manage_city"
    """Change the city's profile and its members."""
    ADMINISTER = "administer"
    """Create, delete and restore cities and manage accounts: the network administrator's, never a city role's."""


PERMISSIONS: Mapping[Operation, frozenset[Role]] = {
    Operation.SEE: frozenset(CITY_ROLES),
    Operation.READ: frozenset(CITY_ROLES),
    Operation.ANSWER: frozenset({Role.EDITOR, Role.COORDINATOR}),
    Operation.MANAGE_ASSESSMENTS: frozenset({Role.COORDINATOR}),
    Operation.MANAGE_CITY: frozenset({Role.COORDINATOR}),
    Operation.ADMINISTER: frozenset(),
}
"""The city roles that allow each operation in their own city."""


@dataclass(frozen=True)
class Actor:
    """The signed-in person: their account, name for the audit trail, and roles by city id."""

    account_id: int
    name: str
    roles: Mapping[int, Role] = field(default_factory=dict)
    network_admin: bool = False

    def role_in(self, city_id: int) -> Role | None:
        """The person's role in ``city_id`` (None when they are not a member)."""
        return self.roles.get(city_id)


class NotAllowed(PermissionError):
    """The person may not do this; nothing was read or written."""


def may(actor: Actor, operation: Operation, city_id: int | None = None) -> bool:
    """Whether ``actor`` may do ``operation`` in ``city_id`` (None: across the network)."""
    if operation is Operation.ADMINISTER or (operation is Operation.SEE and actor.network_admin):
        return actor.network_admin
    if city_id is None:
        return False
    role = actor.role_in(city_id)
    return role is not None and role in PERMISSIONS[operation]
