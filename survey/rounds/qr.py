"""QR codes for survey links, as SVG (sharp at any print size)."""
from __future__ import annotations

import io

import segno


def qr_svg(url: str, scale: int = 8, title: str | None = None) -> bytes:
    """The SVG of a QR code for `url`; error correction M survives a creased or scuffed poster."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, title=title or url)
    return buffer.getvalue()
