"""Arrival lists: register a group of residents from a partner's XLSX or CSV list.

Three steps, as on screen: read the file (``read_list``), map its columns to resident fields
(``guess_mapping`` proposes one) and preview every row (``preview``: invalid rows with their
reason, likely duplicates of residents already registered or of another row of the list), then
register only the valid rows, all in ONE transaction (``import_rows``). Validation is the
registry's own (``validate_resident``), so a listed person is held to the same rules as one
typed in the registration form.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transit_centre.common import fold, get, next_number
from transit_centre.db.engine import Database
from transit_centre.db.models import Centre, Resident
from transit_centre.errors import DomainError, RuleViolation, ValidationError
from transit_centre.i18n import N_, _, countries
from transit_centre.registry.duplicates import find_duplicates
from transit_centre.registry.inputs import ResidentInput, validate_resident
from transit_centre.registry.residents import refresh_search_text
from transit_centre.security.permissions import Actor, Permission

MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024

# Resident fields a column can be mapped to, with the header words that suggest them.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "last_name": (N_("Last name"), ("nom", "last name", "surname", "nom de famille", "family name")),
    "first_name": (N_("First name"), ("prenom", "prenoms", "first name", "given name", "given names")),
    "sex": (N_("Sex"), ("sexe", "sex", "genre", "gender")),
    "date_of_birth": (N_("Date of birth"), ("date de naissance", "date of birth", "dob", "naissance", "ddn")),
    "estimated_age": (N_("Age"), ("age", "age estime", "estimated age")),
    "nationality": (N_("Nationality"), ("nationalite", "nationality", "pays", "country")),
    "phone": (N_("Phone"), ("telephone", "tel", "phone", "contact")),
    "place_of_birth": (N_("Place of birth"), ("lieu de naissance", "place of birth")),
    "languages": (N_("Languages"), ("langues", "langue", "languages", "language")),
}
REQUIRED = ("last_name", "first_name", "sex")
_SEX = {"m": "M", "h": "M", "homme": "M", "male": "M", "masculin": "M", "man": "M", "garcon": "M",
        "f": "F", "femme": "F", "female": "F", "feminin": "F", "woman": "F", "fille": "F"}


@dataclass(frozen=True)
class ArrivalList:
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    file_name: str


@dataclass(frozen=True)
class PreviewRow:
    line: int                     # line in the file (header is line 1)
    values: dict[str, str]        # mapped fields as shown
    errors: tuple[str, ...]       # why the row cannot be imported
    duplicates: tuple[str, ...]   # likely duplicates (case number and name, or another line)
    data: ResidentInput | None    # what will be registered

    @property
    def valid(self) -> bool:
        return not self.errors and self.data is not None


@dataclass(frozen=True)
class ArrivalImportResult:
    imported: int
    skipped: int
    case_numbers: tuple[str, ...]


def read_list(path: Path) -> ArrivalList:
    """The first sheet of an XLSX file or a CSV file (``;``, ``,`` or tab; UTF-8 or cp1252)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise DomainError(_("The file is too large for an arrival list (at most 5 MB)."))
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            table = _xlsx_rows(path)
        elif path.suffix.lower() in (".csv", ".txt"):
            from transit_centre.csvtext import read_table

            table = read_table(path.read_bytes())  # UTF-8 or cp1252 (Excel FR), ";" or ","
        else:
            raise DomainError(_("Choose an XLSX or CSV file."))
    except DomainError:
        raise
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same clear message
        raise DomainError(_("The file {file} cannot be read as a list: {reason}").format(
            file=path.name, reason=str(exc)[:200])) from exc
    table = [row for row in table if any(c not in (None, "") for c in row)]
    if not table:
        raise DomainError(_("The file is empty."))
    if len(table) - 1 > MAX_ROWS:
        raise DomainError(_("The list has more than {n} rows; split it.").format(n=MAX_ROWS))
    headers = tuple("" if h is None else str(h).strip() for h in table[0])
    return ArrivalList(headers, tuple(table[1:]), path.name)


MAX_XLSX_UNPACKED = 50 * 1024 * 1024  # a 5 MB file that unpacks to more is not a list of people
MAX_COLUMNS = 60


def _xlsx_rows(path: Path) -> list[tuple]:
    """The sheet's rows, streamed: reading stops one row past the limit (a sheet of a million rows
    is refused at once, not parsed), and a file that unpacks to far more than it weighs is refused
    before openpyxl opens it."""
    import zipfile

    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED:
            raise DomainError(_("The file is too large for an arrival list (at most 5 MB)."))
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        table: list[tuple] = []
        read = 0
        for row in wb.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS):
            read += 1
            if any(c not in (None, "") for c in row):
                table.append(tuple(row))
            if len(table) > MAX_ROWS + 1 or read > 10 * MAX_ROWS:  # header + rows, blank lines included
                raise DomainError(_("The list has more than {n} rows; split it.").format(n=MAX_ROWS))
        return table
    finally:
        wb.close()


def guess_mapping(headers: Sequence[str]) -> dict[str, int]:
    """Field -> column index, from the header words (French or English, accents ignored)."""
    mapping: dict[str, int] = {}
    folded = [fold(h).replace("_", " ").replace("-", " ").strip(" .:") for h in headers]
    for field, (_label, words) in FIELDS.items():
        for i, header in enumerate(folded):
            if header in words and i not in mapping.values():
                mapping[field] = i
                break
    return mapping


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _country(value: str) -> str | None:
    text = value.strip()
    if not text:
        return None
    if len(text) == 2:
        return text.upper()
    wanted = fold(text)
    for language in ("fr", "en"):
        for code, name in countries(language):
            if fold(name) == wanted:
                return code
    return "??"  # refused by the registry's validation with its own message


def _row_input(row: tuple[Any, ...], mapping: dict[str, int], centre_id: uuid.UUID,
               registered_on: dt.date) -> tuple[dict[str, str], list[str], ResidentInput | None]:
    def cell(field: str) -> Any:
        index = mapping.get(field)
        return row[index] if index is not None and index < len(row) else None

    values = {field: _text(cell(field)) for field in mapping}
    errors: list[str] = []
    sex = _SEX.get(fold(values.get("sex", "")))
    if values.get("sex") and sex is None:
        errors.append(_("Sex: write M or F."))
    dob = None
    if values.get("date_of_birth"):
        try:
            dob = _parse_date(cell("date_of_birth"))
        except ValueError:
            errors.append(_("Date of birth: not a date (write DD/MM/YYYY)."))
    age: Any = values.get("estimated_age") or None
    if age is not None:
        try:
            age = int(float(age.replace(",", ".")))
        except ValueError:
            errors.append(_("Age: not a number."))
            age = None
    data = ResidentInput(
        first_name=values.get("first_name"), last_name=values.get("last_name"), sex=sex,
        date_of_birth=dob, estimated_age=age, nationality=_country(values.get("nationality", "")),
        phone=values.get("phone") or None, place_of_birth=values.get("place_of_birth") or None,
        languages=values.get("languages") or None, registered_on=registered_on, centre_id=centre_id)
    if errors:
        return values, errors, None
    try:
        validate_resident(data, today=registered_on)
    except ValidationError as exc:
        labels = {k: _(v[0]) for k, v in FIELDS.items()}
        return values, [f"{labels.get(f, f)}: {m}" if f in labels else m for f, m in exc.errors.items()], None
    return values, [], data


def preview(db: Database, actor: Actor, table: ArrivalList, mapping: dict[str, int], centre_id: uuid.UUID | None,
            registered_on: dt.date | None = None) -> tuple[PreviewRow, ...]:
    """Check every row; nothing is written."""
    centre_id = centre_id or actor.current_centre_id
    actor.require(Permission.RESIDENT_WRITE, centre_id)
    if centre_id is None:
        raise RuleViolation(_("Choose the centre the residents are registered in."))
    missing = [_(FIELDS[f][0]) for f in REQUIRED if f not in mapping]
    if "date_of_birth" not in mapping and "estimated_age" not in mapping:
        missing.append(_("Date of birth or age"))
    if missing:
        raise ValidationError({"mapping": _("Choose the column of: {fields}.").format(fields=", ".join(missing))})
    registered_on = registered_on or dt.date.today()
    if registered_on > dt.date.today():
        raise ValidationError({"registered_on": _("The registration date cannot be in the future.")})
    result: list[PreviewRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in enumerate(table.rows, start=2):
        values, errors, data = _row_input(row, mapping, centre_id, registered_on)
        duplicates: list[str] = []
        if data is not None:
            key = (fold(data.first_name), fold(data.last_name), values.get("date_of_birth", ""))
            if key in seen:
                duplicates.append(_("Same person as line {line} of the list").format(line=seen[key]))
            seen.setdefault(key, line)
            for c in find_duplicates(db, actor, data.first_name, data.last_name, data.sex, data.date_of_birth,
                                     data.nationality)[:3]:
                duplicates.append(f"{c.case_number} {c.full_name}")
        result.append(PreviewRow(line, values, tuple(errors), tuple(duplicates), data))
    return tuple(result)


def import_rows(db: Database, actor: Actor, rows: Sequence[PreviewRow], centre_id: uuid.UUID | None, *,
                include_duplicates: bool = False) -> ArrivalImportResult:
    """Register the valid rows (likely duplicates only when asked) in one transaction."""
    centre_id = centre_id or actor.current_centre_id
    actor.require(Permission.RESIDENT_WRITE, centre_id)
    chosen = [r for r in rows if r.valid and (include_duplicates or not r.duplicates)]
    cleaned = [validate_resident(r.data, today=r.data.registered_on) for r in chosen if r.data is not None]
    numbers: list[str] = []
    with db.transaction(actor) as s:
        centre = get(s, Centre, centre_id, _("centre"))
        if not centre.active:
            raise RuleViolation(_("This centre is closed; residents cannot be registered in it."))
        for clean in cleaned:
            year = clean.registered_on.year
            number = f"{centre.code}-{year}-{next_number(s, centre_id, 'case', year):05d}"
            resident = Resident(
                centre_id=centre_id, case_number=number, registered_on=clean.registered_on,
                created_by=actor.user_id, archived=False, consent_given=False,
                first_name=clean.first_name, last_name=clean.last_name, other_names=clean.other_names,
                sex=clean.sex, date_of_birth=clean.date_of_birth, dob_estimated=clean.dob_estimated,
                nationality=clean.nationality, place_of_birth=clean.place_of_birth,
                languages=clean.languages, phone=clean.phone, notes=clean.notes)
            s.add(resident)
            s.flush()
            refresh_search_text(s, resident)
            numbers.append(number)
        s.flush()
    return ArrivalImportResult(len(numbers), len(rows) - len(numbers), tuple(numbers))
