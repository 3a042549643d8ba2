"""Ed25519 signatures over a statement's embedded calculation, with the installation's key.

The private key is 32 random bytes in a key file outside the database
(PAYPLAN_SIGNING_KEY_FILE, else `signing-key` in PAYPLAN_KEY_DIR, else beside the
SQLite database: `payplan.keyfiles`), generated once. Its public key is published
with `payplan keys show` (PEM) so anyone can check a statement without the
database. A signature is a small JSON document embedded next to the calculation:
{"alg": "Ed25519", "key": fingerprint, "signature": base64}. Must not compute pay,
render, or trust anything a PDF says about which key to use.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from payplan.errors import Phrase
from payplan.i18n import N_
from payplan.keyfiles import KeyFileError, installation_key
from payplan.settings import get_settings

SIGNATURE_NAME = "payplan-calculation.sig"
ALGORITHM = "Ed25519"


class Signature(msgspec.Struct, frozen=True):
    alg: str
    key: str  # fingerprint of the public key that made it (a hint: never used to pick the key)
    signature: str  # base64


def installation_private_key(create: bool = True) -> Ed25519PrivateKey | None:
    """The installation's signing key; generated once when `create` and missing."""
    settings = get_settings()
    seed = installation_key("signing-key", settings.database_url, key_dir=settings.key_dir,
                            explicit=settings.signing_key_file, create=create)
    return Ed25519PrivateKey.from_private_bytes(seed) if seed is not None else None


def installation_public_key() -> Ed25519PublicKey | None:
    """The installation's public key, or None when it has none here (never signed, or no key configured)."""
    try:
        private = installation_private_key(create=False)
    except KeyFileError:
        return None
    return private.public_key() if private is not None else None


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    """A PEM public key file as `payplan keys show` prints it; ValueError otherwise."""
    key = serialization.load_pem_public_key(Path(path).read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path}: not an Ed25519 public key")
    return key


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, 32 hex digits: short enough to read aloud."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:32]


def sign(private: Ed25519PrivateKey, data: bytes) -> bytes:
    """The signature document for `data` (the calculation attachment's exact bytes)."""
    doc = Signature(ALGORITHM, fingerprint(private.public_key()), base64.b64encode(private.sign(data)).decode())
    return msgspec.json.encode(doc)


def signature_problem(data: bytes, signature: bytes | None, key: Ed25519PublicKey | None) -> Phrase | None:
    """None when `signature` is `key`'s over `data`; else what is wrong, in words."""
    if key is None:
        return Phrase(N_("signature: no public key to check it with (pass --public-key FILE, "
                         "the installation's key as `payplan keys show` prints it)"))
    if signature is None:
        return Phrase(N_("signature: none embedded (%(name)s is missing): not a signed payplan statement"),
                      {"name": SIGNATURE_NAME})
    try:
        doc = msgspec.json.decode(signature, type=Signature)
        raw = base64.b64decode(doc.signature, validate=True)
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError):
        return Phrase(N_("signature: the embedded signature is unreadable"))
    try:
        key.verify(raw, data)
    except InvalidSignature:
        return Phrase(N_("signature: does not verify with public key %(fingerprint)s "
                         "(the calculation was altered, or signed with another key)"), {"fingerprint": fingerprint(key)})
    return None
