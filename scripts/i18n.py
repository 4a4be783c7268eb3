"""Translation catalogs: ``python scripts/i18n.py extract|update|compile|all``.

extract: scan the code for _(), N_(), ngettext(), pgettext() into resources/locale/messages.pot
update:  merge the template into the French and English catalogs (new entries are empty)
compile: write the .mo files the application loads (committed, so a plain install works)
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "resources" / "locale"
POT = LOCALE / "messages.pot"
KEYWORDS = ["-k", "_", "-k", "N_", "-k", "ngettext:1,2", "-k", "pgettext:1c,2"]


def run(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    """Paths in the catalogs are relative to the repository (the same on every machine)."""
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        run("extract", "-F", "babel.cfg", "--no-default-keywords", *KEYWORDS,
            "--sort-by-file", "--project=Transit Centre",
            "--msgid-bugs-address=", "-o", str(POT), ".")
    finally:
        os.chdir(here)


def update() -> None:
    for lang in ("fr", "en"):
        po = LOCALE / lang / "LC_MESSAGES" / "messages.po"
        if po.exists():
            run("update", "-i", str(POT), "-d", str(LOCALE), "-l", lang, "--no-fuzzy-matching")
        else:
            run("init", "-i", str(POT), "-d", str(LOCALE), "-l", lang)


def compile_() -> None:
    run("compile", "-d", str(LOCALE), "--statistics")


if __name__ == "__main__":
    steps = sys.argv[1:] or ["all"]
    for step in steps:
        if step in ("extract", "all"):
            extract()
        if step in ("update", "all"):
            update()
        if step in ("compile", "all"):
            compile_()
