"""Finding residents: search without accents, filters, paging and sorting, centre visibility,
and duplicate detection (fuzzy, accent-folded names)."""
from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest
from sqlalchemy import insert, update

from transit_centre.db.models import Resident, Stay
from transit_centre.enums import DocumentKind, Role, Sex, VulnerabilityKind
from transit_centre.errors import PermissionDenied, ValidationError
from transit_centre.registry.duplicates import find_duplicates
from transit_centre.registry.records import resolve_vulnerability
from transit_centre.registry.residents import (
    DocumentInput,
    ResidentInput,
    VulnerabilityInput,
    get_resident,
    register_resident,
    update_resident,
)
from transit_centre.registry.search import ResidentFilter, count_residents, resident_page
from transit_centre.security.permissions import Actor

TODAY = dt.date.today()


def add(db, actor, first, last, sex=Sex.MALE, dob=dt.date(1990, 1, 1), nationality="ML", **extra):
    return register_resident(db, actor, ResidentInput(first_name=first, last_name=last, sex=sex, date_of_birth=dob,
                                                      nationality=nationality, **extra))


@pytest.fixture
def gao(make_actor):
    return make_actor(Role.CASEWORKER, centre="GAO")


@pytest.fixture
def people(db, gao):
    return {
        "aissata": add(db, gao, "Aïssata", "Traoré", Sex.FEMALE, dt.date(1995, 3, 4), phone="+223 76 12 34 56",
                       documents=[DocumentInput(DocumentKind.PASSPORT, "AA0099887", "ML")]),
        "moussa": add(db, gao, "Moussa", "Traoré", registered_on=TODAY - dt.timedelta(days=40),
                      vulnerabilities=[VulnerabilityInput(VulnerabilityKind.MEDICAL_CONDITION)]),
        "chinedu": add(db, gao, "Chinedu", "Okafor", nationality="NG", dob=dt.date(1988, 6, 1)),
        "seydou": add(db, gao, "Seydou", "Keïta", registered_on=TODAY - dt.timedelta(days=10)),
    }


def names(rows):
    return sorted(f"{r.first_name} {r.last_name}" for r in rows)


def search(db, actor, **kw):
    f = ResidentFilter(**kw)
    rows = resident_page(db, actor, f, limit=1000)
    assert count_residents(db, actor, f) == len(rows)
    return rows


def test_search_ignores_accents_and_case_and_needs_every_word(db, gao, people):
    assert names(search(db, gao, text="traore")) == ["Aïssata Traoré", "Moussa Traoré"]
    assert names(search(db, gao, text="TRAO")) == ["Aïssata Traoré", "Moussa Traoré"]
    assert names(search(db, gao, text="aissata traore")) == ["Aïssata Traoré"]
    assert names(search(db, gao, text="  keita  ")) == ["Seydou Keïta"]
    assert names(search(db, gao, text="traore okafor")) == []
    assert names(search(db, gao, text="Traoré")) == ["Aïssata Traoré", "Moussa Traoré"]


def test_search_by_case_number_phone_and_document(db, gao, people):
    number = people["chinedu"].case_number
    assert names(search(db, gao, text=number)) == ["Chinedu Okafor"]
    assert names(search(db, gao, text=number.split("-")[-1])) == ["Chinedu Okafor"]
    assert names(search(db, gao, text="76 12 34")) == ["Aïssata Traoré"]
    assert names(search(db, gao, text="+22376")) == ["Aïssata Traoré"]
    assert names(search(db, gao, text="aa00998")) == ["Aïssata Traoré"]


def test_hostile_search_text_is_harmless(db, gao, people):
    for text in ("%", "_", "\\", "' OR 1=1 --", "a" * 500, "é" * 10, "% _ % _ % _ % _ x y z", "zz\x00q"):
        assert search(db, gao, text=text) == [], text
    assert len(search(db, gao, text="\x00\x01 ")) == 4  # nothing printable: no search at all
    with pytest.raises(ValidationError):
        resident_page(db, gao, ResidentFilter(), sort_key="password_hash")
    with pytest.raises(ValidationError):
        count_residents(db, gao, ResidentFilter(presence="maybe"))


def test_search_follows_edits(db, gao, people):
    moussa = people["moussa"]
    update_resident(db, gao, moussa.id, ResidentInput(first_name="Moussa", last_name="Diallo", sex=Sex.MALE,
                                                      date_of_birth=dt.date(1990, 1, 1), nationality="ML"),
                    moussa.version)
    assert names(search(db, gao, text="diallo")) == ["Moussa Diallo"]
    assert names(search(db, gao, text="traore")) == ["Aïssata Traoré"]


def test_residents_inserted_or_changed_in_bulk_are_found_at_once(db, gao, centres):
    """The index follows the resident table whoever writes (a Core insert, an import...)."""
    resident_id = uuid.uuid4()
    with db.transaction(None) as s:
        s.execute(insert(Resident), [{
            "id": resident_id, "centre_id": centres["GAO"], "case_number": "GAO-2020-00001",
            "first_name": "Fanta", "last_name": "Sidibé", "first_name_folded": "fanta",
            "last_name_folded": "sidibe", "search_text": "gao-2020-00001 fanta sidibe", "sex": Sex.FEMALE,
            "registered_on": dt.date(2020, 1, 1), "version": 1,
            "created_at": dt.datetime.now(dt.timezone.utc), "updated_at": dt.datetime.now(dt.timezone.utc)}])
    assert names(search(db, gao, text="sidibe")) == ["Fanta Sidibé"]
    assert names(search(db, gao, text="idib")) == ["Fanta Sidibé"]
    with db.transaction(None) as s:
        s.execute(update(Resident).where(Resident.id == resident_id)
                  .values(search_text="gao-2020-00001 fanta sangare", last_name="Sangaré"))
    assert search(db, gao, text="sidibe") == []
    assert names(search(db, gao, text="sangare")) == ["Fanta Sangaré"]
    with db.transaction(None) as s:  # moved to another centre (the index keeps the centre too)
        s.execute(update(Resident).where(Resident.id == resident_id).values(centre_id=centres["MOP"]))
    assert search(db, gao, text="sangare") == []


def test_filters(db, gao, people, centres):
    assert names(search(db, gao, sex="F")) == ["Aïssata Traoré"]
    assert names(search(db, gao, nationality="ng")) == ["Chinedu Okafor"]
    assert names(search(db, gao, vulnerability=VulnerabilityKind.MEDICAL_CONDITION)) == ["Moussa Traoré"]
    assert len(search(db, gao, registered_from=TODAY - dt.timedelta(days=20))) == 3
    assert names(search(db, gao, registered_from=TODAY - dt.timedelta(days=20),
                        registered_to=TODAY - dt.timedelta(days=5))) == ["Seydou Keïta"]
    with db.transaction(None) as s:
        s.add(Stay(resident_id=people["chinedu"].id, centre_id=centres["GAO"], arrival_date=TODAY))
        s.add(Stay(resident_id=people["seydou"].id, centre_id=centres["GAO"], arrival_date=TODAY - dt.timedelta(5),
                   departure_date=TODAY))
    assert names(search(db, gao, presence="present")) == ["Chinedu Okafor"]
    assert len(search(db, gao, presence="departed")) == 3
    rows = resident_page(db, gao, ResidentFilter(text="okafor"))
    assert rows[0].present and rows[0].centre_code == "GAO"
    detail = get_resident(db, gao, people["moussa"].id)
    resolve_vulnerability(db, gao, detail.vulnerabilities[0].id)
    assert search(db, gao, vulnerability="medical_condition") == []


def test_paging_and_sorting_are_stable(db, gao):
    for i in range(25):
        add(db, gao, f"Prénom{i % 5}", f"Nom{24 - i:02d}", registered_on=TODAY - dt.timedelta(days=i % 3))
    f = ResidentFilter()
    assert count_residents(db, gao, f) == 25
    pages = [resident_page(db, gao, f, "first_name", False, offset, 10) for offset in (0, 10, 20)]
    assert [len(p) for p in pages] == [10, 10, 5]
    flat = [r for p in pages for r in p]
    assert len({r.id for r in flat}) == 25
    assert [r.first_name for r in flat] == sorted(r.first_name for r in flat)
    by_last = resident_page(db, gao, f, "last_name", True, 0, 3)
    assert [r.last_name for r in by_last] == ["Nom24", "Nom23", "Nom22"]
    by_case = resident_page(db, gao, f, "case_number", False, 0, 100)
    assert [r.case_number for r in by_case] == sorted(r.case_number for r in by_case)
    by_date = resident_page(db, gao, f, "registered_on", True, 0, 100)
    assert [r.registered_on for r in by_date] == sorted((r.registered_on for r in by_date), reverse=True)
    for key in ("sex", "date_of_birth", "nationality", "centre"):
        assert len(resident_page(db, gao, f, key, False, 0, 100)) == 25


def test_centre_visibility(db, make_actor, centres, people):
    mopti = make_actor(Role.CASEWORKER, centre="MOP")
    add(db, mopti, "Amadou", "Traoré")
    assert names(search(db, mopti, text="traore")) == ["Amadou Traoré"]
    assert names(search(db, mopti, text="traore", all_centres=True)) == ["Amadou Traoré"]
    with pytest.raises(PermissionDenied):
        resident_page(db, mopti, ResidentFilter(centre_id=centres["GAO"]))
    hq = make_actor(Role.HQ, centre=None)
    assert len(search(db, hq, text="traore", all_centres=True)) == 3
    assert len(search(db, hq, text="traore")) == 3
    assert len(search(db, hq, text="traore", centre_id=centres["GAO"])) == 2
    with pytest.raises(PermissionDenied):
        count_residents(db, Actor(user_id=None, username="nobody"), ResidentFilter())


def test_duplicates_fold_accents_and_tolerate_typos(db, gao, people, make_actor):
    found = find_duplicates(db, gao, "Aissata", "Traore", Sex.FEMALE, dt.date(1996, 1, 1), "ML")
    assert [c.case_number for c in found] == [people["aissata"].case_number]
    assert found[0].score == 100
    # Swapped names, a typo, a date of birth one year away.
    assert find_duplicates(db, gao, "Traoré", "Aisata", "F", dt.date(1994, 5, 1), "ML")
    # Different sex, nationality, or a date of birth more than two years away: not a duplicate.
    assert find_duplicates(db, gao, "Aissata", "Traore", Sex.MALE, dt.date(1995, 3, 4), "ML") == []
    assert find_duplicates(db, gao, "Aissata", "Traore", Sex.FEMALE, dt.date(1995, 3, 4), "SN") == []
    assert find_duplicates(db, gao, "Aissata", "Traore", Sex.FEMALE, dt.date(1999, 3, 4), "ML") == []
    assert find_duplicates(db, gao, "Fatoumata", "Traore", Sex.FEMALE, dt.date(1995, 3, 4), "ML") == []
    # Another centre's caseworker does not see Gao's residents.
    assert find_duplicates(db, make_actor(Role.CASEWORKER, centre="MOP"), "Aissata", "Traore", "F",
                           dt.date(1995, 3, 4), "ML") == []
    assert find_duplicates(db, gao, "", "", "F", None, None) == []
    assert find_duplicates(db, gao, "\x00%", "_\x00", "F", None, None) == []
    assert find_duplicates(db, gao, "Moussa", "Traore", "M", None, "ML", exclude=people["moussa"].id) == []


def cases(rows):
    return [r.case_number for r in rows]


@pytest.fixture
def spellings(db, gao):
    """Registered in this order, so case numbers alone would list them in this order."""
    return {
        "oumar": add(db, gao, "Oumar", "Coulibaly"),
        "kadiatou": add(db, gao, "Kadiatou", "Mamadou"),
        "mamadou": add(db, gao, "Mamadou", "Keïta"),
        "oulematou": add(db, gao, "Oulématou", "Diarra"),
        "mamadu": add(db, gao, "Mamadu", "Sow"),
        "mariam": add(db, gao, "Mariam", "Touré"),
    }


def test_inside_a_word_and_misspelt_names_are_found_after_prefix_matches(db, gao, spellings):
    # "oul" begins Oulématou's name and is inside Coulibaly: the prefix match comes first.
    assert names(search(db, gao, text="oul")) == ["Oulématou Diarra", "Oumar Coulibaly"]
    assert cases(resident_page(db, gao, ResidentFilter(text="oul"))) == [
        spellings["oulematou"].case_number, spellings["oumar"].case_number]
    assert names(search(db, gao, text="ibal")) == ["Oumar Coulibaly"]
    # Misspelt: one letter missing or wrong, after the residents whose name begins so.
    rows = resident_page(db, gao, ResidentFilter(text="mamadu"))
    assert cases(rows) == [spellings[k].case_number for k in ("mamadu", "kadiatou", "mamadou")]
    assert [r.case_number for r in resident_page(db, gao, ResidentFilter(text="coulibali"))] == [
        spellings["oumar"].case_number]
    assert names(search(db, gao, text="mamadou keita")) == ["Mamadou Keïta"]
    assert names(search(db, gao, text="mamadou keitaa")) == ["Mamadou Keïta"]  # every word close enough
    assert names(search(db, gao, text="mariam")) == ["Mariam Touré"]  # not Mamadou, not Mamadu
    assert count_residents(db, gao, ResidentFilter(text="mamadu")) == 3
    # Short words are never taken as misspelt: "sow" is Sow only.
    assert names(search(db, gao, text="sow")) == ["Mamadu Sow"]


def test_tiers_are_paged_and_sorted_like_the_list(db, gao, spellings):
    f = ResidentFilter(text="mamadu")
    expected = cases(resident_page(db, gao, f))
    pages = [resident_page(db, gao, f, offset=offset, limit=1) for offset in range(4)]
    assert [r.case_number for page in pages for r in page] == expected
    # Sorted by another column, within each tier: the prefix match stays first.
    by_name = resident_page(db, gao, f, sort_key="last_name", descending=True)
    assert cases(by_name) == [spellings[k].case_number for k in ("mamadu", "kadiatou", "mamadou")]
    by_name = resident_page(db, gao, ResidentFilter(text="ma"), sort_key="first_name")
    assert [r.first_name for r in by_name] == ["Kadiatou", "Mamadou", "Mamadu", "Mariam",  # "ma" begins a name
                                               "Oulématou", "Oumar"]  # "ma" inside one
    # The same words with a filter everyone passes give the same rows in the same order (the
    # filtered query visits the residents, the plain one reads the index alone on SQLite).
    everyone = ResidentFilter(text="mamadu", registered_from=TODAY - dt.timedelta(days=3650))
    assert cases(resident_page(db, gao, everyone)) == expected
    assert count_residents(db, gao, everyone) == 3


def test_search_by_one_or_two_characters(db, gao, spellings):
    assert names(search(db, gao, text="o")) == ["Oulématou Diarra", "Oumar Coulibaly"]
    assert names(search(db, gao, text="m")) == ["Kadiatou Mamadou", "Mamadou Keïta", "Mamadu Sow", "Mariam Touré"]
    rows = resident_page(db, gao, ResidentFilter(text="ou"))  # begins two names, is inside three others
    assert [r.first_name for r in rows] == ["Oumar", "Oulématou", "Kadiatou", "Mamadou", "Mariam"]


@pytest.mark.skipif(bool(os.environ.get("TRANSIT_CENTRE_TEST_DATABASE_URL")), reason="SQLite's batch migrations")
def test_a_migration_that_rebuilds_the_resident_table_gets_the_index_back(db, gao, people):
    """Alembic's batch mode on SQLite copies the table into a new one: the search triggers go
    with the old table. install() (run by migrate.upgrade after every upgrade) heals it."""
    import sqlalchemy as sa
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    from transit_centre.db.search_index import install

    with db.engine.connect() as conn:
        conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # as env.py does, outside a transaction
        with conn.begin():
            with Operations(MigrationContext.configure(conn)).batch_alter_table("resident", recreate="always") as b:
                b.alter_column("notes", existing_type=sa.Text(), nullable=True)
        conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
    add(db, gao, "Binta", "Camara")  # written while the triggers are gone
    assert search(db, gao, text="camara") == []
    with db.engine.begin() as conn:
        install(conn)
    assert names(search(db, gao, text="camara")) == ["Binta Camara"]
    assert names(search(db, gao, text="traore")) == ["Aïssata Traoré", "Moussa Traoré"]
    moussa = people["moussa"]
    update_resident(db, gao, moussa.id, ResidentInput(first_name="Moussa", last_name="Camara", sex=Sex.MALE,
                                                      date_of_birth=dt.date(1990, 1, 1), nationality="ML"),
                    moussa.version)
    assert names(search(db, gao, text="camara")) == ["Binta Camara", "Moussa Camara"]


def test_a_word_many_residents_have_as_typed_is_not_looked_for_misspelt(db, gao, centres):
    from transit_centre.registry.matching import MISSPELT_WHEN_FEWER

    now = dt.datetime.now(dt.timezone.utc)
    rows = [{"id": uuid.uuid4(), "centre_id": centres["GAO"], "case_number": f"GAO-2024-{i:05d}",
             "first_name": "Awa", "last_name": "Coulibaly", "first_name_folded": "awa",
             "last_name_folded": "coulibaly", "search_text": f"gao-2024-{i:05d} awa coulibaly",
             "sex": Sex.FEMALE, "registered_on": dt.date(2024, 1, 1), "version": 1, "created_at": now,
             "updated_at": now} for i in range(1, MISSPELT_WHEN_FEWER + 1)]
    with db.transaction(None) as s:
        s.execute(insert(Resident), rows)
    add(db, gao, "Nana", "Coulibali")
    # As a hundred residents write it: the word as typed, not the names close to it.
    assert names(search(db, gao, text="coulibaly")) == ["Awa Coulibaly"] * MISSPELT_WHEN_FEWER
    # As one writes it: that one first, then the names close to it.
    found = search(db, gao, text="coulibali")
    assert [r.last_name for r in found] == ["Coulibali"] + ["Coulibaly"] * MISSPELT_WHEN_FEWER
