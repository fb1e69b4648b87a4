"""Time-based one-time passwords (RFC 6238, pyotp) and recovery codes for the optional second factor.

The secret is stored encrypted (Fernet) with a key derived from SECRET_KEY by HKDF, so a copy of the database
alone does not give it away; it is shown once, while enrolling. Changing SECRET_KEY makes stored secrets
unreadable: those users sign in with a recovery code and enrol again. A code is accepted for the current
30-second step or the one either side (clock drift), and never for a step at or before the last one accepted,
so an observed code cannot be replayed.
"""
from __future__ import annotations

import base64
import secrets
import time

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

ISSUER = "Benchlearn"
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols: 5 bits each, no 0/O or 1/I


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"benchlearn totp secret").derive(
        str(current_app.secret_key).encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret() -> str:
    return pyotp.random_base32()


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(stored: str) -> str | None:
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken:
        return None


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_data_uri(uri: str) -> str:
    """The otpauth URI as an SVG QR code in a data: URI (the pages' policy allows data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=4, dark="#000", light="#fff")


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def accepted_step(secret: str, code: str, last_step: int | None, now: float | None = None) -> int | None:
    """The time step `code` belongs to, if it is valid and newer than `last_step`; else None."""
    code = normalise_code(code)
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(time.time() if now is None else now)
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if secrets.compare_digest(code, totp.generate_otp(step)):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes of 16 symbols (80 bits), written in groups of four."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
    return codes
