"""``transfer-out``, ``transfer-in`` and the centre key commands, between two databases."""
from __future__ import annotations

import datetime as dt

import pytest

from support.transfers import actor, centre_database, centre_id
from transit_centre.cli.main import main
from transit_centre.enums import Role, Sex
from transit_centre.i18n import set_language
from transit_centre.registry.inputs import ResidentInput
from transit_centre.registry.residents import register_resident
from transit_centre.security.permissions import Actor
from transit_centre.security.users import create_user
from transit_centre.shelter.admission import check_in

PASSWORD = "un-mot-de-passe-long"


@pytest.fixture(autouse=True)
def english():
    set_language("en")


def _installation(tmp_path, name: str, code: str):  # noqa: ANN001, ANN202
    from alembic import command

    from transit_centre.db.migrate import alembic_config

    db = centre_database(tmp_path, name)
    command.stamp(alembic_config(db), "head")  # made from the models, as up to date as migrations make it
    create_user(db, Actor.system(), username=f"admin-{code.lower()}", full_name="Admin", password=PASSWORD,
                roles=[Role.ADMIN])
    create_user(db, Actor.system(), username=f"chef-{code.lower()}", full_name="Chef", password=PASSWORD,
                roles=[Role.MANAGER], centre_ids=[centre_id(db, code)])
    return db


def test_two_centres_exchange_keys_and_a_transfer_file_on_the_command_line(tmp_path, capsys, monkeypatch):
    gao, bko = _installation(tmp_path, "gao", "GAO"), _installation(tmp_path, "bko", "BKO")
    monkeypatch.setenv("TRANSIT_CENTRE_PASSWORD", PASSWORD)
    at_gao, at_bko = ["--database", gao.url], ["--database", bko.url]
    resident = register_resident(gao, actor(gao, "GAO", Role.CASEWORKER), ResidentInput(
        first_name="Awa", last_name="Coulibaly", sex=Sex.FEMALE, date_of_birth=dt.date(1998, 3, 4), nationality="ML"))
    check_in(gao, actor(gao, "GAO", Role.MANAGER), resident.id, centre_id=centre_id(gao, "GAO"))
    out = tmp_path / "awa.tctransfer"

    assert main([*at_gao, "transfer-out", resident.case_number, "--to", "BKO", "--out", str(out),
                 "--user", "chef-gao"]) != 0  # no key of Bamako yet: no file, the stay stays open
    assert "No key is registered for centre BKO" in capsys.readouterr().err and not out.exists()
    for here, there, code, me, admin in ((at_bko, at_gao, "BKO", "chef-bko", "admin-gao"),
                                         (at_gao, at_bko, "GAO", "chef-gao", "admin-bko")):
        key = tmp_path / f"{code}.key"
        assert main([*here, "centre-key", "--centre", code, "--out", str(key), "--user", me]) == 0
        fingerprint = capsys.readouterr().out.rsplit(": ", 1)[1].strip()
        assert main([*there, "register-centre-key", str(key), "--fingerprint", fingerprint, "--user", admin]) == 0
        capsys.readouterr()

    assert main([*at_gao, "transfer-out", resident.case_number, "--to", "BKO", "--out", str(out),
                 "--user", "chef-gao"]) == 0
    said = capsys.readouterr().out
    assert "transferred to BKO" in said and "not included" in said and out.is_file()
    assert main([*at_bko, "transfer-in", str(out), "--user", "chef-bko"]) == 0
    said = capsys.readouterr().out
    assert f"{resident.case_number} is now BKO-" in said and "Transfer from GAO" in said
    assert main([*at_bko, "transfer-in", str(out), "--user", "chef-bko"]) == 0
    assert "already received" in capsys.readouterr().out
    for db in (gao, bko):
        db.dispose()
