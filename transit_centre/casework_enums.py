"""Vocabularies of casework depth (flags, follow-ups, roll-calls, referral lifecycle)."""
from __future__ import annotations

from transit_centre.enums import LabelledEnum
from transit_centre.i18n import N_


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
