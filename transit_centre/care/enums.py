"""Vocabularies of the services (stored in ``ServiceRecord.subtype`` / ``details``).

Plain Python (no SQLAlchemy, no Qt): the screens use them for their choices.
"""
from __future__ import annotations

from transit_centre.enums import LabelledEnum, ServiceKind
from transit_centre.i18n import N_


class MealType(LabelledEnum):
    MEALS = ("meal", N_("Meals of the day"))
    BREAKFAST = ("breakfast", N_("Breakfast"))
    LUNCH = ("lunch", N_("Lunch"))
    DINNER = ("dinner", N_("Dinner"))
    FOOD_RATION = ("food_ration", N_("Food ration"))


class NfiKit(LabelledEnum):
    HYGIENE = ("hygiene_kit", N_("Hygiene kit"))
    DIGNITY = ("dignity_kit", N_("Dignity kit"))
    CLOTHING = ("clothing_kit", N_("Clothing kit"))
    BLANKET_MAT = ("blanket_mat", N_("Blanket and mat"))
    BABY = ("baby_kit", N_("Baby kit"))
    MOSQUITO_NET = ("mosquito_net", N_("Mosquito net"))
    SHOES = ("shoes", N_("Shoes"))
    OTHER = ("other_nfi", N_("Other non-food items"))


class ConsultationType(LabelledEnum):
    """Medical subtypes; ``fit_to_travel`` is recorded with its own form."""

    CURATIVE = ("curative", N_("Curative care"))
    VACCINATION = ("vaccination", N_("Vaccination"))
    SCREENING = ("screening", N_("Screening"))
    REFERRAL_HEALTH = ("referral_health", N_("Referral to a health facility"))
    FIT_TO_TRAVEL = ("fit_to_travel", N_("Fit-to-travel assessment"))


class FitStatus(LabelledEnum):
    FIT = ("fit", N_("Fit to travel"))
    NOT_FIT = ("not_fit", N_("Not fit to travel"))
    FIT_WITH_ESCORT = ("fit_with_escort", N_("Fit to travel with escort"))


class VaccineKind(LabelledEnum):
    """What a vaccination protects against (``details["vaccine_kind"]``): reported by kind and sex."""

    COVID19 = ("covid19", N_("COVID-19"))
    MEASLES = ("measles", N_("Measles"))
    POLIO = ("polio", N_("Polio"))
    PENTAVALENT = ("pentavalent", N_("Pentavalent (diphtheria, tetanus, pertussis, hepatitis B, Hib)"))
    BCG = ("bcg", N_("BCG (tuberculosis)"))
    YELLOW_FEVER = ("yellow_fever", N_("Yellow fever"))
    MENINGITIS = ("meningitis", N_("Meningitis"))
    TETANUS = ("tetanus", N_("Tetanus"))
    OTHER = ("other", N_("Other vaccine"))


# Words of a vaccine's name (French or English, folded) that tell its kind, for vaccinations
# recorded with a name only (before the kind was asked, or from a list): a regular expression
# each, whole words for the abbreviations.
_VACCINE_WORDS = (
    (VaccineKind.COVID19, r"covid|sars-cov|coronavirus"),
    (VaccineKind.MEASLES, r"rougeole|measles|\b(var|ror|mmr|mr)\b"),
    (VaccineKind.POLIO, r"polio|\b(vpo|vpi|opv|ipv)\b"),
    (VaccineKind.PENTAVALENT, r"penta"),
    (VaccineKind.BCG, r"\bbcg\b"),
    (VaccineKind.YELLOW_FEVER, r"fievre jaune|yellow fever|\bvaa\b"),
    (VaccineKind.MENINGITIS, r"mening|menafrivac"),
    (VaccineKind.TETANUS, r"tetanos|tetanus|\b(vat|td)\b"),
)


def vaccine_kind_of(name: str | None) -> VaccineKind:
    """The kind of a vaccine given by name ("COVID-19 Sinopharm", "VAR (rougeole)"); OTHER when
    the name says nothing known."""
    import re
    import unicodedata

    text = "".join(c for c in unicodedata.normalize("NFKD", name or "") if not unicodedata.combining(c)).casefold()
    for kind, pattern in _VACCINE_WORDS:
        if re.search(pattern, text):
            return kind
    return VaccineKind.OTHER


class MhpssType(LabelledEnum):
    COUNSELLING = ("counselling", N_("Individual counselling"))
    PFA = ("pfa", N_("Psychological first aid"))
    ASSESSMENT = ("psychosocial_assessment", N_("Psychosocial assessment"))
    GROUP = ("group_activity", N_("Group activity"))
    RECREATIONAL = ("recreational_activity", N_("Recreational activity"))
    REFERRAL = ("referral_specialised", N_("Referral for specialised care"))


MHPSS_INDIVIDUAL = (MhpssType.COUNSELLING, MhpssType.PFA, MhpssType.ASSESSMENT)
MHPSS_GROUP = (MhpssType.GROUP, MhpssType.RECREATIONAL)


class CounsellingType(LabelledEnum):
    INDIVIDUAL = ("individual", N_("Individual counselling on return options"))
    GROUP = ("group", N_("Group information session on return options"))


class ReferralArea(LabelledEnum):
    """Why a resident is referred to a partner under the national referral mechanism."""

    PROTECTION = ("protection", N_("Protection"))
    CHILD_PROTECTION = ("child_protection", N_("Child protection"))
    HEALTH = ("health", N_("Health"))
    PSYCHOSOCIAL = ("psychosocial", N_("Psychosocial support"))
    LEGAL = ("legal", N_("Legal assistance"))
    GBV = ("gbv", N_("Gender-based violence"))
    SHELTER = ("shelter", N_("Shelter"))
    LIVELIHOOD = ("livelihood", N_("Livelihood and education"))
    OTHER = ("other", N_("Other"))


class ReferralOutcome(LabelledEnum):
    PENDING = ("pending", N_("Pending"))
    ACCEPTED = ("accepted", N_("Accepted by the partner"))
    SERVICE_RECEIVED = ("service_received", N_("Service received"))
    DECLINED = ("declined", N_("Declined by the partner"))
    REFUSED = ("refused", N_("Refused by the resident"))
    NO_RESPONSE = ("no_response", N_("No response"))


class PartnerSector(LabelledEnum):
    GOVERNMENT = ("government", N_("Government service"))
    NGO = ("ngo", N_("NGO or association"))
    UN = ("un", N_("United Nations agency"))
    HEALTH = ("health_facility", N_("Health facility"))
    OTHER = ("other", N_("Other"))


# Which subtype vocabulary each kind uses (for labels and validation).
SUBTYPES: dict[ServiceKind, type[LabelledEnum]] = {
    ServiceKind.MEAL: MealType,
    ServiceKind.NFI_KIT: NfiKit,
    ServiceKind.MEDICAL: ConsultationType,
    ServiceKind.MHPSS: MhpssType,
    ServiceKind.COUNSELLING: CounsellingType,
    ServiceKind.REFERRAL: ReferralArea,
}


def subtype_label(kind: ServiceKind, subtype: str | None) -> str:
    """The translated label of a stored subtype code (the code itself if unknown)."""
    if not subtype:
        return ""
    vocabulary = SUBTYPES.get(ServiceKind(kind))
    if vocabulary is None:
        return subtype
    try:
        return vocabulary(subtype).label
    except ValueError:
        return subtype
