"""Report tables built from ``Stats``: the same tables in a centre's monthly export, headquarters'
consolidated reports and (partly) the dashboard. Plain values; the XLSX writer formats them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from transit_centre.care.enums import VaccineKind
from transit_centre.enums import (
    DepartureReason,
    GrantKind,
    ReintegrationKind,
    ReturnType,
    ServiceKind,
    VulnerabilityKind,
)
from transit_centre.i18n import N_, _, country_name
from transit_centre.ages import AGE_BANDS, UNKNOWN_AGE
from transit_centre.reports import people as P
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
    # A key per row (same order as ``rows``) that the annual report's links find rows by.
    row_keys: tuple[Any, ...] = ()
    # Cells holding this text are highlighted (a missing centre export).
    flag: str = ""

    def position(self, row_key: Any, column: int) -> tuple[int, int]:
        """(row index, column index) of a cell, by row key; ValueError when the row is absent."""
        return self.row_keys.index(row_key), column


# The returnee groups as table columns: the three groups, then people whose group is not recorded.
GROUP_LABELS = (N_("Malians returning home"), N_("International migrants"), N_("Internally displaced persons"),
                N_("Group not recorded"))


def group_label(group: str) -> str:
    """The plural label of a group value ("" is "Group not recorded"), as a row of a table."""
    return _(GROUP_LABELS[P.GROUPS.index(group)]) if group in P.GROUPS else group


def group_columns() -> tuple[str, ...]:
    return tuple(_(label) for label in GROUP_LABELS)


def _groups(stats: Stats, table: str, key: str) -> tuple[int, ...]:
    """A row's group columns, in the order of ``GROUP_LABELS``."""
    return tuple(stats.group_count(table, key, g) for g in P.GROUPS)


def _with_groups(table: ReportTable, stats: Stats, keys: list[str | None], name: str) -> ReportTable:
    """``table`` with the group columns of ``stats.by_group[name]`` added (None: no split for that row)."""
    rows = tuple(tuple(row) + (_groups(stats, name, key) if key is not None else (None,) * len(P.GROUPS))
                 for row, key in zip(table.rows, keys))
    note = " ".join(x for x in (table.note, _("Returnee group: the person's group when the export was made.")) if x)
    return ReportTable(table.key, table.title, table.columns + group_columns(),
                       table.formats + (INT,) * len(P.GROUPS), rows, note, table.row_keys or tuple(keys))


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
    keys: list[str | None] = ["arrivals", "departures"]
    rows += [(_("Departures: {reason}").format(reason=_label(DepartureReason, reason)), n)
             for reason, n in stats.departures_by_reason]
    keys += [f"departures:{reason}" for reason, _n in stats.departures_by_reason]
    rows += [(_("Present at the end of the period"), stats.present_at_end),
             (_("Residents accommodated"), stats.accommodated), (_("Bed-nights"), stats.bed_nights),
             (_("Capacity (bed-nights available)"), stats.capacity_nights)]
    keys += ["present_at_end", "accommodated", "bed_nights", None]
    table = ReportTable("movements", _("Arrivals, departures and occupancy"), (_("Indicator"), _("Value")),
                        (TEXT, INT), tuple(rows))
    accommodated = {line.group: line.total for line in stats.people if line.figure == P.ACCOMMODATED}
    result = _with_groups(table, stats, keys, "movements")
    fixed = []
    for row, key in zip(result.rows, keys):  # residents accommodated: people, each counted once
        if key == "accommodated":
            row = row[:2] + tuple(accommodated.get(g, 0) for g in P.GROUPS)
        fixed.append(row)
    return ReportTable(result.key, result.title, result.columns, result.formats, tuple(fixed), result.note,
                       result.row_keys)


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
                       _("Age on the last day of the period. A person is counted once, even after a transfer between centres."))


def _vulnerability_table(stats: Stats) -> ReportTable:
    rows = tuple((_label(VulnerabilityKind, k), m, f, u, m + f + u) for k, m, f, u in stats.vulnerabilities)
    table = ReportTable("vulnerabilities", _("Vulnerabilities of the residents accommodated"),
                        (_("Vulnerability"), _("Men"), _("Women"), _("Sex not recorded"), _("Total")),
                        (TEXT, INT, INT, INT, INT), rows)
    return _with_groups(table, stats, [k for k, *_x in stats.vulnerabilities], "vulnerabilities")


def _services_table(stats: Stats) -> ReportTable:
    rows = tuple((_label(ServiceKind, line.kind), subtype_label(line.subtype), line.records, line.quantity,
                  line.contacts, line.male, line.female, line.under5) for line in stats.services)
    table = ReportTable(
        "services", _("Services by kind"),
        (_("Service"), _("Type"), _("Records"), _("Quantity"), _("People served"), _("Men/boys"),
         _("Women/girls"), _("Under 5")),
        (TEXT, TEXT) + (INT,) * 6, rows,
        _("People served: one per person per record (each participant of a group session), so a person seen "
          "twice counts twice; the table of people assisted counts each person once."))
    return _with_groups(table, stats, [f"{x.kind}|{x.subtype}" for x in stats.services], "services")


def _mhpss_table(stats: Stats) -> ReportTable:
    rows = tuple((subtype_label(mode), sessions, m, f, m + f) for mode, sessions, m, f in stats.mhpss)
    table = ReportTable("mhpss", _("Mental health and psychosocial support"),
                        (_("Activity"), _("Sessions"), _("Male participants"), _("Female participants"),
                         _("Total participants")), (TEXT, INT, INT, INT, INT), rows,
                        _("Participants: one per person per session; the table of people assisted counts each "
                          "person once."))
    return _with_groups(table, stats, [mode for mode, *_x in stats.mhpss], "mhpss")


def _returns_table(stats: Stats) -> ReportTable:
    rows: list[tuple[Any, ...]] = []
    keys: list[Any] = []
    for rtype in sorted({t for t, *_x in stats.returns}):
        lines = [(_label(ReturnType, t), country_name(c) if c else _("(not given)"), c, m, f, u, m + f + u)
                 for t, c, m, f, u in stats.returns if t == rtype]
        rows += lines
        keys += [f"{t}|{c}" for t, c, *_x in stats.returns if t == rtype]
        rows.append((_("Total: {type}").format(type=_label(ReturnType, rtype)), "", "",
                     *(sum(r[i] for r in lines) for i in range(3, 7))))
        keys.append(("type", rtype))
    detail = [r for r, k in zip(rows, keys) if isinstance(k, str)]
    rows.append((_("Total"), "", "", *(sum(r[i] for r in detail) for i in range(3, 7))))
    keys.append(("total",))
    table = ReportTable("returns", _("Returns by type and destination"),
                        (_("Type of return"), _("Destination"), _("Code"), _("Men"), _("Women"), _("Sex not recorded"),
                         _("Total")), (TEXT, TEXT, TEXT, INT, INT, INT, INT), tuple(rows),
                        _("One line per return (a person who returned twice counts twice)."))
    result = _with_groups(table, stats, [k if isinstance(k, str) else None for k in keys], "returns")
    grouped = []
    for row, key in zip(result.rows, keys):  # subtotals: the sum of their lines' groups
        if not isinstance(key, str):
            wanted = [k for k in keys if isinstance(k, str) and (key == ("total",) or k.startswith(key[1] + "|"))]
            row = row[:7] + tuple(sum(stats.group_count("returns", k, g) for k in wanted) for g in P.GROUPS)
        grouped.append(row)
    return ReportTable(result.key, result.title, result.columns, result.formats, tuple(grouped), result.note,
                       tuple(keys))


def _cash_table(stats: Stats) -> ReportTable:
    rows: list[tuple[Any, ...]] = [(_label(GrantKind, k), n, total) for k, n, total in stats.cash]
    keys: list[str | None] = [k for k, _n, _t in stats.cash]
    rows.append((_("Total"), None, stats.cash_total))
    rows.append((_("Voided receipts"), stats.voided_receipts, stats.voided_receipts_xof))
    table = ReportTable("cash", _("Cash disbursed by grant kind"),
                        (_("Grant kind"), _("People / receipts"), _("Amount (XOF)")), (TEXT, INT, XOF), tuple(rows))
    return _with_groups(table, stats, keys + [None, None], "cash")


# --- people assisted, reintegration, vaccinations, victims of trafficking ----------------------

FIGURE_LABELS = {
    P.ACCOMMODATED: N_("Residents accommodated"),
    P.AVRR: N_("Assisted voluntary return (AVRR)"),
    P.CASH: N_("Received cash"),
    P.REINTEGRATION: N_("Reintegration assistance"),
    P.MHPSS: N_("MHPSS participants"),
    P.CURATIVE: N_("Received curative care"),
    P.VACCINATION: N_("Vaccinated"),
    P.VOT: N_("Victims of trafficking supported"),
}
# Categories every table lists, with zeros when nobody is counted (the annual report links to them).
_ALWAYS = {P.AVRR: [t.value for t in ReturnType], P.REINTEGRATION: [k.value for k in ReintegrationKind],
           P.VACCINATION: [VaccineKind.COVID19.value]}
ALL = "*"


def category_label(figure: str, category: str) -> str:
    if category == ALL:
        return _("All")
    if not category:
        return ""
    if figure == P.AVRR:
        return _label(ReturnType, category)
    if figure == P.REINTEGRATION:
        return _label(ReintegrationKind, category)
    if figure == P.VACCINATION:
        return _label(VaccineKind, category)
    if figure == P.VOT:
        return country_name(category)
    return category


def _people_table(stats: Stats) -> ReportTable:
    """Each figure by category and returnee group, with an "all groups" line per category and,
    for figures with categories, "all" lines: every line is a row the annual report links to."""
    rows: list[tuple[Any, ...]] = []
    keys: list[tuple[str, str, str]] = []

    def add(figure: str, category: str, group: str) -> None:
        m, f, u, u5 = P.people_total(stats.people, figure, None if category == ALL else category,
                                     None if group == ALL else group)
        rows.append((_(FIGURE_LABELS[figure]), category_label(figure, category),
                     _("All groups") if group == ALL else group_label(group), m, f, u, m + f + u, u5))
        keys.append((figure, category, group))

    for figure in P.FIGURES:
        found = {x.category for x in stats.people if x.figure == figure}
        categories = sorted(found | set(_ALWAYS.get(figure, ())) | ({""} if figure not in _ALWAYS and
                                                                     figure != P.VOT else set()))
        for category in categories:
            for group in P.GROUPS:
                add(figure, category, group)
            add(figure, category, ALL)
        if figure in _ALWAYS or figure == P.VOT:
            for group in P.GROUPS:
                add(figure, ALL, group)
            add(figure, ALL, ALL)
    return ReportTable(
        "people", _("People assisted by returnee group and sex"),
        (_("Figure"), _("Category"), _("Returnee group"), _("Men"), _("Women"), _("Sex not recorded"), _("Total"),
         _("Children under 5")), (TEXT, TEXT, TEXT) + (INT,) * 5, tuple(rows),
        _("Each person once per line, however many times and in however many centres they were assisted; age on "
          "the last day of the period."), tuple(keys))


def _reintegration_table(stats: Stats) -> ReportTable:
    by_kind = {k: (n, amount) for k, n, amount in stats.reintegration}
    rows, keys = [], []
    for kind in ReintegrationKind:
        n, amount = by_kind.get(kind.value, (0, 0))
        m, f, u, _u5 = P.people_total(stats.people, P.REINTEGRATION, kind.value)
        groups = tuple(sum(x.total for x in stats.people if x.figure == P.REINTEGRATION and x.category == kind.value
                           and x.group == g) for g in P.GROUPS)
        rows.append((kind.label, n, m + f + u, amount or None, *groups))
        keys.append(kind.value)
    return ReportTable(
        "reintegration", _("Reintegration assistance by kind"),
        (_("Kind of assistance"), _("Records"), _("People"), _("Amount (XOF)")) + group_columns(),
        (TEXT, INT, INT, XOF) + (INT,) * len(P.GROUPS), tuple(rows),
        _("Assistance dated in the period, after the return too; people by returnee group."), tuple(keys))


def _vaccination_table(stats: Stats) -> ReportTable:
    doses = dict(stats.vaccinations)
    kinds = [k for k in VaccineKind if k.value in doses or k == VaccineKind.COVID19]
    rows, keys = [], []
    for kind in kinds:
        m, f, u, u5 = P.people_total(stats.people, P.VACCINATION, kind.value)
        groups = tuple(sum(x.total for x in stats.people if x.figure == P.VACCINATION and x.category == kind.value
                           and x.group == g) for g in P.GROUPS)
        rows.append((kind.label, doses.get(kind.value, 0), m, f, u, m + f + u, u5, *groups))
        keys.append(kind.value)
    return ReportTable(
        "vaccinations", _("Vaccinations by vaccine"),
        (_("Vaccine"), _("Doses"), _("Men/boys"), _("Women/girls"), _("Sex not recorded"), _("People vaccinated"),
         _("Under 5")) + group_columns(), (TEXT,) + (INT,) * (6 + len(P.GROUPS)), tuple(rows),
        _("Doses: vaccination records. People: each person once per vaccine."), tuple(keys))


def _vot_table(stats: Stats) -> ReportTable:
    nationalities = sorted({x.category for x in stats.people if x.figure == P.VOT},
                           key=lambda c: country_name(c) if c else "~")
    rows, keys = [], []
    for nat in nationalities + [ALL]:
        category = None if nat == ALL else nat
        m, f, u, _u5 = P.people_total(stats.people, P.VOT, category)
        groups = tuple(sum(x.total for x in stats.people if x.figure == P.VOT and (category is None or
                                                                                  x.category == category)
                           and x.group == g) for g in P.GROUPS)
        label = _("Total") if nat == ALL else (country_name(nat) if nat else _("(not given)"))
        rows.append((label, "" if nat == ALL else nat, m, f, u, m + f + u, *groups))
        keys.append(nat)
    return ReportTable(
        "vot", _("Victims of trafficking supported by nationality and sex"),
        (_("Nationality"), _("Code"), _("Men"), _("Women"), _("Sex not recorded"), _("Total")) + group_columns(),
        (TEXT, TEXT) + (INT,) * (4 + len(P.GROUPS)), tuple(rows),
        _("People accommodated in the period with a victim-of-trafficking vulnerability that was current then."),
        tuple(keys))


def report_tables(stats: Stats) -> list[ReportTable]:
    return [_movement_table(stats), _demographics_table(stats), _vulnerability_table(stats),
            _services_table(stats), _mhpss_table(stats), _returns_table(stats), _cash_table(stats),
            _people_table(stats), _reintegration_table(stats), _vaccination_table(stats), _vot_table(stats)]
