"""Who may do what: roles, permissions and the signed-in ``Actor`` every service receives.

Checks happen in the services (``actor.require(...)``); the screens only hide what a role
cannot do. Headquarters reads every centre and writes nothing but consolidation imports.
"""
from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from transit_centre.enums import Role
from transit_centre.errors import PermissionDenied
from transit_centre.i18n import _


class Permission(str, enum.Enum):
    RESIDENT_READ = "resident.read"
    RESIDENT_WRITE = "resident.write"
    SHELTER_READ = "shelter.read"
    SHELTER_WRITE = "shelter.write"          # check-in, bed moves, transfers, check-out
    SHELTER_ADMIN = "shelter.admin"          # rooms and beds
    SERVICE_READ = "service.read"            # that a service happened (no confidential note)
    SERVICE_RECORD = "service.record"        # meals, NFI, counselling, referrals
    MEDICAL_RECORD = "medical.record"
    MEDICAL_NOTE_READ = "medical.note.read"
    MHPSS_RECORD = "mhpss.record"
    MHPSS_NOTE_READ = "mhpss.note.read"
    RETURN_READ = "return.read"
    RETURN_WRITE = "return.write"
    MOVEMENT_WRITE = "movement.write"
    CASH_READ = "cash.read"
    GRANT_PLAN = "grant.plan"
    GRANT_APPROVE = "grant.approve"
    GRANT_DISBURSE = "grant.disburse"
    RECEIPT_VOID = "receipt.void"
    REPORT_READ = "report.read"
    EXPORT = "export"
    CONSOLIDATE = "consolidate"              # import centre packages (headquarters)
    PRINT = "print"
    AUDIT_READ = "audit.read"
    USER_ADMIN = "user.admin"
    CENTRE_ADMIN = "centre.admin"
    SETTINGS_ADMIN = "settings.admin"
    BACKUP = "backup"
    FLAG_WRITE = "flag.write"
    FLAG_ADMIN = "flag.admin"
    OVERRIDE = "override"                    # manager overrides with a reason
    PROTECTION_READ = "protection.read"      # a person's vulnerabilities (trafficking, unaccompanied...)
    PROTECTION_NOTE_READ = "protection.note.read"  # vulnerability and best-interest notes


P = Permission
_READ_ALL = {P.RESIDENT_READ, P.SHELTER_READ, P.SERVICE_READ, P.RETURN_READ, P.REPORT_READ}

# The documented role matrix (README "Who may do what"); tests/security/test_role_matrix.py checks
# every role against every sensitive read and write. The administrator runs the system (accounts,
# centres, settings, backups, audit), not the cases: no protection status, notes, grants or check-out.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(_READ_ALL | {
        P.USER_ADMIN, P.CENTRE_ADMIN, P.SETTINGS_ADMIN, P.SHELTER_ADMIN, P.FLAG_ADMIN, P.BACKUP, P.AUDIT_READ,
        P.EXPORT,
    }),
    Role.MANAGER: frozenset(_READ_ALL | {
        P.RESIDENT_WRITE, P.SHELTER_WRITE, P.SHELTER_ADMIN, P.SERVICE_RECORD, P.RETURN_WRITE,
        P.MOVEMENT_WRITE, P.CASH_READ, P.GRANT_PLAN, P.GRANT_APPROVE, P.RECEIPT_VOID, P.EXPORT,
        P.PRINT, P.AUDIT_READ, P.BACKUP, P.FLAG_WRITE, P.OVERRIDE, P.PROTECTION_READ, P.PROTECTION_NOTE_READ,
    }),
    Role.CASEWORKER: frozenset(_READ_ALL | {
        P.RESIDENT_WRITE, P.SHELTER_WRITE, P.SERVICE_RECORD, P.RETURN_WRITE, P.MOVEMENT_WRITE,
        P.CASH_READ, P.GRANT_PLAN, P.PRINT, P.FLAG_WRITE, P.PROTECTION_READ, P.PROTECTION_NOTE_READ,
    }),
    # Care staff know a person's vulnerabilities (a pregnancy, a survivor of violence...), not the notes.
    Role.MEDICAL: frozenset({P.RESIDENT_READ, P.SHELTER_READ, P.SERVICE_READ, P.MEDICAL_RECORD,
                             P.MEDICAL_NOTE_READ, P.PRINT, P.PROTECTION_READ}),
    Role.MHPSS: frozenset({P.RESIDENT_READ, P.SHELTER_READ, P.SERVICE_READ, P.MHPSS_RECORD,
                           P.MHPSS_NOTE_READ, P.PROTECTION_READ}),
    # The cash officer corrects their own mistake: void (with a reason, audited) and reissue.
    Role.CASH_OFFICER: frozenset({P.RESIDENT_READ, P.RETURN_READ, P.CASH_READ, P.GRANT_DISBURSE,
                                  P.RECEIPT_VOID, P.PRINT, P.REPORT_READ}),
    Role.HQ: frozenset(_READ_ALL | {P.CASH_READ, P.CONSOLIDATE, P.EXPORT, P.AUDIT_READ}),
}

# Roles that see every centre (the others see the centres they belong to).
ALL_CENTRE_ROLES = frozenset({Role.ADMIN, Role.HQ})


@dataclass(frozen=True)
class Actor:
    """The signed-in user, as the services see them."""

    user_id: uuid.UUID | None
    username: str
    full_name: str = ""
    roles: frozenset[Role] = field(default_factory=frozenset)
    centre_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    current_centre_id: uuid.UUID | None = None
    is_system: bool = False  # set-up jobs only: every permission, no account

    @classmethod
    def system(cls, full_name: str = "system") -> "Actor":
        """The actor of set-up jobs (init, demo data, migrations, the first run): every
        permission and no account. Commands that read or change resident data sign in instead;
        ``full_name`` says who ran it where a paper or the audit log names them."""
        return cls(user_id=None, username="system", full_name=full_name, is_system=True)

    @property
    def permissions(self) -> frozenset[Permission]:
        if self.is_system:
            return frozenset(Permission)
        perms: set[Permission] = set()
        for role in self.roles:
            perms |= ROLE_PERMISSIONS.get(role, frozenset())
        return frozenset(perms)

    @property
    def all_centres(self) -> bool:
        return self.is_system or bool(self.roles & ALL_CENTRE_ROLES)

    def can(self, permission: Permission, centre_id: uuid.UUID | None = None) -> bool:
        if permission not in self.permissions:
            return False
        return centre_id is None or self.can_see_centre(centre_id)

    def can_see_centre(self, centre_id: uuid.UUID | None) -> bool:
        return centre_id is None or self.all_centres or centre_id in self.centre_ids

    def require(self, permission: Permission, centre_id: uuid.UUID | None = None) -> None:
        """Raise ``PermissionDenied`` unless this user may do ``permission`` (in that centre)."""
        if permission not in self.permissions:
            raise PermissionDenied(_("Your role does not allow this action."))
        if not self.can_see_centre(centre_id):
            raise PermissionDenied(_("You do not work in this centre."))

    def visible_centres(self) -> frozenset[uuid.UUID] | None:
        """Centre ids this user may see, or None for all centres."""
        return None if self.all_centres else self.centre_ids

    def with_centre(self, centre_id: uuid.UUID | None) -> "Actor":
        from dataclasses import replace

        return replace(self, current_centre_id=centre_id)


def has_any(roles: Iterable[Role], *wanted: Role) -> bool:
    return any(r in wanted for r in roles)
