"""Encryption of data packages for headquarters (a lost USB stick must leak nothing).

Hybrid scheme with the ``cryptography`` package: a fresh AES-256-GCM key encrypts the package;
that key is wrapped with headquarters' RSA-3072 public key (OAEP, SHA-256). Only the holder of
HQ's private key (itself protected by a password) can read the package; any change to the file
makes decryption fail (GCM tag, header bound as associated data).

File layout: ``MAGIC`` + 4-byte big-endian header length + JSON header + ciphertext.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from transit_centre.errors import DomainError
from transit_centre.i18n import _
from transit_centre.private_files import restrict_to_owner

MAGIC = b"TCENC1\n"
PRIVATE_NAME = "hq_private_key.pem"
PUBLIC_NAME = "hq_public_key.pem"
_OAEP = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def is_encrypted(data: bytes) -> bool:
    return data.startswith(MAGIC)


def fingerprint(public_key: rsa.RSAPublicKey) -> str:
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()[:16]


def generate_keys(folder: Path, password: str) -> tuple[Path, Path]:
    """Make HQ's key pair in ``folder``; the private key is encrypted with ``password``."""
    if len(password) < 10:
        raise DomainError(_("The key password must have at least 10 characters."))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    private_path, public_path = folder / PRIVATE_NAME, folder / PUBLIC_NAME
    if private_path.exists() or public_path.exists():
        raise DomainError(_("A key pair already exists in {folder}; it was not overwritten.").format(folder=folder))
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    private_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password.encode("utf-8"))))
    restrict_to_owner(private_path)  # chmod 600, or icacls on Windows (private_files.py)
    public_path.write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return private_path, public_path


def load_public_key(path: Path) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise DomainError(_("The file {file} is not a headquarters public key.").format(file=path)) from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise DomainError(_("The file {file} is not a headquarters public key.").format(file=path))
    return key


def load_public_pem(data: bytes) -> rsa.RSAPublicKey:
    """Headquarters' public key from its PEM text (as kept in Settings)."""
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise DomainError(_("The registered headquarters key is damaged; register it again.")) from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise DomainError(_("The registered headquarters key is damaged; register it again."))
    return key


def load_private_key(path: Path, password: str | None) -> rsa.RSAPrivateKey:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DomainError(_("The key file {file} cannot be read.").format(file=path)) from exc
    try:
        key = serialization.load_pem_private_key(data, (password or "").encode("utf-8") or None)
    except (ValueError, TypeError) as exc:
        raise DomainError(_("Wrong password for the private key, or not a private key file.")) from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise DomainError(_("The file {file} is not a headquarters private key.").format(file=path))
    return key


def encrypt(data: bytes, public_key: rsa.RSAPublicKey) -> bytes:
    aes_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    header = json.dumps({
        "alg": "RSA-OAEP-SHA256+AES-256-GCM",
        "key": fingerprint(public_key),
        "wrapped_key": base64.b64encode(public_key.encrypt(aes_key, _OAEP)).decode("ascii"),
        "nonce": base64.b64encode(nonce).decode("ascii"),
    }, sort_keys=True).encode("utf-8")
    ciphertext = AESGCM(aes_key).encrypt(nonce, data, header)
    return MAGIC + struct.pack(">I", len(header)) + header + ciphertext


def decrypt(blob: bytes, private_key: rsa.RSAPrivateKey | None) -> bytes:
    """Plain package bytes, or a ``DomainError`` saying why not (no key, wrong key, damaged)."""
    if private_key is None:
        raise DomainError(_("This package is encrypted for headquarters: give the headquarters private key."))
    try:
        size = struct.unpack(">I", blob[len(MAGIC):len(MAGIC) + 4])[0]
        start = len(MAGIC) + 4
        header_bytes = blob[start:start + size]
        header = json.loads(header_bytes)
        wrapped = base64.b64decode(header["wrapped_key"])
        nonce = base64.b64decode(header["nonce"])
    except (struct.error, ValueError, KeyError, TypeError) as exc:
        raise DomainError(_("The encrypted package is damaged or truncated.")) from exc
    if header.get("key") != fingerprint(private_key.public_key()):
        raise DomainError(_("This package was encrypted for another key; it cannot be read with this one."))
    try:
        aes_key = private_key.decrypt(wrapped, _OAEP)
        return AESGCM(aes_key).decrypt(nonce, blob[start + size:], header_bytes)
    except (ValueError, InvalidTag) as exc:
        raise DomainError(_("The encrypted package is damaged or was changed after it was made.")) from exc
