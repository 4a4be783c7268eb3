"""SQLCipher: the SQLite files of Transit Centre are encrypted (AES-256, SQLCipher 4).

The key is a random 256 bits given as a raw key (``PRAGMA key = "x'…'"``): no key derivation on
every open; the passwords that protect it live in the key file (``security.keyring``). Every
connection to an encrypted file goes through ``connect`` or ``apply_key``, the key first,
before anything reads the file. A file without a key is plain SQLite (the tests' databases, and
a database from before encryption, which ``encrypt_in_place`` converts).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from transit_centre.errors import DomainError
from transit_centre.i18n import _

KEY_BYTES = 32
PLAIN_HEADER = b"SQLite format 3\0"


def module() -> Any:
    """The SQLCipher DB-API module (``sqlcipher3-wheels``), imported when first needed."""
    try:
        import sqlcipher3.dbapi2 as dbapi
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise DomainError(_("The encryption library (sqlcipher3) is missing: reinstall Transit Centre.")) from exc
    return dbapi


def db_errors() -> tuple[type[BaseException], ...]:
    """The errors of either driver (``except db_errors():``): plain files and encrypted ones."""
    import sqlite3

    return (sqlite3.Error, module().Error)


def key_pragma(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError("a database key has 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def apply_key(dbapi_connection: Any, key: bytes) -> None:
    """Give the key to a new connection: the first statement it runs."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our message, not a line on stderr
        cursor.execute(key_pragma(key))
    finally:
        cursor.close()


def connect(target: str | Path, key: bytes | None, *, uri: bool = False, timeout: float = 30) -> Any:
    """A DB-API connection to a SQLite file: SQLCipher with ``key``, the standard module without."""
    if key is None:
        import sqlite3

        return sqlite3.connect(str(target), uri=uri, timeout=timeout)
    conn = module().connect(str(target), uri=uri, timeout=timeout)
    apply_key(conn, key)
    return conn


def is_plain(path: Path) -> bool:
    """A plain (unencrypted) SQLite file: its first 16 bytes are SQLite's header."""
    try:
        with Path(path).open("rb") as handle:
            return handle.read(16) == PLAIN_HEADER
    except OSError:
        return False


def export_encrypted(plain: Path, target: Path, key: bytes) -> None:
    """Write an encrypted copy of the plain SQLite file ``plain`` into the new file ``target``
    (``sqlcipher_export``: every table, index, trigger and the text index)."""
    target = Path(target)
    if target.exists():
        target.unlink()
    conn = module().connect(str(plain), timeout=30)
    try:
        conn.isolation_level = None
        conn.execute("ATTACH DATABASE ? AS encrypted KEY \"x'" + key.hex() + "'\"", (str(target),))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        version = conn.execute("PRAGMA main.user_version").fetchone()[0]
        conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    with target.open("rb+") as handle:
        os.fsync(handle.fileno())
