"""User administration: roles and centres, disable, reset and change passwords, the last
administrator, optimistic locking between two administrators."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from transit_centre.db.models import AuditEntry
from transit_centre.enums import AuditAction, Role
from transit_centre.errors import ConflictError, DomainError, PermissionDenied, RuleViolation, ValidationError
from transit_centre.security.accounts import (
    change_own_password,
    generate_temporary_password,
    get_user,
    list_users,
    password_change_required,
    reset_password,
    set_user_active,
    update_user,
)
from transit_centre.security.permissions import Actor
from transit_centre.security.users import authenticate, create_user

PASSWORD = "mot-de-passe-solide"


@pytest.fixture
def admin(db):
    create_user(db, Actor.system(), username="admin", full_name="Awa Diallo", password=PASSWORD,
                roles=[Role.ADMIN])
    return authenticate(db, "admin", PASSWORD)


@pytest.fixture
def fatou(db, admin, centres):
    return create_user(db, admin, username="fatou", full_name="Fatoumata Coulibaly", password=PASSWORD,
                       roles=[Role.CASEWORKER], centre_ids=[centres["GAO"]])


def test_list_users_is_for_administrators(db, admin, fatou, make_actor):
    assert [u.username for u in list_users(db, admin)] == ["admin", "fatou"]
    with pytest.raises(PermissionDenied):
        list_users(db, make_actor(Role.MANAGER))


def test_update_roles_and_centres_is_audited_and_signs_in_with_them(db, admin, fatou, centres):
    view = update_user(db, admin, fatou.id, full_name="Fatoumata Coulibaly", language="en",
                       roles=[Role.MANAGER], centre_ids=[centres["GAO"], centres["KAY"]],
                       expected_version=fatou.version)
    assert view.roles == (Role.MANAGER,) and set(view.centre_ids) == {centres["GAO"], centres["KAY"]}
    assert view.version == fatou.version + 1 and view.language == "en"
    actor = authenticate(db, "fatou", PASSWORD, centres["KAY"])
    assert actor.roles == {Role.MANAGER}
    with db.transaction(None, readonly=True) as s:
        fields = {e.field: e for e in s.scalars(select(AuditEntry).where(
            AuditEntry.entity_id == fatou.id, AuditEntry.action == AuditAction.UPDATE))}
    assert fields["roles"].old_value == "caseworker" and fields["roles"].new_value == "manager"
    assert fields["centres"].new_value == "GAO, KAY"


def test_two_administrators_editing_the_same_account(db, admin, fatou):
    """Two windows opened on the same account: the second save is refused, nothing overwritten."""
    first, second = fatou, fatou  # both read version 1
    update_user(db, admin, first.id, full_name="Fatou C.", roles=[Role.CASEWORKER],
                centre_ids=first.centre_ids, expected_version=first.version)
    with pytest.raises(ConflictError):
        update_user(db, admin, second.id, full_name="Fatoumata K.", roles=[Role.MEDICAL],
                    centre_ids=second.centre_ids, expected_version=second.version)
    with pytest.raises(ConflictError):
        set_user_active(db, admin, second.id, False, expected_version=second.version)
    current = [u for u in list_users(db, admin) if u.username == "fatou"][0]
    assert current.full_name == "Fatou C." and current.roles == (Role.CASEWORKER,) and current.active


def test_disabled_account_cannot_sign_in_and_can_be_enabled(db, admin, fatou):
    view = set_user_active(db, admin, fatou.id, False, expected_version=fatou.version)
    with pytest.raises(DomainError, match="incorrect"):  # the same answer as a wrong password
        authenticate(db, "fatou", PASSWORD)
    set_user_active(db, admin, fatou.id, True, expected_version=view.version)
    assert authenticate(db, "fatou", PASSWORD).username == "fatou"


def test_last_active_administrator_cannot_be_disabled_or_demoted(db, admin, centres):
    me = list_users(db, admin)[0]
    with pytest.raises(RuleViolation):
        set_user_active(db, admin, me.id, False, expected_version=me.version)
    with pytest.raises(RuleViolation):
        update_user(db, admin, me.id, full_name="Awa", roles=[Role.MANAGER], centre_ids=[centres["GAO"]],
                    expected_version=me.version)
    other = create_user(db, admin, username="admin2", full_name="Second", password=PASSWORD, roles=[Role.ADMIN])
    demoted = update_user(db, admin, me.id, full_name="Awa", roles=[Role.MANAGER], centre_ids=[centres["GAO"]],
                          expected_version=me.version)
    assert demoted.roles == (Role.MANAGER,)
    with pytest.raises(PermissionDenied):  # the session of the demoted administrator stops there
        set_user_active(db, admin, other.id, False, expected_version=other.version)
    second = authenticate(db, "admin2", PASSWORD)
    with pytest.raises(RuleViolation):
        set_user_active(db, second, other.id, False, expected_version=other.version)


def test_reset_password_forces_a_change_at_next_sign_in(db, admin, fatou):
    temporary = generate_temporary_password()
    assert len(temporary) >= 12
    # A forgotten password: the account is locked after too many attempts, the reset unlocks it.
    for _ in range(5):
        with pytest.raises(DomainError):
            authenticate(db, "fatou", "wrong-password")
    current = get_user(db, admin, fatou.id)
    assert current.locked_until is not None
    reset_password(db, admin, fatou.id, temporary, expected_version=current.version)
    actor = authenticate(db, "fatou", temporary)
    assert password_change_required(db, actor)
    with pytest.raises(ValidationError) as info:
        change_own_password(db, actor, temporary, "nouveau-mot-de-passe", "autre-chose-encore")
    assert "confirmation" in info.value.errors
    with pytest.raises(DomainError) as wrong:
        change_own_password(db, actor, "not-the-password", "nouveau-mot-de-passe")
    assert wrong.value.field == "current_password"
    change_own_password(db, actor, temporary, "nouveau-mot-de-passe", "nouveau-mot-de-passe")
    assert not password_change_required(db, actor)
    assert authenticate(db, "fatou", "nouveau-mot-de-passe").username == "fatou"
    with pytest.raises(DomainError):
        authenticate(db, "fatou", temporary)


def test_reset_password_checks_the_temporary_password(db, admin, fatou):
    with pytest.raises(DomainError, match="10 caractères"):
        reset_password(db, admin, fatou.id, "court", expected_version=fatou.version)


def test_unknown_roles_are_a_message_not_a_crash(db, admin, fatou):
    with pytest.raises(ValidationError) as info:
        update_user(db, admin, fatou.id, full_name="F", roles=["pirate"], centre_ids=[],
                    expected_version=fatou.version)
    assert "pirate" in info.value.errors["roles"]
