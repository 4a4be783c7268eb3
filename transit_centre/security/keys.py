"""Centre keys: each centre signs what it sends (monthly packages, later resident transfer files)
and can receive what is encrypted for it.

A centre's key pair is made on first use in the database of the installation that serves it:
Ed25519 to sign, X25519 to receive. The private halves never leave that database (an encrypted
SQLCipher file; masked in the audit log). The public halves travel as a small "centre key" file
that headquarters (or another centre) registers after comparing its fingerprint by phone;
anything signed by a key that is not registered, or whose signature does not verify, is refused.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.db.engine import Database
from transit_centre.db.models import Centre, CentreKey
from transit_centre.errors import DomainError, ValidationError
from transit_centre.i18n import _
from transit_centre.security.permissions import Actor, Permission

KEY_FORMAT = "transit-centre-centre-key"
SIGNATURE_ALG = "Ed25519"


@dataclass(frozen=True)
class CentreKeyView:
    centre_code: str
    centre_name: str
    fingerprint: str
    own: bool  # this installation holds the private halves
    registered_at: dt.datetime


def _raw_public(key) -> bytes:  # noqa: ANN001
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _raw_private(key) -> bytes:  # noqa: ANN001
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def fingerprint(signing_public: bytes, encryption_public: bytes) -> str:
    """What two people compare by phone: 16 hex digits in groups of four."""
    digest = hashlib.sha256(b"transit-centre-key\0" + signing_public + encryption_public).hexdigest()[:16]
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4)).upper()


def _view(key: CentreKey) -> CentreKeyView:
    return CentreKeyView(key.centre_code, key.centre_name, key.fingerprint, key.signing_private is not None,
                         key.created_at)


def _active(session: Session, code: str, *, own: bool | None = None) -> CentreKey | None:
    query = select(CentreKey).where(CentreKey.centre_code == code.upper(), CentreKey.revoked_at.is_(None))
    if own is True:
        query = query.where(CentreKey.signing_private.is_not(None))
    return session.scalars(query.order_by(CentreKey.created_at.desc())).first()


def own_key(session: Session, centre: Centre) -> CentreKey:
    """This installation's key pair for ``centre``, made (and audited, private halves masked) on
    first use. No permission check: the calling service has done it."""
    key = _active(session, centre.code, own=True)
    if key is not None:
        return key
    signing, receiving = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
    sign_pub, enc_pub = _raw_public(signing.public_key()), _raw_public(receiving.public_key())
    key = CentreKey(centre_code=centre.code, centre_name=centre.name, signing_public=sign_pub.hex(),
                    encryption_public=enc_pub.hex(), fingerprint=fingerprint(sign_pub, enc_pub),
                    signing_private=_raw_private(signing).hex(), encryption_private=_raw_private(receiving).hex())
    session.add(key)
    session.flush()
    return key


def export_public_key(db: Database, actor: Actor, centre_id: uuid.UUID) -> tuple[bytes, str]:
    """The centre's public key file (to give headquarters) and its fingerprint."""
    actor.require(Permission.EXPORT, centre_id)
    with db.transaction(actor) as s:
        centre = s.get(Centre, centre_id)
        if centre is None:
            raise DomainError(_("The centre was not found."))
        key = own_key(s, centre)
        data = json.dumps({"format": KEY_FORMAT, "centre": {"code": centre.code, "name": centre.name},
                           "signing_public": key.signing_public, "encryption_public": key.encryption_public,
                           "fingerprint": key.fingerprint}, indent=2, ensure_ascii=False).encode("utf-8")
        return data, key.fingerprint


def _parse_key_file(data: bytes) -> tuple[str, str, bytes, bytes]:
    refused = ValidationError({"key": _("This file is not a Transit Centre centre key.")})
    if len(data) > 10_000:
        raise refused
    try:
        content = json.loads(data.decode("utf-8"))
        if content.get("format") != KEY_FORMAT:
            raise refused
        code = str(content["centre"]["code"]).strip().upper()
        name = str(content["centre"].get("name", ""))[:200]
        sign_pub, enc_pub = bytes.fromhex(content["signing_public"]), bytes.fromhex(content["encryption_public"])
        Ed25519PublicKey.from_public_bytes(sign_pub)
        if len(enc_pub) != 32 or not code.isalnum() or not 2 <= len(code) <= 8:
            raise refused
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise refused from None
    return code, name, sign_pub, enc_pub


def register_public_key(db: Database, actor: Actor, data: bytes, expected_fingerprint: str | None = None) -> CentreKeyView:
    """Register a centre's public key (headquarters; or a centre that receives transfers).

    ``expected_fingerprint``: what the centre read out by phone; a mismatch is refused. A new key
    for a centre replaces (revokes) the one registered before; packages signed with it are then
    refused."""
    if not (actor.can(Permission.CONSOLIDATE) or actor.can(Permission.SETTINGS_ADMIN)):
        actor.require(Permission.CONSOLIDATE)
    code, name, sign_pub, enc_pub = _parse_key_file(data)
    found = fingerprint(sign_pub, enc_pub)
    if expected_fingerprint and "".join(expected_fingerprint.split()).upper() != found.replace(" ", ""):
        raise ValidationError({"fingerprint": _("The fingerprint differs from the key file ({found}): do not "
                                                "register this key.").format(found=found)})
    with db.transaction(actor) as s:
        current = _active(s, code)
        if current is not None and current.signing_public == sign_pub.hex():
            return _view(current)
        if current is not None:
            if current.signing_private is not None:
                raise DomainError(_("This installation serves {code}: its key is made here, not registered.").format(
                    code=code))
            current.revoked_at = dt.datetime.now(dt.timezone.utc)
        key = CentreKey(centre_code=code, centre_name=name, signing_public=sign_pub.hex(),
                        encryption_public=enc_pub.hex(), fingerprint=found)
        s.add(key)
        s.flush()
        return _view(key)


def list_keys(db: Database, actor: Actor) -> list[CentreKeyView]:
    if not actor.can(Permission.SETTINGS_ADMIN):  # a centre's administrator: the keys for transfers
        actor.require(Permission.REPORT_READ)
    with db.transaction(actor, readonly=True) as s:
        return [_view(k) for k in s.scalars(select(CentreKey).where(CentreKey.revoked_at.is_(None))
                                            .order_by(CentreKey.centre_code))]


# --- signing and checking ------------------------------------------------------------------------

def sign(session: Session, centre: Centre, data: bytes) -> dict[str, str]:
    """A detached signature of ``data`` by the centre's key (made on first use)."""
    key = own_key(session, centre)
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(key.signing_private))
    return {"alg": SIGNATURE_ALG, "centre": centre.code, "key": key.signing_public,
            "signature": base64.b64encode(private.sign(data)).decode("ascii")}


def verify(session: Session, code: str, data: bytes, signature: dict | None) -> CentreKey:
    """The registered key of ``code`` that signed ``data``; ``DomainError`` when the signature is
    missing, made by an unknown or replaced key, or does not match."""
    if not isinstance(signature, dict) or signature.get("alg") != SIGNATURE_ALG:
        raise DomainError(_("The package is not signed: it cannot be proved to come from a centre."))
    key = _active(session, code)
    if key is None:
        raise DomainError(_("No key is registered for centre {code}: register its key (Reports > Keys) "
                            "after checking its fingerprint by phone.").format(code=code))
    if signature.get("centre") != code or signature.get("key") != key.signing_public:
        raise DomainError(_("The package is signed with a key that is not {code}'s registered key.").format(code=code))
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(key.signing_public)).verify(
            base64.b64decode(str(signature.get("signature", ""))), data)
    except (InvalidSignature, ValueError, TypeError):
        raise DomainError(_("The package's signature does not match its content: it was changed after {code} "
                            "made it.").format(code=code)) from None
    return key


__all__ = ["CentreKeyView", "export_public_key", "fingerprint", "list_keys", "own_key", "register_public_key",
           "sign", "verify"]
