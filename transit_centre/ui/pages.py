"""The main window's pages, in sidebar order. A capability adds its page with one line here.

A page is a ``QWidget`` subclass built as ``Page(ctx, parent)``; it may define ``refresh()``
(F5), ``new_record()`` (Ctrl+N), ``focus_search()`` (Ctrl+F) and ``print_current()`` (Ctrl+P).
``visible(actor)`` decides whether the role sees the page at all.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from transit_centre.i18n import N_
from transit_centre.security.permissions import Actor, Permission


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str  # marked with N_, translated when shown
    factory: str  # "module:Class"
    visible: Callable[[Actor], bool]
    help_text: str = ""  # marked with N_: the F1 help for this page

    def load(self) -> type:
        module, name = self.factory.split(":")
        return getattr(importlib.import_module(module), name)


def _perm(permission: Permission) -> Callable[[Actor], bool]:
    return lambda actor: actor.can(permission)


PAGES: list[PageSpec] = [
    PageSpec("dashboard", N_("Dashboard"), "transit_centre.ui.dashboard:DashboardPage",
             lambda actor: actor.can(Permission.REPORT_READ) or actor.can(Permission.RESIDENT_READ),
             N_("The centre at a glance: residents present tonight against capacity, arrivals and departures "
                "per week, this month's services, returns in the pipeline and cash disbursed this month. The "
                "figures are those of the monthly export for the same period. F5 refreshes.")),
    PageSpec("residents", N_("Residents"), "transit_centre.ui.residents:ResidentsPage",
             _perm(Permission.RESIDENT_READ),
             N_("The residents of the centre. Type in the search field (Ctrl+F) part of a name, a case number, a "
                "document or phone number: accents and capitals do not matter and every word must match. Filter "
                "by presence, sex, nationality, vulnerability or registration dates; click a column title to "
                "sort. Double-click a resident to open their file (biodata, photo, documents, vulnerabilities, "
                "household, timeline). New resident (Ctrl+N) opens the registration form; residents who look "
                "like the same person are shown before saving so that nobody is registered twice.")),
    PageSpec("shelter", N_("Shelter"), "transit_centre.ui.shelter:ShelterPage", _perm(Permission.SHELTER_READ),
             N_("Tonight's occupancy: each room with its beds and who sleeps in them, free beds by kind and "
                "capacity against residents present. Select a free bed and press Check in (or double-click "
                "it) to admit a resident; select a resident to move them to another bed, transfer them to "
                "another centre or check them out with a reason. A minor goes to a minors' bed, a woman to "
                "a women's or family bed: to choose otherwise, give the reason. Rooms and beds are added "
                "and retired with Rooms and beds (centre managers). Ctrl+F finds a resident or a bed in the "
                "list; Night of shows another night; Bed-nights counts the nights of a period.")),
    PageSpec("rollcall", N_("Roll-call"), "transit_centre.ui.rollcall:RollCallPage",
             _perm(Permission.SHELTER_WRITE),
             N_("Tonight's roll-call. Press the button to list the residents who should be present. "
                "On the list, P or Space marks the selected resident present and A absent; the cursor "
                "moves to the next line. In the scan field, scan a badge or type a case number or a name "
                "and press Enter. Residents not seen for several days are listed at the bottom: check them "
                "out as having left on their own only after checking.")),
    PageSpec("services", N_("Services"), "transit_centre.ui.services:ServicesPage", _perm(Permission.SERVICE_READ),
             N_("Services given to residents. Distribution: choose the date, meals or an NFI kit and the quantity; "
                "everybody present is ticked, untick those who do not receive, then press Distribute. If someone "
                "already received the same thing that day you are asked whether to skip them. Medical and MHPSS "
                "staff record consultations, fit-to-travel, sessions and group activities (tick the participants; "
                "the filter box finds them). Recent services lists the centre's services: Void (with a reason), "
                "Read note (medical or MHPSS staff only; every reading is recorded) and the outcome of a referral.")),
    PageSpec("returns", N_("Returns"), "transit_centre.ui.returns:ReturnsPage", _perm(Permission.RETURN_READ),
             N_("Return cases. Filter by status or search a name; select a case to see its workflow: each step "
                "with its date and who recorded it, and what is still missing. Record next step asks the date "
                "(and for travel documents the kind, number and expiry); fit-to-travel is taken from the medical "
                "record. A step can only be skipped with a reason. Put on hold, Resume and Cancel case keep the "
                "reason. An unaccompanied minor needs a best-interest / family tracing note (confidential) before "
                "booking. Travel is booked by adding the case to a movement.")),
    PageSpec("movements", N_("Movements"), "transit_centre.ui.movements:MovementsPage", _perm(Permission.RETURN_READ),
             N_("Departures (flight, bus convoy, road). Plan a movement with its date, route and legs, carrier and "
                "escorts. The readiness check lists the centre's return cases: ready ones (travel document and "
                "fit-to-travel valid on the departure date, minors' rules met) can be added; the others say what "
                "is missing. Mark departed checks the travellers out of the centre. The Manifest tab lists the "
                "travellers with their document numbers and minor, escort and victim-of-trafficking flags.")),
    PageSpec("cash", N_("Cash"), "transit_centre.ui.cash:CashPage", _perm(Permission.CASH_READ),
             N_("Cash grants. To approve: grants planned by caseworkers (a manager approves). To disburse: approved "
                "grants; the cash officer pays them (cash in hand, or mobile money with its reference) and the "
                "receipt number is shown. The person who approved a grant cannot pay it. A wrong receipt is voided "
                "with a reason (manager) and reissued under a new number; the voided number stays in the cash "
                "book. The cash book shows the receipts of a period, totals by kind and month, and the "
                "reconciliation of approved, disbursed and outstanding amounts.")),
    PageSpec("reports", N_("Reports"), "transit_centre.ui.reports:ReportsPage",
             lambda actor: any(actor.can(p) for p in (Permission.REPORT_READ, Permission.EXPORT,
                                                      Permission.CONSOLIDATE)),
             N_("Monthly export: the month's workbook and the data package for headquarters (encrypted with "
                "headquarters' public key). Headquarters imports the centres' packages (the same package twice "
                "changes nothing; a newer export replaces the older one) and makes the consolidated monthly or "
                "annual report. Arrival-list import registers a group from a partner's list: map the columns, "
                "check the preview (invalid rows and likely duplicates are marked), import the valid rows.")),
    PageSpec("administration", N_("Administration"), "transit_centre.ui.administration:AdministrationPage",
             lambda actor: any(actor.can(p) for p in (Permission.USER_ADMIN, Permission.CENTRE_ADMIN,
                                                      Permission.SETTINGS_ADMIN, Permission.AUDIT_READ,
                                                      Permission.BACKUP)),
             N_("Administration. Users: create accounts, give roles and centres, disable an account, reset a "
                "forgotten password (the person chooses a new one at next sign-in). Centres: correct names "
                "(highlighted names are placeholders), towns, capacity and kind. Settings: organisation name, "
                "address and logo for printed documents, the inactivity lock and the backup folder. Audit log: "
                "every change, sign-in, print and export, filtered by user, record, action and dates. Backups: "
                "back up now, list the backups and restore one (it is checked first and the replaced database "
                "is kept).")),
]
