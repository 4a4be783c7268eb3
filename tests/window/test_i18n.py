"""Translations: every English string has a French translation with the same placeholders,
the compiled catalogs match their sources, and formatting follows the active locale."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from transit_centre.i18n import _, country_name, countries, format_date, format_xof, set_language

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "resources" / "locale"
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}")


def _catalog(lang: str):
    with (LOCALE / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def test_french_catalog_is_complete_and_keeps_placeholders():
    missing, broken = [], []
    for message in _catalog("fr"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or "fuzzy" in message.flags:
            missing.append(ids[0])
            continue
        wanted = set(PLACEHOLDER.findall(ids[0]))
        allowed = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for s in strings:
            found = set(PLACEHOLDER.findall(s))
            # A plural form may leave the count out ("l'autre membre") but never invents a name.
            needed = wanted - {"n"} if len(ids) > 1 else wanted
            if not needed <= found <= allowed:
                broken.append((ids[0], s))
    assert missing == [], f"{len(missing)} French translations missing, e.g. {missing[:5]}"
    assert broken == []


def test_catalog_holds_every_string_of_the_code(tmp_path):
    """The committed catalog was updated after the last string was added to the code."""
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"),
                                "--no-default-keywords", "-k", "_", "-k", "N_", "-k", "ngettext:1,2",
                                "-k", "pgettext:1c,2", "-o", str(pot), str(ROOT)])
    with pot.open("rb") as fh:
        in_code = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(fh) if m.id}
    in_catalog = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in _catalog("fr") if m.id}
    assert in_code - in_catalog == set(), "run: python scripts/i18n.py extract update, then translate"


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def test_compiled_catalogs_match_sources():
    for lang in ("fr", "en"):
        po = {_key(m.id): _key(m.string) for m in _catalog(lang) if m.id}
        with (LOCALE / lang / "LC_MESSAGES" / "messages.mo").open("rb") as fh:
            mo = {_key(m.id): _key(m.string) for m in read_mo(fh) if m.id}
        translated = {k: v for k, v in po.items() if (all(v) if isinstance(v, tuple) else v)}
        assert {k: v for k, v in mo.items() if k in translated} == translated, "run: python scripts/i18n.py compile"
        assert set(translated) <= set(mo)


def test_switching_language_changes_messages_and_formats():
    set_language("fr")
    assert _("Sign in") == "Se connecter"
    assert format_xof(25000).replace("\u202f", " ").replace("\xa0", " ") == "25 000 F CFA"
    assert country_name("GN") == "Guinée"
    assert format_date(dt.date(2026, 10, 3), "long") == "3 octobre 2026"
    set_language("en")
    assert _("Sign in") == "Sign in"
    assert country_name("CI") == "Côte d’Ivoire"
    assert format_xof(25000) == "F\u202fCFA\xa025,000" or "25,000" in format_xof(25000)
    assert format_date(dt.date(2026, 10, 3), "long") == "October 3, 2026"


def test_country_list_is_sorted_in_the_active_language():
    set_language("fr")
    names = [name for _code, name in countries()]
    assert "Mali" in names and "Égypte" in names
    assert names.index("Égypte") < names.index("Fidji")  # É sorts with E, not after Z


def test_short_dates_read_day_first_in_both_languages():
    """On screen, a short date is day/month/year in English too: 12/7/26 would be read as 12 July."""
    import datetime as dt

    from transit_centre.i18n import format_date, format_datetime

    day = dt.date(2026, 12, 7)
    assert format_date(day, "short", "en") == format_date(day, "short", "fr") == "07/12/2026"
    moment = dt.datetime(2026, 12, 7, 15, 4, tzinfo=dt.timezone.utc).astimezone().replace(hour=16, minute=13)
    assert format_datetime(moment, "short", "en") == "07/12/2026 16:13"
