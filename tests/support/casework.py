"""A resident with a stay, written straight to the database (casework and roll-call tests)."""
from __future__ import annotations

import datetime as dt
import itertools

from transit_centre.common import fold
from transit_centre.db.models import Resident, Stay
from transit_centre.enums import Sex
from transit_centre.registry.text import search_text

TODAY = dt.date(2026, 11, 20)
_numbers = itertools.count(1)


def add_resident(db, centre_id, first="Aïssata", last="Traoré", *, sex=Sex.FEMALE, dob=dt.date(1995, 4, 2),
                 present=True, household_id=None, arrival=TODAY - dt.timedelta(days=5)):
    number = f"TST-2026-{next(_numbers):05d}"
    with db.transaction(None) as s:
        r = Resident(centre_id=centre_id, case_number=number, first_name=first, last_name=last,
                     first_name_folded=fold(first), last_name_folded=fold(last),
                     search_text=search_text(number, first, last, None, None), sex=sex, date_of_birth=dob,
                     nationality="ML", registered_on=arrival, household_id=household_id)
        s.add(r)
        s.flush()
        s.add(Stay(resident_id=r.id, centre_id=centre_id, arrival_date=arrival,
                   departure_date=None if present else arrival + dt.timedelta(days=1)))
        return r.id
