"""The transfer file's envelope: encrypted for the receiving centre, signed by the sending one.

The keys are the centres' own (``security/keys.py``): the receiving centre's X25519 public key
(registered at the sending centre after a fingerprint check by phone) and the sending centre's
Ed25519 key (registered at the receiving centre the same way). No second key system.

Layout: ``MAGIC`` + 4-byte length + header (JSON) + 4-byte length + signature (JSON) + body.
- The body is the payload (JSON, zlib-compressed) encrypted with AES-256-GCM; its key comes
  from an X25519 exchange between a fresh key pair and the receiving centre's key (HKDF-SHA256).
  The header is the associated data: a changed header fails decryption.
- The signature is the sending centre's, over the header and the body's SHA-256: a changed
  byte anywhere, or a file signed by a key the receiving centre did not register, is refused
  before anything is decrypted.
A lost USB stick leaks nothing readable: without the receiving centre's private key (inside its
encrypted database) the body is noise.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import uuid
import zlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select
from sqlalchemy.orm import Session

from transit_centre.db.models import Centre, CentreKey
from transit_centre.errors import DomainError
from transit_centre.i18n import _
from transit_centre.security import keys

MAGIC = b"TCXFER1\n"
FORMAT = "transit-centre-transfer"
VERSION = 1
MAX_PART = 1_000_000  # header and signature are small; a larger length means a damaged file
_INFO = b"transit-centre-transfer-v1"


@dataclass(frozen=True)
class Header:
    transfer_id: uuid.UUID
    from_code: str
    to_code: str
    made_at: str
    raw: bytes


def _not_a_transfer() -> DomainError:
    return DomainError(_("This file is not a Transit Centre transfer file."))


def _key(shared: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO).derive(shared)


def receiving_key(session: Session, code: str) -> CentreKey:
    """The registered key of the centre a file is made for (not this installation's own)."""
    key = session.scalars(select(CentreKey).where(CentreKey.centre_code == code, CentreKey.revoked_at.is_(None))
                          .order_by(CentreKey.created_at.desc())).first()
    if key is None:
        raise DomainError(_(
            "No key is registered for centre {code}: ask {code} for its centre key (Reports > Keys), compare its "
            "fingerprint by phone and register it, then make the transfer file again.").format(code=code))
    return key


def seal(session: Session, sender: Centre, receiver: CentreKey, payload: dict, transfer_id: uuid.UUID,
         made_at: str) -> bytes:
    """The file's bytes: ``payload`` encrypted for the ``receiver``'s registered key
    (``receiving_key``) and signed by ``sender``."""
    receiver_code = receiver.centre_code
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(bytes.fromhex(receiver.encryption_public)))
    nonce = os.urandom(12)
    header = json.dumps({
        "format": FORMAT, "version": VERSION, "transfer_id": str(transfer_id), "from": sender.code,
        "to": receiver_code, "to_key": receiver.encryption_public, "ephemeral": ephemeral_public.hex(),
        "nonce": base64.b64encode(nonce).decode("ascii"), "made_at": made_at,
    }, sort_keys=True).encode("utf-8")
    plain = zlib.compress(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8"), 6)
    body = AESGCM(_key(shared, ephemeral_public)).encrypt(nonce, plain, header)
    signature = json.dumps(keys.sign(session, sender, header + hashlib.sha256(body).digest())).encode("utf-8")
    return MAGIC + struct.pack(">I", len(header)) + header + struct.pack(">I", len(signature)) + signature + body


def _split(data: bytes) -> tuple[bytes, bytes, bytes]:
    if not data.startswith(MAGIC):
        raise _not_a_transfer()
    at = len(MAGIC)
    parts = []
    for _i in range(2):
        if len(data) < at + 4:
            raise _not_a_transfer()
        (size,) = struct.unpack(">I", data[at:at + 4])
        if size > MAX_PART or len(data) < at + 4 + size:
            raise _not_a_transfer()
        parts.append(data[at + 4:at + 4 + size])
        at += 4 + size
    return parts[0], parts[1], data[at:]


def read_header(data: bytes) -> Header:
    """Who made the file and for whom (readable without any key: it holds no personal data)."""
    raw, _signature, _body = _split(data)
    try:
        header = json.loads(raw.decode("utf-8"))
        if header.get("format") != FORMAT:
            raise _not_a_transfer()
        if header.get("version") != VERSION:
            raise DomainError(_("This transfer file was made by a newer version of Transit Centre: update this "
                                "installation, then receive it."))
        return Header(uuid.UUID(header["transfer_id"]), str(header["from"]), str(header["to"]),
                      str(header.get("made_at", "")), raw)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise _not_a_transfer() from None


def unseal(session: Session, data: bytes) -> tuple[Header, dict]:
    """Check the signature, then decrypt with this installation's key of the receiving centre.
    ``DomainError`` (nothing read) for a file made for another centre, signed by a key that is not
    registered here, or changed after it was made."""
    header = read_header(data)
    raw, signature_bytes, body = _split(data)
    fields = json.loads(raw.decode("utf-8"))
    own = session.scalars(select(CentreKey).where(
        CentreKey.centre_code == header.to_code, CentreKey.revoked_at.is_(None),
        CentreKey.encryption_private.is_not(None)).order_by(CentreKey.created_at.desc())).first()
    if own is None:
        raise DomainError(_("This transfer file is for centre {code}: only the installation of {code} can open "
                            "it. Nothing was imported.").format(code=header.to_code))
    if fields.get("to_key") != own.encryption_public:
        raise DomainError(_("This transfer file was made for another key of centre {code} (a key replaced since): "
                            "ask {sender} to make it again with the current key.").format(
            code=header.to_code, sender=header.from_code))
    try:
        signature = json.loads(signature_bytes.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise _not_a_transfer() from None
    try:
        keys.verify(session, header.from_code, raw + hashlib.sha256(body).digest(), signature)
    except DomainError as exc:
        raise DomainError(_("The transfer file was refused: {reason} Nothing was imported.").format(
            reason=str(exc))) from None
    try:
        ephemeral = bytes.fromhex(fields["ephemeral"])
        shared = X25519PrivateKey.from_private_bytes(bytes.fromhex(own.encryption_private)).exchange(
            X25519PublicKey.from_public_bytes(ephemeral))
        plain = AESGCM(_key(shared, ephemeral)).decrypt(base64.b64decode(fields["nonce"]), body, raw)
        payload = json.loads(zlib.decompress(plain).decode("utf-8"))
    except (InvalidTag, ValueError, KeyError, zlib.error, UnicodeDecodeError):
        raise DomainError(_("The transfer file is damaged or was changed after it was made. Nothing was "
                            "imported.")) from None
    if payload.get("transfer_id") != str(header.transfer_id):
        raise _not_a_transfer()
    return header, payload


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
