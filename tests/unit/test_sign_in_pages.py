"""The sign-in pages' own rules: where a sign-in may lead, and which address a try counts against."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from access.web import client_address, safe_next


@pytest.mark.parametrize(
    ("asked", "goes"),
    [
        ("/questionnaire?city=3&assessment=7", "/questionnaire?city=3&assessment=7"),
        ("/", "/"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("questionnaire", "/"),
        ("/sign-in?next=/sign-in", "/"),
        ("/sign-out", "/"),
    ],
)
def test_a_sign_in_leads_only_to_a_page_of_this_server(asked: str | None, goes: str) -> None:
    assert safe_next(asked) == goes


def _request(client: str, forwarded: str | None = None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "client": (client, 5000), "headers": headers, "method": "POST", "path": "/"})


def test_a_forwarded_address_counts_only_when_it_comes_from_a_proxy_the_administrator_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COHESION_PROXIES", raising=False)
    assert client_address(_request("198.51.100.9", "203.0.113.7")) == "198.51.100.9"  # anyone can send the header
    monkeypatch.setenv("COHESION_PROXIES", "10.0.0.2, 10.0.0.3")
    assert client_address(_request("10.0.0.2", "203.0.113.7")) == "203.0.113.7"
    assert client_address(_request("10.0.0.3", "192.0.2.44, 203.0.113.7")) == "203.0.113.7"  # the hop it saw
    assert client_address(_request("198.51.100.9", "203.0.113.7")) == "198.51.100.9"
    assert client_address(_request("10.0.0.2")) == "10.0.0.2"
