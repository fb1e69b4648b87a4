"""A round's state as the portal names it, in the reader's language (the enum's values are the stored and
exported words, never shown as they are)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from survey.rounds.models import RoundState

STATE_LABELS = {RoundState.DRAFT: _l("draft"), RoundState.OPEN: _l("open"), RoundState.CLOSED: _l("closed")}


def state_label(state: RoundState) -> str:
    return str(STATE_LABELS[state])
