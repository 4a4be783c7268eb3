"""Domain vocabularies shared by the database, the services and the screens.

Plain Python (no SQLAlchemy, no Qt) so every layer may import it. Each member has a
translated ``label`` for display; the stored value is the English code.
"""
from __future__ import annotations

import enum

from transit_centre.i18n import N_, _


class LabelledEnum(str, enum.Enum):
    """A string enum whose members carry a translatable label: ``Member = ("code", N_("Label"))``."""

    def __new__(cls, value: str, label: str = "") -> "LabelledEnum":
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj._label = label or value  # type: ignore[attr-defined]
        return obj

    @property
    def label(self) -> str:
        return _(self._label)  # type: ignore[attr-defined]

    def __str__(self) -> str:
        return self.value

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class CentreKind(LabelledEnum):
    GENERAL = ("general", N_("General"))
    TRAFFICKING = ("trafficking", N_("Victims of trafficking"))
    MINORS = ("minors", N_("Minors"))


class BedKind(LabelledEnum):
    MEN = ("men", N_("Men"))
    WOMEN = ("women", N_("Women"))
    FAMILY = ("family", N_("Family"))
    MINORS = ("minors", N_("Minors"))


class Sex(LabelledEnum):
    MALE = ("M", N_("Male"))
    FEMALE = ("F", N_("Female"))


class DocumentKind(LabelledEnum):
    PASSPORT = ("passport", N_("Passport"))
    NATIONAL_ID = ("national_id", N_("National identity card"))
    LAISSEZ_PASSER = ("laissez_passer", N_("Laissez-passer"))
    CONSULAR_CARD = ("consular_card", N_("Consular card"))
    CONSULAR_LETTER = ("consular_letter", N_("Consular letter"))
    BIRTH_CERTIFICATE = ("birth_certificate", N_("Birth certificate"))
    OTHER = ("other", N_("Other document"))


class VulnerabilityKind(LabelledEnum):
    TRAFFICKING_VICTIM = ("trafficking_victim", N_("Victim of trafficking"))
    UNACCOMPANIED_MINOR = ("unaccompanied_minor", N_("Unaccompanied minor"))
    SEPARATED_MINOR = ("separated_minor", N_("Separated minor"))
    MEDICAL_CONDITION = ("medical_condition", N_("Medical condition"))
    DISABILITY = ("disability", N_("Disability"))
    ELDERLY = ("elderly", N_("Elderly person"))
    PREGNANT_LACTATING = ("pregnant_lactating", N_("Pregnant or lactating"))
    VIOLENCE_SURVIVOR = ("violence_survivor", N_("Survivor of violence"))


class HouseholdKind(LabelledEnum):
    FAMILY = ("family", N_("Family"))
    GROUP = ("group", N_("Travel group"))


class HouseholdRole(LabelledEnum):
    HEAD = ("head", N_("Head of household"))
    SPOUSE = ("spouse", N_("Spouse"))
    CHILD = ("child", N_("Child"))
    SIBLING = ("sibling", N_("Brother or sister"))
    RELATIVE = ("relative", N_("Other relative"))
    MEMBER = ("member", N_("Group member"))


class DepartureReason(LabelledEnum):
    RETURN = ("return", N_("Return"))
    TRANSFER = ("transfer", N_("Transfer to another centre"))
    LEFT_ON_OWN = ("left_on_own", N_("Left on own"))
    OTHER = ("other", N_("Other"))


class ServiceKind(LabelledEnum):
    SHELTER = ("shelter", N_("Shelter"))
    MEAL = ("meal", N_("Meal"))
    NFI_KIT = ("nfi_kit", N_("NFI kit"))
    MEDICAL = ("medical", N_("Medical"))
    MHPSS = ("mhpss", N_("MHPSS"))
    COUNSELLING = ("counselling", N_("Counselling and information"))
    REFERRAL = ("referral", N_("Referral"))


class Role(LabelledEnum):
    ADMIN = ("admin", N_("Administrator"))
    MANAGER = ("manager", N_("Centre manager"))
    CASEWORKER = ("caseworker", N_("Caseworker"))
    MEDICAL = ("medical", N_("Medical staff"))
    MHPSS = ("mhpss", N_("MHPSS staff"))
    CASH_OFFICER = ("cash_officer", N_("Cash officer"))
    HQ = ("hq", N_("Headquarters"))


class AuditAction(LabelledEnum):
    CREATE = ("create", N_("Created"))
    UPDATE = ("update", N_("Updated"))
    VOID = ("void", N_("Voided"))
    READ = ("read", N_("Read confidential"))
    EXPORT = ("export", N_("Exported"))
    PRINT = ("print", N_("Printed"))
    LOGIN = ("login", N_("Signed in"))
    LOGIN_FAILED = ("login_failed", N_("Failed sign-in"))
    IMPORT = ("import", N_("Imported"))
    BACKUP = ("backup", N_("Backup"))
    RESTORE = ("restore", N_("Restore"))
    # The database's encryption: encrypted, a new recovery key, a key slot recovered.
    KEYS = ("keys", N_("Database keys"))
    # A service, return step, grant or reintegration record dated before the day it was entered.
    BACKDATED = ("backdated", N_("Back-dated entry"))


class ReturneeGroup(LabelledEnum):
    """Who a resident is for the annual report: derived from the nationality and the return
    destination (``registry.groups``) unless a caseworker set it."""

    MALIAN_RETURNEE = ("malian_returnee", N_("Malian returning home"))
    INTERNATIONAL = ("international", N_("International migrant"))
    IDP = ("idp", N_("Internally displaced person"))


# --- assisted voluntary return (AVRR) ----------------------------------------------------

class ReturnType(LabelledEnum):
    MALIAN_HOME = ("malian_home", N_("Malian returning home"))
    INTERNATIONAL = ("international", N_("Return to country of origin"))


class ReturnStep(LabelledEnum):
    """The return workflow, in order (``ReturnStep.ordered()``)."""

    REGISTERED = ("registered", N_("Registered"))
    COUNSELLED = ("counselled", N_("Counselled"))
    APPLICATION_SIGNED = ("application_signed", N_("Application and declaration signed"))
    DOCUMENTS_REQUESTED = ("documents_requested", N_("Travel documents requested"))
    DOCUMENTS_OBTAINED = ("documents_obtained", N_("Travel documents obtained"))
    FIT_TO_TRAVEL = ("fit_to_travel", N_("Fit to travel"))
    TRAVEL_BOOKED = ("travel_booked", N_("Travel booked"))
    DEPARTED = ("departed", N_("Departed"))
    ARRIVED = ("arrived", N_("Arrived and handed over"))
    REINTEGRATION_STARTED = ("reintegration_started", N_("Reintegration started"))

    @classmethod
    def ordered(cls) -> list["ReturnStep"]:
        return list(cls)


class ReturnStatus(LabelledEnum):
    ACTIVE = ("active", N_("In progress"))
    ON_HOLD = ("on_hold", N_("On hold"))
    CANCELLED = ("cancelled", N_("Cancelled"))
    COMPLETED = ("completed", N_("Completed"))


class CancelReason(LabelledEnum):
    CHANGED_MIND = ("changed_mind", N_("Resident changed their mind"))
    ABSCONDED = ("absconded", N_("Absconded"))
    OTHER = ("other", N_("Other"))


class MovementMode(LabelledEnum):
    FLIGHT = ("flight", N_("Flight"))
    BUS_CONVOY = ("bus_convoy", N_("Bus convoy"))
    ROAD = ("road", N_("Road"))


class MovementStatus(LabelledEnum):
    PLANNED = ("planned", N_("Planned"))
    DEPARTED = ("departed", N_("Departed"))
    ARRIVED = ("arrived", N_("Arrived"))
    CANCELLED = ("cancelled", N_("Cancelled"))


class GrantKind(LabelledEnum):
    POCKET_MONEY = ("pocket_money", N_("Pocket money at departure"))
    TRANSPORT = ("transport", N_("Transport allowance"))
    REINTEGRATION = ("reintegration", N_("Reintegration cash grant"))
    EMERGENCY = ("emergency", N_("Emergency cash"))


class ReintegrationKind(LabelledEnum):
    """Reintegration assistance after a return (the annual report's "assistance to Malians
    returning home"), given by IOM or a partner, recorded after the departure too."""

    CASH_IMMEDIATE = ("cash_immediate", N_("Cash for immediate needs"))
    MICRO_ENTERPRISE = ("micro_enterprise", N_("Micro-enterprise support"))
    VOCATIONAL_TRAINING = ("vocational_training", N_("Vocational and technical training"))
    BUSINESS_SKILLS = ("business_skills", N_("Business skills training"))
    OTHER = ("other", N_("Other reintegration assistance"))


class GrantStatus(LabelledEnum):
    PLANNED = ("planned", N_("Planned"))
    APPROVED = ("approved", N_("Approved"))
    DISBURSED = ("disbursed", N_("Disbursed"))
    CANCELLED = ("cancelled", N_("Cancelled"))


class PaymentMethod(LabelledEnum):
    CASH = ("cash", N_("Cash in hand"))
    MOBILE_MONEY = ("mobile_money", N_("Mobile money"))


class RecipientRole(LabelledEnum):
    """Who received money paid for a minor, and signs the receipt for them."""

    PARENT = ("parent", N_("Parent"))
    GUARDIAN = ("guardian", N_("Legal guardian"))
    RELATIVE = ("relative", N_("Adult relative"))
    ESCORT = ("escort", N_("Escort"))


class ReceiptVoidReason(LabelledEnum):
    """Why a receipt was voided, printed in the language of the receipt (the details stay as typed)."""

    WRONG_AMOUNT = ("wrong_amount", N_("Wrong amount"))
    WRONG_PERSON = ("wrong_person", N_("Wrong person"))
    WRONG_GRANT = ("wrong_grant", N_("Wrong grant"))
    PRINTING_ERROR = ("printing_error", N_("Printing error"))
    OTHER = ("other", N_("Other reason"))



class FlagEffect(LabelledEnum):
    ADVISE_CHECK_IN = ("advise_check_in", N_("Show an advice at check-in"))
    ADVISE_CHECK_OUT = ("advise_check_out", N_("Show an advice at check-out"))
    BLOCK_CHECK_OUT = ("block_check_out", N_("Refuse check-out and departure"))
    BLOCK_DISBURSEMENT = ("block_disbursement", N_("Refuse cash disbursements"))
    BLOCK_TRANSFER = ("block_transfer", N_("Refuse transfers"))


class FollowUpKind(LabelledEnum):
    CONSULAR_APPOINTMENT = ("consular_appointment", N_("Consular appointment"))
    MEDICAL_REVIEW = ("medical_review", N_("Medical review"))
    FAMILY_TRACING = ("family_tracing", N_("Family tracing reply"))
    BEST_INTEREST = ("best_interest", N_("Best-interest assessment"))
    FIT_TO_TRAVEL = ("fit_to_travel", N_("Renew fit-to-travel"))
    OTHER = ("other", N_("Other task"))


class FollowUpStatus(LabelledEnum):
    OPEN = ("open", N_("Open"))
    DONE = ("done", N_("Done"))
    CANCELLED = ("cancelled", N_("Cancelled"))


class ReferralStatus(LabelledEnum):
    SENT = ("sent", N_("Sent"))
    ACCEPTED = ("accepted", N_("Accepted"))
    DECLINED = ("declined", N_("Declined"))
    DONE = ("done", N_("Done"))
    REVOKED = ("revoked", N_("Revoked"))
