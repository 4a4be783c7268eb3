"""Logging to a rotating file in the user's log folder (never to the user's screen)."""
from __future__ import annotations

import logging

from transit_centre.logfile import SharedRotatingFileHandler
from transit_centre.paths import log_dir

_configured = False


def log_file():
    return log_dir() / "transit-centre.log"


def setup_logging(level: int = logging.INFO) -> None:
    global _configured
    if _configured:
        return
    # Shared by the window and the commands run beside it (a refused rollover is retried later).
    handler = SharedRotatingFileHandler(log_file(), max_bytes=2_000_000, backup_count=5)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    _configured = True
