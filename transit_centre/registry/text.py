"""The folded text a resident is found by (search-as-you-type and duplicate detection)."""
from __future__ import annotations

import re
from collections.abc import Iterable

from transit_centre.common import fold

_NOT_DIGIT = re.compile(r"\D")


def phone_digits(phone: str | None) -> str:
    return _NOT_DIGIT.sub("", phone or "")


def search_text(case_number: str, first_name: str, last_name: str, other_names: str | None,
                phone: str | None, document_numbers: Iterable[str | None] = ()) -> str:
    """Space-separated folded tokens: case number, names, phone digits, document numbers."""
    parts = [case_number.lower(), fold(first_name), fold(last_name), fold(other_names),
             phone_digits(phone)]
    parts += [fold(n).replace(" ", "") for n in document_numbers if n]
    return " ".join(p for p in parts if p)
