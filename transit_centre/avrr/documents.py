"""Plain data for the return documents the printing capability renders: receipt, manifest,
travel letter. Each view carries ``is_vot`` so a document leaving the protection team can
show the victim-of-trafficking flag (or withhold the document) without another query.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.ages import is_minor
from transit_centre.avrr import rules
from transit_centre.avrr.cash import ReceiptView, get_receipt
from transit_centre.common import get
from transit_centre.db.engine import Database
from transit_centre.db.models import Centre, IdentityDocument, Movement, MovementCase, Resident, ReturnCase
from transit_centre.enums import MovementMode, MovementStatus, ReturnStep, ReturnType, Sex, VulnerabilityKind
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor, Permission


@dataclass(frozen=True)
class ManifestTraveller:
    resident_id: uuid.UUID
    case_reference: str
    resident_case_number: str
    first_name: str
    last_name: str
    sex: Sex
    date_of_birth: dt.date | None
    nationality: str | None
    document_kind: str | None
    document_number: str | None
    document_expiry: dt.date | None
    destination_region: str | None
    is_minor: bool
    is_uam: bool
    escort_required: bool  # unaccompanied or separated, no family adult on board, or fit with escort only
    is_vot: bool
    is_separated: bool = False
    fit_state: str = "valid"  # on the departure date: "valid", "expired", "not_fit" or "missing"


@dataclass(frozen=True)
class ManifestView:
    movement_id: uuid.UUID
    reference: str
    centre_name: str
    centre_code: str
    departure_date: dt.date
    mode: MovementMode
    destination_country: str | None
    route: str | None
    legs: tuple[str, ...]
    carrier: str | None
    flight_number: str | None
    escorts: tuple[str, ...]
    status: MovementStatus
    travellers: tuple[ManifestTraveller, ...]


@dataclass(frozen=True)
class TravelLetterView:
    case_id: uuid.UUID
    case_reference: str
    centre_name: str
    centre_town: str
    resident_name: str
    resident_case_number: str
    sex: Sex
    date_of_birth: dt.date | None
    nationality: str | None
    return_type: ReturnType
    destination_country: str
    destination_region: str | None
    destination_commune: str | None
    document_kind: str | None
    document_number: str | None
    document_expiry: dt.date | None
    movement_reference: str | None
    departure_date: dt.date | None
    route: str | None
    carrier: str | None
    flight_number: str | None
    is_minor: bool
    is_uam: bool
    is_vot: bool


def receipt_view(db: Database, actor: Actor, receipt_id: uuid.UUID) -> ReceiptView:
    return get_receipt(db, actor, receipt_id)


def travel_document_of(session, case: ReturnCase, resident: Resident) -> tuple[str | None, str | None, dt.date | None]:  # noqa: ANN001
    """The document the person travels with: the one obtained for the case, else their latest
    identity document. Every return document names the same one."""
    doc = rules.travel_document(rules.live_steps(session, case.id))
    if doc:
        return doc.get("kind"), doc.get("number"), rules._parse_date(doc.get("expiry"))
    identity = session.scalars(select(IdentityDocument).where(
        IdentityDocument.resident_id == resident.id, IdentityDocument.voided_at.is_(None))
        .order_by(IdentityDocument.issue_date.desc())).first()
    if identity is None:
        return None, None, None
    return identity.kind.value, identity.number, identity.expiry_date


def manifest_view(db: Database, actor: Actor, movement_id: uuid.UUID) -> ManifestView:
    """The list of people on one departure, as the manifest prints it."""
    actor.require(Permission.RETURN_READ)
    with db.transaction(actor, readonly=True) as s:
        movement = get(s, Movement, movement_id, _("movement"))
        actor.require(Permission.RETURN_READ, movement.centre_id)
        return manifest_in(s, movement)


def manifest_in(s: Session, movement: Movement) -> ManifestView:
    """Session-level ``manifest_view`` (the caller checked the permission)."""
    centre = s.get(Centre, movement.centre_id)
    rows = s.execute(
        select(MovementCase, ReturnCase, Resident)
        .join(ReturnCase, ReturnCase.id == MovementCase.return_case_id)
        .join(Resident, Resident.id == ReturnCase.resident_id)
        .where(MovementCase.movement_id == movement.id, MovementCase.voided_at.is_(None))
        .order_by(Resident.last_name_folded, Resident.first_name_folded)).all()
    travellers = []
    day = movement.departure_date
    for _link, case, resident in rows:
        kind, number, expiry = travel_document_of(s, case, resident)
        kinds = rules.active_vulnerabilities(s, resident.id, day)
        fit = rules.latest_fit_to_travel(s, resident.id)
        escort = rules.escort_needed(s, resident, movement, kinds, fit)
        travellers.append(ManifestTraveller(
            resident.id, case.case_reference, resident.case_number, resident.first_name, resident.last_name,
            resident.sex, resident.date_of_birth, resident.nationality, kind, number, expiry,
            case.destination_region, is_minor(resident.date_of_birth, day),
            VulnerabilityKind.UNACCOMPANIED_MINOR in kinds, escort,
            VulnerabilityKind.TRAFFICKING_VICTIM in kinds, VulnerabilityKind.SEPARATED_MINOR in kinds,
            rules.fit_state(fit, day)))
    return ManifestView(
        movement.id, movement.reference, centre.name, centre.code, movement.departure_date, movement.mode,
        movement.destination_country, movement.route, tuple(movement.legs or ()), movement.carrier,
        movement.flight_number, tuple(movement.escorts or ()), movement.status, tuple(travellers))


def travel_letter_view(db: Database, actor: Actor, case_id: uuid.UUID) -> TravelLetterView:
    """What the travel letter for one returnee says."""
    actor.require(Permission.RETURN_READ)
    with db.transaction(actor, readonly=True) as s:
        case = get(s, ReturnCase, case_id, _("return case"))
        actor.require(Permission.RETURN_READ, case.centre_id)
        return travel_letter_in(s, case)


def travel_letter_in(s: Session, case: ReturnCase) -> TravelLetterView:
    """Session-level ``travel_letter_view`` (the caller checked the permission)."""
    resident = s.get(Resident, case.resident_id)
    centre = s.get(Centre, case.centre_id)
    movement = rules.booked_movement(s, case.id)
    kind, number, expiry = travel_document_of(s, case, resident)
    day = movement.departure_date if movement else dt.date.today()
    is_uam, is_vot = rules.flags(s, resident.id, day)
    return TravelLetterView(
        case.id, case.case_reference, centre.name, centre.town, rules.resident_name(resident),
        resident.case_number, resident.sex, resident.date_of_birth, resident.nationality, case.return_type,
        case.destination_country, case.destination_region, case.destination_commune, kind, number, expiry,
        movement.reference if movement else None, movement.departure_date if movement else None,
        movement.route if movement else None, movement.carrier if movement else None,
        movement.flight_number if movement else None, is_minor(resident.date_of_birth, day), is_uam, is_vot)


__all__ = ["ManifestTraveller", "ManifestView", "ReceiptView", "TravelLetterView", "manifest_in", "manifest_view",
           "receipt_view", "travel_document_of", "travel_letter_in", "travel_letter_view", "ReturnStep"]
