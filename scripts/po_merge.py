"""Merge French translations from JSON files into the French catalog.

``python scripts/po_merge.py NEW.json`` — the file maps an English msgid to its French text (a
list of two strings for plural entries; key "context\\x04msgid" for pgettext). Run
``scripts/i18n.py extract update`` first so the entries exist, then ``compile`` after. Prints
the msgids of the files that are not in the catalog (typos, removed strings).

The catalog (``resources/locale/fr/LC_MESSAGES/messages.po``) is the one home of the
translations: a JSON file is a way to write new ones in bulk, merged then thrown away.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "resources" / "locale" / "fr" / "LC_MESSAGES" / "messages.po"


def main(paths: list[str]) -> int:
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="fr")
    missing = []
    for path in paths:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        for key, value in data.items():
            context = None
            msgid = key
            if "\x04" in key:
                context, msgid = key.split("\x04", 1)
            message = None
            for m in catalog:
                mid = m.id[0] if isinstance(m.id, tuple) else m.id
                if mid == msgid and m.context == context:
                    message = m
                    break
            if message is None:
                missing.append(key)
                continue
            if isinstance(message.id, tuple):
                message.string = tuple(value) if isinstance(value, list) else (value, value)
            else:
                message.string = value
            message.flags.discard("fuzzy")
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_by_file=True)
    for key in missing:
        print("not in catalog:", repr(key))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
