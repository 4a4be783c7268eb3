"""Password strength: length is not enough. Common, repeated, sequential and keyboard passwords,
the public demo password and a password made of the user's own name are refused, with a reason
in French and in English; a strong password is accepted."""
from __future__ import annotations

import pytest

from transit_centre.enums import Role
from transit_centre.errors import ValidationError
from transit_centre.i18n import set_language
from transit_centre.security.permissions import Actor
from transit_centre.security.users import create_user, password_problem


@pytest.mark.parametrize("password", ["aaaaaaaaaa", "1234567890", "password12", " " * 10, "transit-demo",
                                      "Transit-Demo", "azertyuiop", "qwertyuiop", "motdepasse1", "bamako2026",
                                      "aissata.traore"])
def test_weak_passwords_are_refused(password):
    assert password_problem(password, "aissata", "Aïssata Traoré")


@pytest.mark.parametrize("password", ["Correct-Horse-Battery-9", "tamarin vert sous la pluie", "x7#Kq9!mZ2pL"])
def test_strong_passwords_are_accepted(password):
    assert password_problem(password, "aissata", "Aïssata Traoré") is None


def test_the_reason_is_given_in_the_users_language():
    set_language("en")
    assert "too easy to guess" in password_problem("1234567890") and "common" in password_problem("1234567890")
    set_language("fr")
    assert "trop facile à deviner" in password_problem("aaaaaaaaaa") and "répète" in password_problem("aaaaaaaaaa")
    assert "public" in password_problem("transit-demo")


def test_an_account_with_a_weak_password_is_not_created(db):
    with pytest.raises(ValidationError) as refused:
        create_user(db, Actor.system(), username="awa", full_name="Awa Sidibé", password="awasidibe1",
                    roles=[Role.ADMIN])
    assert "password" in refused.value.errors
