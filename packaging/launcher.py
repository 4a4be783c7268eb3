"""Entry point of the PyInstaller build: both executables run ``transit_centre.cli.main``.

``TransitCentre`` (windowed) is started without arguments and opens the application window;
``transit-centre`` (console) takes the same commands as the installed ``transit-centre``.
"""
from __future__ import annotations

import multiprocessing
import sys

from transit_centre.cli.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
