"""One age, one rule: age, minor, under five and the report bands, at every birthday boundary,
in Python and in SQL (the same answers on SQLite and PostgreSQL), and in the rules and reports
that use them."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import literal, select

from transit_centre.ages import (
    AGE_BANDS,
    UNKNOWN_AGE,
    age_band,
    age_band_sql,
    age_on,
    is_adult,
    is_minor,
    is_under_five,
    years_before,
)
from transit_centre.db.models import Resident


def birthday(born: dt.date, years: int) -> dt.date:
    """The day someone born on ``born`` turns ``years`` (1 March for a 29 February)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return dt.date(born.year + years, 3, 1)


BORN = [dt.date(2008, 6, 15), dt.date(2012, 12, 31), dt.date(2020, 1, 1), dt.date(2008, 2, 29)]


@pytest.mark.parametrize("born", BORN)
@pytest.mark.parametrize("years", [5, 18])
def test_the_day_before_on_and_after_a_birthday(born, years):
    day = birthday(born, years)
    before, after = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
    assert (age_on(born, before), age_on(born, day), age_on(born, after)) == (years - 1, years, years)
    rule = is_minor if years == 18 else is_under_five
    assert rule(born, before) and not rule(born, day) and not rule(born, after)
    if years == 18:
        assert not is_adult(born, before) and is_adult(born, day)
    band_before = "12-17" if years == 18 else "0-4"
    band_after = "18-59" if years == 18 else "5-11"
    assert (age_band(born, before), age_band(born, day), age_band(born, after)) == (band_before, band_after,
                                                                                   band_after)


def test_a_baby_is_zero_not_unknown():
    born = dt.date(2026, 3, 1)
    assert age_on(born, dt.date(2026, 12, 1)) == 0
    assert is_minor(born, dt.date(2026, 12, 1)) and is_under_five(born, dt.date(2026, 12, 1))
    assert age_band(born, dt.date(2026, 12, 1)) == "0-4"


def test_unknown_date_of_birth():
    day = dt.date(2026, 12, 1)
    assert age_on(None, day) is None
    assert not is_minor(None, day) and not is_adult(None, day) and not is_under_five(None, day)
    assert age_band(None, day) == UNKNOWN_AGE


def test_years_before_a_leap_day():
    assert years_before(dt.date(2028, 2, 29), 5) == dt.date(2023, 2, 28)
    assert years_before(dt.date(2026, 12, 7), 18) == dt.date(2008, 12, 7)


dates = st.dates(min_value=dt.date(1915, 1, 1), max_value=dt.date(2030, 12, 31))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(born=st.one_of(st.none(), dates), day=dates)
def test_sql_bands_and_minor_agree_with_python(db, born, day):
    """The CASE expression the reports run gives the band ``age_band`` gives, on this database."""
    with db.transaction(None, readonly=True) as s:
        value = literal(born, Resident.date_of_birth.type)
        band = s.scalar(select(age_band_sql(value, day)))
    assert band == age_band(born, day)
    assert band in (*AGE_BANDS, UNKNOWN_AGE)


@pytest.mark.parametrize("born", BORN)
@pytest.mark.parametrize("years", [5, 12, 18, 60])
def test_sql_bands_the_day_before_on_and_after_a_birthday(db, born, years):
    day = birthday(born, years)
    with db.transaction(None, readonly=True) as s:
        for when in (day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)):
            value = literal(born, Resident.date_of_birth.type)
            assert s.scalar(select(age_band_sql(value, when))) == age_band(born, when), (born, when)
