"""What the commands show on a terminal: a progress bar redrawn in place, a new recovery key."""
from __future__ import annotations

import time
from pathlib import Path
from collections.abc import Callable
from typing import Any

from transit_centre.i18n import _


def show_recovery_key(db: Any, code: str, sheet: str | None) -> None:
    """The recovery key of a new encrypted database: printed once on the terminal, and as the
    recovery sheet (PDF) when asked."""
    print()
    print(_("The database is encrypted. Its recovery key (write it down or print it, and keep it in the safe; "
            "it is shown only now):"))
    print(f"    {code}")
    if sheet:
        from transit_centre.documents import render_recovery_sheet
        from transit_centre.i18n import current_language
        from transit_centre.security.permissions import Actor

        doc = render_recovery_sheet(db, Actor.system(_("command line")), code, current_language())
        Path(sheet).write_bytes(doc.pdf)
        print(_("Recovery sheet written to {path}: print it, then delete the file.").format(path=sheet))


def progress_bar(stream: Any, width: int = 40) -> Callable[[int, int], None]:
    """A progress bar redrawn in place on a terminal: ``[#####.....]  45%  1:02``."""
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        share = min(done / total, 1.0) if total else 1.0
        filled = int(width * share)
        seconds = int(time.monotonic() - started)
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {share:4.0%}  {seconds // 60}:{seconds % 60:02d}")
        stream.flush()

    return show
