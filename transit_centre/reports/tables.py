"""Report tables built from ``Stats``: the same tables in a centre's monthly export, headquarters'
consolidated reports and (partly) the dashboard. Plain values; the XLSX writer formats them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from transit_centre.enums import DepartureReason, GrantKind, ReturnType, ServiceKind, VulnerabilityKind
from transit_centre.i18n import N_, _, country_name
from transit_centre.ages import AGE_BANDS, UNKNOWN_AGE
from transit_centre.reports.stats import Stats

# Column formats understood by the XLSX writer.
TEXT, INT, XOF, PCT, DATE = "text", "int", "xof", "pct", "date"

SUBTYPES = {
    "curative": N_("Curative care"),
    "vaccination": N_("Vaccination"),
    "screening": N_("Screening"),
    "referral_health": N_("Referral to a health facility"),
    "fit_to_travel": N_("Fit-to-travel examination"),
    "individual": N_("Individual"),
    "group": N_("Group"),
}


@dataclass(frozen=True)
class ReportTable:
    key: str
    title: str
    columns: tuple[str, ...]
    formats: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""


def _label(enum_cls: Any, value: str) -> str:
    try:
        return enum_cls(value).label
    except ValueError:
        return value or _("(not given)")


def subtype_label(value: str) -> str:
    return _(SUBTYPES[value]) if value in SUBTYPES else value


def key_figures(stats: Stats) -> list[tuple[str, Any, str]]:
    """(label, value, format): the cover sheet's figures, which the data package reconciles with."""
    return [
        (_("Arrivals"), stats.arrivals, INT),
        (_("Departures"), stats.departures, INT),
        (_("Present at the end of the period"), stats.present_at_end, INT),
        (_("Residents accommodated"), stats.accommodated, INT),
        (_("Bed-nights"), stats.bed_nights, INT),
        (_("Occupancy rate"), stats.occupancy, PCT),
        (_("Meals served"), stats.service_total(ServiceKind.MEAL.value, "quantity"), INT),
        (_("NFI kits distributed"), stats.service_total(ServiceKind.NFI_KIT.value, "quantity"), INT),
        (_("Medical consultations"), stats.service_total(ServiceKind.MEDICAL.value), INT),
        (_("Returns (departures)"), stats.returns_total, INT),
        (_("Cash disbursed (XOF)"), stats.cash_total, XOF),
        (_("Voided receipts"), stats.voided_receipts, INT),
    ]


def _movement_table(stats: Stats) -> ReportTable:
    rows: list[tuple[Any, ...]] = [(_("Arrivals"), stats.arrivals), (_("Departures"), stats.departures)]
    rows += [(_("Departures: {reason}").format(reason=_label(DepartureReason, reason)), n)
             for reason, n in stats.departures_by_reason]
    rows += [(_("Present at the end of the period"), stats.present_at_end),
             (_("Residents accommodated"), stats.accommodated), (_("Bed-nights"), stats.bed_nights),
             (_("Capacity (bed-nights available)"), stats.capacity_nights)]
    table = ReportTable("movements", _("Arrivals, departures and occupancy"), (_("Indicator"), _("Value")),
                        (TEXT, INT), tuple(rows))
    return table


def _demographics_table(stats: Stats) -> ReportTable:
    bands = list(AGE_BANDS)
    has_unknown = any(band == UNKNOWN_AGE for *_x, band, _n in stats.demographics)
    columns = [_("Nationality"), _("Code")]
    keys: list[tuple[str, str]] = []
    for sex, sex_label in (("M", _("Men")), ("F", _("Women"))):
        for band in bands:
            columns.append(_("{sex} {band}").format(sex=sex_label, band=band))
            keys.append((sex, band))
    if has_unknown:
        columns.append(_("Age unknown"))
    columns.append(_("Total"))
    by_nat: dict[str, dict[tuple[str, str], int]] = {}
    for nat, sex, band, n in stats.demographics:
        cell = by_nat.setdefault(nat, {})
        key = (sex, band) if band != UNKNOWN_AGE else ("?", UNKNOWN_AGE)
        cell[key] = cell.get(key, 0) + n
    rows = []
    totals = [0] * (len(keys) + has_unknown + 1)
    for nat in sorted(by_nat, key=lambda c: country_name(c) if c else "~"):
        cells = by_nat[nat]
        values = [cells.get(k, 0) for k in keys]
        if has_unknown:
            values.append(cells.get(("?", UNKNOWN_AGE), 0))
        values.append(sum(cells.values()))
        totals = [a + b for a, b in zip(totals, values)]
        rows.append((country_name(nat) if nat else _("(not given)"), nat, *values))
    rows.append((_("Total"), "", *totals))
    return ReportTable("residents", _("Residents accommodated by sex, age and nationality"), tuple(columns),
                       (TEXT, TEXT) + (INT,) * (len(columns) - 2), tuple(rows),
                       _("Age on the last day of the period. A person is counted once per centre."))


def _vulnerability_table(stats: Stats) -> ReportTable:
    rows = tuple((_label(VulnerabilityKind, k), m, f, u, m + f + u) for k, m, f, u in stats.vulnerabilities)
    return ReportTable("vulnerabilities", _("Vulnerabilities of the residents accommodated"),
                       (_("Vulnerability"), _("Men"), _("Women"), _("Sex not recorded"), _("Total")),
                       (TEXT, INT, INT, INT, INT), rows)


def _services_table(stats: Stats) -> ReportTable:
    rows = tuple((_label(ServiceKind, line.kind), subtype_label(line.subtype), line.records, line.quantity,
                  line.contacts, line.male, line.female, line.under5) for line in stats.services)
    return ReportTable(
        "services", _("Services by kind"),
        (_("Service"), _("Type"), _("Records"), _("Quantity"), _("People served"), _("Men/boys"),
         _("Women/girls"), _("Under 5")),
        (TEXT, TEXT) + (INT,) * 6, rows,
        _("People served: one per person per record (each participant of a group session)."))


def _mhpss_table(stats: Stats) -> ReportTable:
    rows = tuple((subtype_label(mode), sessions, m, f, m + f) for mode, sessions, m, f in stats.mhpss)
    return ReportTable("mhpss", _("Mental health and psychosocial support"),
                       (_("Activity"), _("Sessions"), _("Male participants"), _("Female participants"),
                        _("Total participants")), (TEXT, INT, INT, INT, INT), rows)


def _returns_table(stats: Stats) -> ReportTable:
    rows = [(_label(ReturnType, t), country_name(c) if c else _("(not given)"), c, m, f, u, m + f + u)
            for t, c, m, f, u in stats.returns]
    rows.append((_("Total"), "", "", *(sum(r[i] for r in rows) for i in range(3, 7))))
    return ReportTable("returns", _("Returns by type and destination"),
                       (_("Type of return"), _("Destination"), _("Code"), _("Men"), _("Women"), _("Sex not recorded"),
                        _("Total")), (TEXT, TEXT, TEXT, INT, INT, INT, INT), tuple(rows))


def _cash_table(stats: Stats) -> ReportTable:
    rows: list[tuple[Any, ...]] = [(_label(GrantKind, k), n, total) for k, n, total in stats.cash]
    rows.append((_("Total"), None, stats.cash_total))
    rows.append((_("Voided receipts"), stats.voided_receipts, stats.voided_receipts_xof))
    return ReportTable("cash", _("Cash disbursed by grant kind"),
                       (_("Grant kind"), _("People / receipts"), _("Amount (XOF)")), (TEXT, INT, XOF), tuple(rows))


def annual_figures(stats: Stats) -> ReportTable:
    """The figures headquarters publishes each year, derived from the same tables."""
    def ret(kind: str) -> tuple[int, int, int]:
        lines = [r for r in stats.returns if r[0] == kind]
        return sum(r[2] for r in lines), sum(r[3] for r in lines), sum(r[4] for r in lines)

    mal, intl = ret(ReturnType.MALIAN_HOME.value), ret(ReturnType.INTERNATIONAL.value)
    medical = [line for line in stats.services if line.kind == ServiceKind.MEDICAL.value]
    med_m, med_f = sum(x.male for x in medical), sum(x.female for x in medical)
    med_u5 = sum(x.under5 for x in medical)
    mh_m, mh_f = sum(x[2] for x in stats.mhpss), sum(x[3] for x in stats.mhpss)
    vot = next(((m, f, u) for k, m, f, u in stats.vulnerabilities if k == "trafficking_victim"), (0, 0, 0))
    cash_people = sum(n for k, n, _t in stats.cash)
    reintegration = next((n for k, n, _t in stats.cash if k == GrantKind.REINTEGRATION.value), 0)
    rows = (
        (_("AVRR beneficiaries: Malians returning home"), mal[0], mal[1], sum(mal)),
        (_("AVRR beneficiaries: international migrants"), intl[0], intl[1], sum(intl)),
        (_("AVRR beneficiaries: total"), mal[0] + intl[0], mal[1] + intl[1], sum(mal) + sum(intl)),
        (_("Cash recipients (all grant kinds)"), None, None, cash_people),
        (_("Reintegration support (reintegration grant recipients)"), None, None, reintegration),
        (_("MHPSS participants"), mh_m, mh_f, mh_m + mh_f),
        (_("Medical care (people served)"), med_m, med_f, med_m + med_f),
        (_("Medical care: children under 5"), None, None, med_u5),
        (_("Victims of trafficking assisted"), vot[0], vot[1], sum(vot)),
    )
    return ReportTable("annual", _("Key figures"), (_("Indicator"), _("Men"), _("Women"), _("Total")),
                       (TEXT, INT, INT, INT), rows)


def report_tables(stats: Stats, *, with_key_figures: bool = False) -> list[ReportTable]:
    tables = [annual_figures(stats)] if with_key_figures else []
    return tables + [_movement_table(stats), _demographics_table(stats), _vulnerability_table(stats),
                     _services_table(stats), _mhpss_table(stats), _returns_table(stats), _cash_table(stats)]
