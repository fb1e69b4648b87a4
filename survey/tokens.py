"""Secret tokens (survey links, resume cookies, invitations, API tokens) are stored only as their sha256,
so a database leak reveals none of them. One function, so every lookup hashes the same way."""
from __future__ import annotations

import hashlib


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
