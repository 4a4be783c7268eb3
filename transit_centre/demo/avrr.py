"""Demo data for AVRR: a return case for every resident who left with reason "return", the
movements that carried them, pocket money and transport grants paid against receipts (a few
voided and reissued), reintegration grants for some Malians, and cases in progress for some
residents still in the centres. Deterministic for the demo seed; bulk inserts only, written a
batch at a time (parents before the rows that point to them) rather than all kept in memory.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import select

from transit_centre.ages import is_adult, is_minor
from transit_centre.db.base import utcnow
from transit_centre.db.bulk import BATCH
from transit_centre.db.models import (
    CashGrant,
    Counter,
    Disbursement,
    Movement,
    MovementCase,
    Receipt,
    ReintegrationAssistance,
    ReturnCase,
    ReturnStepRecord,
)
from transit_centre.demo.names import MALI_REGIONS
from transit_centre.enums import (
    DepartureReason,
    GrantKind,
    GrantStatus,
    MovementMode,
    MovementStatus,
    PaymentMethod,
    ReceiptVoidReason,
    RecipientRole,
    ReintegrationKind,
    ReturnStatus,
    ReturnStep,
    ReturnType,
)

CAPITALS = {"GN": "Conakry", "CI": "Abidjan", "SN": "Dakar", "NG": "Lagos", "SL": "Freetown", "CM": "Douala",
            "BF": "Ouagadougou", "NE": "Niamey", "GM": "Banjul", "LR": "Monrovia", "GH": "Accra", "TG": "Lomé",
            "BJ": "Cotonou"}
BY_ROAD = {"GN", "SN", "CI", "BF", "NE"}
STAFF_NAMES = {"caseworker": "Fatoumata Coulibaly", "manager": "Moussa Keïta", "cash": "Seydou Traoré"}
IN_PROGRESS = [ReturnStep.REGISTERED, ReturnStep.COUNSELLED, ReturnStep.APPLICATION_SIGNED,
               ReturnStep.DOCUMENTS_REQUESTED]
# Reintegration assistance a Malian returnee receives after the return (shares close to the 2022
# annual report: nearly all get cash for immediate needs, most micro-enterprise support and
# business skills training, a few vocational training), and who gives it.
REINTEGRATION = [(ReintegrationKind.CASH_IMMEDIATE, 0.95, (50_000, 75_000, 100_000)),
                 (ReintegrationKind.MICRO_ENTERPRISE, 0.72, (150_000, 200_000, 300_000)),
                 (ReintegrationKind.BUSINESS_SKILLS, 0.66, None),
                 (ReintegrationKind.VOCATIONAL_TRAINING, 0.04, None),
                 (ReintegrationKind.OTHER, 0.02, None)]
REINTEGRATION_PARTNERS = ["OIM Mali", "Programme de formation professionnelle", "Chambre de commerce et d'industrie",
                          "Association des migrants de retour"]
IN_PROGRESS = [ReturnStep.REGISTERED, ReturnStep.COUNSELLED, ReturnStep.APPLICATION_SIGNED,
               ReturnStep.DOCUMENTS_REQUESTED]


class _Rows:
    """Rows waiting to be written, by model; ``flush`` writes them in the order given."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.now = utcnow()
        self.tables: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        self.written: dict[Any, int] = defaultdict(int)
        self.replaced: list[tuple[uuid.UUID, uuid.UUID]] = []  # (voided receipt, its replacement)

    def add(self, model: Any, **values: Any) -> dict[str, Any]:
        row = {"id": self.ctx.uuid(), "created_at": self.now, "updated_at": self.now, "version": 1, **values}
        self.tables[model].append(row)
        return row

    def flush(self, *models: Any, at_least: int | None = None) -> None:
        if sum(len(self.tables[m]) for m in models) < (BATCH if at_least is None else at_least):
            return
        for model in models:
            rows = self.tables.pop(model, [])
            if model is Receipt:  # a receipt points to its replacement, written afterwards
                self.replaced += [(r["id"], r.pop("replaced_by_id")) for r in rows if "replaced_by_id" in r]
            self.ctx.insert(model, rows)
            self.written[model] += len(rows)


def _counters(ctx: Any) -> dict[tuple[uuid.UUID, str, int], int]:
    return {(c.centre_id, c.kind, c.year): c.last_value for c in ctx.session.scalars(
        select(Counter).where(Counter.kind.in_(["return", "movement", "receipt"])))}


def _next(counters: dict, centre_id: uuid.UUID, kind: str, year: int) -> int:
    key = (centre_id, kind, year)
    counters[key] = counters.get(key, 0) + 1
    return counters[key]


def _save_counters(ctx: Any, counters: dict) -> None:
    existing = {(c.centre_id, c.kind, c.year): c for c in ctx.session.scalars(
        select(Counter).where(Counter.kind.in_(["return", "movement", "receipt"])))}
    for (centre_id, kind, year), value in counters.items():
        counter = existing.get((centre_id, kind, year))
        if counter is None:
            ctx.session.add(Counter(centre_id=centre_id, kind=kind, year=year, last_value=value))
        else:
            counter.last_value = max(counter.last_value, value)
    ctx.session.flush()


def extend(ctx: Any) -> dict[str, int]:
    rng, rows = ctx.rng, _Rows(ctx)
    users = ctx.users
    centres = {c.id: c for c in ctx.centres}
    counters = _counters(ctx)

    def step(case: dict, which: ReturnStep, day: dt.date, who: str = "caseworker", **extra: Any) -> None:
        rows.add(ReturnStepRecord, return_case_id=case["id"], step=which, done_on=day, done_by=users.get(who),
                 done_by_name=STAFF_NAMES[who], skipped=extra.pop("skipped", False),
                 skip_reason=extra.pop("skip_reason", None), details=extra.pop("details", {}), note=None)

    def open_case(res: Any, centre_id: uuid.UUID, opened: dt.date, status: ReturnStatus, current: ReturnStep) -> dict:
        malian = res.nationality == "ML"
        region = rng.choice(MALI_REGIONS) if malian else None
        centre = centres[centre_id]
        number = _next(counters, centre_id, "return", opened.year)
        return rows.add(
            ReturnCase, resident_id=res.id, centre_id=centre_id,
            case_reference=f"{centre.code}-{opened.year}-RET-{number:05d}",
            return_type=ReturnType.MALIAN_HOME if malian else ReturnType.INTERNATIONAL,
            destination_country=res.nationality, destination_region=region,
            destination_commune=region if malian else None, opened_on=opened, status=status,
            current_step=current, best_interest_note=None,
            best_interest_recorded_on=None, notes=None)

    # -- departed returnees ----------------------------------------------------------------
    departures: dict[tuple[uuid.UUID, dt.date, str], list[tuple[Any, dict]]] = defaultdict(list)
    for done, res in enumerate(ctx.residents):
        rows.flush(ReturnCase, ReturnStepRecord)
        if done % BATCH == 0:
            ctx.report(0.5 * done / len(ctx.residents))
        returns = [st for st in res.stays if st.get("departure_reason") == DepartureReason.RETURN]
        for index, stay in enumerate(returns):
            arrival, left = stay["arrival_date"], stay["departure_date"]
            done = min(left + dt.timedelta(days=3), ctx.today)
            reintegration = res.nationality == "ML" and rng.random() < 0.3 and (ctx.today - left).days > 20
            completed = index < len(returns) - 1 or reintegration
            arrived = (ctx.today - left).days >= 3
            current = (ReturnStep.REINTEGRATION_STARTED if reintegration else
                       ReturnStep.ARRIVED if arrived else ReturnStep.DEPARTED)
            case = open_case(res, stay["centre_id"], arrival,
                             ReturnStatus.COMPLETED if completed else ReturnStatus.ACTIVE, current)
            if completed:
                case["completed_at"] = rows.now
            span = max((left - arrival).days, 0)

            def on(fraction: float) -> dt.date:
                return arrival + dt.timedelta(days=int(span * fraction))  # noqa: B023

            step(case, ReturnStep.REGISTERED, arrival)
            step(case, ReturnStep.COUNSELLED, on(0.1))
            step(case, ReturnStep.APPLICATION_SIGNED, on(0.2))
            if res.nationality == "ML":
                reason = "Malien : carte d'identité nationale"
                step(case, ReturnStep.DOCUMENTS_REQUESTED, on(0.3), skipped=True, skip_reason=reason)
                step(case, ReturnStep.DOCUMENTS_OBTAINED, on(0.3), skipped=True, skip_reason=reason)
            else:
                kind = rng.choice(["laissez_passer", "laissez_passer", "consular_letter", "passport"])
                step(case, ReturnStep.DOCUMENTS_REQUESTED, on(0.3), details={"kind": kind})
                step(case, ReturnStep.DOCUMENTS_OBTAINED, on(0.6), details={
                    "kind": kind, "number": f"{res.nationality}-LP-{rng.randint(100000, 999999)}",
                    "expiry": (left + dt.timedelta(days=90)).isoformat()})
            step(case, ReturnStep.FIT_TO_TRAVEL, on(0.8), details={
                "status": "fit", "valid_until": (left + dt.timedelta(days=14)).isoformat()})
            step(case, ReturnStep.TRAVEL_BOOKED, on(0.9))
            step(case, ReturnStep.DEPARTED, left)
            if arrived:
                step(case, ReturnStep.ARRIVED, min(left + dt.timedelta(days=2), ctx.today))
            if reintegration:
                step(case, ReturnStep.REINTEGRATION_STARTED, done)
            # What the movements and grants need of the case (the row itself is written soon).
            departures[(stay["centre_id"], left, res.nationality)].append((res, {
                key: case[key] for key in ("id", "centre_id", "current_step")}))
    rows.flush(ReturnCase, ReturnStepRecord, at_least=0)
    ctx.report(0.5)

    # -- movements, grants, receipts ---------------------------------------------------------
    # centre, day, grant, amount, void first, (recipient, role) of a minor's money
    payments: list[tuple[uuid.UUID, dt.date, uuid.UUID, int, bool, tuple[str, RecipientRole] | None]] = []
    # Ordered by date, centre code and country (ids differ between databases; codes do not).
    for (centre_id, day, country), travellers in sorted(
            departures.items(), key=lambda kv: (kv[0][1], centres[kv[0][0]].code, kv[0][2])):
        rows.flush(Movement, MovementCase, CashGrant, ReintegrationAssistance)
        centre = centres[centre_id]
        number = _next(counters, centre_id, "movement", day.year)
        if country == "ML":
            mode, legs = MovementMode.BUS_CONVOY, [f"{centre.town} → Bamako"]
        else:
            mode = MovementMode.BUS_CONVOY if country in BY_ROAD else MovementMode.FLIGHT
            capital = CAPITALS.get(country, "")
            legs = [f"{centre.town} → Bamako", f"Bamako → {capital}"] if centre.town != "Bamako" else [
                f"Bamako → {capital}"]
        # A minor with no adult of their family on board travels with a named escort (the escort rule).
        unescorted = {res.id for res, _case in travellers if is_minor(res.date_of_birth, day) and not any(
            other.household_id is not None and other.household_id == res.household_id
            and is_adult(other.date_of_birth, day) for other, _c in travellers)}
        escort = rng.choice(["Ibrahim Touré", "Kadiatou Diallo", "Boubacar Maïga"])
        movement = rows.add(
            Movement, centre_id=centre_id, reference=f"{centre.code}-{day.year}-MV-{number:04d}",
            departure_date=day, mode=mode, destination_country=country, route=" / ".join(legs), legs=legs,
            carrier="Air Sénégal" if mode == MovementMode.FLIGHT else rng.choice(["Sonef", "Bani Transport",
                                                                                  "Africa Tours"]),
            flight_number=f"HC{rng.randint(100, 999)}" if mode == MovementMode.FLIGHT else None,
            escorts=[escort] if len(travellers) > 2 or unescorted else [],
            status=MovementStatus.ARRIVED if (ctx.today - day).days >= 3 else MovementStatus.DEPARTED,
            departed_at=rows.now, arrived_on=day + dt.timedelta(days=2) if (ctx.today - day).days >= 3 else None)
        for res, case in travellers:
            rows.add(MovementCase, movement_id=movement["id"], return_case_id=case["id"],
                     escort_required=res.id in unescorted)
            # Money for a minor is handed to the escort, who signs the receipt.
            recipient = (escort, RecipientRole.ESCORT) if is_minor(res.date_of_birth, day) else None
            kinds = [(GrantKind.POCKET_MONEY, 25_000)]
            if country == "ML":
                kinds.append((GrantKind.TRANSPORT, rng.choice([15_000, 20_000, 30_000, 40_000])))
            elif rng.random() < 0.3:
                kinds.append((GrantKind.TRANSPORT, 50_000))
            for kind, amount in kinds:
                grant = _grant(rows, users, res, case, kind, amount, day, GrantStatus.DISBURSED)
                payments.append((centre_id, day, grant["id"], amount, rng.random() < 0.02, recipient))
            if case["current_step"] == ReturnStep.REINTEGRATION_STARTED:
                paid_on = min(day + dt.timedelta(days=rng.randint(10, 20)), ctx.today)
                grant = _grant(rows, users, res, case, GrantKind.REINTEGRATION, 150_000, paid_on,
                               GrantStatus.DISBURSED, tranche=(1, 2))
                payments.append((centre_id, paid_on, grant["id"], 150_000, False,
                                 recipient if is_minor(res.date_of_birth, paid_on) else None))
                _grant(rows, users, res, case, GrantKind.REINTEGRATION, 150_000, paid_on, GrantStatus.APPROVED,
                       tranche=(2, 2))
                for kind, share, amounts in REINTEGRATION:
                    if rng.random() < share:
                        given = min(day + dt.timedelta(days=rng.randint(5, 60)), ctx.today)
                        rows.add(ReintegrationAssistance, resident_id=res.id, centre_id=centre_id,
                                 return_case_id=case["id"], kind=kind, assisted_on=given,
                                 amount=rng.choice(amounts) if amounts else None,
                                 partner_id=None, partner_name=rng.choice(REINTEGRATION_PARTNERS), note=None,
                                 created_by=users.get("caseworker"))

    rows.flush(Movement, MovementCase, CashGrant, ReintegrationAssistance, at_least=0)
    ctx.report(0.7)
    order_of = {id(p): i for i, p in enumerate(payments)}
    payments.sort(key=lambda p: (p[1], centres[p[0]].code, order_of[id(p)]))
    for centre_id, day, grant, amount, void_first, recipient in payments:
        rows.flush(Disbursement, Receipt)
        code = centres[centre_id].code
        if void_first:
            wrong = _pay(rows, counters, code, centre_id, day, grant, users, amount - 5_000, recipient)
            voided = rows.now
            wrong[0]["voided_at"] = wrong[1]["voided_at"] = voided
            wrong[0]["voided_by"] = wrong[1]["voided_by"] = users.get("manager")
            wrong[0]["void_reason"] = wrong[1]["void_reason"] = "5 000 F CFA de moins que le montant approuvé"
            wrong[1]["void_code"] = ReceiptVoidReason.WRONG_AMOUNT
            good = _pay(rows, counters, code, centre_id, day, grant, users, amount, recipient)
            wrong[1]["replaced_by_id"] = good[1]["id"]
        else:
            _pay(rows, counters, code, centre_id, day, grant, users, amount, recipient)

    rows.flush(Disbursement, Receipt, at_least=0)
    ctx.report(0.9)

    # -- cases in progress for residents still in a centre -------------------------------------
    in_progress = 0
    for res in ctx.residents:
        rows.flush(ReturnCase, ReturnStepRecord)
        open_stays = [st for st in res.stays if st["departure_date"] is None]
        if not open_stays or rng.random() > 0.35:
            continue
        stay = open_stays[-1]
        reached = rng.choice(IN_PROGRESS)
        status = ReturnStatus.ON_HOLD if rng.random() < 0.05 else ReturnStatus.ACTIVE
        case = open_case(res, stay["centre_id"], stay["arrival_date"], status, reached)
        if status == ReturnStatus.ON_HOLD:
            case["hold_reason"] = "En attente de contact avec la famille"
            case["held_at"] = rows.now
        day = stay["arrival_date"]
        for which in IN_PROGRESS[:IN_PROGRESS.index(reached) + 1]:
            extra = {"details": {"kind": "laissez_passer"}} if which == ReturnStep.DOCUMENTS_REQUESTED else {}
            if which == ReturnStep.DOCUMENTS_REQUESTED and res.nationality == "ML":
                extra = {"skipped": True, "skip_reason": "Malien : carte d'identité nationale"}
            step(case, which, min(day, ctx.today), **extra)
            day += dt.timedelta(days=1)
        in_progress += 1

    rows.flush(ReturnCase, ReturnStepRecord, at_least=0)
    if rows.replaced:
        from sqlalchemy import bindparam, update

        table = Receipt.__table__
        ctx.session.connection().execute(
            update(table).where(table.c.id == bindparam("rid")).values(replaced_by_id=bindparam("new")),
            [{"rid": rid, "new": new} for rid, new in rows.replaced])
    _save_counters(ctx, counters)
    return {"return_cases": rows.written[ReturnCase], "movements": rows.written[Movement],
            "receipts": rows.written[Receipt], "cases_in_progress": in_progress,
            "reintegration": rows.written[ReintegrationAssistance]}


def _grant(rows: _Rows, users: dict, res: Any, case: dict, kind: GrantKind, amount: int, day: dt.date,
           status: GrantStatus, tranche: tuple[int, int] | None = None) -> dict:
    approved_at = dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.timezone.utc)
    return rows.add(
        CashGrant, resident_id=res.id, return_case_id=case["id"], centre_id=case["centre_id"], kind=kind,
        tranche_number=tranche[0] if tranche else None, tranche_count=tranche[1] if tranche else None,
        planned_amount=amount, approved_amount=amount, status=status, planned_on=day,
        planned_by=users.get("caseworker"), approved_by=users.get("manager"), approved_at=approved_at)


def _pay(rows: _Rows, counters: dict, code: str, centre_id: uuid.UUID, day: dt.date, grant_id: uuid.UUID,
         users: dict, amount: int, recipient: tuple[str, RecipientRole] | None = None) -> tuple[dict, dict]:
    mobile = rows.ctx.rng.random() < 0.25
    disbursement = rows.add(
        Disbursement, grant_id=grant_id, centre_id=centre_id, disbursed_on=day, cash_officer_id=users.get("cash"),
        cash_officer_name=STAFF_NAMES["cash"], method=PaymentMethod.MOBILE_MONEY if mobile else PaymentMethod.CASH,
        mobile_money_reference=f"OM{rows.ctx.rng.randint(10**9, 10**10 - 1)}" if mobile else None, amount=amount,
        received_by_name=recipient[0] if recipient else None, received_by_role=recipient[1] if recipient else None)
    sequence = _next(counters, centre_id, "receipt", day.year)
    receipt = rows.add(Receipt, number=f"{code}-{day.year}-R-{sequence:06d}", centre_id=centre_id, year=day.year,
                       sequence=sequence, disbursement_id=disbursement["id"], amount=amount, issued_on=day)
    return disbursement, receipt
