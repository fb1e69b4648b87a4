"""Who may read or change which practice card: one place, used by the pages, the API, the reports and the
attachment downloads alike.

- A school's staff read the network's published cards and their own school's drafts; they change only their
  own school's cards.
- A network's admins read the network's published cards (drafts are the school's) and may feature them.
- Organiser staff read the network's published cards.
Anything else answers 404, so that a card's existence is not confirmed to someone who may not read it.
"""
from __future__ import annotations

from flask import abort
from sqlalchemy import Select, or_, select

from survey.accounts.models import Role, User
from survey.extensions import db
from survey.practices.models import CardStatus, PracticeCard


def cards_visible_to(user: User) -> Select:
    """The cards `user` may read, as a query to filter further."""
    query = select(PracticeCard).where(PracticeCard.network_id == user.network_id)
    published = PracticeCard.status == CardStatus.PUBLISHED.value
    if user.role == Role.SCHOOL_STAFF and user.school_id is not None:
        return query.where(or_(published, PracticeCard.school_id == user.school_id))
    return query.where(published)


def may_read(user: User, card: PracticeCard) -> bool:
    if card.network_id != user.network_id:
        return False
    return card.status == CardStatus.PUBLISHED.value or (
        user.role == Role.SCHOOL_STAFF and card.school_id == user.school_id)


def may_edit(user: User, card: PracticeCard) -> bool:
    """Only the card's own school's staff write it (admins feature, they do not edit)."""
    return (user.role == Role.SCHOOL_STAFF and card.network_id == user.network_id
            and card.school_id == user.school_id)


def card_for(user: User, card_id: int, *, edit: bool = False) -> PracticeCard:
    """The card, or 404 when `user` may not read it (or, with `edit`, may not change it)."""
    card = db.session.get(PracticeCard, card_id)
    if card is None or not (may_edit(user, card) if edit else may_read(user, card)):
        abort(404)
    return card
