"""Figures: the dashboard, the monthly export, headquarters' import and consolidated report."""
from transit_centre.i18n import N_
from transit_centre.security.permissions import Permission
from transit_centre.ui.common.page import ADMINISTRATION, DAILY_WORK, PageSpec, allowed

DASHBOARD = PageSpec(
    "dashboard", N_("Dashboard"), "transit_centre.ui.reports.dashboard:DashboardPage",
    allowed(Permission.REPORT_READ, Permission.RESIDENT_READ),
    N_("The centre at a glance: residents present tonight against capacity, arrivals and departures "
       "per week, this month's services, returns in the pipeline and cash disbursed this month. The "
       "figures are those of the monthly export for the same period. F5 refreshes."),
    group=DAILY_WORK, badge="followups")


REPORTS = PageSpec(
    "reports", N_("Reports"), "transit_centre.ui.reports.page:ReportsPage",
    allowed(Permission.REPORT_READ, Permission.EXPORT, Permission.CONSOLIDATE),
    N_("Monthly export: the month's workbook and the data package for headquarters (encrypted with "
       "headquarters' public key). Headquarters imports the centres' packages (the same package twice "
       "changes nothing; a newer export replaces the older one) and makes the consolidated monthly or "
       "annual report. Arrival-list import registers a group from a partner's list: map the columns, "
       "check the preview (invalid rows and likely duplicates are marked), import the valid rows."),
    group=ADMINISTRATION)
