"""Assisted voluntary return: return cases and their steps, movements, reintegration."""
from transit_centre.i18n import N_
from transit_centre.security.permissions import Permission
from transit_centre.ui.common.page import RETURN, PageSpec, allowed

RETURNS = PageSpec(
    "returns", N_("Returns"), "transit_centre.ui.returns.page:ReturnsPage", allowed(Permission.RETURN_READ),
    N_("Return cases. Filter by status or search a name; select a case to see its workflow: each step "
       "with its date and who recorded it, and what is still missing. Record next step asks the date "
       "(and for travel documents the kind, number and expiry); fit-to-travel is taken from the medical "
       "record. A step can only be skipped with a reason. Put on hold, Resume and Cancel case keep the "
       "reason. An unaccompanied minor needs a best-interest / family tracing note (confidential) before "
       "booking. Travel is booked by adding the case to a movement."),
    group=RETURN)


MOVEMENTS = PageSpec(
    "movements", N_("Movements"), "transit_centre.ui.returns.movements:MovementsPage", allowed(Permission.RETURN_READ),
    N_("Departures (flight, bus convoy, road). Plan a movement with its date, route and legs, carrier and "
       "escorts. The readiness check lists the centre's return cases: ready ones (travel document and "
       "fit-to-travel valid on the departure date, minors' rules met) can be added; the others say what "
       "is missing. Mark departed checks the travellers out of the centre. The Manifest tab lists the "
       "travellers with their document numbers and minor, escort and victim-of-trafficking flags."),
    group=RETURN)
