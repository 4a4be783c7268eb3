"""Age, the one rule: how old a person is on a day, whether they are a minor or under five, and
the age bands of the reports, in Python and as SQL.

Every rule, document and report asks this module (shelter beds, care's "under 5", the guardian
and escort rules, the printed documents, the monthly export and headquarters' tables), so a
birthday boundary is decided in one place only.

- A person is ``n`` years old from their ``n``-th birthday on, that day included; someone
  born on 29 February has their birthday on 1 March in other years.
- An unknown date of birth gives an unknown age (``None``), never a made-up one: such a person
  is not counted as a minor (the registration form always asks for a date, a birth year or an
  estimated age), and falls in the ``unknown`` band of the reports.
- An age of 0 (a baby under one year) is an age like any other.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

ADULT_AGE = 18
UNDER_FIVE_AGE = 5
# Report bands: (band, the age from which a person is past it). The last band has no end.
AGE_BANDS = ("0-4", "5-11", "12-17", "18-59", "60+")
_BAND_ENDS = ((5, "0-4"), (12, "5-11"), (18, "12-17"), (60, "18-59"))
UNKNOWN_AGE = "unknown"


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def age_on(date_of_birth: dt.date | None, day: dt.date) -> int | None:
    """Completed years on ``day``; None when the date of birth is unknown."""
    if date_of_birth is None:
        return None
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def is_minor(date_of_birth: dt.date | None, day: dt.date) -> bool:
    """Under 18 on ``day`` (False when the date of birth is unknown)."""
    age = age_on(date_of_birth, day)
    return age is not None and age < ADULT_AGE


def is_adult(date_of_birth: dt.date | None, day: dt.date) -> bool:
    """18 or older on ``day`` (False when the date of birth is unknown)."""
    age = age_on(date_of_birth, day)
    return age is not None and age >= ADULT_AGE


def is_under_five(date_of_birth: dt.date | None, day: dt.date) -> bool:
    """Under 5 on ``day``: the children counted apart in medical care."""
    age = age_on(date_of_birth, day)
    return age is not None and age < UNDER_FIVE_AGE


def age_band(date_of_birth: dt.date | None, day: dt.date) -> str:
    """The report band on ``day`` ("0-4" … "60+", or "unknown")."""
    age = age_on(date_of_birth, day)
    if age is None:
        return UNKNOWN_AGE
    for end, band in _BAND_ENDS:
        if age < end:
            return band
    return AGE_BANDS[-1]


def age_band_sql(date_of_birth: Any, day: dt.date) -> Any:
    """The same band as a SQL CASE over a date-of-birth column, for a fixed ``day``.

    Someone is under ``n`` on ``day`` exactly when born after ``years_before(day, n)``
    (the same test as ``age_on``, leap days included); comparing the column with constants
    keeps the expression portable and lets an index on the date serve.
    """
    from sqlalchemy import case

    limits = [(date_of_birth > years_before(day, end), band) for end, band in _BAND_ENDS]
    return case((date_of_birth.is_(None), UNKNOWN_AGE), *limits, else_=AGE_BANDS[-1])



__all__ = ["ADULT_AGE", "AGE_BANDS", "UNDER_FIVE_AGE", "UNKNOWN_AGE", "age_band", "age_band_sql", "age_on",
           "is_adult", "is_minor", "is_under_five", "years_before"]
