"""Bed-nights derived from stays: month boundaries, open stays, per resident, occupancy rate."""
from __future__ import annotations

import datetime as dt

import pytest

from transit_centre.db.models import Stay
from transit_centre.enums import DepartureReason, Role
from transit_centre.errors import PermissionDenied, ValidationError
from transit_centre.security.permissions import Actor
from transit_centre.shelter import admission, occupancy
from transit_centre.shelter.occupancy import stay_nights

from support.shelter import add_resident, make_beds

D = dt.date


def _stay(db, resident_id, centre_id, arrival, departure=None):
    with db.transaction(Actor.system()) as s:
        s.add(Stay(resident_id=resident_id, centre_id=centre_id, arrival_date=arrival, departure_date=departure,
                   departure_reason=DepartureReason.RETURN if departure else None))


@pytest.mark.parametrize("arrival, departure, start, end, today, nights", [
    (D(2026, 1, 30), D(2026, 2, 2), D(2026, 1, 1), D(2026, 1, 31), D(2026, 6, 1), 2),   # 30th and 31st
    (D(2026, 1, 30), D(2026, 2, 2), D(2026, 2, 1), D(2026, 2, 28), D(2026, 6, 1), 1),   # 1st only
    (D(2026, 2, 27), D(2026, 3, 2), D(2026, 2, 1), D(2026, 2, 28), D(2026, 6, 1), 2),   # no 29 Feb in 2026
    (D(2028, 2, 27), D(2028, 3, 2), D(2028, 2, 1), D(2028, 2, 29), D(2028, 6, 1), 3),   # leap year
    (D(2026, 12, 31), D(2027, 1, 1), D(2026, 12, 1), D(2026, 12, 31), D(2027, 6, 1), 1),  # new year's eve
    (D(2026, 3, 5), D(2026, 3, 5), D(2026, 3, 1), D(2026, 3, 31), D(2026, 6, 1), 0),    # left the same day
    (D(2026, 3, 5), None, D(2026, 3, 1), D(2026, 3, 31), D(2026, 3, 10), 6),           # open: 5th..10th
    (D(2026, 3, 5), None, D(2026, 3, 1), D(2026, 3, 31), D(2026, 6, 1), 27),           # open: to the 31st
    (D(2026, 3, 5), None, D(2026, 2, 1), D(2026, 2, 28), D(2026, 6, 1), 0),            # not yet arrived
    (D(2025, 11, 20), D(2026, 4, 1), D(2026, 3, 1), D(2026, 3, 31), D(2026, 6, 1), 31),  # whole month
])
def test_stay_nights(arrival, departure, start, end, today, nights):
    assert stay_nights(arrival, departure, start, end, today) == nights


def test_bed_nights_per_centre_and_resident_across_months(db, centres, make_actor):
    manager = make_actor(Role.MANAGER, centre="GAO")
    gao = centres["GAO"]
    make_beds(db, manager, gao)  # 5 beds
    a = add_resident(db, gao, "Moussa", "Traoré", case="GAO-2026-00001")
    b = add_resident(db, gao, "Awa", "Diallo", case="GAO-2026-00002")
    c = add_resident(db, gao, "Sekou", "Camara", case="GAO-2026-00003")
    _stay(db, a, gao, D(2026, 1, 30), D(2026, 2, 2))
    _stay(db, a, gao, D(2026, 2, 10), D(2026, 2, 12))
    _stay(db, b, gao, D(2026, 2, 25))                      # still here
    _stay(db, c, centres["MOP"], D(2026, 2, 1), D(2026, 2, 20))  # another centre: not counted

    jan = occupancy.bed_nights(db, manager, gao, D(2026, 1, 1), D(2026, 1, 31), today=D(2026, 3, 15))
    assert jan.bed_nights == 2 and jan.nights_in_period == 31 and jan.capacity == 5
    assert [(r.case_number, r.nights) for r in jan.per_resident] == [("GAO-2026-00001", 2)]
    feb = occupancy.bed_nights(db, manager, gao, D(2026, 2, 1), D(2026, 2, 28), today=D(2026, 3, 15))
    assert [(r.case_number, r.nights) for r in feb.per_resident] == [("GAO-2026-00001", 3), ("GAO-2026-00002", 4)]
    assert feb.bed_nights == 7
    assert feb.occupancy_rate == pytest.approx(7 / (5 * 28))
    mar = occupancy.bed_nights(db, manager, gao, D(2026, 3, 1), D(2026, 3, 31), today=D(2026, 3, 15))
    assert mar.bed_nights == 15  # open stay counted up to tonight
    mopti = make_actor(Role.MANAGER, centre="MOP")
    other = occupancy.bed_nights(db, mopti, centres["MOP"], D(2026, 2, 1), D(2026, 2, 28))
    assert other.bed_nights == 19 and other.capacity > 0  # no beds defined: the centre's capacity on record
    per_centre = occupancy.resident_bed_nights(db, manager, a, today=D(2026, 3, 15))
    assert per_centre == {gao: 5}


def test_bed_nights_follow_check_in_and_transfer(db, centres, make_actor):
    manager = make_actor(Role.MANAGER, centre="GAO")
    admin = make_actor(Role.ADMIN, centre=None)
    gao = centres["GAO"]
    today = dt.date.today()
    rid = add_resident(db, gao, "Moussa", "Traoré")
    stay = admission.check_in(db, manager, rid, centre_id=gao, arrival_date=today - dt.timedelta(days=4))
    admission.transfer(db, manager, stay.id, centres["MOP"], day=today - dt.timedelta(days=1))
    assert occupancy.resident_bed_nights(db, admin, rid) == {gao: 3, centres["MOP"]: 2}
    assert occupancy.resident_bed_nights(db, manager, rid) == {gao: 3}  # Mopti is not theirs to see


def test_bed_nights_input_and_permissions(db, centres, make_actor):
    manager = make_actor(Role.MANAGER, centre="GAO")
    with pytest.raises(ValidationError) as info:
        occupancy.bed_nights(db, manager, centres["GAO"], D(2026, 3, 1), D(2026, 2, 1))
    assert "end" in info.value.errors
    with pytest.raises(ValidationError):
        occupancy.bed_nights(db, manager, centres["GAO"], "2026-01-01", None)
    with pytest.raises(PermissionDenied):
        occupancy.bed_nights(db, manager, centres["MOP"], D(2026, 3, 1), D(2026, 3, 31))
    with pytest.raises(PermissionDenied):
        occupancy.bed_nights(db, make_actor(Role.CASH_OFFICER), centres["GAO"], D(2026, 3, 1), D(2026, 3, 31))


def test_command_line_occupancy_and_bed_nights(db, capsys, monkeypatch):
    """The commands on a database at the current schema (made from the models, stamped as current)."""
    from alembic import command

    from transit_centre.admin.centres import centre_by_code
    from transit_centre.cli.main import main
    from transit_centre.db.migrate import alembic_config

    command.stamp(alembic_config(db), "head")
    url = db.url
    gao = centre_by_code(db, "GAO").id
    manager = Actor(None, "m", roles=frozenset({Role.MANAGER}), centre_ids=frozenset({gao}), current_centre_id=gao)
    beds = make_beds(db, manager, gao)
    rid = add_resident(db, gao, "Moussa", "Traoré", case="GAO-2026-00009")
    admission.check_in(db, manager, rid, centre_id=gao, bed_id=beds["M1"],
                       arrival_date=dt.date.today() - dt.timedelta(days=2))
    from transit_centre.security.users import create_user

    create_user(db, Actor.system(), username="awa", full_name="Awa Diallo", password="un-mot-de-passe-solide",
                roles=[Role.ADMIN])
    create_user(db, Actor.system(), username="moussa", full_name="Moussa Keïta", password="un-mot-de-passe-solide",
                roles=[Role.MANAGER], centre_ids=[gao])
    capsys.readouterr()
    assert main(["--database", url, "--lang", "en", "occupancy", "--centre", "gao"]) == 2  # nobody signed in
    assert "--user" in capsys.readouterr().err
    monkeypatch.setenv("TRANSIT_CENTRE_USER", "moussa")
    monkeypatch.setenv("TRANSIT_CENTRE_PASSWORD", "un-mot-de-passe-solide")
    assert main(["--database", url, "--lang", "en", "occupancy", "--centre", "gao"]) == 0
    out = capsys.readouterr().out
    assert "GAO-2026-00009" in out and "M1" in out and "Present: 1" in out
    today = dt.date.today()
    assert main(["--database", url, "--lang", "en", "bed-nights", "--centre", "GAO", "--from",
                 (today - dt.timedelta(days=10)).isoformat(), "--to", today.isoformat(), "--per-resident"]) == 0
    out = capsys.readouterr().out
    assert "3 bed-nights" in out and "GAO-2026-00009" in out
    assert main(["--database", url, "--lang", "en", "bed-nights", "--centre", "GAO", "--month", "2026-13"]) == 2
    assert main(["--database", url, "--lang", "en", "occupancy", "--centre", "NOPE"]) == 2
    assert "NOPE" in capsys.readouterr().err
