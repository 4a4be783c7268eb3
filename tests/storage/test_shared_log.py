"""The log file is written by the window and by commands run beside it: a rollover refused
because another process holds the file (Windows) never loses a message and is retried later."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from transit_centre.logfile import SharedRotatingFileHandler

ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _logger(handler: logging.Handler, name: str) -> logging.Logger:
    logger = logging.getLogger(f"tc-test-log.{name}")
    logger.propagate = False
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    return logger


def _all_text(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("tc.log*")))


def test_rolls_over_like_the_standard_handler(tmp_path):
    handler = SharedRotatingFileHandler(tmp_path / "tc.log", max_bytes=300, backup_count=50)
    log = _logger(handler, "plain")
    for i in range(40):
        log.info("message %03d with some words to fill the file", i)
    handler.close()
    assert (tmp_path / "tc.log.1").exists() and (tmp_path / "tc.log").stat().st_size < 300
    text = _all_text(tmp_path)
    assert all(f"message {i:03d}" in text for i in range(40))


def test_a_refused_rollover_keeps_writing_and_is_retried_later(tmp_path):
    clock = Clock()
    handler = SharedRotatingFileHandler(tmp_path / "tc.log", max_bytes=200, backup_count=3, clock=clock)
    errors = []
    handler.handleError = lambda record: errors.append(record)  # type: ignore[method-assign]

    def refuse(source: str, dest: str) -> None:
        # What Windows answers while another process has the file open.
        raise PermissionError(13, "The process cannot access the file because it is being used by "
                                  "another process", source)

    handler.rotator = refuse
    log = _logger(handler, "refused")
    for i in range(30):
        log.info("line %02d of the window's log, long enough", i)
    assert errors == [] and handler.refused_rollovers == 1  # one attempt, then a pause
    assert not (tmp_path / "tc.log.1").exists()
    assert all(f"line {i:02d}" in (tmp_path / "tc.log").read_text(encoding="utf-8") for i in range(30))

    clock.now += handler.retry_seconds + 1  # later: the other process has ended
    handler.rotator = None
    log.info("after the other process ended")
    handler.close()
    assert errors == [] and (tmp_path / "tc.log.1").exists()
    assert "after the other process ended" in (tmp_path / "tc.log").read_text(encoding="utf-8")
    assert all(f"line {i:02d}" in _all_text(tmp_path) for i in range(30))


@pytest.mark.skipif(sys.platform == "win32", reason="Windows does not let another process rename an open file")
def test_follows_a_rollover_made_by_another_process(tmp_path):
    handler = SharedRotatingFileHandler(tmp_path / "tc.log", max_bytes=10_000, backup_count=3)
    log = _logger(handler, "follow")
    log.info("before")
    os.replace(tmp_path / "tc.log", tmp_path / "tc.log.1")  # the other process rotated
    (tmp_path / "tc.log").write_text("other process\n", encoding="utf-8")
    log.info("after")
    handler.close()
    assert (tmp_path / "tc.log.1").read_text(encoding="utf-8").splitlines() == ["before"]
    assert (tmp_path / "tc.log").read_text(encoding="utf-8").splitlines() == ["other process", "after"]


WRITER = textwrap.dedent("""
    import logging, sys, time
    sys.path.insert(0, sys.argv[1])
    from transit_centre.logfile import SharedRotatingFileHandler
    handler = SharedRotatingFileHandler(sys.argv[2], max_bytes=2000, backup_count=200)
    handler.retry_seconds = 0.05
    log = logging.getLogger("writer")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    for i in range(300):
        log.info("%s %03d padding padding padding", sys.argv[3], i)
        if i % 50 == 0:
            time.sleep(0.01)
    handler.close()
""")


def test_two_processes_write_the_same_log_without_errors_or_lost_lines(tmp_path):
    """On Windows the rollovers are refused while the other process writes; elsewhere they succeed."""
    log = tmp_path / "tc.log"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(ROOT), str(log), name],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("window", "command")]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert all("Logging error" not in err for _out, err in outputs), outputs
    text = _all_text(tmp_path)
    for name in ("window", "command"):
        missing = [i for i in range(300) if f"{name} {i:03d}" not in text]
        assert missing == [], (name, missing[:10])


@pytest.mark.skipif(sys.platform != "win32", reason="Windows file sharing")
def test_rollover_while_another_handle_holds_the_file_on_windows(tmp_path):
    handler = SharedRotatingFileHandler(tmp_path / "tc.log", max_bytes=200, backup_count=3)
    errors = []
    handler.handleError = lambda record: errors.append(record)  # type: ignore[method-assign]
    log = _logger(handler, "windows")
    log.info("first")
    with open(tmp_path / "tc.log", "a", encoding="utf-8"):  # as the other process holds it
        for i in range(20):
            log.info("held %02d, the rename is refused by Windows", i)
    handler.close()
    assert errors == [] and handler.refused_rollovers >= 1
    assert all(f"held {i:02d}" in _all_text(tmp_path) for i in range(20))


def test_a_rollover_lock_left_by_a_crash_is_taken_over(tmp_path, monkeypatch):
    from transit_centre import logfile

    handler = SharedRotatingFileHandler(tmp_path / "tc.log", max_bytes=100, backup_count=3)
    lock = tmp_path / "tc.log.lock"
    lock.write_text("")
    os.utime(lock, (1, 1))  # very old: its process is gone
    log = _logger(handler, "stale")
    for i in range(10):
        log.info("line %02d long enough to roll over", i)
    handler.close()
    assert (tmp_path / "tc.log.1").exists() and not lock.exists() and handler.refused_rollovers == 0
    monkeypatch.setattr(logfile, "LOCK_WAIT_SECONDS", 0.05)
    lock.write_text("")  # a fresh lock: another process is rotating right now
    handler = SharedRotatingFileHandler(tmp_path / "tc.log", max_bytes=100, backup_count=3)
    log = _logger(handler, "busy")
    log.info("another line long enough to need a rollover now")
    log.info("and one more, still written")
    handler.close()
    assert handler.refused_rollovers == 1
    assert "and one more, still written" in (tmp_path / "tc.log").read_text(encoding="utf-8")
