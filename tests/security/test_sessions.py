"""Sessions follow the account: a session opened before the account was disabled, or lost a role,
stops at its next action; a temporary password allows only its change; wrong guesses at "change
my password" count toward the lockout; unknown, disabled and locked accounts get the same answer
after the same work; failed sign-ins are audited under the name typed."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from transit_centre.admin.centres import list_centres
from transit_centre.db.models import AuditEntry, User
from transit_centre.enums import AuditAction, Role
from transit_centre.errors import DomainError, PermissionDenied
from transit_centre.security import users
from transit_centre.security.accounts import (
    change_own_password,
    password_change_required,
    reset_password,
    set_user_active,
    update_user,
)
from transit_centre.security.permissions import Actor
from transit_centre.security.users import authenticate, create_user

PASSWORD = "tamarin vert sous la pluie"


@pytest.fixture
def admin(db):
    create_user(db, Actor.system(), username="admin", full_name="Awa Diallo", password=PASSWORD, roles=[Role.ADMIN])
    return authenticate(db, "admin", PASSWORD)


@pytest.fixture
def fatou(db, admin, centres):
    create_user(db, admin, username="fatou", full_name="Fatoumata Coulibaly", password=PASSWORD,
                roles=[Role.CASEWORKER, Role.MANAGER], centre_ids=[centres["GAO"]])
    return authenticate(db, "fatou", PASSWORD, centres["GAO"])


def _version(db, username: str) -> int:
    with db.transaction(None, readonly=True) as s:
        return s.scalar(select(User.version).where(User.username == username))


def test_a_disabled_users_open_session_is_refused_at_its_next_action(db, admin, fatou):
    assert list_centres(db, fatou)  # the session works
    set_user_active(db, admin, fatou.user_id, False, expected_version=_version(db, "fatou"))
    with pytest.raises(PermissionDenied, match="désactivé"):
        list_centres(db, fatou)


def test_a_role_taken_away_stops_the_session(db, admin, fatou, centres):
    update_user(db, admin, fatou.user_id, full_name="Fatoumata Coulibaly", roles=[Role.CASEWORKER],
                centre_ids=[centres["GAO"]], expected_version=_version(db, "fatou"))
    with pytest.raises(PermissionDenied, match="rôles"):
        list_centres(db, fatou)
    again = authenticate(db, "fatou", PASSWORD, centres["GAO"])  # signing in again gives the new roles
    assert again.roles == frozenset({Role.CASEWORKER}) and list_centres(db, again)


def test_a_temporary_password_allows_only_its_change(db, admin, fatou, centres):
    reset_password(db, admin, fatou.user_id, "jmk4-p2xq-h7rt", expected_version=_version(db, "fatou"))
    temporary = authenticate(db, "fatou", "jmk4-p2xq-h7rt", centres["GAO"])
    assert password_change_required(db, temporary)
    with pytest.raises(PermissionDenied, match="provisoire"):
        list_centres(db, temporary)
    change_own_password(db, temporary, "jmk4-p2xq-h7rt", "baobab rouge au marché", "baobab rouge au marché")
    assert list_centres(db, temporary)


def test_wrong_guesses_at_change_my_password_count_and_are_audited(db, fatou):
    for _i in range(users.MAX_FAILED_LOGINS):
        with pytest.raises(DomainError, match="actuel"):
            change_own_password(db, fatou, "a-wrong-guess-000", "baobab rouge au marché", "baobab rouge au marché")
    with db.transaction(None, readonly=True) as s:
        user = s.scalar(select(User).where(User.username == "fatou"))
        assert user.locked_until is not None and user.locked_until > dt.datetime.now(dt.timezone.utc)
        failures = s.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.LOGIN_FAILED,
                                                      AuditEntry.detail == "password change")).all()
    assert len(failures) == users.MAX_FAILED_LOGINS and {f.username for f in failures} == {"fatou"}
    with pytest.raises(DomainError):  # locked: even the right password does not change it now
        change_own_password(db, fatou, PASSWORD, "baobab rouge au marché", "baobab rouge au marché")


def test_unknown_disabled_and_locked_accounts_get_the_same_answer_after_the_same_work(db, admin, fatou,
                                                                                    monkeypatch):
    set_user_active(db, admin, fatou.user_id, False, expected_version=_version(db, "fatou"))
    create_user(db, admin, username="locked", full_name="Locked", password=PASSWORD, roles=[Role.MHPSS])
    with db.transaction(None) as s:
        s.scalar(select(User).where(User.username == "locked")).locked_until = \
            dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=10)
    checks: list[str] = []
    real = users._hasher

    class Counting:
        def verify(self, stored, given):  # noqa: ANN001, ANN201
            checks.append(stored)
            return real.verify(stored, given)

        def __getattr__(self, name):  # noqa: ANN001, ANN204
            return getattr(real, name)

    monkeypatch.setattr(users, "_hasher", Counting())
    answers = []
    for name, password in (("nobody", PASSWORD), ("fatou", PASSWORD), ("locked", PASSWORD), ("admin", "wrong-one-x")):
        checks.clear()
        with pytest.raises(DomainError) as refused:
            authenticate(db, name, password)
        answers.append(str(refused.value))
        assert len(checks) == 1, name  # one argon2 check whatever the account's state
    assert len(set(answers)) == 1


def test_failed_sign_ins_are_audited_under_the_name_typed(db, admin):
    for name in ("awa.diallo", "admin"):
        with pytest.raises(DomainError):
            authenticate(db, name, "wrong-password-1")
    with db.transaction(None, readonly=True) as s:
        failures = s.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.LOGIN_FAILED)).all()
    assert {f.username for f in failures} == {"awa.diallo", "admin"} and "system" not in {f.username for f in failures}
