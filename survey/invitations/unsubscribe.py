"""One-click unsubscribe (RFC 8058): the signed token in every invitation's List-Unsubscribe URL, and the
network's list of addresses that get no more mail.

The token signs (network id, address hash) with SECRET_KEY and never expires: a mail provider may POST it
months after the message arrived. It carries no address, so the URL in a forwarded message or a proxy log
names nobody. Rotating SECRET_KEY voids the links in mail already sent (the unsubscribe page then says so).
"""
from __future__ import annotations

import hashlib
from datetime import date
from email.utils import parseaddr
from urllib.parse import quote

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from survey.extensions import db
from survey.invitations.models import UnsubscribedAddress

SALT = "benchlearn.unsubscribe"


def address_hash(email: str) -> str:
    """sha256 of the normalised address: what the unsubscribe list keeps instead of the address."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(network_id: int, email: str) -> str:
    return _serializer().dumps([network_id, address_hash(email)])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(network id, address hash) of a genuine token; None for a forged, damaged or outdated one."""
    try:
        network_id, hashed = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(network_id, int) or not isinstance(hashed, str) or len(hashed) != 64:
        return None
    return network_id, hashed


def unsubscribe_url(token: str) -> str:
    from survey.rounds.operations import public_base_url

    return f"{public_base_url()}/unsubscribe/{token}"


def unsubscribe_headers(token: str) -> dict[str, str]:
    """The RFC 2369 / RFC 8058 headers of a bulk message with unsubscribe `token`: an https URL a provider POSTs
    to, and a mailto (MAIL_UNSUBSCRIBE, else the From address) for clients that only know mail; the token rides
    in its subject, so whoever reads that mailbox can unsubscribe the sender on the page."""
    mailbox = current_app.config.get("MAIL_UNSUBSCRIBE") or parseaddr(current_app.config["MAIL_FROM"])[1]
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(token)}>, <mailto:{mailbox}?subject={quote('unsubscribe ' + token)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def unsubscribe(network_id: int, hashed: str, today: date | None = None) -> None:
    """Put the address on the network's list (again is fine: nothing changes)."""
    if db.session.get(UnsubscribedAddress, (network_id, hashed)) is None:
        db.session.add(UnsubscribedAddress(network_id=network_id, address_hash=hashed,
                                           unsubscribed_on=today or date.today()))
        db.session.flush()


def unsubscribed_hashes(network_id: int) -> set[str]:
    return set(db.session.scalars(select(UnsubscribedAddress.address_hash)
                                  .where(UnsubscribedAddress.network_id == network_id)))
