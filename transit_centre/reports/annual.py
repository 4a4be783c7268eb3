"""The "Annual report" sheet of the consolidated workbook: the key figures as the mission's annual
report publishes them, in French and English side by side, each figure linked to the cell of the
table it comes from, with the definitions written under them.

Every number here is read from a row of another table (``tables.py``: people assisted, victims of
trafficking, coverage), never computed apart, so the sheet and its tables cannot disagree; a
test follows every link and compares.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from transit_centre.care.enums import VaccineKind
from transit_centre.enums import ReintegrationKind, ReturnType
from transit_centre.i18n import N_, _, country_name, format_date, translate
from transit_centre.reports import people as P
from transit_centre.reports.coverage import MISSING, NOT_DUE, Coverage
from transit_centre.reports.tables import ALL, INT, TEXT, ReportTable

LANGS = ("fr", "en")
# Columns of the figures (the people table's columns 3..7 hold the same, in the same order).
VALUE_COLUMNS = (N_("Men"), N_("Women"), N_("Sex not recorded"), N_("Total"), N_("Children under 5"))
PCT_COLUMNS = (N_("% men"), N_("% women"))
_PEOPLE_COLUMNS = (3, 4, 5, 6, 7)
_VOT_COLUMNS = (2, 3, 4, 5, None)


@dataclass(frozen=True)
class Link:
    """A cell of a table: its key, the row's key and the column index."""

    table: str
    row: Any
    column: int


@dataclass(frozen=True)
class Cell:
    value: Any
    link: Link | None = None


@dataclass(frozen=True)
class Line:
    label: tuple[str, str]           # French, English
    cells: tuple[Cell, ...] = ()     # men, women, sex not recorded, total, under 5
    percentages: tuple[float | None, float | None] = (None, None)
    indent: int = 0
    heading: bool = False
    source: str = ""                 # the table's title, beside the figures


@dataclass(frozen=True)
class AnnualSheet:
    title: tuple[str, str]
    info: tuple[tuple[tuple[str, str], tuple[str, str], Link | None], ...]  # (label, value, link)
    columns: tuple[tuple[str, str], ...]
    lines: tuple[Line, ...]
    definitions: tuple[tuple[str, str], ...]


def both(message: str, **params: Any) -> tuple[str, str]:
    """``message`` in French and English; a callable parameter gets the language."""
    return tuple(translate(message, lang).format(**{k: v(lang) if callable(v) else v for k, v in params.items()})
                 for lang in LANGS)  # type: ignore[return-value]


def _label_both(member: Any) -> tuple[str, str]:
    return both(member._label)


# --- coverage tables ---------------------------------------------------------------------------

def coverage_tables(cov: Coverage) -> list[ReportTable]:
    """The centre x month matrix (received, missing, not due yet) and the list of missing exports."""
    marks = {MISSING: _("missing"), NOT_DUE: "", "received": "✓"}
    rows: list[tuple[Any, ...]] = []
    keys: list[Any] = []
    for code, name in cov.centres:
        states = [cov.state(code, m) for m in cov.months]
        rows.append((code, name, *[marks[s] for s in states], states.count("received"), states.count(MISSING)))
        keys.append(("centre", code))
    per_month = [sum(1 for code, _n in cov.centres if (code, m) in cov.received) for m in cov.months]
    rows.append((_("Total"), "", *per_month, sum(per_month), len(cov.missing)))
    keys.append(("total",))
    rows.append((_("Centres with at least one export"), len(cov.reporting_centres),
                 *([None] * len(cov.months)), None, None))
    keys.append(("centres",))
    matrix = ReportTable(
        "coverage", _("Exports received by centre and month"),
        (_("Centre"), _("Name"), *cov.months, _("Months received"), _("Months missing")),
        (TEXT, TEXT) + (TEXT,) * len(cov.months) + (INT, INT), tuple(rows),
        _("✓: the centre's export of that month is imported. Missing: the month has ended and no export was "
          "imported. Empty: the month has not ended yet."), tuple(keys), flag=marks[MISSING])
    names = dict(cov.centres)
    missing = ReportTable(
        "missing", _("Missing centre exports"), (_("Month"), _("Centre"), _("Name")), (TEXT, TEXT, TEXT),
        tuple((month, code, names.get(code, "")) for code, month in sorted(cov.missing, key=lambda x: (x[1], x[0]))),
        _("Centre-months of the period that have ended without an imported export."))
    return [matrix, missing]


# --- the sheet ---------------------------------------------------------------------------------

def _cells(people: ReportTable, key: tuple[str, str, str], under5: bool = False) -> tuple[Cell, ...]:
    index = people.row_keys.index(key)
    row = people.rows[index]
    return tuple(Cell(row[c], Link("people", key, c)) if (c != 7 or under5) else Cell(None)
                 for c in _PEOPLE_COLUMNS)


def _pct(cells: tuple[Cell, ...]) -> tuple[float | None, float | None]:
    men, women, total = cells[0].value, cells[1].value, cells[3].value
    return (men / total, women / total) if total else (None, None)


def _line(label: tuple[str, str], cells: tuple[Cell, ...], source: str, indent: int = 0) -> Line:
    return Line(label, cells, _pct(cells), indent, False, source)


def annual_sheet(tables: dict[str, ReportTable], cov: Coverage, year_label: str) -> AnnualSheet:
    people, vot = tables["people"], tables["vot"]
    src_people, src_vot, src_cov = people.title, vot.title, tables["coverage"].title
    lines: list[Line] = []

    def heading(message: str) -> None:
        lines.append(Line(both(message), heading=True))

    def figure(message: str, key: tuple[str, str, str], indent: int = 0, under5: bool = False, **params: Any) -> None:
        lines.append(_line(both(message, **params), _cells(people, key, under5), src_people, indent))

    heading(N_("Assisted voluntary return and reintegration (AVRR)"))
    figure(N_("Migrants assisted to return home"), (P.AVRR, ALL, ALL))
    figure(N_("Malians returning home"), (P.AVRR, ReturnType.MALIAN_HOME.value, ALL), 1)
    figure(N_("International migrants returning to their country of origin"),
           (P.AVRR, ReturnType.INTERNATIONAL.value, ALL), 1)
    figure(N_("Malians returning home who received cash"), (P.CASH, "", "malian_returnee"))
    lines.append(Line(both(N_("Malians returning home who received reintegration assistance:"))))
    for kind in (ReintegrationKind.MICRO_ENTERPRISE, ReintegrationKind.VOCATIONAL_TRAINING,
                 ReintegrationKind.BUSINESS_SKILLS, ReintegrationKind.CASH_IMMEDIATE, ReintegrationKind.OTHER):
        lines.append(_line(_label_both(kind), _cells(people, (P.REINTEGRATION, kind.value, "malian_returnee")),
                           src_people, 1))

    heading(N_("Protection of victims of trafficking"))
    index = vot.row_keys.index(ALL)
    vot_cells = tuple(Cell(vot.rows[index][c], Link("vot", ALL, c)) if c is not None else Cell(None)
                      for c in _VOT_COLUMNS)
    lines.append(_line(both(N_("Victims of trafficking supported")), vot_cells, src_vot))
    for key, row in zip(vot.row_keys, vot.rows):
        if key == ALL:
            continue
        cells = tuple(Cell(row[c], Link("vot", key, c)) if c is not None else Cell(None) for c in _VOT_COLUMNS)
        label = both(N_("Nationality: {country}"), country=lambda lang, k=key: country_name(k, lang) if k else
                     translate("(not given)", lang))
        lines.append(_line(label, cells, src_vot, 1))

    heading(N_("Mental health and psychosocial support (MHPSS)"))
    groups = ((N_("Malians returning home"), "malian_returnee"), (N_("International migrants"), "international"),
              (N_("Internally displaced persons"), "idp"), (N_("Group not recorded"), ""))
    figure(N_("People who took part in MHPSS activities"), (P.MHPSS, "", ALL))
    for label, group in groups:
        figure(label, (P.MHPSS, "", group), 1)

    heading(N_("Medical assistance"))
    figure(N_("People who received curative care"), (P.CURATIVE, "", ALL), under5=True)
    for label, group in groups:
        figure(label, (P.CURATIVE, "", group), 1, under5=True)
    figure(N_("People vaccinated against COVID-19"), (P.VACCINATION, VaccineKind.COVID19.value, ALL))
    for key in people.row_keys:
        if key[0] == P.VACCINATION and key[2] == ALL and key[1] not in (ALL, VaccineKind.COVID19.value):
            figure(N_("People vaccinated: {vaccine}"), key, 1,
                   vaccine=lambda lang, k=key[1]: translate(VaccineKind(k)._label, lang))  # type: ignore[attr-defined]

    heading(N_("Transit centres"))
    centres_link = Link("coverage", ("centres",), 1)
    count = len(cov.reporting_centres)
    lines.append(Line(both(N_("Transit centres supported (at least one monthly export in the period)")),
                      (Cell(None), Cell(None), Cell(None), Cell(count, centres_link), Cell(None)), source=src_cov))

    missing = cov.missing
    shown = ", ".join(f"{code} {month}" for code, month in missing[:24]) + (" …" if len(missing) > 24 else "")
    info = (
        (both(N_("Period")), both(N_("{start} to {end}"), start=lambda lang: format_date(cov.start, "long", lang),
                                  end=lambda lang: format_date(cov.end, "long", lang)), None),
        (both(N_("Centres covered")), both(N_("{n} of the {total} centres sent at least one export"),
                                           n=count, total=len(cov.centres)), centres_link),
        (both(N_("Centre-months received")), both(N_("{n} of {expected} due"), n=len(cov.received & {
            (c, m) for c, _x in cov.centres for m in cov.due}), expected=cov.expected), Link("coverage", ("total",), 0)),
        (both(N_("Centre-months missing")), both(N_("{n}: {list}"), n=len(missing), list=shown) if missing else
         both(N_("none")), Link("missing", None, 0) if missing else None),
    )
    definitions = tuple(both(text) for text in DEFINITIONS)
    return AnnualSheet(both(N_("Annual report {year}: key figures"), year=year_label), info,
                       tuple(both(c) for c in VALUE_COLUMNS + PCT_COLUMNS), tuple(lines), definitions)


DEFINITIONS = (
    N_("Definitions"),
    N_("People, not records: each figure counts people, each person once however many times they were "
       "assisted, and in however many centres (a person transferred from one centre to another counts once)."),
    N_("Assisted to return (AVRR): a migrant whose return case reached the step \u201cdeparted\u201d in the "
       "period, by the type of the return: a Malian returning home, or an international migrant returning to "
       "their country of origin. The Returns table has one line per return."),
    N_("Received cash: a person paid cash in the period, by a centre's cash grant (pocket money, transport, "
       "reintegration or emergency; not voided) or as reintegration assistance \u201ccash for immediate "
       "needs\u201d."),
    N_("Reintegration assistance: people who received each kind of assistance in the period, recorded after "
       "their return too; a person who received two kinds counts in each."),
    N_("Participant (MHPSS): a person who took part in at least one MHPSS activity in the period: an "
       "individual session (counselling, psychological first aid, assessment, referral) or a group or "
       "recreational activity."),
    N_("Received care (curative care): a person with at least one curative-care consultation in the period. "
       "The Services table counts consultations of every type (curative care, vaccinations, screenings, "
       "referrals, fit-to-travel), one per record: the earlier \u201cmedical care, people served\u201d figure "
       "added those up, which is why it was larger than the curative-care line."),
    N_("Children under 5: under 5 on the last day of the period (at headquarters: of the last month the child "
       "appears in an export)."),
    N_("Vaccinated: a person vaccinated in the period, once per kind of vaccine."),
    N_("Victims of trafficking supported: people accommodated in the period with a victim-of-trafficking "
       "vulnerability current then, by nationality."),
    N_("Returnee group: Malian returning home, international migrant or internally displaced person, derived "
       "from the nationality and the return destination or set by a caseworker, as in the person's latest "
       "export."),
    N_("Each figure links to the cell of the table it comes from; the coverage sheet lists the centre-months "
       "received and missing."),
)

__all__ = ["AnnualSheet", "Cell", "Line", "Link", "annual_sheet", "both", "coverage_tables"]
