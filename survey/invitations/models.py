"""What the invitation mail keeps beside the invitations: who asked for no more mail, and which links were
replaced by a newer one."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import db


class UnsubscribedAddress(db.Model):
    """An address that gets no more mail from the network. Only a hash of the normalised address is kept
    (`survey.invitations.unsubscribe.address_hash`): enough to recognise it in a later upload, while the list
    itself reveals no address and outlives the invitations, which are personal data removed with the round."""

    __tablename__ = "unsubscribed_address"

    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    unsubscribed_on: Mapped[date]


class ReplacedToken(db.Model):
    """The hash of an invitation link that a newer message (reminder or re-send) replaced: opening it shows a
    page pointing to the newest e-mail instead of "survey not found"."""

    __tablename__ = "replaced_invitation_token"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"), index=True)


def is_replaced(token: str) -> bool:
    """Whether `token` is an invitation link a newer message replaced."""
    from survey.tokens import token_hash

    return db.session.get(ReplacedToken, token_hash(token)) is not None
