from __future__ import annotations

from flask import jsonify
from sqlalchemy import select, text

from survey.api import bp
from survey.catalog.models import QuestionnaireVersion
from survey.extensions import db


@bp.get("/health")
def health():
    """For load balancers and monitoring: the app answers and reaches its database."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")


@bp.get("/questionnaires")
def questionnaires():
    """The published catalog: public, since the questionnaires are the network's shared standard."""
    versions = db.session.scalars(select(QuestionnaireVersion).order_by(QuestionnaireVersion.published_at)).all()
    return jsonify(
        [
            {
                "family": v.family.key,
                "version": v.version,
                "previous": v.previous.version if v.previous else None,
                "title": v.title,
                "languages": v.languages,
                "scale_points": v.scale_points,
                "checksum": v.checksum,
                "published_at": v.published_at.date().isoformat(),
                "withdrawn": v.is_withdrawn,
                "items": len(v.items),
            }
            for v in versions
        ]
    )
