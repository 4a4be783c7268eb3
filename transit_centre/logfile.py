"""A rotating log file that several processes write at once: the window, and commands run beside
it (``transit-centre backup``, ``print``...), all into ``transit-centre.log``.

On Windows a file another process holds open cannot be renamed, so the standard
``RotatingFileHandler`` fails at every rollover ("--- Logging error ---", the message lost)
while the other process runs. This handler keeps writing to the current file when the rollover
is refused and tries again a minute later; it also follows a rollover made by another process
(on Linux the other process can rename the file under it) instead of writing into the renamed
file. Rollovers themselves are made one process at a time (a lock on ``<log>.lock``).
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


LOCK_WAIT_SECONDS = 5.0
LOCK_STALE_SECONDS = 30.0  # a rollover takes milliseconds: an older lock was left by a crash


@contextmanager
def _interprocess_lock(path: str) -> Iterator[bool]:
    """An exclusive lock between processes (True), or False when it cannot be had: the lock is
    the file ``path``, created only if it does not exist (atomic on Windows and elsewhere)."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            break
        except FileExistsError:
            try:
                if time.time() - os.stat(path).st_mtime > LOCK_STALE_SECONDS:
                    os.unlink(path)
                    continue
            except OSError:
                pass
            if time.monotonic() > deadline:
                yield False
                return
            time.sleep(0.01)
        except OSError:
            yield False
            return
    try:
        yield True
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


class SharedRotatingFileHandler(logging.handlers.RotatingFileHandler):
    retry_seconds = 60.0

    def __init__(self, filename: str | os.PathLike[str], max_bytes: int, backup_count: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(filename, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8")
        self._clock = clock
        self._retry_at = 0.0
        self.refused_rollovers = 0

    def _reopen_if_replaced(self) -> None:
        """Another process rotated the file: continue in the new ``transit-centre.log``."""
        if self.stream is None:
            return
        try:
            on_disk = os.stat(self.baseFilename)
            ours = os.fstat(self.stream.fileno())
        except FileNotFoundError:
            on_disk = None
            ours = None
        except (OSError, ValueError):
            return
        if on_disk is None or (on_disk.st_dev, on_disk.st_ino) != (ours.st_dev, ours.st_ino):  # type: ignore[union-attr]
            self.stream.close()
            self.stream = self._open()

    def shouldRollover(self, record: logging.LogRecord) -> bool:  # noqa: N802 - logging's name
        self._reopen_if_replaced()
        if self._clock() < self._retry_at:
            return False
        return bool(super().shouldRollover(record))

    def doRollover(self) -> None:  # noqa: N802 - logging's name
        # One process at a time renames the files (two at once could delete each other's).
        with _interprocess_lock(self.baseFilename + ".lock") as locked:
            self._reopen_if_replaced()
            if self.stream is not None and self.maxBytes > 0:
                self.stream.seek(0, 2)
                if self.stream.tell() < self.maxBytes:
                    return  # the other process has just rotated it
            try:
                if not locked:
                    raise OSError("the log's lock file cannot be locked")
                super().doRollover()
            except OSError:
                # Windows: another Transit Centre process has the file open. Keep writing to it
                # (it grows past the limit for a while) and try again later, not at every message.
                self.refused_rollovers += 1
                self._retry_at = self._clock() + self.retry_seconds
                if self.stream is None:
                    self.stream = self._open()
