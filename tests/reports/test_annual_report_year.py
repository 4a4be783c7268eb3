"""Headquarters reproduces the 2022 annual report: a year of 14 centres at 1/20 scale, entered
after the fact through the services (registration, check-in, return case, movement, medical,
MHPSS, cash and reintegration), every centre-month exported, everything imported twice at
headquarters, and each figure of the Annual report sheet checked against what was put in.

The proportions are the report's (seeds: "Santé mentale", "Assistance médicale", "Aide au retour
volontaire"): 6,626 Malians returning home (90 % men) and 1,068 international migrants (64 % men);
6,386 Malians received cash; 4,775 micro-enterprise, 238 vocational and 4,408 business skills
supports; MHPSS 2,295 + 71 Malians and 617 + 51 internationals; curative care 1,261 Malians (4 %
women, 146 children under 5) and 673 internationals (338 women); 659 vaccinated against COVID-19
(331 women); 332 victims of trafficking (90 % Nigerian women); 14 centres.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from support.reports_data import register_keys
from openpyxl import load_workbook

from support.annual import annual_figures, followed_links
from transit_centre.admin.backdating import KEY as BACKDATE_KEY
from transit_centre.admin.centres import seed_centres
from transit_centre.admin.settings import set_setting
from transit_centre.avrr import cases as C
from transit_centre.avrr import cash as K
from transit_centre.avrr import movements as M
from transit_centre.avrr.reintegration import ReintegrationInput, record_reintegration
from transit_centre.care import medical, mhpss
from transit_centre.care.enums import MhpssType
from transit_centre.db.base import Base
from transit_centre.db.engine import Database, sqlite_url
from transit_centre.enums import GrantKind, MovementMode, ReturneeGroup, ReturnStep, ReturnType, Role, Sex, VulnerabilityKind
from transit_centre.i18n import set_language
from transit_centre.registry.residents import set_returnee_group
from transit_centre.registry.inputs import ResidentInput, VulnerabilityInput
from transit_centre.registry.residents import register_resident
from transit_centre.reports.consolidate import consolidated_report, import_packages
from transit_centre.reports.export import monthly_export
from transit_centre.security.permissions import Actor
from transit_centre.shelter.admission import check_in

YEAR = 2022
D = dt.date
MALIAN, INTL, IDP = "malian_returnee", "international", "idp"

# What the test puts in: the report's 2022 figures divided by 20 and rounded.
AVRR = {(ReturnType.MALIAN_HOME, "M"): 298, (ReturnType.MALIAN_HOME, "F"): 33,
        (ReturnType.INTERNATIONAL, "M"): 34, (ReturnType.INTERNATIONAL, "F"): 19}
CASH_MALIANS = 319
REINTEGRATION = {"micro_enterprise": 239, "vocational_training": 12, "business_skills": 220}
MHPSS = {(MALIAN, "M"): 115, (MALIAN, "F"): 4, (INTL, "M"): 31, (INTL, "F"): 3, (IDP, "M"): 3, (IDP, "F"): 2}
CURATIVE = {(MALIAN, "M"): 60, (MALIAN, "F"): 3, (INTL, "M"): 17, (INTL, "F"): 17, (IDP, "M"): 1, (IDP, "F"): 1}
UNDER_FIVE = {"M": 5, "F": 2}  # Malian children among the Malians' curative care (146 / 20)
COVID = {"M": 16, "F": 17}
VOT = {("NG", "F"): 15, ("GN", "F"): 1, ("CI", "M"): 1}


@dataclass
class Person:
    id: uuid.UUID
    sex: str
    group: str
    nationality: str
    centre: str
    arrival: dt.date
    departure: dt.date | None = None       # the movement's day, for returnees
    return_type: ReturnType | None = None
    vot: bool = False
    services: list[str] = field(default_factory=list)


def _actors(make_actor, centres):
    everything = Actor(uuid.uuid4(), "data-entry", "Saisie 2022",
                       frozenset({Role.ADMIN, Role.MANAGER, Role.CASEWORKER, Role.MEDICAL, Role.MHPSS}))
    cash = Actor(uuid.uuid4(), "cash-2022", "Caissier 2022", frozenset({Role.ADMIN, Role.CASH_OFFICER}))
    return everything, cash


class Year:
    """Builds the year through the services and keeps what it put in."""

    def __init__(self, db, centres, actor, cash_actor):
        self.db, self.centres, self.actor, self.cash_actor = db, centres, actor, cash_actor
        self.people: list[Person] = []
        self.children: set[uuid.UUID] = set()
        self.n = 0

    def register(self, sex: str, nationality: str, centre: str, arrival: dt.date, *, born: dt.date = D(1995, 6, 1),
                 vot: bool = False) -> Person:
        self.n += 1
        cid = self.centres[centre]
        view = register_resident(self.db, self.actor, ResidentInput(
            first_name=f"Personne{self.n}", last_name=f"Annee{self.n}", sex=sex, date_of_birth=born,
            nationality=nationality, registered_on=arrival, centre_id=cid, consent_given=True, consent_date=arrival,
            vulnerabilities=[VulnerabilityInput(VulnerabilityKind.TRAFFICKING_VICTIM, arrival)] if vot else []))
        check_in(self.db, self.actor, view.id, centre_id=cid, arrival_date=arrival)
        person = Person(view.id, sex, view.returnee_group.value if view.returnee_group else "", nationality, centre,
                        arrival, vot=vot)
        self.people.append(person)
        return person

    def prepare_return(self, p: Person, rtype: ReturnType, departure: dt.date) -> uuid.UUID:
        day = p.arrival + dt.timedelta(days=1)
        case = C.open_case(self.db, self.actor, C.CaseInput(p.id, rtype, "ML" if rtype == ReturnType.MALIAN_HOME
                                                            else p.nationality, "Kayes", opened_on=p.arrival))
        cid = case.summary.id
        C.record_step(self.db, self.actor, cid, ReturnStep.COUNSELLED, done_on=day)
        C.record_step(self.db, self.actor, cid, ReturnStep.APPLICATION_SIGNED, done_on=day)
        if rtype == ReturnType.MALIAN_HOME:
            for step in (ReturnStep.DOCUMENTS_REQUESTED, ReturnStep.DOCUMENTS_OBTAINED):
                C.skip_step(self.db, self.actor, cid, step, "Malien : carte d'identité", done_on=day)
        else:
            C.record_step(self.db, self.actor, cid, ReturnStep.DOCUMENTS_REQUESTED, done_on=day,
                          details={"kind": "laissez_passer"})
            C.record_step(self.db, self.actor, cid, ReturnStep.DOCUMENTS_OBTAINED, done_on=day,
                          details={"kind": "laissez_passer", "number": f"LP{self.n}",
                                   "expiry": (departure + dt.timedelta(days=60)).isoformat()})
        assessed = departure - dt.timedelta(days=2)
        medical.record_fit_to_travel(self.db, self.actor, p.id, status="fit", day=assessed, provider="Dr Diallo",
                                     valid_until=departure + dt.timedelta(days=10), centre_id=self.centres[p.centre])
        C.record_step(self.db, self.actor, cid, ReturnStep.FIT_TO_TRAVEL, done_on=assessed)
        p.return_type, p.departure = rtype, departure
        return cid

    def depart(self, centre: str, day: dt.date, cases: list[uuid.UUID]) -> None:
        movement = M.create_movement(self.db, self.actor, M.MovementInput(
            departure_date=day, mode=MovementMode.BUS_CONVOY, centre_id=self.centres[centre]))
        for case_id in cases:
            M.add_case(self.db, self.actor, movement.id, case_id)
        M.mark_departed(self.db, self.actor, movement.id)

    def curative(self, p: Person, day: dt.date) -> None:
        medical.record_consultation(self.db, self.actor, p.id, consultation_type="curative", day=day,
                                    provider="Dr Diallo", centre_id=self.centres[p.centre], confirmed=True)

    def covid(self, p: Person, day: dt.date) -> None:
        medical.record_consultation(self.db, self.actor, p.id, consultation_type="vaccination", day=day,
                                    provider="Dr Diallo", vaccine_kind="covid19", vaccine="Sinopharm",
                                    centre_id=self.centres[p.centre], confirmed=True)

    def mhpss_session(self, p: Person, day: dt.date) -> None:
        mhpss.record_mhpss_session(self.db, self.actor, p.id, session_type=MhpssType.COUNSELLING, day=day,
                                   provider="M. Touré", centre_id=self.centres[p.centre], confirmed=True)

    def group_activity(self, centre: str, day: dt.date, people: list[Person]) -> None:
        mhpss.record_group_activity(self.db, self.actor, activity_type=MhpssType.RECREATIONAL, title="Football",
                                    attendee_ids=[p.id for p in people], day=day, provider="M. Touré",
                                    centre_id=self.centres[centre])

    def reintegration(self, p: Person, kind: str, amount: int | None = None) -> None:
        # Given after the return, mostly the next month: that month's package names the person only
        # through reintegration.csv.
        day = min(p.departure + dt.timedelta(days=15), D(YEAR, 12, 31))
        record_reintegration(self.db, self.actor, ReintegrationInput(p.id, kind, day, amount, "OIM / ONG partenaire"))

    def grant(self, p: Person) -> None:
        planned = p.departure - dt.timedelta(days=3)
        grant = K.plan_grant(self.db, self.actor, K.GrantInput(p.id, GrantKind.POCKET_MONEY, 25_000, planned_on=planned))
        K.approve_grant(self.db, self.actor, grant.id, approved_on=planned)
        K.disburse(self.db, self.cash_actor, grant.id, K.DisbursementInput(disbursed_on=p.departure - dt.timedelta(days=1)))


def _returnee_specs() -> list[tuple[str, str, ReturnType, bool]]:
    """(sex, nationality, type of return, victim of trafficking) of every returnee."""
    others = ["GN", "CI", "SN", "BF", "NE", "CM", "SL", "GM"]
    specs = [("M", "ML", ReturnType.MALIAN_HOME, False)] * AVRR[(ReturnType.MALIAN_HOME, "M")]
    specs += [("F", "ML", ReturnType.MALIAN_HOME, False)] * AVRR[(ReturnType.MALIAN_HOME, "F")]
    intl_m = [("M", "CI", ReturnType.INTERNATIONAL, True)] * VOT[("CI", "M")]
    intl_m += [("M", others[i % len(others)], ReturnType.INTERNATIONAL, False)
               for i in range(AVRR[(ReturnType.INTERNATIONAL, "M")] - len(intl_m))]
    intl_f = [("F", "NG", ReturnType.INTERNATIONAL, True)] * VOT[("NG", "F")] + [("F", "GN", ReturnType.INTERNATIONAL, True)]
    intl_f += [("F", "SN", ReturnType.INTERNATIONAL, False)] * (AVRR[(ReturnType.INTERNATIONAL, "F")] - len(intl_f))
    # Interleaved so that every centre and month sees Malians and internationals.
    malians, internationals = specs, intl_m + intl_f
    out, step = [], len(malians) // len(internationals)
    for i, spec in enumerate(malians):
        out.append(spec)
        if i % step == 0 and internationals:
            out.append(internationals.pop(0))
    return out + internationals


def build_year(db, centres, actor, cash_actor) -> Year:
    year = Year(db, centres, actor, cash_actor)
    codes = sorted(c for c in centres if c != "APR")
    by_centre_month: dict[tuple[str, int], list[tuple[Person, uuid.UUID]]] = defaultdict(list)
    for i, (sex, nat, rtype, vot) in enumerate(_returnee_specs()):
        centre = "APR" if vot else codes[i % len(codes)]
        month = (i // len(codes)) % 12 + 1
        # One in five arrived the month before (a stay across a month end: two packages name them).
        arrival = D(YEAR, month - 1, 24) if (i % 5 == 0 and month > 1) else D(YEAR, month, 3 + i % 7)
        person = year.register(sex, nat, centre, arrival, vot=vot)
        case_id = year.prepare_return(person, rtype, D(YEAR, month, 20))
        by_centre_month[(centre, month)].append((person, case_id))
    returnees = list(year.people)
    # Malian children (under 5) and internally displaced persons, staying on.
    children = [year.register(sex, "ML", "KAN", D(YEAR, 3 + i, 10), born=D(2020, 6, 1))
                for i, sex in enumerate(["M"] * UNDER_FIVE["M"] + ["F"] * UNDER_FIVE["F"])]
    year.children = {p.id for p in children}
    idps = [year.register(sex, "ML", "MOP", D(YEAR, 5, 2 + i)) for i, sex in
            enumerate(["M"] * MHPSS[(IDP, "M")] + ["F"] * MHPSS[(IDP, "F")])]
    for p in idps:
        set_returnee_group(db, actor, p.id, ReturneeGroup.IDP)
        p.group = IDP

    def pick(pool: list[Person], group: str, sex: str, n: int, taken: set[uuid.UUID] = frozenset()) -> list[Person]:
        chosen = [p for p in pool if p.group == group and p.sex == sex and p.id not in taken][:n]
        assert len(chosen) == n, (group, sex, n)
        return chosen

    # MHPSS: a group activity on the 15th in each centre and month, some also seen alone (once each).
    mhpss_people = [p for (g, sex), n in MHPSS.items() for p in pick(returnees + idps, g, sex, n)]
    for p in mhpss_people:
        p.services.append("mhpss")
    sessions: dict[tuple[str, dt.date], list[Person]] = defaultdict(list)
    for i, p in enumerate(mhpss_people):
        day = D(YEAR, p.arrival.month if p.departure is None else p.departure.month, 15)
        if i % 3 != 2 or p.departure is None:
            year.mhpss_session(p, day)
        if i % 3 != 1 and p.departure is not None:
            sessions[(p.centre, day)].append(p)
    for (centre, day), people in sorted(sessions.items()):
        year.group_activity(centre, day, people)

    # Curative care: some people twice (still one person), children under 5 among the Malians.
    curative_people = pick(children, MALIAN, "M", UNDER_FIVE["M"]) + pick(children, MALIAN, "F", UNDER_FIVE["F"])
    for (g, sex), n in CURATIVE.items():
        already = sum(1 for p in curative_people if p.group == g and p.sex == sex)
        curative_people += pick(returnees + idps, g, sex, n - already)
    for i, p in enumerate(curative_people):
        p.services.append("curative")
        first = D(YEAR, p.arrival.month, 12) if p.departure is None else p.departure - dt.timedelta(days=8)
        year.curative(p, first)
        if i % 4 == 0:
            year.curative(p, first + dt.timedelta(days=2))

    # COVID-19: women and men, a few with a second dose.
    covid_people = pick(returnees, MALIAN, "M", COVID["M"], {p.id for p in curative_people}) + \
        pick(returnees, MALIAN, "F", COVID["F"])
    for i, p in enumerate(covid_people):
        p.services.append("covid")
        year.covid(p, p.departure - dt.timedelta(days=7))
        if i % 5 == 0:
            year.covid(p, p.departure - dt.timedelta(days=4))

    # The movements leave (each centre's returnees of a month together); what follows is entered after.
    for (centre, month), travellers in sorted(by_centre_month.items()):
        year.depart(centre, D(YEAR, month, 20), [case_id for _p, case_id in travellers])

    # Cash: 20 Malians paid pocket money by the centre (10 of them also got cash for immediate needs
    # after the return), 299 more with cash for immediate needs only; 5 internationals paid too.
    malians = [p for p in returnees if p.group == MALIAN]
    granted = malians[:20]
    for p in granted + [p for p in returnees if p.group == INTL][:5]:
        year.grant(p)
        p.services.append("grant")
    for p in malians[10:CASH_MALIANS]:
        year.reintegration(p, "cash_immediate", 50_000)
        p.services.append("cash_immediate")
    for kind, n in REINTEGRATION.items():
        start = {"micro_enterprise": 0, "vocational_training": 250, "business_skills": 100}[kind]
        for p in (malians + malians)[start:start + n]:
            year.reintegration(p, kind, 150_000 if kind == "micro_enterprise" else None)
            p.services.append(kind)
    for p in [p for p in returnees if p.group == INTL][:3]:  # internationals: not in the Malians' figures
        year.reintegration(p, "micro_enterprise", 100_000)
        p.services.append("micro_enterprise")
    return year


def _expected(year: Year) -> dict[tuple[str, str], tuple]:
    """The annual sheet's figures, counted from the people the test registered (not by the application)."""
    people = year.people

    def count(chosen, under5=False):
        m = sum(1 for p in chosen if p.sex == "M")
        f = sum(1 for p in chosen if p.sex == "F")
        kids = sum(1 for p in chosen if p.id in year.children) if under5 else None
        return (m, f, 0, m + f, kids)

    avrr, vot_s = "Assisted voluntary return and reintegration (AVRR)", "Protection of victims of trafficking"
    mh, med = "Mental health and psychosocial support (MHPSS)", "Medical assistance"
    labels = {MALIAN: "Malians returning home", INTL: "International migrants", IDP: "Internally displaced persons"}
    out = {
        (avrr, "Migrants assisted to return home"): count([p for p in people if p.return_type]),
        (avrr, "Malians returning home"): count([p for p in people if p.return_type == ReturnType.MALIAN_HOME]),
        (avrr, "International migrants returning to their country of origin"):
            count([p for p in people if p.return_type == ReturnType.INTERNATIONAL]),
        (avrr, "Malians returning home who received cash"):
            count([p for p in people if p.group == MALIAN and {"grant", "cash_immediate"} & set(p.services)]),
        (avrr, "Micro-enterprise support"): count([p for p in people if p.group == MALIAN and "micro_enterprise" in p.services]),
        (avrr, "Vocational and technical training"):
            count([p for p in people if p.group == MALIAN and "vocational_training" in p.services]),
        (avrr, "Business skills training"): count([p for p in people if p.group == MALIAN and "business_skills" in p.services]),
        (avrr, "Cash for immediate needs"): count([p for p in people if p.group == MALIAN and "cash_immediate" in p.services]),
        (avrr, "Other reintegration assistance"): (0, 0, 0, 0, None),
        (vot_s, "Victims of trafficking supported"): count([p for p in people if p.vot]),
        (vot_s, "Nationality: Nigeria"): count([p for p in people if p.vot and p.nationality == "NG"]),
        (vot_s, "Nationality: Guinea"): count([p for p in people if p.vot and p.nationality == "GN"]),
        (vot_s, "Nationality: Côte d’Ivoire"): count([p for p in people if p.vot and p.nationality == "CI"]),
        (mh, "People who took part in MHPSS activities"): count([p for p in people if "mhpss" in p.services]),
        (mh, "Group not recorded"): (0, 0, 0, 0, None),
        (med, "People who received curative care"): count([p for p in people if "curative" in p.services], True),
        (med, "Group not recorded"): (0, 0, 0, 0, 0),
        (med, "People vaccinated against COVID-19"): count([p for p in people if "covid" in p.services]),
        ("Transit centres", "Transit centres supported (at least one monthly export in the period)"):
            (None, None, None, 14, None),
    }
    for group, label in labels.items():
        out[(mh, label)] = count([p for p in people if "mhpss" in p.services and p.group == group])
        out[(med, label)] = count([p for p in people if "curative" in p.services and p.group == group], True)
    return out


def test_headquarters_reproduces_the_annual_report(db, centres, make_actor, tmp_path):
    set_language("en")
    set_setting(db, Actor.system(), BACKDATE_KEY, (dt.date.today() - D(YEAR, 1, 1)).days + 30)
    actor, cash_actor = _actors(make_actor, centres)
    year = build_year(db, centres, actor, cash_actor)

    # What was put in has the report's proportions (1/20).
    returned = defaultdict(int)
    for p in year.people:
        if p.return_type:
            returned[(p.return_type, p.sex)] += 1
    assert dict(returned) == AVRR

    packages = []
    for code, cid in sorted(centres.items()):
        for month in range(1, 13):
            packages.append(monthly_export(db, actor, f"{YEAR}-{month:02d}", cid, tmp_path / "exports").package_path)
    assert len(packages) == 14 * 12

    hq = Database(sqlite_url(tmp_path / "hq.sqlite3"))
    Base.metadata.create_all(hq.engine)
    with hq.transaction(Actor.system()) as s:
        seed_centres(s)
    register_keys(db, hq, centres, *centres)  # headquarters accepts what the 14 centres signed
    hq_actor = make_actor(Role.HQ, centre=None)
    first = import_packages(hq, hq_actor, packages)
    second = import_packages(hq, hq_actor, packages)
    assert {r.status for r in first} == {"imported"} and {r.status for r in second} == {"unchanged"}

    path = consolidated_report(hq, hq_actor, tmp_path, YEAR)
    wb = load_workbook(path)
    figures = annual_figures(wb["Annual report"])
    expected = _expected(year)
    assert {k: figures.get(k) for k in expected} == expected
    # The report's own figures, at 1/20.
    avrr = "Assisted voluntary return and reintegration (AVRR)"
    assert figures[(avrr, "Malians returning home who received cash")][3] == CASH_MALIANS
    for label, kind in (("Micro-enterprise support", "micro_enterprise"),
                        ("Vocational and technical training", "vocational_training"),
                        ("Business skills training", "business_skills")):
        assert figures[(avrr, label)][3] == REINTEGRATION[kind]
    assert figures[("Medical assistance", "People vaccinated against COVID-19")][:2] == (COVID["M"], COVID["F"])
    assert figures[("Medical assistance", "Malians returning home")][4] == sum(UNDER_FIVE.values())
    # Every figure links to a cell holding the same number.
    links = followed_links(wb, wb["Annual report"])
    assert [x for x in links if isinstance(x[1], int) and x[1] != x[2]] == []
    assert sum(1 for x in links if isinstance(x[1], int)) > 100
    cover = {r[0]: r[1] for r in wb["Cover"].iter_rows(values_only=True) if r and r[0]}
    assert cover["Centre-months missing"] == "none" and cover["Centre-months received"] == "168 of 168 due"
    hq.dispose()
