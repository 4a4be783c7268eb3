"""What each printed document shows: frozen dataclasses of ALREADY FORMATTED text.

The service layer (``transit_centre.documents``) loads the records, checks permissions and
formats dates, amounts and country names in the chosen language; the templates only lay the
values out. Empty strings mean "not known" and print as a dash.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Letterhead:
    """The header of every page."""

    organisation: str
    centre: str
    printed_on: str
    organisation_other: str = ""  # the name in the other language (bilingual documents)
    address: str = ""
    logo_path: str = ""  # settings organisation.logo_path; none is shipped
    printed_by: str = ""
    phone: str = ""  # "Tel. +223 … · email": how officials reach the office


@dataclass(frozen=True)
class IdentityLine:
    kind: str
    number: str
    country: str = ""
    issued: str = ""
    expires: str = ""


@dataclass(frozen=True)
class Person:
    """The identity block shared by most documents."""

    full_name: str
    case_number: str
    sex: str = ""
    date_of_birth: str = ""
    nationality: str = ""
    place_of_birth: str = ""
    photo_path: str = ""


@dataclass(frozen=True)
class RegistrationData:
    head: Letterhead
    reference: str
    person: Person
    first_name: str = ""
    last_name: str = ""
    other_names: str = ""
    languages: str = ""
    phone: str = ""
    registered_on: str = ""
    arrival: str = ""
    arrived_from: str = ""
    bed: str = ""
    household: str = ""
    documents: tuple[IdentityLine, ...] = ()
    vulnerabilities: tuple[str, ...] = ()
    consent: str = ""
    is_minor: bool = False  # on the print day: the parent or guardian signs too
    age: str = ""  # "0" for a baby, "≈ 17" when estimated
    registered_by: str = ""  # the user who registered the resident


@dataclass(frozen=True)
class ConsentData:
    head: Letterhead
    reference: str
    person: Person
    organisation: str = ""
    place_and_date: str = ""
    consent_status: str = ""
    is_minor: bool = False


@dataclass(frozen=True)
class ReturnDeclarationData:
    head: Letterhead
    reference: str
    person: Person
    case_reference: str = ""
    return_type: str = ""
    destination: str = ""  # "Mali (Mopti)"
    destination_sentence: str = ""  # "au Mali (Mopti)" / "Mali (Mopti)", as the sentence needs it
    travel_document: str = ""
    opened_on: str = ""
    caseworker: str = ""
    place_and_date: str = ""
    is_minor: bool = False


@dataclass(frozen=True)
class FitToTravelData:
    head: Letterhead
    reference: str
    person: Person
    status_code: str  # "fit" | "fit_with_escort" | "not_fit" | "expired": the colour of the decision box
    status: str  # the words in the large box ("EXPIRED: NOT VALID FOR TRAVEL" for an old decision)
    assessed_on: str = ""
    valid_until: str = ""
    provider: str = ""
    destination: str = ""
    place_and_date: str = ""
    note: str = ""  # why the decision does not cover a journey (expired, ends before the departure)


@dataclass(frozen=True)
class ReceiptData:
    head: Letterhead
    reference: str
    number: str
    person: Person
    amount_figures: str
    amount_words: str
    grant_kind: str
    issued_on: str
    cash_officer: str
    qr_payload: str
    qr_code_text: str = ""  # the checksum, printed small under the QR for reading aloud
    method: str = ""
    mobile_money_reference: str = ""
    case_reference: str = ""
    voided: bool = False
    void_note: str = ""  # "Voided: Wrong amount (details as typed)."
    replaced_by: str = ""
    beneficiary_minor: bool = False  # on the payment date: a parent, guardian or escort received it
    beneficiary_age: str = ""
    received_by: str = ""  # "Awa Traoré (parent)"
    duplicate: str = ""  # "DUPLICATA / COPY – reprinted on …" on every print after the first


@dataclass(frozen=True)
class ManifestTraveller:
    number: str
    full_name: str
    case_number: str
    sex: str = ""
    date_of_birth: str = ""
    nationality: str = ""
    document: str = ""
    flags: str = ""  # short codes explained in the legend (minor, escort, protection)


@dataclass(frozen=True)
class ManifestData:
    head: Letterhead
    reference: str
    movement_reference: str
    departure_date: str
    mode: str
    travellers: tuple[ManifestTraveller, ...]
    route: str = ""
    carrier: str = ""
    destination: str = ""
    status: str = ""
    escorts: tuple[str, ...] = ()
    totals: tuple[tuple[str, str], ...] = ()  # (label, formatted count), labels already translated
    centre_manager: str = ""
    warnings: tuple[str, ...] = ()  # travellers whose fit-to-travel does not cover the departure


@dataclass(frozen=True)
class TravelLetterData:
    """Bilingual letter for border and transport authorities: values given in both languages."""

    head: Letterhead
    reference: str
    person: Person
    document: str = ""
    destination: str = ""
    destination_sentence: str = ""  # "au Mali (Mopti)" in French, "Mali (Mopti)" after "to" in English
    destination_sentence_other: str = ""  # the same in the other language of the letter
    departure_date: str = ""
    mode: str = ""
    route: str = ""
    carrier: str = ""
    movement_reference: str = ""
    escort: str = ""
    signatory: str = ""
    place_and_date: str = ""
    contact: str = ""  # the office's address, phone and email, for officials to call


@dataclass(frozen=True)
class BadgeEntry:
    full_name: str
    case_number: str
    qr_payload: str
    nationality: str = ""
    sex: str = ""
    date_of_birth: str = ""
    photo_path: str = ""
    valid_text: str = ""  # "Arrived on …"
    valid_until: str = ""  # "Valid until …": a card is not an identity document for ever


@dataclass(frozen=True)
class BadgeData:
    head: Letterhead
    reference: str
    badges: tuple[BadgeEntry, ...]


@dataclass(frozen=True)
class OccupancyRow:
    room: str
    bed: str
    full_name: str
    case_number: str
    sex: str = ""
    age: str = ""
    nationality: str = ""
    arrival: str = ""
    note: str = ""


@dataclass(frozen=True)
class OccupancyData:
    head: Letterhead
    reference: str
    night_of: str
    rows: tuple[OccupancyRow, ...]
    summary: tuple[tuple[str, str], ...] = field(default_factory=tuple)
