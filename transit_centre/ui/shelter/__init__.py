"""Beds: tonight's occupancy, check-in, moves, transfers, check-out, rooms, the roll-call."""
from transit_centre.i18n import N_
from transit_centre.security.permissions import Permission
from transit_centre.ui.common.page import DAILY_WORK, PageSpec, allowed

SHELTER = PageSpec(
    "shelter", N_("Shelter"), "transit_centre.ui.shelter.page:ShelterPage", allowed(Permission.SHELTER_READ),
    N_("Tonight's occupancy: each room with its beds and who sleeps in them, free beds by kind and "
       "capacity against residents present. Select a free bed and press Check in (or double-click "
       "it) to admit a resident; select a resident to move them to another bed, transfer them to "
       "another centre or check them out with a reason. A minor goes to a minors' bed, a woman to "
       "a women's or family bed: to choose otherwise, give the reason. Rooms and beds are added "
       "and retired with Rooms and beds (centre managers). Ctrl+F finds a resident or a bed in the "
       "list; Night of shows another night; Bed-nights counts the nights of a period."),
    group=DAILY_WORK)


ROLL_CALL = PageSpec(
    "rollcall", N_("Roll-call"), "transit_centre.ui.shelter.rollcall:RollCallPage",
    allowed(Permission.SHELTER_WRITE),
    N_("Tonight's roll-call. Press the button to list the residents who should be present. "
       "On the list, P or Space marks the selected resident present and A absent; the cursor "
       "moves to the next line. In the scan field, scan a badge or type a case number or a name "
       "and press Enter. Residents not seen for several days are listed at the bottom: check them "
       "out as having left on their own only after checking."),
    group=DAILY_WORK)
