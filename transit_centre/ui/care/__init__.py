"""Services: distributions, medical and MHPSS records, referrals."""
from transit_centre.i18n import N_
from transit_centre.security.permissions import Permission
from transit_centre.ui.common.page import SERVICES, PageSpec, allowed

SERVICES = PageSpec(
    "services", N_("Services"), "transit_centre.ui.care.page:ServicesPage", allowed(Permission.SERVICE_READ),
    N_("Services given to residents. Distribution: choose the date, meals or an NFI kit and the quantity; "
       "everybody present is ticked, untick those who do not receive, then press Distribute. If someone "
       "already received the same thing that day you are asked whether to skip them. Medical and MHPSS "
       "staff record consultations, fit-to-travel, sessions and group activities (tick the participants; "
       "the filter box finds them). Recent services lists the centre's services: Void (with a reason), "
       "Read note (medical or MHPSS staff only; every reading is recorded) and the outcome of a referral."),
    group=SERVICES)
