"""Hostile input thrown at the services (Hypothesis): very long strings, control characters,
SQL-looking text, broken UTF-8 (decoded with surrogateescape, as a badly encoded import file
gives), dates out of range, negative and huge numbers, wrong types.

Each call either raises a ``DomainError`` with a message, leaving the row counts unchanged
(nothing half-saved), or stores exactly the cleaned value. Nothing else may happen.
"""
from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from transit_centre.admin.centres import get_centre, update_centre
from transit_centre.admin.settings import DEFAULTS, get_setting, set_setting
from transit_centre.common import clean
from transit_centre.db.models import AuditEntry, Household, IdentityDocument, Resident, Setting, User
from transit_centre.enums import CentreKind, Role, Sex
from transit_centre.errors import DomainError
from transit_centre.security.accounts import get_user
from transit_centre.security.permissions import Actor
from transit_centre.security.users import create_user

HOSTILE_SNIPPETS = [
    "'; DROP TABLE app_user; --", "Robert'); DELETE FROM centre WHERE ('1'='1", "\x00", "\x00admin",
    "\u202eevil", "%s%s%s%n", "${jndi:ldap://x/a}", "<script>alert(1)</script>", "   ", "\t\n\r",
    "\ud800", "a\udcffb", "Aïssata\u0301 Traoré", "ﷺ" * 10, "𝕏" * 70, "1e309", "NaN", "-0", "\x1b[31m",
]


def _broken_utf8(data: bytes) -> str:
    return data.decode("utf-8", errors="surrogateescape")


hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=300),
    st.sampled_from(HOSTILE_SNIPPETS),
    st.integers(min_value=190, max_value=3000).map(lambda n: "é" * n),
    st.binary(max_size=120).map(_broken_utf8),
    st.lists(st.sampled_from(HOSTILE_SNIPPETS + ["x", " ", "é"]), max_size=8).map("".join),
)
# Valid-looking values carrying hostile content (SQL, markup, control characters, broken
# UTF-8) that cleaning must keep or strip exactly as documented.
letters = st.text(st.characters(categories=("L", "N", "Zs", "P")), min_size=1, max_size=30)
laced_text = st.builds(lambda a, b, c: a + b + c, letters, st.sampled_from(HOSTILE_SNIPPETS),
                       st.one_of(st.just(""), letters, st.binary(max_size=8).map(_broken_utf8)))


def mostly(valid, hostile=hostile_text):
    """Nine chances in ten of a value the service should accept, so that calls with one or two
    hostile fields among valid ones are common and both outcomes are exercised."""
    return st.integers(0, 9).flatmap(lambda n: hostile if n == 0 else valid)


hostile_number = st.one_of(st.integers(min_value=-10**30, max_value=10**30), st.integers(-5, 20000),
                           st.just(True), st.floats(allow_nan=True, allow_infinity=True))
HOSTILE = settings(max_examples=40, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _counts(db, *models) -> tuple[int, ...]:
    with db.transaction(None, readonly=True) as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in models)


def _cleaned(text, max_length):
    """What a service stores for a text input, or None when it must refuse it."""
    try:
        return clean(text, max_length)
    except ValueError:
        return None


@pytest.fixture
def admin(db):
    view = create_user(db, Actor.system(), username="admin", full_name="Awa", password="mot-de-passe-solide",
                       roles=[Role.ADMIN])
    return Actor(view.id, "admin", "Awa", frozenset({Role.ADMIN}))


@HOSTILE
@given(username=mostly(st.from_regex(r"[a-z0-9._'%;<>$-]{1,40}", fullmatch=True)),
       full_name=mostly(laced_text), password=mostly(st.just("mot-de-passe-solide"), hostile_text),
       roles=mostly(st.lists(st.sampled_from(list(Role)), min_size=1, max_size=3),
                    st.lists(st.one_of(st.sampled_from(list(Role)), hostile_text), max_size=3)),
       language=mostly(st.sampled_from(["fr", "en"])))
def test_create_user(db, admin, username, full_name, password, roles, language):
    before = _counts(db, User, AuditEntry)
    try:
        view = create_user(db, admin, username=username, full_name=full_name, password=password, roles=roles,
                           language=language)
    except DomainError as exc:
        event("refused")
        assert str(exc).strip()
        assert _counts(db, User, AuditEntry) == before
        return
    event("stored")
    stored = get_user(db, admin, view.id)
    assert stored.username == _cleaned(username, 64)
    assert stored.full_name == _cleaned(full_name, 200)
    assert stored.language in ("fr", "en")
    assert set(stored.roles) == {Role(r) for r in roles}
    assert _counts(db, User)[0] == before[0] + 1


@HOSTILE
@given(name=mostly(laced_text), town=mostly(laced_text), region=mostly(letters),
       capacity=mostly(st.integers(0, 10000), hostile_number),
       kind=mostly(st.sampled_from(list(CentreKind))), active=st.booleans())
def test_update_centre(db, centres, admin, name, town, region, capacity, kind, active):
    centre = get_centre(db, admin, centres["KAY"])
    before = _counts(db, AuditEntry)
    try:
        saved = update_centre(db, admin, centre.id, name=name, town=town, region=region, capacity=capacity,
                              kind=kind, active=active, expected_version=centre.version)
    except DomainError as exc:
        event("refused")
        assert str(exc).strip()
        assert get_centre(db, admin, centres["KAY"]) == centre
        assert _counts(db, AuditEntry) == before
        return
    event("stored")
    stored = get_centre(db, admin, centres["KAY"])
    assert stored == saved
    assert (stored.name, stored.town, stored.region) == (
        _cleaned(name, 200), _cleaned(town, 100), _cleaned(region, 100))
    assert stored.capacity == capacity and stored.kind == CentreKind(kind) and stored.active == active


_STR_KEYS = sorted(k for k, v in DEFAULTS.items() if isinstance(v, str))
_INT_KEYS = sorted(k for k, v in DEFAULTS.items() if isinstance(v, int) and not isinstance(v, bool))


any_value = st.one_of(hostile_text, hostile_number, st.none(), st.lists(st.integers(), max_size=3),
                     st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


@st.composite
def key_and_value(draw):
    key = draw(mostly(st.sampled_from(_STR_KEYS + _INT_KEYS)))
    default = DEFAULTS.get(key)
    if isinstance(default, str):
        fitting = st.one_of(laced_text, hostile_text)
    elif isinstance(default, int):
        fitting = st.one_of(st.integers(0, 1000), st.integers(-10**15, 10**15))
    else:
        fitting = any_value
    return key, draw(mostly(fitting, any_value))


@HOSTILE
@given(pair=key_and_value())
def test_set_setting(db, admin, pair):
    key, value = pair
    known = key in DEFAULTS
    before_value = get_setting(db, key) if known else None
    before = _counts(db, Setting, AuditEntry)
    try:
        set_setting(db, admin, key, value)
    except DomainError as exc:
        event("refused")
        assert str(exc).strip()
        assert _counts(db, Setting, AuditEntry) == before
        if known:
            assert get_setting(db, key) == before_value
        return
    event("stored")
    assert known
    default = DEFAULTS[key]
    stored = get_setting(db, key)
    if isinstance(default, str):
        assert stored == (_cleaned(value, 2000) or "")
    else:
        assert type(stored) is type(value) and stored == value
        assert not (isinstance(value, float) and not math.isfinite(value))


residents = pytest.importorskip("transit_centre.registry.residents")
inputs = pytest.importorskip("transit_centre.registry.inputs")

hostile_date = st.one_of(st.none(), st.dates(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 1, 1)))


@HOSTILE
@given(first=mostly(laced_text), last=mostly(laced_text), other=mostly(st.none()),
       sex=mostly(st.sampled_from(list(Sex))),
       dob=mostly(st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2020, 1, 1)), hostile_date),
       age=mostly(st.none(), hostile_number), nationality=mostly(st.just("ML")),
       phone=mostly(st.none()), notes=mostly(st.one_of(st.none(), laced_text)),
       registered_on=mostly(st.none(), hostile_date), household=mostly(st.none()))
def test_register_resident(db, centres, make_actor, first, last, other, sex, dob, age, nationality, phone, notes,
                           registered_on, household):
    actor = make_actor(Role.CASEWORKER, centre="GAO")
    data = inputs.ResidentInput(first_name=first, last_name=last, other_names=other, sex=sex, date_of_birth=dob,
                                estimated_age=age if not isinstance(age, float) else None, nationality=nationality,
                                phone=phone, notes=notes, registered_on=registered_on,
                                new_household_name=household)
    before = _counts(db, Resident, Household, IdentityDocument, AuditEntry)
    try:
        view = residents.register_resident(db, actor, data)
    except DomainError as exc:
        event("refused")
        assert str(exc).strip()
        assert _counts(db, Resident, Household, IdentityDocument, AuditEntry) == before
        return
    event("stored")
    stored = residents.get_resident(db, actor, view.id).resident
    assert stored == view
    assert stored.first_name == _cleaned(first, 150) and stored.last_name == _cleaned(last, 150)
    assert _counts(db, Resident)[0] == before[0] + 1
