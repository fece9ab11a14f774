"""Roles from an identity provider's claim, as the administrator maps them in the secrets."""

from __future__ import annotations

from access.roles import Role
from app_pages.identity import roles_from_claims

SETTINGS = {
    "roles_claim": "groups",
    "roles": {
        "cohesion-admins": "admin",
        "riverton-team": "editor@1",
        "riverton-leads": "Coordinator@1",
        "lakeside-readers": "viewer@2",
        "typo": "owner@3",
        "no-city": "editor",
    },
}


def test_without_a_named_claim_the_apps_own_roles_count() -> None:
    assert roles_from_claims({"groups": ["riverton-team"]}, {}) == (None, False)


def test_each_mapped_value_gives_its_role_and_several_for_one_city_give_the_highest() -> None:
    claims = {"groups": ["riverton-team", "riverton-leads", "lakeside-readers", "unmapped", "typo", "no-city"]}
    assert roles_from_claims(claims, SETTINGS) == ({1: Role.COORDINATOR, 2: Role.VIEWER}, False)


def test_the_administrator_value_gives_the_network_role_and_no_city() -> None:
    assert roles_from_claims({"groups": "cohesion-admins"}, SETTINGS) == ({}, True)


def test_a_person_whose_claim_is_missing_has_no_role_at_all() -> None:
    assert roles_from_claims({"email": "x@y.example"}, SETTINGS) == ({}, False)
