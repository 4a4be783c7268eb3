"""Background tasks (ui/common/worker.py): a task that outlives its window or the application ends
quietly, and quitting waits for running tasks."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import shiboken6

from transit_centre.ui.common import worker

QUIT_WHILE_RUNNING = textwrap.dedent("""
    import time
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow
    from transit_centre.ui.common.worker import run_task

    app = QApplication([])
    window = QMainWindow()
    window.show()

    def slow(report):
        time.sleep(0.8)
        report(1, 1)
        return "late"

    run_task(window, slow, lambda result: print("delivered", result))
    QTimer.singleShot(50, window.close)
    QTimer.singleShot(100, app.quit)
    app.exec()
    print("quit", flush=True)
""")


def test_quitting_while_a_task_finishes_prints_no_traceback(tmp_path):
    """The task ends after Python tore the application down: its signals are gone."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TRANSIT_CENTRE_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", QUIT_WHILE_RUNNING], capture_output=True, text=True,
                          timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert "quit" in done.stdout and "delivered" not in done.stdout
    assert "Signal source has been deleted" not in done.stderr
    assert "Traceback" not in done.stderr, done.stderr


def test_a_task_whose_signals_were_deleted_drops_its_result(qapp):
    signals = worker._Signals()
    seen: list[bool] = []

    def fn(report):
        seen.append(report(1, 2))
        return 42

    runnable = worker._Runnable(fn, signals)
    shiboken6.delete(signals)  # what tearing the application down does to it
    runnable.run()  # raised RuntimeError("Signal source has been deleted") before
    assert seen == [False] and runnable.cancelled

    failing = worker._Runnable(lambda report: 1 / 0, worker._Signals())
    shiboken6.delete(failing.signals)
    failing.run()


def test_shutdown_cancels_running_tasks_and_waits_for_them(qtbot):
    started = threading.Event()
    stopped: list[bool] = []

    def patient(report):
        started.set()
        while report(0, 0):
            threading.Event().wait(0.01)
        stopped.append(True)
        raise worker.Cancelled()

    worker.run_task(None, patient, on_error=lambda exc: None)
    assert started.wait(10)
    assert worker.shutdown(10_000)
    assert stopped == [True]
    qtbot.waitUntil(lambda: not worker.Task._live, timeout=5000)
