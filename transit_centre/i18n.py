"""Translations and locale-aware formatting, in one place.

Source strings are English; French is the default language. Use ``_`` for text shown now,
``N_`` to mark text translated later (labels of enums, built at import time), ``ngettext``
for plurals and ``pgettext`` when one English word has two French translations.
Placeholders use ``str.format`` names, never f-strings inside ``_()``.
"""
from __future__ import annotations

import datetime as dt
import gettext
import re
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

DOMAIN = "messages"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE


def locale_dir() -> Path:
    from transit_centre.paths import resources_dir

    return resources_dir() / "locale"


def set_language(language: str) -> None:
    """Switch the active language (``fr`` or ``en``) for messages and formatting."""
    global _translations, _language
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    _translations = gettext.translation(
        DOMAIN, localedir=str(locale_dir()), languages=[language], fallback=True
    )
    _language = language


def current_language() -> str:
    return _language


def current_locale() -> Locale:
    return Locale.parse(_language)


def _(message: str) -> str:
    return _translations.gettext(message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _translations.pgettext(context, message)


@lru_cache(maxsize=8)
def _catalog_of(language: str, folder: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=folder, languages=[language], fallback=True)


def translate(message: str, language: str) -> str:
    """``message`` in ``language`` whatever the active language (bilingual reports and papers)."""
    return _catalog_of(language if language in LANGUAGES else DEFAULT_LANGUAGE, str(locale_dir())).gettext(message)


# --- formatting -------------------------------------------------------------------------

# "short" is day/month/year in both languages: English's own short form (12/7/26) is read as
# the 12th of July in Mali.
SHORT_DATE = "dd/MM/yyyy"
SHORT_DATETIME = "dd/MM/yyyy HH:mm"


def format_date(value: dt.date | None, fmt: str = "medium", language: str | None = None) -> str:
    if value is None:
        return ""
    return babel_dates.format_date(value, format=SHORT_DATE if fmt == "short" else fmt, locale=language or _language)


def format_datetime(value: dt.datetime | None, fmt: str = "medium", language: str | None = None) -> str:
    """Format an aware UTC datetime in the machine's local time zone."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return babel_dates.format_datetime(value.astimezone(), format=SHORT_DATETIME if fmt == "short" else fmt,
                                       locale=language or _language)


def format_number(value: int | float | None, language: str | None = None) -> str:
    if value is None:
        return ""
    return babel_numbers.format_decimal(value, locale=language or _language)


def format_percent(value: float | None, language: str | None = None) -> str:
    if value is None:
        return ""
    return babel_numbers.format_percent(value, format="#,##0.0%", locale=language or _language)


@lru_cache(maxsize=8)
def _currency_pattern(language: str) -> str:
    """The locale's currency pattern with CLDR's currency spacing: a symbol that ends or starts
    with a letter ("F CFA") is kept apart from the digits by a no-break space, which Babel's
    own formatting leaves out ("F CFA25,000" in English)."""
    pattern = Locale.parse(language).currency_formats["standard"].pattern.split(";")[0]
    pattern = re.sub(r"¤(?=[#0])", "¤\u00a0", pattern)
    return re.sub(r"(?<=[#0])¤", "\u00a0¤", pattern)


def format_xof(amount: int | None, language: str | None = None) -> str:
    """An amount of West African CFA francs (no minor unit): ``25 000 F CFA`` in French,
    ``F CFA 25,000`` in English."""
    if amount is None:
        return ""
    language = language or _language
    return babel_numbers.format_currency(amount, "XOF", format=_currency_pattern(language), locale=language,
                                         currency_digits=True)


@lru_cache(maxsize=8)
def _territories(language: str) -> dict[str, str]:
    names = Locale.parse(language).territories
    # ISO 3166-1 alpha-2 codes only (CLDR also lists regions such as "419").
    return {code: name for code, name in names.items() if len(code) == 2 and code.isalpha()
            and code not in {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "XK"}}


def country_name(code: str | None, language: str | None = None) -> str:
    if not code:
        return ""
    return _territories(language or _language).get(code.upper(), code.upper())


def countries(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs in the active language, sorted by name the way people read them."""
    import unicodedata

    def key(item: tuple[str, str]) -> str:
        return unicodedata.normalize("NFKD", item[1]).encode("ascii", "ignore").decode().lower()

    return sorted(_territories(language or _language).items(), key=key)


# English names read with "the" in a sentence ("to the Gambia"), and names CLDR writes for lists
# ("Congo - Kinshasa") that a letter to officials writes in full.
_EN_THE = frozenset({"AE", "BS", "CF", "CK", "CC", "DO", "FK", "FO", "GM", "IC", "KM", "KY", "MH", "MP", "MV",
                     "NL", "PH", "PS", "SB", "SC", "TC", "UM", "US", "GB", "VG", "VI", "BQ", "HM", "AX", "TF",
                     "IO", "VA", "CD", "CG"})
_EN_SENTENCE_NAMES = {"CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo",
                      "HK": "Hong Kong", "MO": "Macao", "VA": "Vatican City State"}


@lru_cache(maxsize=1)
def _french_phrases() -> dict[str, str]:
    import json

    from transit_centre.paths import resources_dir

    path = resources_dir() / "reference" / "country_phrases_fr.json"
    return json.loads(path.read_text(encoding="utf-8"))


def country_phrase(code: str | None, language: str | None = None) -> str:
    """A country as a sentence writes it after a verb of going: "au Mali", "en Guinée",
    "aux Comores", "à Madagascar" in French; "Mali", "the Gambia" after "to" in English."""
    if not code:
        return ""
    code = code.upper()
    language = language or _language
    if language == "fr":
        return _french_phrases().get(code) or country_name(code, "fr")
    name = _EN_SENTENCE_NAMES.get(code) or country_name(code, language)
    return f"the {name}" if code in _EN_THE else name


def is_country_code(code: str | None) -> bool:
    return bool(code) and code.upper() in _territories("en")


set_language(DEFAULT_LANGUAGE)
