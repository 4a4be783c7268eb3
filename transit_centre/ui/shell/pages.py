"""The main window's pages in sidebar order. Each feature package gives its pages' specs
(``ui/common/page.py``); a capability adds its page with one line here."""
from __future__ import annotations

from transit_centre.ui import admin, care, cash, reports, residents, returns, shelter
from transit_centre.ui.common.page import PageSpec

PAGES: list[PageSpec] = [
    reports.DASHBOARD,
    residents.RESIDENTS,
    shelter.SHELTER,
    shelter.ROLL_CALL,
    care.SERVICES,
    returns.RETURNS,
    returns.MOVEMENTS,
    cash.CASH,
    reports.REPORTS,
    admin.ADMINISTRATION,
]
