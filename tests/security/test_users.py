"""Accounts: argon2 hashes, sign-in, lockout after repeated failures, centre membership."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from transit_centre.db.models import AuditEntry, User
from transit_centre.enums import AuditAction, Role
from transit_centre.errors import DomainError, PermissionDenied, ValidationError
from transit_centre.security.permissions import Actor
from transit_centre.security.users import MAX_FAILED_LOGINS, authenticate, create_user

PASSWORD = "mot-de-passe-solide"


@pytest.fixture
def admin(db):
    return create_user(db, Actor.system(), username="admin", full_name="Awa Diallo",
                       password=PASSWORD, roles=[Role.ADMIN])


def test_first_account_must_be_an_administrator(db):
    with pytest.raises(DomainError):
        create_user(db, Actor.system(), username="x", full_name="X", password=PASSWORD, roles=[Role.CASEWORKER])


def test_sign_in_returns_actor_with_roles_and_centre(db, admin, centres):
    actor_admin = authenticate(db, "admin", PASSWORD)
    create_user(db, actor_admin, username="fatou", full_name="Fatoumata Coulibaly", password=PASSWORD,
                roles=[Role.CASEWORKER], centre_ids=[centres["GAO"]])
    actor = authenticate(db, "Fatou ", PASSWORD, centres["GAO"])
    assert actor.roles == {Role.CASEWORKER} and actor.current_centre_id == centres["GAO"]
    with pytest.raises(PermissionDenied):
        authenticate(db, "fatou", PASSWORD, centres["KAY"])


def test_only_administrators_create_accounts(db, admin, make_actor):
    with pytest.raises(PermissionDenied):
        create_user(db, make_actor(Role.MANAGER), username="y", full_name="Y", password=PASSWORD,
                    roles=[Role.CASEWORKER])


def test_validation_lists_every_problem(db):
    with pytest.raises(ValidationError) as info:
        create_user(db, Actor.system(), username="Has Space", full_name="", password="short", roles=[])
    assert set(info.value.errors) == {"username", "full_name", "password", "roles"}


def test_five_wrong_passwords_lock_the_account(db, admin):
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(DomainError, match="incorrect"):
            authenticate(db, "admin", "wrong-password")
    with pytest.raises(DomainError, match="incorrect"):
        authenticate(db, "admin", "wrong-password")
    # Even the right password is refused while locked, with the same answer (it says nothing of
    # the account's state to whoever is guessing).
    with pytest.raises(DomainError, match="incorrect.*bloqué 15 minutes"):
        authenticate(db, "admin", PASSWORD)
    with db.transaction(None) as s:
        user = s.scalar(select(User).where(User.username == "admin"))
        assert user.locked_until > dt.datetime.now(dt.timezone.utc)
        user.locked_until = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    assert authenticate(db, "admin", PASSWORD).username == "admin"
    with db.transaction(None, readonly=True) as s:
        actions = [e.action for e in s.scalars(select(AuditEntry).where(
            AuditEntry.action.in_([AuditAction.LOGIN, AuditAction.LOGIN_FAILED])))]
    assert actions.count(AuditAction.LOGIN_FAILED) == MAX_FAILED_LOGINS + 1
    assert AuditAction.LOGIN in actions


def test_unknown_user_gets_the_same_message(db, admin):
    with pytest.raises(DomainError, match="Nom d'utilisateur ou mot de passe incorrect"):
        authenticate(db, "nobody", PASSWORD)


def test_password_hash_never_reaches_the_audit_log(db, admin):
    with db.transaction(None, readonly=True) as s:
        texts = [e.new_value or "" for e in s.scalars(select(AuditEntry))]
    assert not any("$argon2" in t for t in texts)
