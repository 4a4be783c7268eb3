"""The database key and its slots: what makes a stolen laptop's database unreadable.

A SQLite database is encrypted with SQLCipher under a random 256-bit key, used as a raw key (no
key derivation on every open). The key itself is stored only wrapped: once per user, with a key
derived from that user's password (argon2id), and once with the recovery key printed at set-up
for the safe. The slots live in a small JSON file beside the database (``<database>.keys``),
readable by its owner only; without a password or the recovery key it holds nothing usable.

Signing in unwraps the user's slot, opens the database with the key, then checks the account in
the database as before. Wrong passwords are counted in the key file too (the database cannot be
read to count them) and written to the audit log at the next opening; an unknown name takes the
same work as a known one.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from transit_centre.errors import DomainError
from transit_centre.i18n import _

FORMAT = "transit-centre-keys"
SUFFIX = ".keys"
RECOVERY = "#recovery"  # the slot of the recovery key (no user name starts with #)
KDF = {"t": 2, "m": 32768, "p": 2}  # argon2id, 32 MiB: about a tenth of a second (above OWASP's minimum)
MAX_FAILURES = 5
LOCK_MINUTES = 15
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class KeyError_(DomainError):
    """The key file is missing, damaged or refuses the password (one message for every case)."""


def key_file(database: Path) -> Path:
    return Path(str(database) + SUFFIX)


def is_encrypted(database: Path) -> bool:
    """An encrypted database: a key file beside it, and no plain SQLite header in the file."""
    database = Path(database)
    return key_file(database).is_file() and not is_plain_sqlite(database)


def is_plain_sqlite(database: Path) -> bool:
    from transit_centre.db.cipher import is_plain

    return is_plain(database)


def new_key() -> bytes:
    return secrets.token_bytes(32)


def new_recovery_code() -> str:
    """26 characters in groups (128 bits): typed from the printed sheet when no password is left."""
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _i in range(26))
    return "-".join(raw[i:i + 5] for i in range(0, 26, 5))


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _derive(secret: str, salt: bytes, params: dict[str, int]) -> bytes:
    return hash_secret_raw(secret.encode("utf-8"), salt, time_cost=params["t"], memory_cost=params["m"],
                           parallelism=params["p"], hash_len=32, type=Type.ID)


def _wrap(key: bytes, secret: str, label: str) -> dict[str, Any]:
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    wrapped = AESGCM(_derive(secret, salt, KDF)).encrypt(nonce, key, label.encode("utf-8"))
    return {"kdf": "argon2id", **KDF, "salt": base64.b64encode(salt).decode(),
            "nonce": base64.b64encode(nonce).decode(), "wrapped": base64.b64encode(wrapped).decode()}


def _unwrap(slot: dict[str, Any], secret: str, label: str) -> bytes | None:
    try:
        params = {"t": int(slot["t"]), "m": int(slot["m"]), "p": int(slot["p"])}
        kek = _derive(secret, base64.b64decode(slot["salt"]), params)
        return AESGCM(kek).decrypt(base64.b64decode(slot["nonce"]), base64.b64decode(slot["wrapped"]),
                                   label.encode("utf-8"))
    except (InvalidTag, KeyError, ValueError, TypeError):
        return None


# --- the file -------------------------------------------------------------------------------

def read(database: Path) -> dict[str, Any]:
    path = key_file(database)
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KeyError_(_("The key file of the database ({path}) is missing or damaged. Restore it from a "
                          "backup, or restore the database with the recovery key.").format(path=path)) from exc
    if not isinstance(content, dict) or content.get("format") != FORMAT or not isinstance(content.get("slots"), dict):
        raise KeyError_(_("The key file of the database ({path}) is missing or damaged. Restore it from a "
                          "backup, or restore the database with the recovery key.").format(path=path))
    content.setdefault("failures", {})
    return content


def write(database: Path, content: dict[str, Any]) -> None:
    """Replace the key file atomically (a crash leaves the old or the new file, never half)."""
    from transit_centre.private_files import restrict_to_owner

    path = key_file(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(content, out, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        restrict_to_owner(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def create(database: Path, key: bytes, username: str, password: str) -> str:
    """A new key file: the first user's slot and the recovery slot. Returns the recovery code,
    shown and printed once (it is not stored anywhere)."""
    code = new_recovery_code()
    write(database, {"format": FORMAT, "version": 1, "cipher": "sqlcipher4", "failures": {},
                     "slots": {username: _wrap(key, password, username),
                               RECOVERY: _wrap(key, _normalise_recovery(code), RECOVERY)}})
    return code


def set_slot(database: Path, key: bytes, username: str, password: str) -> None:
    """Give (or renew) a user's slot: new account, reset or changed password."""
    content = read(database)
    content["slots"][username] = _wrap(key, password, username)
    content["failures"].pop(username, None)
    write(database, content)


def remove_slot(database: Path, username: str) -> None:
    """A disabled account can no longer unwrap the key, even with a copy of the file made later."""
    content = read(database)
    if content["slots"].pop(username, None) is not None:
        write(database, content)


def set_recovery(database: Path, key: bytes) -> str:
    """Replace the recovery slot (the printed sheet was lost or seen): returns the new code."""
    content = read(database)
    code = new_recovery_code()
    content["slots"][RECOVERY] = _wrap(key, _normalise_recovery(code), RECOVERY)
    write(database, content)
    return code


def slot_users(database: Path) -> set[str]:
    return {name for name in read(database)["slots"] if name != RECOVERY}


@dataclass(frozen=True)
class Failure:
    username: str
    at: str
    detail: str


def _refused() -> KeyError_:
    return KeyError_(_("Wrong user name or password. After {n} wrong passwords an account is locked for {minutes} "
                       "minutes; a disabled account cannot sign in.").format(n=MAX_FAILURES, minutes=LOCK_MINUTES))


def unlock(database: Path, username: str, password: str) -> bytes:
    """The database key, unwrapped with this user's password; the same refusal (after the same
    work) for an unknown name, a wrong password or a locked slot."""
    content = read(database)
    name = (username or "").strip().lower()
    slot = content["slots"].get(name) if not name.startswith("#") else None
    now = dt.datetime.now(dt.timezone.utc)
    state = content["failures"].get(name, {})
    locked = bool(state.get("locked_until")) and dt.datetime.fromisoformat(state["locked_until"]) > now
    key = _unwrap(slot if slot is not None else _dummy_slot(), password or "", name if slot else "#dummy")
    if slot is None or key is None or locked:
        _count_failure(database, content, name, now, "unknown user name" if slot is None else
                       "locked" if locked else "wrong password")
        raise _refused()
    if state.get("count") or state.get("locked_until"):  # the count starts again; what failed stays to be audited
        state["count"], state["locked_until"] = 0, None
        write(database, content)
    return key


def unlock_with_recovery(database: Path, code: str) -> bytes:
    content = read(database)
    key = _unwrap(content["slots"].get(RECOVERY) or _dummy_slot(), _normalise_recovery(code), RECOVERY)
    if key is None:
        _count_failure(database, content, RECOVERY, dt.datetime.now(dt.timezone.utc), "wrong recovery key")
        raise KeyError_(_("This is not the recovery key of this database."))
    return key


def _count_failure(database: Path, content: dict[str, Any], name: str, now: dt.datetime, detail: str) -> None:
    state = content["failures"].setdefault(name[:64], {"count": 0, "pending": []})
    state["count"] = int(state.get("count", 0)) + 1
    if state["count"] >= MAX_FAILURES:
        state["count"] = 0
        state["locked_until"] = (now + dt.timedelta(minutes=LOCK_MINUTES)).isoformat()
    state.setdefault("pending", []).append({"at": now.isoformat(), "detail": detail})
    del state["pending"][:-50]  # a bounded record: the file stays small under a guessing attack
    try:
        write(database, content)
    except OSError:
        pass  # a read-only medium: the refusal still stands


def take_pending_failures(database: Path) -> list[Failure]:
    """The failed attempts not yet in the audit log (the database was closed); cleared here."""
    try:
        content = read(database)
    except DomainError:
        return []
    found = [Failure(name, p.get("at", ""), p.get("detail", "")) for name, state in content["failures"].items()
             for p in state.get("pending", [])]
    if found:
        for state in content["failures"].values():
            state["pending"] = []
        write(database, content)
    return found


@lru_cache(maxsize=1)
def _dummy_slot() -> dict[str, Any]:
    """A slot nobody can open, tried when the name has none (made once, when first needed)."""
    return _wrap(secrets.token_bytes(32), secrets.token_hex(16), "#dummy")

__all__ = ["FORMAT", "KeyError_", "RECOVERY", "create", "is_encrypted", "is_plain_sqlite", "key_file", "new_key",
           "new_recovery_code", "read", "remove_slot", "set_recovery", "set_slot", "slot_users", "take_pending_failures", "unlock",
           "unlock_with_recovery", "write"]
