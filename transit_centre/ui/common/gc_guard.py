"""Run Python's cyclic garbage collector on the GUI thread only.

Python collects cycles in whichever thread happens to allocate when a threshold is reached. When
that is a background task (``ui/common/worker.py``) and the cycle holds a Qt object made on the GUI
thread, Qt destroys the object from the wrong thread and the process dies (a segmentation fault
seen in the test suite, "Garbage-collecting" in the worker's stack). So automatic collection is
switched off and a timer on the GUI thread collects, by generation, as the thresholds say.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class MainThreadCollector(QObject):
    INTERVAL_MS = 500

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainThreadCollector")
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(self.INTERVAL_MS)

    def check(self) -> None:
        collect_if_due(self.threshold)


def collect_if_due(threshold: tuple[int, ...] = (700, 10, 10)) -> None:
    """Collect the oldest generation whose count passed its threshold (as gc itself would)."""
    counts = gc.get_count()
    if counts[0] <= threshold[0]:
        return
    generation = 0
    if counts[1] > threshold[1]:
        generation = 1
        if counts[2] > threshold[2]:
            generation = 2
    gc.collect(generation)


_collector: MainThreadCollector | None = None


def install(app: QObject) -> MainThreadCollector:
    """Install once per application (idempotent)."""
    global _collector
    if _collector is None:
        _collector = MainThreadCollector(app)
    return _collector
