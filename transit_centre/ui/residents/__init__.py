"""The registry: the residents list, the registration form, a resident's file."""
from transit_centre.i18n import N_
from transit_centre.security.permissions import Permission
from transit_centre.ui.common.page import DAILY_WORK, PageSpec, allowed

RESIDENTS = PageSpec(
    "residents", N_("Residents"), "transit_centre.ui.residents.page:ResidentsPage",
    allowed(Permission.RESIDENT_READ),
    N_("The residents of the centre. Type in the search field (Ctrl+F) part of a name, a case number, a "
       "document or phone number: accents and capitals do not matter and every word must match. Filter "
       "by presence, sex, nationality, vulnerability or registration dates; click a column title to "
       "sort. Double-click a resident to open their file (biodata, photo, documents, vulnerabilities, "
       "household, timeline). New resident (Ctrl+N) opens the registration form; residents who look "
       "like the same person are shown before saving so that nobody is registered twice."),
    group=DAILY_WORK, badge="arrivals")
