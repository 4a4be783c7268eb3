"""Administration: users, centres, settings, flag types and distribution rules, audit log, backups, keys."""
from transit_centre.i18n import N_
from transit_centre.security.permissions import Permission
from transit_centre.ui.common.page import ADMINISTRATION, PageSpec, allowed

ADMINISTRATION = PageSpec(
    "administration", N_("Administration"), "transit_centre.ui.admin.page:AdministrationPage",
    allowed(Permission.USER_ADMIN, Permission.CENTRE_ADMIN, Permission.SETTINGS_ADMIN, Permission.AUDIT_READ,
            Permission.BACKUP),
    N_("Administration. Users: create accounts, give roles and centres, disable an account, reset a "
       "forgotten password (the person chooses a new one at next sign-in). Centres: correct names "
       "(highlighted names are placeholders), towns, capacity and kind. Settings: organisation name, "
       "address and logo for printed documents, the inactivity lock and the backup folder. Audit log: "
       "every change, sign-in, print and export, filtered by user, record, action and dates. Backups: "
       "back up now, list the backups and restore one (it is checked first and the replaced database "
       "is kept)."),
    group=ADMINISTRATION)
