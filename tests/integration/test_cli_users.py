"""Creating accounts and roles from the command line: the password is asked for, never an argument."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from access.accounts import Accounts
from access.roles import Role
from questionnaire.loader import load_frameworks
from scoring.records import City
from storage.store import Store
from tests.integration.test_cli import ROOT

GOOD = "correct horse battery staple"


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "cli.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, input=stdin
    )


def test_the_first_administrator_is_created_with_a_password_typed_twice(sqlite_url: str) -> None:
    made = _cli(
        "user",
        "add",
        "Ana@Riverton.example",
        "--name",
        "Ana Ruiz",
        "--admin",
        "--db",
        sqlite_url,
        stdin=f"{GOOD}\n{GOOD}\n",
    )
    assert made.returncode == 0, made.stderr
    assert "Created network administrator 1: Ana Ruiz <ana@riverton.example>." in made.stdout
    assert GOOD not in made.stdout + made.stderr  # never echoed
    people = Accounts(Store.open(sqlite_url, load_frameworks()))
    assert people.sign_in("ana@riverton.example", GOOD, "127.0.0.1")
    assert people.actor(1).network_admin


def test_a_weak_or_mistyped_password_creates_no_account(sqlite_url: str) -> None:
    weak = _cli(
        "user",
        "add",
        "bo@riverton.example",
        "--name",
        "Bo",
        "--db",
        sqlite_url,
        stdin=f"short\npassword1234\n{GOOD}\nnot the same one\n",
    )  # three tries, none usable
    assert weak.returncode == 1
    assert "at least 12 characters" in weak.stderr and "too common" in weak.stderr
    assert "The two passwords differ." in weak.stderr and "No account created" in weak.stderr
    assert Accounts(Store.open(sqlite_url, load_frameworks())).count() == 0


def test_the_password_cannot_be_given_as_an_argument(sqlite_url: str) -> None:
    refused = _cli("user", "add", "bo@riverton.example", "--name", "Bo", "--password", GOOD, "--db", sqlite_url)
    assert refused.returncode == 2 and "No such option: --password" in refused.stderr


def test_a_role_is_given_in_a_city_and_a_wrong_role_or_city_is_refused_plainly(sqlite_url: str, tmp_path: Path) -> None:
    _cli("user", "add", "cy@riverton.example", "--name", "Cy", "--db", sqlite_url, stdin=f"{GOOD}\n{GOOD}\n")
    store = Store.open(sqlite_url, load_frameworks())
    profile = City(name="Riverton", country="Freedonia", region="europe", population_band="100k_500k")
    city = store.create_city(profile, "x")
    given = _cli("user", "role", "cy@riverton.example", "--city", str(city.id), "--role", "editor", "--db", sqlite_url)
    assert given.returncode == 0, given.stderr
    assert Accounts(store).actor(1).roles == {city.id: Role.EDITOR}
    wrong = _cli("user", "role", "cy@riverton.example", "--city", str(city.id), "--role", "mayor", "--db", sqlite_url)
    assert wrong.returncode == 1 and "'mayor' is not a role" in wrong.stderr
    nowhere = _cli("user", "role", "cy@riverton.example", "--city", "99", "--role", "viewer", "--db", sqlite_url)
    assert nowhere.returncode == 1 and "Traceback" not in nowhere.stderr


def test_a_hostile_name_is_printed_as_text_not_as_markup(sqlite_url: str) -> None:
    hostile = "[link=http://evil.example]Ana[/link] <script>alert(1)</script>"
    made = _cli("user", "add", "ana@riverton.example", "--name", hostile, "--db", sqlite_url, stdin=f"{GOOD}\n{GOOD}\n")
    assert made.returncode == 0, made.stderr
    assert hostile in " ".join(made.stdout.split())  # shown as typed, brackets and all (the console may wrap it)
    assert Accounts(Store.open(sqlite_url, load_frameworks())).actor(1).name == f"{hostile} <ana@riverton.example>"


def test_first_run_says_how_the_first_account_is_made_until_one_exists(sqlite_url: str) -> None:
    fresh = _cli("user", "first-run", "--url", "http://127.0.0.1:8600", "--db", sqlite_url)
    assert fresh.returncode == 0 and "No account exists yet" in fresh.stdout and "127.0.0.1:8600" in fresh.stdout
    made = _cli("user", "add", "ana@riverton.example", "--name", "Ana", "--provider", "--admin", "--db", sqlite_url)
    assert made.returncode == 0, made.stderr  # no password asked: the city's provider signs Ana in
    account = Accounts(Store.open(sqlite_url, load_frameworks())).find("ana@riverton.example")
    assert account is not None and account.network_admin and not account.has_password
    later = _cli("user", "first-run", "--db", sqlite_url)
    assert "sign in with your email" in later.stdout and "No account" not in later.stdout


def test_the_administrator_replaces_a_forgotten_password_and_the_old_one_stops_working(sqlite_url: str) -> None:
    _cli("user", "add", "ana@riverton.example", "--name", "Ana", "--db", sqlite_url, stdin=f"{GOOD}\n{GOOD}\n")
    fresh = "a brand new passphrase"
    changed = _cli("user", "password", "ANA@riverton.example", "--db", sqlite_url, stdin=f"{fresh}\n{fresh}\n")
    assert changed.returncode == 0, changed.stderr
    assert "New password set for ana@riverton.example" in changed.stdout and fresh not in changed.stdout
    people = Accounts(Store.open(sqlite_url, load_frameworks()))
    assert people.sign_in("ana@riverton.example", fresh, "127.0.0.1")
    nobody = _cli("user", "password", "nobody@riverton.example", "--db", sqlite_url)
    assert nobody.returncode == 1 and "There is no account" in nobody.stderr and "Traceback" not in nobody.stderr
    weak = _cli("user", "password", "ana@riverton.example", "--db", sqlite_url, stdin="short\nshort\nshort\n")
    assert weak.returncode == 1 and "No password set" in weak.stderr
