"""Logging to a rotating file in the user's log folder (never to the user's screen)."""
from __future__ import annotations

import logging
import logging.handlers

from transit_centre.paths import log_dir

_configured = False


def log_file():
    return log_dir() / "transit-centre.log"


def setup_logging(level: int = logging.INFO) -> None:
    global _configured
    if _configured:
        return
    handler = logging.handlers.RotatingFileHandler(log_file(), maxBytes=2_000_000, backupCount=5,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    _configured = True
