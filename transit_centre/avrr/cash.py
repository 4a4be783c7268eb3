"""Cash grants: plan, approve, disburse against a numbered receipt, void and reissue.

Separation of duties: the person who approved a grant may not disburse it. Receipt numbers
(``GAO-2026-R-000123``) come from the gap-free counter inside the disbursing transaction,
so two cash officers paying at the same moment never get the same number and never skip one.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.protection.flags import enforce_flags
from transit_centre.enums import FlagEffect
from transit_centre.admin.backdating import backdated
from transit_centre.admin.settings import DEFAULTS, get_settings, set_setting
from transit_centre.avrr import rules
from transit_centre.avrr.cases import OPEN_STATUSES, case_centre
from transit_centre.common import Errors, check_version, get, next_number
from transit_centre.db.base import utcnow
from transit_centre.db.engine import Database
from transit_centre.db.models import CashGrant, Centre, Disbursement, Receipt, Resident, ReturnCase, User
from transit_centre.ages import age_on, is_adult, is_minor
from transit_centre.enums import GrantKind, GrantStatus, PaymentMethod, ReceiptVoidReason, RecipientRole, ReturnStatus
from transit_centre.errors import RuleViolation, ValidationError
from transit_centre.i18n import _, format_date, format_xof
from transit_centre.security.permissions import Actor, Permission

P = Permission
MAX_AMOUNT = rules.MAX_AMOUNT
MAX_TRANCHES = 12
DEFAULT_AMOUNTS = {kind: DEFAULTS[f"grant.default.{kind.value}"] for kind in GrantKind}  # declared in db.settings


@dataclass(frozen=True)
class GrantInput:
    resident_id: uuid.UUID
    kind: GrantKind | str | None
    amount: int | None = None  # None: the administrator's default for the kind
    return_case_id: uuid.UUID | None = None  # None: the resident's open case, if any
    tranche_number: int | None = None
    tranche_count: int | None = None
    planned_on: dt.date | None = None
    note: str | None = None


@dataclass(frozen=True)
class DisbursementInput:
    disbursed_on: dt.date | None = None
    method: PaymentMethod | str | None = PaymentMethod.CASH
    mobile_money_reference: str | None = None
    amount: int | None = None  # None: the approved amount
    # Required when the resident is a minor on the payment date: who took the money and signs.
    received_by_name: str | None = None
    received_by_role: RecipientRole | str | None = None


@dataclass(frozen=True)
class GrantView:
    id: uuid.UUID
    resident_id: uuid.UUID
    resident_name: str
    resident_case_number: str
    return_case_id: uuid.UUID | None
    case_reference: str | None
    centre_id: uuid.UUID
    kind: GrantKind
    tranche_number: int | None
    tranche_count: int | None
    planned_amount: int
    approved_amount: int | None
    disbursed_amount: int
    status: GrantStatus
    planned_on: dt.date
    approved_by_name: str | None
    receipt_number: str | None
    receipt_id: uuid.UUID | None
    note: str | None
    version: int
    resident_date_of_birth: dt.date | None = None

    def minor_on(self, day: dt.date) -> bool:
        """Paid on ``day``, the money goes to a parent, guardian or escort (who signs)."""
        return is_minor(self.resident_date_of_birth, day)


@dataclass(frozen=True)
class ReceiptView:
    """What a printed receipt shows (the printing issue renders it)."""

    id: uuid.UUID
    number: str
    centre_id: uuid.UUID
    centre_name: str
    resident_name: str
    resident_case_number: str
    case_reference: str | None
    amount: int
    amount_text: str
    grant_kind: GrantKind
    tranche_number: int | None
    tranche_count: int | None
    disbursed_on: dt.date
    method: PaymentMethod
    mobile_money_reference: str | None
    cash_officer: str
    voided: bool
    void_reason: str | None
    replaced_by_number: str | None
    replaces_number: str | None
    grant_id: uuid.UUID
    version: int
    is_vot: bool = False  # victim of trafficking: documents leaving the protection team show it
    beneficiary_age: int | None = None  # on the payment date
    beneficiary_minor: bool = False
    received_by_name: str | None = None  # a minor's parent, guardian or escort
    received_by_role: RecipientRole | None = None
    void_code: ReceiptVoidReason | None = None


# --- default amounts ----------------------------------------------------------------------

def default_amounts(db: Database) -> dict[GrantKind, int]:
    values = get_settings(db, "grant.default.")
    return {kind: int(values.get(f"grant.default.{kind.value}", DEFAULT_AMOUNTS[kind])) for kind in GrantKind}


def set_default_amount(db: Database, actor: Actor, kind: GrantKind | str, amount: int) -> None:
    """An administrator sets the amount proposed when a grant of this kind is planned."""
    actor.require(P.SETTINGS_ADMIN)
    kind = GrantKind(kind)
    errors = Errors()
    _check_amount(errors, "amount", amount)
    errors.raise_if_any()
    set_setting(db, actor, f"grant.default.{kind.value}", int(amount))


def _check_amount(errors: Errors, field: str, amount: object) -> int | None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        errors.add(field, _("Give a whole amount in CFA francs."))
        return None
    if amount <= 0:
        errors.add(field, _("The amount must be more than zero."))
    elif amount > MAX_AMOUNT:
        errors.add(field, _("The amount cannot be more than {max}.").format(max=format_xof(MAX_AMOUNT)))
    return amount


# --- views --------------------------------------------------------------------------------

def _user_name(session: Session, user_id: uuid.UUID | None) -> str | None:
    if user_id is None:
        return None
    user = session.get(User, user_id)
    return user.full_name if user else None


def _live_receipt(session: Session, grant: CashGrant) -> Receipt | None:
    return session.scalars(
        select(Receipt).join(Disbursement, Disbursement.id == Receipt.disbursement_id)
        .where(Disbursement.grant_id == grant.id, Receipt.voided_at.is_(None))).first()


def grant_view(session: Session, grant: CashGrant) -> GrantView:
    resident = session.get(Resident, grant.resident_id)
    case = session.get(ReturnCase, grant.return_case_id) if grant.return_case_id else None
    receipt = _live_receipt(session, grant)
    return GrantView(
        id=grant.id, resident_id=grant.resident_id, resident_name=rules.resident_name(resident),
        resident_case_number=resident.case_number, return_case_id=grant.return_case_id,
        case_reference=case.case_reference if case else None, centre_id=grant.centre_id, kind=grant.kind,
        tranche_number=grant.tranche_number, tranche_count=grant.tranche_count,
        planned_amount=grant.planned_amount, approved_amount=grant.approved_amount,
        disbursed_amount=receipt.amount if receipt else 0, status=grant.status, planned_on=grant.planned_on,
        approved_by_name=_user_name(session, grant.approved_by),
        receipt_number=receipt.number if receipt else None, receipt_id=receipt.id if receipt else None,
        note=grant.note, version=grant.version, resident_date_of_birth=resident.date_of_birth)


def receipt_view_in(session: Session, receipt: Receipt) -> ReceiptView:
    disbursement = session.get(Disbursement, receipt.disbursement_id)
    grant = session.get(CashGrant, disbursement.grant_id)
    resident = session.get(Resident, grant.resident_id)
    case = session.get(ReturnCase, grant.return_case_id) if grant.return_case_id else None
    centre = session.get(Centre, receipt.centre_id)
    replaced_by = session.get(Receipt, receipt.replaced_by_id) if receipt.replaced_by_id else None
    replaces = session.scalars(select(Receipt).where(Receipt.replaced_by_id == receipt.id)).first()
    return ReceiptView(
        id=receipt.id, number=receipt.number, centre_id=receipt.centre_id, centre_name=centre.name,
        resident_name=rules.resident_name(resident), resident_case_number=resident.case_number,
        case_reference=case.case_reference if case else None, amount=receipt.amount,
        amount_text=format_xof(receipt.amount), grant_kind=grant.kind, tranche_number=grant.tranche_number,
        tranche_count=grant.tranche_count, disbursed_on=disbursement.disbursed_on, method=disbursement.method,
        mobile_money_reference=disbursement.mobile_money_reference,
        cash_officer=disbursement.cash_officer_name, voided=receipt.voided_at is not None,
        void_reason=receipt.void_reason, replaced_by_number=replaced_by.number if replaced_by else None,
        replaces_number=replaces.number if replaces else None, grant_id=grant.id, version=receipt.version,
        is_vot=rules.flags(session, grant.resident_id, disbursement.disbursed_on)[1],
        beneficiary_age=age_on(resident.date_of_birth, disbursement.disbursed_on),
        beneficiary_minor=is_minor(resident.date_of_birth, disbursement.disbursed_on),
        received_by_name=disbursement.received_by_name, received_by_role=disbursement.received_by_role,
        void_code=receipt.void_code)


def get_grant(db: Database, actor: Actor, grant_id: uuid.UUID) -> GrantView:
    actor.require(P.CASH_READ)
    with db.transaction(actor, readonly=True) as s:
        grant = get(s, CashGrant, grant_id, _("grant"))
        actor.require(P.CASH_READ, grant.centre_id)
        return grant_view(s, grant)


def list_grants(db: Database, actor: Actor, centre_id: uuid.UUID | None = None, *,
                statuses: tuple[GrantStatus, ...] = (), resident_id: uuid.UUID | None = None,
                offset: int = 0, limit: int = 200) -> list[GrantView]:
    """Grants by status (the cash screen's "to approve" and "to disburse" lists)."""
    actor.require(P.CASH_READ)
    with db.transaction(actor, readonly=True) as s:
        query = select(CashGrant)
        visible = actor.visible_centres()
        if visible is not None:
            query = query.where(CashGrant.centre_id.in_(visible))
        if centre_id is not None:
            query = query.where(CashGrant.centre_id == centre_id)
        if statuses:
            query = query.where(CashGrant.status.in_(statuses))
        if resident_id is not None:
            query = query.where(CashGrant.resident_id == resident_id)
        rows = s.scalars(query.order_by(CashGrant.planned_on.desc(), CashGrant.created_at.desc())
                         .offset(max(offset, 0)).limit(max(min(limit, 500), 1)))
        return [grant_view(s, g) for g in rows]


def get_receipt(db: Database, actor: Actor, receipt_id: uuid.UUID) -> ReceiptView:
    actor.require(P.CASH_READ)
    with db.transaction(actor, readonly=True) as s:
        receipt = get(s, Receipt, receipt_id, _("receipt"))
        actor.require(P.CASH_READ, receipt.centre_id)
        return receipt_view_in(s, receipt)


# --- lifecycle ----------------------------------------------------------------------------

def plan_grant(db: Database, actor: Actor, data: GrantInput) -> GrantView:
    actor.require(P.GRANT_PLAN)
    errors = Errors()
    try:
        kind = GrantKind(data.kind) if data.kind else None
    except ValueError:
        kind = None
    if kind is None:
        errors.add("kind", _("Choose the kind of grant."))
    amount = data.amount
    if amount is not None:
        _check_amount(errors, "amount", amount)
    tranche_number, tranche_count = data.tranche_number, data.tranche_count
    if kind == GrantKind.REINTEGRATION:
        tranche_number, tranche_count = tranche_number or 1, tranche_count or 1
        if not (isinstance(tranche_count, int) and 1 <= tranche_count <= MAX_TRANCHES):
            errors.add("tranche_count", _("Between 1 and {n} tranches.").format(n=MAX_TRANCHES))
        elif not (isinstance(tranche_number, int) and 1 <= tranche_number <= tranche_count):
            errors.add("tranche_number", _("The tranche number must be between 1 and {n}.").format(n=tranche_count))
    else:
        tranche_number = tranche_count = None
    note = errors.text("note", data.note, max_length=1000)
    planned_on = data.planned_on or dt.date.today()
    if planned_on > dt.date.today():
        errors.add("planned_on", _("The date cannot be in the future."))
    errors.raise_if_any()
    if amount is None:
        amount = default_amounts(db)[kind]
    with db.transaction(actor) as s:
        resident = get(s, Resident, data.resident_id, _("resident"))
        if data.return_case_id is not None:
            case = get(s, ReturnCase, data.return_case_id, _("return case"))
            if case.resident_id != resident.id:
                raise RuleViolation(_("The return case is another resident's."))
        else:
            case = s.scalars(select(ReturnCase).where(ReturnCase.resident_id == resident.id,
                                                      ReturnCase.status.in_(OPEN_STATUSES))).first()
        centre_id = case.centre_id if case else case_centre(s, resident)
        actor.require(P.GRANT_PLAN, centre_id)
        if case is not None and case.status == ReturnStatus.CANCELLED:
            raise RuleViolation(_("The return case is cancelled."))
        if case is not None:
            same = select(CashGrant).where(CashGrant.return_case_id == case.id, CashGrant.kind == kind,
                                           CashGrant.status != GrantStatus.CANCELLED)
            if kind == GrantKind.REINTEGRATION:
                same = same.where(CashGrant.tranche_number == tranche_number)
            if kind != GrantKind.EMERGENCY and s.scalars(same).first() is not None:
                raise RuleViolation(_("This return case already has this grant."))
        grant = CashGrant(
            id=uuid.uuid4(), resident_id=resident.id, return_case_id=case.id if case else None,
            centre_id=centre_id, kind=kind,
            tranche_number=tranche_number, tranche_count=tranche_count, planned_amount=amount,
            status=GrantStatus.PLANNED, planned_on=planned_on, planned_by=actor.user_id, note=note,
            created_by=actor.user_id)
        backdated(s, CashGrant.__tablename__, grant.id, planned_on, centre_id, field="planned_on")
        s.add(grant)
        s.flush()
        return grant_view(s, grant)


def approve_grant(db: Database, actor: Actor, grant_id: uuid.UUID, amount: int | None = None,
                  expected_version: int | None = None, approved_on: dt.date | None = None) -> GrantView:
    """Approve a planned grant. ``approved_on``: the day a paper approval was signed, for a grant
    entered after the fact (within the back-dating limit, audited as back-dated)."""
    actor.require(P.GRANT_APPROVE)
    errors = Errors()
    if amount is not None:
        _check_amount(errors, "amount", amount)
    if approved_on is not None and (not isinstance(approved_on, dt.date) or isinstance(approved_on, dt.datetime)):
        errors.add("approved_on", _("Enter a valid date."))
    elif approved_on is not None and approved_on > dt.date.today():
        errors.add("approved_on", _("The date cannot be in the future."))
    errors.raise_if_any()
    with db.transaction(actor) as s:
        grant = get(s, CashGrant, grant_id, _("grant"))
        actor.require(P.GRANT_APPROVE, grant.centre_id)
        check_version(grant, expected_version)
        if grant.status != GrantStatus.PLANNED:
            raise RuleViolation(_("Only a planned grant can be approved (this one is {status}).").format(
                status=grant.status.label.lower()))
        _refuse_cancelled_case(s, grant)
        if approved_on is not None and approved_on < grant.planned_on:
            raise ValidationError({"approved_on": _("The grant cannot be approved before it was planned ({date}).")
                                   .format(date=format_date(grant.planned_on))})
        grant.approved_amount = amount if amount is not None else grant.planned_amount
        grant.approved_by = actor.user_id
        grant.approved_at = utcnow()
        if approved_on is not None and approved_on < grant.approved_at.date():
            backdated(s, CashGrant.__tablename__, grant.id, approved_on, grant.centre_id, field="approved_at")
            grant.approved_at = dt.datetime.combine(approved_on, dt.time(12, 0), tzinfo=dt.timezone.utc)
        grant.status = GrantStatus.APPROVED
        s.flush()
        return grant_view(s, grant)


def cancel_grant(db: Database, actor: Actor, grant_id: uuid.UUID, reason: str | None,
                 expected_version: int | None = None) -> GrantView:
    actor.require(P.GRANT_PLAN)
    errors = Errors()
    reason = errors.text("reason", reason, required=True, max_length=500)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        grant = get(s, CashGrant, grant_id, _("grant"))
        actor.require(P.GRANT_PLAN, grant.centre_id)
        check_version(grant, expected_version)
        if grant.status not in (GrantStatus.PLANNED, GrantStatus.APPROVED):
            raise RuleViolation(_("A disbursed grant cannot be cancelled: void its receipt first."))
        grant.status = GrantStatus.CANCELLED
        grant.cancelled_at = utcnow()
        grant.cancel_reason = reason
        s.flush()
        return grant_view(s, grant)


def _refuse_cancelled_case(session: Session, grant: CashGrant) -> None:
    if grant.return_case_id is not None:
        case = session.get(ReturnCase, grant.return_case_id)
        if case.status == ReturnStatus.CANCELLED:
            raise RuleViolation(_("The resident's return case is cancelled."))


def _validate_disbursement(data: DisbursementInput) -> tuple[dt.date, PaymentMethod | None, str | None]:
    """The payment date, method and reference; the recipient of a minor's money is checked by
    ``_recipient`` once the resident is known."""
    errors = Errors()
    day = data.disbursed_on or dt.date.today()
    if day > dt.date.today():
        errors.add("disbursed_on", _("The date cannot be in the future."))
    try:
        method = PaymentMethod(data.method) if data.method else None
    except ValueError:
        method = None
    if method is None:
        errors.add("method", _("Choose how the money is paid."))
    reference = errors.text("mobile_money_reference", data.mobile_money_reference, max_length=64)
    if method == PaymentMethod.MOBILE_MONEY and not reference:
        errors.add("mobile_money_reference", _("Give the mobile money transaction reference."))
    if method == PaymentMethod.CASH:
        reference = None
    if data.amount is not None:
        _check_amount(errors, "amount", data.amount)
    errors.raise_if_any()
    return day, method, reference


def _disburse(session: Session, actor: Actor, grant: CashGrant, data: DisbursementInput,
              day: dt.date, method: PaymentMethod, reference: str | None) -> Receipt:
    actor.require(P.GRANT_DISBURSE, grant.centre_id)
    if grant.status == GrantStatus.DISBURSED:
        raise RuleViolation(_("This grant has already been disbursed."))
    if grant.status == GrantStatus.CANCELLED:
        raise RuleViolation(_("This grant is cancelled."))
    if grant.status != GrantStatus.APPROVED:
        raise RuleViolation(_("This grant has not been approved yet."))
    _refuse_cancelled_case(session, grant)
    enforce_flags(session, grant.resident_id, FlagEffect.BLOCK_DISBURSEMENT)
    if grant.approved_by is not None and grant.approved_by == actor.user_id:
        raise RuleViolation(_("You approved this grant: another cash officer must disburse it."))
    amount = data.amount if data.amount is not None else grant.approved_amount
    if amount > grant.approved_amount:
        raise RuleViolation(_("The amount is above the approved amount ({amount}).").format(
            amount=format_xof(grant.approved_amount)))
    if grant.approved_at is not None and day < grant.approved_at.date() - dt.timedelta(days=1):
        raise RuleViolation(_("The payment date is before the approval."))
    recipient, role = _recipient(session.get(Resident, grant.resident_id), data, day)
    disbursement = Disbursement(
        id=uuid.uuid4(), grant_id=grant.id, centre_id=grant.centre_id, disbursed_on=day, cash_officer_id=actor.user_id,
        cash_officer_name=actor.full_name or actor.username, method=method, mobile_money_reference=reference,
        amount=amount, received_by_name=recipient, received_by_role=role, created_by=actor.user_id)
    backdated(session, Disbursement.__tablename__, disbursement.id, day, grant.centre_id, field="disbursed_on")
    session.add(disbursement)
    session.flush()
    centre = session.get(Centre, grant.centre_id)
    sequence = next_number(session, centre.id, "receipt", day.year)
    receipt = Receipt(number=f"{centre.code}-{day.year}-R-{sequence:06d}", centre_id=centre.id, year=day.year,
                      sequence=sequence, disbursement_id=disbursement.id, amount=amount, issued_on=day,
                      created_by=actor.user_id)
    session.add(receipt)
    grant.status = GrantStatus.DISBURSED
    session.flush()
    return receipt


def _recipient(resident: Resident, data: DisbursementInput, day: dt.date) -> tuple[str | None, RecipientRole | None]:
    """Money paid for a minor (on the payment date) is handed to a named parent, guardian or
    escort, who signs the receipt; for an adult the fields are ignored."""
    if not is_minor(resident.date_of_birth, day):
        return None, None
    errors = Errors()
    name = errors.text("received_by_name", data.received_by_name, max_length=200)
    try:
        role = RecipientRole(data.received_by_role) if data.received_by_role else None
    except ValueError:
        role = None
    if not name:
        errors.add("received_by_name", _("{name} is a minor: give the name of the parent, guardian or escort who "
                                         "receives the money and signs the receipt.").format(name=resident.first_name))
    if role is None:
        errors.add("received_by_role", _("Say whether the person who receives the money is a parent, a guardian, "
                                         "a relative or an escort."))
    errors.raise_if_any()
    return name, role


def recipient_suggestions(db: Database, actor: Actor, grant_id: uuid.UUID) -> list[tuple[str, RecipientRole]]:
    """People who may receive a minor's grant: the adults of their family, then the escorts of
    the movement their return case is booked on."""
    actor.require(P.CASH_READ)
    with db.transaction(actor, readonly=True) as s:
        grant = get(s, CashGrant, grant_id, _("grant"))
        actor.require(P.CASH_READ, grant.centre_id)
        resident = s.get(Resident, grant.resident_id)
        today = dt.date.today()
        found: list[tuple[str, RecipientRole]] = []
        if resident.household_id is not None:
            for member in s.scalars(select(Resident).where(Resident.household_id == resident.household_id,
                                                             Resident.id != resident.id)
                                    .order_by(Resident.last_name_folded, Resident.first_name_folded)):
                if is_adult(member.date_of_birth, today):
                    found.append((rules.resident_name(member), RecipientRole.RELATIVE))
        movement = rules.booked_movement(s, grant.return_case_id) if grant.return_case_id else None
        for escort in (movement.escorts or ()) if movement is not None else ():
            found.append((escort, RecipientRole.ESCORT))
        return found


def disburse(db: Database, actor: Actor, grant_id: uuid.UUID, data: DisbursementInput,
             expected_version: int | None = None) -> ReceiptView:
    """Pay an approved grant and issue its receipt with the next number of the centre's year."""
    actor.require(P.GRANT_DISBURSE)
    day, method, reference = _validate_disbursement(data)
    with db.transaction(actor) as s:
        grant = get(s, CashGrant, grant_id, _("grant"))
        check_version(grant, expected_version)
        receipt = _disburse(s, actor, grant, data, day, method, reference)
        return receipt_view_in(s, receipt)


def _void_code(errors: Errors, code: ReceiptVoidReason | str | None) -> ReceiptVoidReason | None:
    try:
        return ReceiptVoidReason(code or ReceiptVoidReason.OTHER)
    except ValueError:
        errors.add("void_code", _("This value is not one of the choices."))
        return None


def void_receipt(db: Database, actor: Actor, receipt_id: uuid.UUID, reason: str | None,
                 expected_version: int | None = None,
                 code: ReceiptVoidReason | str | None = ReceiptVoidReason.OTHER) -> ReceiptView:
    """Void a wrong receipt (its number stays in the ledger); the grant can be paid again.

    ``code`` is printed in the receipt's language; ``reason`` gives the details as typed."""
    actor.require(P.RECEIPT_VOID)
    errors = Errors()
    reason = errors.text("reason", reason, required=True, max_length=500)
    code_ = _void_code(errors, code)
    errors.raise_if_any()
    with db.transaction(actor) as s:
        receipt = get(s, Receipt, receipt_id, _("receipt"))
        actor.require(P.RECEIPT_VOID, receipt.centre_id)
        check_version(receipt, expected_version)
        _void(s, actor, receipt, reason, code_)
        return receipt_view_in(s, receipt)


def _void(session: Session, actor: Actor, receipt: Receipt, reason: str, code: ReceiptVoidReason) -> None:
    if receipt.voided_at is not None:
        raise RuleViolation(_("This receipt is already void."))
    now = utcnow()
    receipt.voided_at, receipt.voided_by, receipt.void_reason = now, actor.user_id, reason
    receipt.void_code = code
    disbursement = session.get(Disbursement, receipt.disbursement_id)
    disbursement.voided_at, disbursement.voided_by, disbursement.void_reason = now, actor.user_id, reason
    grant = session.get(CashGrant, disbursement.grant_id)
    grant.status = GrantStatus.APPROVED
    session.flush()


def reissue_receipt(db: Database, actor: Actor, voided_receipt_id: uuid.UUID,
                    data: DisbursementInput) -> ReceiptView:
    """Pay the grant of a voided receipt again, for the corrected amount, under a new number."""
    actor.require(P.GRANT_DISBURSE)
    day, method, reference = _validate_disbursement(data)
    with db.transaction(actor) as s:
        old = get(s, Receipt, voided_receipt_id, _("receipt"))
        return _reissue(s, actor, old, data, day, method, reference)


def _reissue(s: Session, actor: Actor, old: Receipt, data: DisbursementInput, day: dt.date,
             method: PaymentMethod, reference: str | None) -> ReceiptView:
    actor.require(P.GRANT_DISBURSE, old.centre_id)
    if old.voided_at is None:
        raise RuleViolation(_("Void the receipt first."))
    if old.replaced_by_id is not None:
        raise RuleViolation(_("This receipt has already been replaced."))
    grant = s.get(CashGrant, s.get(Disbursement, old.disbursement_id).grant_id)
    receipt = _disburse(s, actor, grant, data, day, method, reference)
    old.replaced_by_id = receipt.id
    s.flush()
    return receipt_view_in(s, receipt)
