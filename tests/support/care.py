"""Residents present in a centre for the care tests, inserted through the ORM (the registry's
and shelter's services are other capabilities; these tests only need rows to point to)."""
from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest

from transit_centre.db.models import Resident, Stay
from transit_centre.enums import Sex
from transit_centre.registry.text import search_text
from transit_centre.common import fold
from transit_centre.security.permissions import Actor

_numbers = itertools.count(1)


def add_resident(db, centre_id: uuid.UUID, first: str, last: str, *, sex: Sex = Sex.MALE,
                 dob: dt.date | None = dt.date(1995, 5, 1), arrival: dt.date | None = None,
                 departure: dt.date | None = None, code: str = "GAO") -> uuid.UUID:
    """A resident with a stay from ``arrival`` (default: 3 days ago), open unless ``departure``."""
    arrival = arrival or dt.date.today() - dt.timedelta(days=3)
    case = f"{code}-{arrival.year}-{next(_numbers):05d}"
    with db.transaction(Actor.system()) as s:
        r = Resident(centre_id=centre_id, case_number=case, first_name=first, last_name=last,
                     first_name_folded=fold(first), last_name_folded=fold(last),
                     search_text=search_text(case, first, last, None, None), sex=sex, date_of_birth=dob,
                     nationality="ML", registered_on=arrival, consent_given=True)
        s.add(r)
        s.flush()
        s.add(Stay(resident_id=r.id, centre_id=centre_id, arrival_date=arrival, departure_date=departure))
        return r.id


@pytest.fixture
def present(db, centres) -> list[uuid.UUID]:
    """Fifteen residents present in GAO tonight, plus one who left and one in another centre."""
    names = [("Moussa", "Traoré"), ("Aïssata", "Diallo"), ("Ibrahim", "Keïta"), ("Fatou", "Sangaré"),
             ("Oumar", "Coulibaly"), ("Mariam", "Touré"), ("Bakary", "Konaté"), ("Awa", "Cissé"),
             ("Seydou", "Diarra"), ("Kadiatou", "Camara"), ("Adama", "Sidibé"), ("Hawa", "Doumbia"),
             ("Lassina", "Koné"), ("Rokia", "Dembélé"), ("Amadou", "Maïga")]
    ids = [add_resident(db, centres["GAO"], first, last, sex=Sex.FEMALE if i % 2 else Sex.MALE)
           for i, (first, last) in enumerate(names)]
    add_resident(db, centres["GAO"], "Parti", "Avant", arrival=dt.date.today() - dt.timedelta(days=10),
                 departure=dt.date.today() - dt.timedelta(days=2))
    other = next(code for code in centres if code != "GAO")
    add_resident(db, centres[other], "Ailleurs", "Autre", code=other)
    return ids
