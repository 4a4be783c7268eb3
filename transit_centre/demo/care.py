"""Demo data for the services (``demo.EXTENSIONS``): NFI kits at arrival, medical consultations
(vaccinations of children under 5), fit-to-travel before a return, MHPSS sessions and weekly
group activities, counselling on return options and referrals to partners.

Deterministic from ``ctx.rng``; written with bulk inserts like the rest of the demo, a batch at a
time (100,000 residents make half a million records: they are not all kept in memory).
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from transit_centre.care.enums import (
    ConsultationType,
    CounsellingType,
    FitStatus,
    MhpssType,
    NfiKit,
    PartnerSector,
    ReferralArea,
    ReferralOutcome,
    vaccine_kind_of,
)
from transit_centre.common import fold
from transit_centre.db.base import utcnow
from transit_centre.db.bulk import BATCH
from transit_centre.db.models import Partner, ServiceParticipant, ServiceRecord
from transit_centre.enums import DepartureReason, ServiceKind, Sex, VulnerabilityKind

NURSE, PSY, CASEWORKER = "Dr Mariam Sangaré", "Oumar Touré", "Fatoumata Coulibaly"
PARTNERS = [
    ("Direction régionale de la promotion de l'enfant et de la famille", PartnerSector.GOVERNMENT,
     ReferralArea.CHILD_PROTECTION),
    ("Service local du développement social", PartnerSector.GOVERNMENT, ReferralArea.PROTECTION),
    ("Centre de santé de référence", PartnerSector.HEALTH, ReferralArea.HEALTH),
    ("Clinique juridique (ONG partenaire)", PartnerSector.NGO, ReferralArea.LEGAL),
    ("Centre d'écoute pour survivantes de VBG", PartnerSector.NGO, ReferralArea.GBV),
    ("Programme de formation professionnelle", PartnerSector.NGO, ReferralArea.LIVELIHOOD),
]
VACCINES = [("VAR (rougeole)", "1"), ("VPO (polio)", "3"), ("Pentavalent", "2"), ("BCG", "1"), ("Fièvre jaune", "1")]
ADULT_VACCINES = [("Méningite A (MenAfriVac)", "1"), ("Fièvre jaune", "1"), ("COVID-19", "1")]
SCREENINGS = ["paludisme (TDR)", "tuberculose", "malnutrition (MUAC)", "VIH (dépistage volontaire)"]
GROUP_TITLES = ["Groupe de parole", "Football", "Atelier dessin", "Causerie sur le stress", "Jeux de société",
                "Théâtre forum"]
COUNSELLING_TOPICS = ["Options de retour, documents de voyage, aide à la réintégration",
                      "Retour volontaire et procédures consulaires", "Risques de la migration irrégulière"]
DEMO_NOTE = "Note de démonstration (données synthétiques)."


def extend(ctx: Any) -> dict[str, int]:
    """Called by ``transit_centre.demo.generate`` once residents and stays exist."""
    now = utcnow()
    rng = ctx.rng
    rows: list[dict[str, Any]] = []
    participants: list[dict[str, Any]] = []

    def flush(at_least: int | None = None) -> None:
        """Write the records waiting (then the group participants, who point to them)."""
        if len(rows) + len(participants) >= (BATCH if at_least is None else at_least):
            ctx.insert(ServiceRecord, rows)
            ctx.insert(ServiceParticipant, participants)
            rows.clear()
            participants.clear()

    def base(user: str) -> dict[str, Any]:
        return {"id": ctx.uuid(), "created_at": now, "updated_at": now, "version": 1,
                "created_by": ctx.users.get(user)}

    def service(user: str, centre_id: uuid.UUID, resident_id: uuid.UUID | None, kind: ServiceKind, subtype: str,
                day: dt.date, provider: str, quantity: int = 1, details: dict[str, Any] | None = None,
                note: str | None = None) -> dict[str, Any]:
        row = {**base(user), "centre_id": centre_id, "resident_id": resident_id, "kind": kind, "subtype": subtype,
               "service_date": day, "quantity": quantity, "provider": provider, "details": details or {},
               "confidential_note": note}
        rows.append(row)
        return row

    partner_rows = [{**base("admin"), "centre_id": None, "name": name, "name_folded": fold(name),
                     "sector": sector.value, "active": True} for name, sector, _area in PARTNERS]
    partners_by_area = {area: (row["id"], row["name"]) for row, (_n, _s, area) in zip(partner_rows, PARTNERS)}
    counts = defaultdict(int)
    activity_days: dict[uuid.UUID, list[dt.date]] = {}
    for centre in ctx.centres:
        day = ctx.start + dt.timedelta(days=rng.randrange(7))
        days = []
        while day <= ctx.today:
            days.append(day)
            day += dt.timedelta(days=7)
        activity_days[centre.id] = days
    present_on: dict[tuple[uuid.UUID, dt.date], list[uuid.UUID]] = defaultdict(list)
    ctx.insert(Partner, partner_rows)

    for done, res in enumerate(ctx.residents):
        flush()
        if done % BATCH == 0:
            ctx.report(0.9 * done / len(ctx.residents))
        for stay in res.stays:
            arrival, departure = stay["arrival_date"], stay["departure_date"]
            last = min(departure or ctx.today, ctx.today)
            centre = stay["centre_id"]
            for day in activity_days.get(centre, ()):
                if arrival <= day < (departure or ctx.today + dt.timedelta(days=1)):
                    present_on[(centre, day)].append(res.id)
            age = res.age_on(arrival)
            # NFI kits at arrival.
            kits = [NfiKit.BLANKET_MAT]
            if age >= 12:
                kits.append(NfiKit.HYGIENE)
            if res.sex == Sex.FEMALE and 12 <= age <= 49:
                kits.append(NfiKit.DIGNITY)
            if age < 2:
                kits.append(NfiKit.BABY)
            if rng.random() < 0.3:
                kits.append(NfiKit.CLOTHING)
            for kit in kits:
                service("caseworker", centre, res.id, ServiceKind.NFI_KIT, kit.value, arrival, CASEWORKER)
                counts["nfi_kits"] += 1
            span = max((last - arrival).days, 0)

            def some_day() -> dt.date:
                return arrival + dt.timedelta(days=rng.randint(0, span))  # noqa: B023 - used at once

            # Medical: consultations, vaccinations of children under 5, screenings.
            under_five = age < 5
            if under_five or rng.random() < 0.3 or VulnerabilityKind.MEDICAL_CONDITION in res.vulnerabilities:
                day = some_day()
                service("nurse", centre, res.id, ServiceKind.MEDICAL, ConsultationType.CURATIVE.value, day, NURSE,
                        details={"under_five": res.age_on(day) < 5}, note=DEMO_NOTE if rng.random() < 0.6 else None)
                counts["medical"] += 1
            if under_five or rng.random() < 0.08:
                vaccine, dose = rng.choice(VACCINES if under_five else ADULT_VACCINES)
                day = some_day()
                service("nurse", centre, res.id, ServiceKind.MEDICAL, ConsultationType.VACCINATION.value, day, NURSE,
                        details={"vaccine_kind": vaccine_kind_of(vaccine).value, "vaccine": vaccine, "dose": dose,
                                 "under_five": res.age_on(day) < 5})
                counts["medical"] += 1
            if rng.random() < 0.15:
                day = some_day()
                service("nurse", centre, res.id, ServiceKind.MEDICAL, ConsultationType.SCREENING.value, day, NURSE,
                        details={"screening": rng.choice(SCREENINGS), "under_five": res.age_on(day) < 5},
                        note=DEMO_NOTE)
                counts["medical"] += 1
            if rng.random() < 0.02:
                service("nurse", centre, res.id, ServiceKind.MEDICAL, ConsultationType.REFERRAL_HEALTH.value,
                        some_day(), NURSE, details={"facility": "Centre de santé de référence",
                                                    "under_five": under_five}, note=DEMO_NOTE)
                counts["medical"] += 1
            # Counselling on return options, and fit-to-travel before a return.
            if rng.random() < 0.7:
                service("caseworker", centre, res.id, ServiceKind.COUNSELLING, CounsellingType.INDIVIDUAL.value,
                        min(arrival + dt.timedelta(days=1), last), CASEWORKER,
                        details={"topics": rng.choice(COUNSELLING_TOPICS)})
                counts["counselling"] += 1
            if departure is not None and stay["departure_reason"] == DepartureReason.RETURN:
                assessed = max(arrival, departure - dt.timedelta(days=rng.randint(1, 3)))
                status = FitStatus.FIT_WITH_ESCORT if rng.random() < 0.04 else FitStatus.FIT
                service("nurse", centre, res.id, ServiceKind.MEDICAL, ConsultationType.FIT_TO_TRAVEL.value, assessed,
                        NURSE, details={"fit_status": status.value,
                                        "valid_until": (assessed + dt.timedelta(days=14)).isoformat()})
                counts["fit_to_travel"] += 1
            # MHPSS for the most vulnerable, and a few others.
            vulnerable = {VulnerabilityKind.TRAFFICKING_VICTIM, VulnerabilityKind.VIOLENCE_SURVIVOR,
                          VulnerabilityKind.UNACCOMPANIED_MINOR} & set(res.vulnerabilities)
            if vulnerable or rng.random() < 0.1:
                for kind in ([MhpssType.ASSESSMENT, MhpssType.COUNSELLING] if vulnerable else [MhpssType.PFA]):
                    service("mhpss", centre, res.id, ServiceKind.MHPSS, kind.value, some_day(), PSY, note=DEMO_NOTE)
                    counts["mhpss"] += 1
                if vulnerable and rng.random() < 0.05:
                    service("mhpss", centre, res.id, ServiceKind.MHPSS, MhpssType.REFERRAL.value, some_day(), PSY,
                            details={"referred_to": "Service de psychiatrie, hôpital régional"}, note=DEMO_NOTE)
                    counts["mhpss"] += 1
            # Referrals under the national referral mechanism.
            area = None
            if VulnerabilityKind.UNACCOMPANIED_MINOR in res.vulnerabilities and rng.random() < 0.6:
                area = ReferralArea.CHILD_PROTECTION
            elif VulnerabilityKind.TRAFFICKING_VICTIM in res.vulnerabilities and rng.random() < 0.3:
                area = ReferralArea.GBV if res.sex == Sex.FEMALE else ReferralArea.PROTECTION
            elif rng.random() < 0.01:
                area = rng.choice([ReferralArea.LEGAL, ReferralArea.LIVELIHOOD, ReferralArea.HEALTH])
            if area is not None:
                partner_id, partner_name = partners_by_area[area]
                day = some_day()
                outcome = rng.choice([ReferralOutcome.PENDING, ReferralOutcome.ACCEPTED,
                                      ReferralOutcome.SERVICE_RECEIVED, ReferralOutcome.SERVICE_RECEIVED])
                details = {"partner_id": str(partner_id), "partner": partner_name, "reason": area.label,
                           "outcome": outcome.value, "status": "sent"}
                if outcome != ReferralOutcome.PENDING:
                    details["outcome_date"] = min(day + dt.timedelta(days=rng.randint(1, 10)), ctx.today).isoformat()
                service("caseworker", centre, res.id, ServiceKind.REFERRAL, area.value, day, CASEWORKER,
                        details=details)
                counts["referrals"] += 1

    # Weekly group activities (MHPSS) and group information sessions on return options.
    order = {c.id: i for i, c in enumerate(ctx.centres)}  # by centre code: ids differ between databases
    for (centre, day), attendees in sorted(present_on.items(), key=lambda item: (order[item[0][0]], item[0][1])):
        flush()
        if len(attendees) < 3:
            continue
        chosen = rng.sample(attendees, min(len(attendees), rng.randint(5, 15)))
        kind = rng.choice([MhpssType.GROUP, MhpssType.RECREATIONAL])
        record = service("mhpss", centre, None, ServiceKind.MHPSS, kind.value, day, PSY, quantity=len(chosen),
                         details={"title": rng.choice(GROUP_TITLES)}, note=DEMO_NOTE if rng.random() < 0.3 else None)
        participants.extend({**base("mhpss"), "service_id": record["id"], "resident_id": rid} for rid in chosen)
        counts["mhpss_groups"] += 1
        info = rng.sample(attendees, min(len(attendees), rng.randint(3, 20)))
        record = service("caseworker", centre, None, ServiceKind.COUNSELLING, CounsellingType.GROUP.value,
                         day, CASEWORKER, quantity=len(info), details={"topics": rng.choice(COUNSELLING_TOPICS)})
        participants.extend({**base("caseworker"), "service_id": record["id"], "resident_id": rid} for rid in info)
        counts["counselling"] += 1

    flush(at_least=0)
    return dict(counts)
