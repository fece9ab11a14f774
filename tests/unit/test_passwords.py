"""Local account passwords: NIST SP 800-63B rules for a new password, and argon2id hashes."""

from __future__ import annotations

import pytest

from access.passwords import MIN_PASSWORD, hash_password, needs_rehash, password_problem, verify_password


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery",
        "Zeven kleine olifanten",
        "ŁÓDŹ tram number 12",
        "my-garden-has-3-apples",
        "a b c d e f g h",
    ],
)
def test_a_long_password_is_accepted_without_any_composition_rule(password: str) -> None:
    assert password_problem(password, "ana.ruiz@riverton.example") is None


@pytest.mark.parametrize("password", ["short", "elevenchars", "x" * (MIN_PASSWORD - 1)])
def test_a_password_under_twelve_characters_is_refused_with_the_rule(password: str) -> None:
    assert password_problem(password) == (
        "Use at least 12 characters; a few ordinary words in a row make a good password."
    )


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "Password1234",
        "PASSWORD2026",
        "qwertyuiop12"[:12],
        "123456789012",
        "aaaaaaaaaaaa",
        "abababababab",
        "Welcome@2025",
        "iloveyou1234",
    ],
)
def test_a_common_or_repetitive_password_is_refused(password: str) -> None:
    assert password_problem(password) == "This password is too common or too easy to guess; choose another."


def test_a_password_with_the_persons_email_name_or_the_products_name_is_refused() -> None:
    said = "A password should not contain your email name or the product's name; choose another."
    assert password_problem("ana.ruiz is great!!", "ana.ruiz@riverton.example") == said
    assert password_problem("my Cohesion tool pass", "x@y.example") == said


def test_control_characters_and_novels_are_refused_but_sixty_four_characters_are_fine() -> None:
    assert "control characters" in (password_problem("twelve chars\there") or "")
    assert password_problem("w" * 300) == "Use at most 256 characters."
    assert password_problem("this is a long passphrase of sixty four characters or so, fine!") is None


def test_a_hash_is_argon2id_salted_and_verifies_only_the_same_password() -> None:
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first.startswith("$argon2id$") and first != second  # a fresh salt each time
    assert verify_password(first, "correct horse battery")
    assert not verify_password(first, "correct horse batterY")
    assert not verify_password("not a hash", "correct horse battery")  # a damaged hash is a mismatch
    assert not needs_rehash(first)


def test_the_same_password_typed_in_another_unicode_form_verifies() -> None:
    composed, decomposed = "caf\u00e9 au lait ensemble", "cafe\u0301 au lait ensemble"
    assert verify_password(hash_password(composed), decomposed)
