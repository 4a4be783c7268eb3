"""Demo data for casework (``demo.EXTENSIONS``): a few flags on present residents, follow-ups
(some overdue) for the caseworker and the nurse, when each present resident was last seen at
roll-call (a handful not seen for days), and consents to share data with partners.

Deterministic from ``ctx.rng``; bulk inserts like the rest of the demo.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update

from transit_centre.enums import FollowUpKind, FollowUpStatus
from transit_centre.common import fold
from transit_centre.db.base import utcnow
from transit_centre.db.models import FlagType, FollowUp, Resident, ResidentFlag, SharingConsent
from transit_centre.enums import VulnerabilityKind

FLAG_REASONS = {
    "do_not_release": "Victime présumée de traite : sortie seulement avec l'agent de protection",
    "medical_isolation": "Suspicion de rougeole, isolement jusqu'au contrôle médical",
    "payments_suspended": "Double enregistrement signalé, vérification en cours",
    "advise_check_in": "Prévenir l'assistante sociale à chaque arrivée",
}
TASKS = [
    (FollowUpKind.CONSULAR_APPOINTMENT, "Rendez-vous au consulat pour le laissez-passer", "caseworker"),
    (FollowUpKind.MEDICAL_REVIEW, "Contrôle de la tension artérielle", "nurse"),
    (FollowUpKind.FAMILY_TRACING, "Attendre la réponse de la Croix-Rouge (recherche de la famille)", "caseworker"),
    (FollowUpKind.OTHER, "Récupérer la copie de l'acte de naissance", "caseworker"),
]
PARTNERS = ["Centre de santé de référence", "Clinique juridique (ONG partenaire)",
            "Direction régionale de la promotion de l'enfant et de la famille"]


def extend(ctx: Any) -> dict[str, int]:
    from transit_centre.demo.generate import iter_present

    now, rng, today = utcnow(), ctx.rng, ctx.today
    flag_types = {t.code: t.id for t in ctx.session.scalars(select(FlagType))}
    present = list(iter_present(ctx, today))

    def base(user: str = "manager") -> dict[str, Any]:
        return {"id": ctx.uuid(), "created_at": now, "updated_at": now, "version": 1,
                "created_by": ctx.users.get(user)}

    flags, tasks, consents = [], [], []
    for res in present:
        draw = rng.random()
        code = None
        if VulnerabilityKind.TRAFFICKING_VICTIM in res.vulnerabilities and draw < 0.5:
            code = "do_not_release"
        elif draw < 0.12:
            code = rng.choice(["medical_isolation", "payments_suspended", "advise_check_in"])
        if code in flag_types:
            flags.append({**base(), "resident_id": res.id, "flag_type_id": flag_types[code],
                          "reason": FLAG_REASONS[code], "set_on": today - dt.timedelta(days=rng.randrange(1, 6)),
                          "set_by_name": "Moussa Keïta"})
        if rng.random() < 0.3:
            kind, title, owner = rng.choice(TASKS)
            tasks.append({**base(owner), "resident_id": res.id, "centre_id": res.centre_id, "kind": kind,
                          "title": title, "due_date": today + dt.timedelta(days=rng.randrange(-6, 15)),
                          "owner_id": ctx.users.get(owner), "status": FollowUpStatus.OPEN})
        if rng.random() < 0.2:
            partner = rng.choice(PARTNERS)
            consents.append({**base("caseworker"), "resident_id": res.id, "partner": partner,
                             "partner_folded": fold(partner), "given_on": today - dt.timedelta(days=rng.randrange(10)),
                             "recorded_by_name": "Fatoumata Coulibaly"})
    ctx.insert(ResidentFlag, flags)
    ctx.insert(FollowUp, tasks)
    ctx.insert(SharingConsent, consents)
    # Last night's roll-call saw nearly everyone; a few have not been seen for several days.
    seen = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(20, 30), tzinfo=dt.timezone.utc)
    ids = [r.id for r in present]
    for i in range(0, len(ids), 500):
        ctx.session.execute(update(Resident).where(Resident.id.in_(ids[i:i + 500])).values(last_seen_at=seen))
    missing = [r.id for r in present if rng.random() < 0.04]
    if missing:
        ctx.session.execute(update(Resident).where(Resident.id.in_(missing))
                            .values(last_seen_at=seen - dt.timedelta(days=6)))
    return {"flags": len(flags), "follow_ups": len(tasks), "sharing_consents": len(consents),
            "not_seen_for_days": len(missing)}
