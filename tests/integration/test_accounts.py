"""Local accounts on SQLite and PostgreSQL: sign-in, server-side sessions and their timeouts,
sign-out, password changes, and wrong passwords slowed down without locking the owner out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from access.accounts import ABSOLUTE, IDLE, MAX_WAIT, Accounts, SignInRefused
from access.roles import Role
from scoring.records import City
from storage.errors import StorageError
from storage.store import Store

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
GOOD = "correct horse battery staple"


@pytest.fixture
def people(store: Store) -> Accounts:
    return Accounts(store)


def _ana(people: Accounts, **options: object):
    return people.add("Ana.Ruiz@Riverton.example", "Ana Ruiz", "Set-up", password=GOOD, **options)


def test_an_account_is_stored_with_a_hashed_password_and_a_folded_email(people: Accounts, store: Store) -> None:
    ana = _ana(people)
    assert (ana.email, ana.name) == ("ana.ruiz@riverton.example", "Ana Ruiz")
    assert ana.has_password and not ana.network_admin
    assert people.find("ANA.RUIZ@riverton.example") == ana
    with store.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM accounts").scalar_one()
    assert stored.startswith("$argon2id$") and GOOD not in stored
    assert [e.action for e in store.audit_trail()] == ["account.add"]


@pytest.mark.parametrize(
    ("email", "password", "said"),
    [
        ("not-an-email", GOOD, "is not an email address"),
        ("ana@riverton.example", "short", "at least 12 characters"),
        ("ana@riverton.example", "password1234", "too common"),
    ],
)
def test_a_refused_account_writes_nothing(people: Accounts, store: Store, email: str, password: str, said: str) -> None:
    with pytest.raises(StorageError, match=said):
        people.add(email, "Ana", "Set-up", password=password)
    assert people.count() == 0 and store.audit_trail() == []


def test_a_second_account_with_the_same_email_is_refused(people: Accounts) -> None:
    _ana(people)
    with pytest.raises(StorageError, match="already exists"):
        people.add("ana.ruiz@riverton.EXAMPLE", "Another Ana", "Set-up", password=GOOD)


def test_sign_in_gives_a_session_that_knows_the_person_and_their_roles(people: Accounts, store: Store) -> None:
    ana = _ana(people)
    profile = City(name="Riverton", country="Freedonia", region="europe", population_band="100k_500k")
    city = store.create_city(profile, "x")
    people.add_member(ana.id, city.id or 0, Role.EDITOR, "Set-up")
    token = people.sign_in("ana.ruiz@riverton.example", GOOD, "10.0.0.1", now=T0)
    actor = people.session(token, now=T0 + timedelta(minutes=1))
    assert actor is not None and actor.roles == {city.id: Role.EDITOR}
    assert actor.name == "Ana Ruiz <ana.ruiz@riverton.example>"
    assert ("sign_in", actor.name) in [(e.action, e.actor) for e in store.audit_trail()]
    with store.engine.connect() as conn:
        kept = conn.exec_driver_sql("SELECT token_hash FROM sessions").scalar_one()
    assert kept != token and len(kept) == 64  # only a digest of the token is stored


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(people: Accounts, store: Store) -> None:
    _ana(people)
    for email, password in (("ana.ruiz@riverton.example", "wrong password here"), ("who@nowhere.example", GOOD)):
        with pytest.raises(SignInRefused, match="^The email or the password is not right.$"):
            people.sign_in(email, password, "10.0.0.1", now=T0)
    assert [e.action for e in store.audit_trail()].count("sign_in.failed") == 2


def test_signing_out_ends_the_session_so_going_back_shows_nothing(people: Accounts) -> None:
    _ana(people)
    token = people.sign_in("ana.ruiz@riverton.example", GOOD, "10.0.0.1", now=T0)
    people.sign_out(token, now=T0 + timedelta(minutes=5))
    assert people.session(token, now=T0 + timedelta(minutes=6)) is None


def test_a_session_ends_after_idle_time_and_after_its_absolute_lifetime(people: Accounts) -> None:
    _ana(people)
    idle = people.sign_in("ana.ruiz@riverton.example", GOOD, "10.0.0.1", now=T0)
    assert people.session(idle, now=T0 + IDLE - timedelta(seconds=1)) is not None
    assert people.session(idle, now=T0 + 2 * IDLE) is None
    busy = people.sign_in("ana.ruiz@riverton.example", GOOD, "10.0.0.1", now=T0)
    moment = T0
    while moment - T0 < ABSOLUTE - IDLE:  # used every 20 minutes all day
        moment += timedelta(minutes=20)
        assert people.session(busy, now=moment) is not None
    assert people.session(busy, now=T0 + ABSOLUTE + timedelta(minutes=1)) is None


def test_a_password_change_ends_every_other_session(people: Accounts) -> None:
    ana = _ana(people)
    laptop = people.sign_in("ana.ruiz@riverton.example", GOOD, "10.0.0.1", now=T0)
    phone = people.sign_in("ana.ruiz@riverton.example", GOOD, "10.0.0.2", now=T0)
    people.set_password(ana.id, "a brand new garden path", "Ana Ruiz")
    assert people.session(laptop) is None and people.session(phone) is None
    with pytest.raises(SignInRefused):
        people.sign_in("ana.ruiz@riverton.example", GOOD, "10.0.0.1")
    assert people.session(people.sign_in("ana.ruiz@riverton.example", "a brand new garden path", "10.0.0.1"))


def test_ten_wrong_passwords_delay_the_owners_correct_eleventh_try_briefly_not_for_long(people: Accounts) -> None:
    _ana(people)
    moment = T0
    for _ in range(10):  # someone else, from another address, guessing
        with pytest.raises(SignInRefused):
            people.sign_in("ana.ruiz@riverton.example", "guess guess guess", "203.0.113.9", now=moment)
        moment += timedelta(seconds=61)  # each guess waits out any pause before it
    with pytest.raises(SignInRefused, match=r"try again in \d+ seconds") as refused:
        people.sign_in("ana.ruiz@riverton.example", GOOD, "10.0.0.1", now=moment - timedelta(seconds=60))
    assert timedelta(0) < refused.value.wait <= MAX_WAIT
    token = people.sign_in("ana.ruiz@riverton.example", GOOD, "10.0.0.1", now=moment - timedelta(seconds=60) + MAX_WAIT)
    assert people.session(token, now=moment) is not None  # the owner is in, at most a minute later


def test_the_first_few_wrong_passwords_cost_no_wait(people: Accounts) -> None:
    _ana(people)
    for _ in range(4):
        with pytest.raises(SignInRefused, match="not right"):
            people.sign_in("ana.ruiz@riverton.example", "a typo in my pass", "10.0.0.1", now=T0)
    assert people.sign_in("ana.ruiz@riverton.example", GOOD, "10.0.0.1", now=T0)


def _city(store: Store, name: str = "Riverton"):
    return store.create_city(City(name=name, country="Freedonia", region="europe", population_band="100k_500k"), "x")


def test_a_coordinator_invites_a_member_who_sets_a_password_through_a_one_time_link(
    people: Accounts, store: Store
) -> None:
    from access.roles import Actor

    city = _city(store)
    coordinator = Actor(account_id=99, name="Cleo <cleo@riverton.example>", roles={city.id or 0: Role.COORDINATOR})
    token = people.invite("dan@riverton.example", "Dan", city.id or 0, Role.VIEWER, coordinator, now=T0)
    dan = people.find("dan@riverton.example")
    assert dan is not None and not dan.has_password  # cannot sign in before the link is used
    with pytest.raises(SignInRefused):
        people.sign_in("dan@riverton.example", GOOD, "10.0.0.1", now=T0)
    with pytest.raises(StorageError, match="at least 12"):
        people.accept(token, "short", now=T0)  # a refused password keeps the link usable
    people.accept(token, GOOD, now=T0 + timedelta(hours=1))
    assert people.actor(dan.id).roles == {city.id: Role.VIEWER}
    assert people.sign_in("dan@riverton.example", GOOD, "10.0.0.1", now=T0 + timedelta(hours=2))
    with pytest.raises(StorageError, match="no longer valid"):
        people.accept(token, "another fine passphrase", now=T0 + timedelta(hours=3))  # used once only
    actions = [e.action for e in store.audit_trail()]
    assert actions.count("invitation.add") == 1 and actions.count("invitation.accept") == 1


def test_an_invitation_expires_after_a_week_and_only_coordinators_invite(people: Accounts, store: Store) -> None:
    from access.accounts import INVITATION_LIFETIME
    from access.roles import Actor, NotAllowed

    city, other = _city(store), _city(store, "Elsewhere")
    coordinator = Actor(account_id=99, name="Cleo", roles={city.id or 0: Role.COORDINATOR, other.id or 0: Role.EDITOR})
    token = people.invite("eve@riverton.example", "Eve", city.id or 0, Role.EDITOR, coordinator, now=T0)
    with pytest.raises(StorageError, match="no longer valid"):
        people.accept(token, GOOD, now=T0 + INVITATION_LIFETIME + timedelta(minutes=1))
    with pytest.raises(NotAllowed):
        people.invite("fay@riverton.example", "Fay", other.id or 0, Role.VIEWER, coordinator, now=T0)
    assert people.find("fay@riverton.example") is None  # a refused invitation creates no account


def test_an_invitation_to_someone_with_an_account_never_lets_the_inviter_choose_their_password(
    people: Accounts, store: Store
) -> None:
    from access.roles import Actor

    city = _city(store)
    admin = people.add("root@network.example", "Root", "Set-up", password=GOOD, network_admin=True)
    coordinator = Actor(account_id=99, name="Cleo", roles={city.id or 0: Role.COORDINATOR})
    token = people.invite("root@network.example", "Root", city.id or 0, Role.VIEWER, coordinator, now=T0)
    found = people.invitation(token, now=T0)
    assert found is not None and found.has_password and not found.for_round
    with pytest.raises(StorageError, match="not the password of your account"):
        people.accept(token, "the coordinator's own choice", now=T0)
    assert people.sign_in("root@network.example", GOOD, "10.0.0.1", now=T0)  # the real password still works
    assert people.actor(admin.id).roles == {}
    people.accept(token, GOOD, now=T0 + timedelta(minutes=1))  # the owner accepts with their own password
    assert people.actor(admin.id).roles == {city.id: Role.VIEWER}


def test_guessing_a_password_through_an_invitation_link_slows_down_like_signing_in(
    people: Accounts, store: Store
) -> None:
    from access.accounts import FREE_FAILURES
    from access.roles import Actor

    city = _city(store)
    _ana(people)
    coordinator = Actor(account_id=99, name="Cleo", roles={city.id or 0: Role.COORDINATOR})
    token = people.invite("ana.ruiz@riverton.example", "Ana", city.id or 0, Role.EDITOR, coordinator, now=T0)
    for n in range(FREE_FAILURES):
        with pytest.raises(StorageError, match="not the password"):
            people.accept(token, f"guess number {n:04d}", now=T0)
    with pytest.raises(SignInRefused, match="Too many"):
        people.accept(token, GOOD, now=T0)  # even the right one waits now


def test_an_account_of_the_identity_provider_cannot_be_given_a_password_by_invitation(
    people: Accounts, store: Store
) -> None:
    from access.roles import Actor

    city = _city(store)
    people.add("pat@riverton.example", "Pat", "Set-up")  # signs in through the provider: no password
    coordinator = Actor(account_id=99, name="Cleo", roles={city.id or 0: Role.COORDINATOR})
    with pytest.raises(StorageError, match="identity provider"):
        people.invite("pat@riverton.example", "Pat", city.id or 0, Role.VIEWER, coordinator, now=T0)
    # someone invited before who has not set a password yet can be sent a new link
    people.invite("dan@riverton.example", "Dan", city.id or 0, Role.VIEWER, coordinator, now=T0)
    again = people.invite("dan@riverton.example", "Dan", city.id or 0, Role.EDITOR, coordinator, now=T0)
    people.accept(again, GOOD, now=T0)
    dan = people.find("dan@riverton.example")
    assert dan is not None and people.actor(dan.id).roles == {city.id: Role.EDITOR}


def test_a_long_name_and_email_still_fit_the_audit_trail_and_every_answer(people: Accounts, store: Store) -> None:
    from access.guard import GuardedStore
    from scoring.records import RecordedAnswer

    email = f"{'a' * 40}@riverton-municipal-services.example"  # 76 characters
    account = people.add(email, "Ana " + "Maria " * 19, "Set-up", password=GOOD)  # 118 characters
    city = _city(store)
    people.add_member(account.id, city.id or 0, Role.EDITOR, "Set-up")
    draft = store.start_assessment(city.id or 0, "2026", "Set-up", framework_id="scn-transatlantic")
    actor = people.session(people.sign_in(email, GOOD, "10.0.0.1"))
    assert actor is not None and len(actor.name) <= 120 and actor.name.endswith(f"<{email}>")
    saved = GuardedStore(store, actor).save_answer(draft.id or 0, RecordedAnswer(question_id="Q1.1", level=2))
    assert saved.answered_by == actor.name
    with pytest.raises(StorageError, match="up to 120 characters"):
        people.add("bo@riverton.example", "B" * 121, "Set-up", password=GOOD)


def test_a_name_typed_or_claimed_on_several_lines_is_kept_on_one_and_every_answer_reads_back(
    people: Accounts, store: Store
) -> None:
    from access.guard import GuardedStore
    from scoring.records import RecordedAnswer

    account = people.add("ana@riverton.example", "  Ana\n de la\x07\tCruz ", "Set-up", password=GOOD)
    assert account.name == "Ana de la Cruz"
    city = _city(store)
    people.add_member(account.id, city.id or 0, Role.EDITOR, "Set-up")
    draft = store.start_assessment(city.id or 0, "2026", "Set-up", framework_id="scn-transatlantic")
    guarded = GuardedStore(store, people.actor(account.id))
    guarded.save_answer(draft.id or 0, RecordedAnswer(question_id="Q1.1", level=2))
    assert [a.answered_by for a in store.answers(draft.id or 0)] == ["Ana de la Cruz <ana@riverton.example>"]
    claimed = people.from_identity("noor@riverton.example", "Noor\r\nHaddad " + "x" * 200, None)
    assert claimed.name.startswith("Noor Haddad xxx") and len(claimed.name) <= 120
    with pytest.raises(StorageError, match="the person's name"):
        people.add("bo@riverton.example", "\n\x07\t", "Set-up", password=GOOD)


def _city_id(store: Store, name: str = "Riverton") -> int:
    made = store.create_city(City(name=name, country="Freedonia", region="europe", population_band="100k_500k"), "x")
    return made.id or 0


def test_changing_your_own_password_needs_the_current_one_and_ends_only_your_other_sessions(
    people: Accounts,
) -> None:
    _ana(people)
    here = people.sign_in("ana.ruiz@riverton.example", GOOD, "192.0.2.1", now=T0)
    laptop = people.sign_in("ana.ruiz@riverton.example", GOOD, "192.0.2.2", now=T0)
    with pytest.raises(StorageError, match="current password is not right"):
        people.change_password(here, "not my password", "a new long passphrase", now=T0)
    assert people.session(laptop, now=T0) is not None  # a refused change ends nothing
    people.change_password(here, GOOD, "a new long passphrase", now=T0)
    assert people.session(here, now=T0) is not None and people.session(laptop, now=T0) is None
    with pytest.raises(SignInRefused):
        people.sign_in("ana.ruiz@riverton.example", GOOD, "192.0.2.1", now=T0)
    assert people.sign_in("ana.ruiz@riverton.example", "a new long passphrase", "192.0.2.1", now=T0)


def test_a_city_keeps_at_least_one_coordinator_and_a_removed_member_loses_the_city(
    people: Accounts, store: Store
) -> None:
    city = _city_id(store)
    ana, ben = _ana(people), people.add("ben@riverton.example", "Ben", "Set-up", password=GOOD)
    people.add_member(ana.id, city, Role.COORDINATOR, "Set-up")
    people.add_member(ben.id, city, Role.EDITOR, "Set-up")
    coordinator = people.actor(ana.id)
    with pytest.raises(StorageError, match="at least one coordinator"):
        people.change_role(ana.id, city, Role.EDITOR, coordinator)
    people.change_role(ben.id, city, Role.COORDINATOR, coordinator)
    people.change_role(ana.id, city, None, people.actor(ben.id))
    assert people.actor(ana.id).roles == {}
    assert [(m.name, m.role) for m in people.members(city, people.actor(ben.id))] == [("Ben", Role.COORDINATOR)]
    assert "membership.remove" in [e.action for e in store.audit_trail(city_id=city)]


def test_the_first_account_is_an_administrator_and_only_one_can_be_made_that_way(people: Accounts) -> None:
    first = people.add_first("ana@riverton.example", "Ana", GOOD)
    assert first.network_admin and first.has_password
    with pytest.raises(StorageError, match="exists already"):
        people.add_first("mallory@elsewhere.example", "Mallory", GOOD)
    assert people.count() == 1


def test_a_provider_identity_gets_an_account_and_the_roles_its_claim_states(people: Accounts, store: Store) -> None:
    riverton, lakeside = _city_id(store), _city_id(store, "Lakeside")
    actor = people.from_identity("Noor@Riverton.example", "Noor Haddad", {riverton: Role.EDITOR, 999: Role.VIEWER})
    assert actor.roles == {riverton: Role.EDITOR} and not actor.network_admin  # an unknown city is ignored
    assert people.find("noor@riverton.example") is not None and not people.find("noor@riverton.example").has_password
    actor = people.from_identity("noor@riverton.example", "Noor Haddad", {lakeside: Role.COORDINATOR}, True)
    assert actor.roles == {lakeside: Role.COORDINATOR} and actor.network_admin  # the claim replaces the roles
    people.add_member(actor.account_id, riverton, Role.VIEWER, "Set-up")
    assert people.from_identity("noor@riverton.example", "Noor", None).roles == {
        riverton: Role.VIEWER,
        lakeside: Role.COORDINATOR,
    }  # no claim named: the roles given in the app count


def test_an_ended_session_is_refused_and_use_is_written_down_at_most_once_a_minute(
    people: Accounts, store: Store
) -> None:
    _ana(people)
    token = people.sign_in("ana.ruiz@riverton.example", GOOD, "192.0.2.1", now=T0)
    with store.engine.connect() as conn:
        first = conn.exec_driver_sql("SELECT last_seen_at FROM sessions").scalar_one()
    assert people.session(token, now=T0 + timedelta(seconds=30)) is not None
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT last_seen_at FROM sessions").scalar_one() == first
    assert people.session(token, now=T0 + timedelta(minutes=2)) is not None
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT last_seen_at FROM sessions").scalar_one() != first
    people.sign_out(token, now=T0 + timedelta(minutes=3))
    assert people.session(token, now=T0 + timedelta(minutes=3)) is None
    assert [e.action for e in store.audit_trail()][-1] == "sign_out"
