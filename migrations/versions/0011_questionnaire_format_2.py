"""questionnaire format 2: published versions upgraded, background questions of every packed type

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 04:30:00

Definitions gained question types, routing and named scales (issue 10). The content of every version published
in format 1 is rewritten in format 2 by `survey.catalog.upgrade` (keys, texts, lineage and the answers' storage
order unchanged, so stored responses read the same), with the checksum of the new canonical JSON; `source`
keeps the YAML as it was published, for the record. The immutability triggers are lifted for that one rewrite
and put back. `background_question` gains `type` (single, multiple, numeric): a numeric question has neither
options nor a source, so the check that demanded one goes.
"""
import hashlib
import json

import sqlalchemy as sa
from alembic import op

from survey.catalog.upgrade import upgrade_definition

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

CHILD_TABLES = ("dimension", "item", "background_question", "free_text_question")
FROZEN_VERSION_COLUMNS = (
    "family_id", "version", "previous_id", "title", "languages", "scale_points",
    "content", "source", "checksum", "published_at", "published_by",
)
MESSAGE = "published questionnaire content is immutable"


def upgrade():
    _drop_immutability_triggers()
    connection = op.get_bind()
    versions = connection.execute(sa.text("SELECT id, content FROM questionnaire_version")).all()
    for version_id, content in versions:
        upgraded = _upgraded(content)
        if upgraded is not None:
            connection.execute(
                sa.text("UPDATE questionnaire_version SET content = :content, checksum = :checksum WHERE id = :id"),
                {"content": upgraded, "checksum": hashlib.sha256(upgraded.encode("utf-8")).hexdigest(), "id": version_id},
            )
    with op.batch_alter_table("background_question", recreate="always") as batch:
        batch.add_column(sa.Column("type", sa.String(length=16), nullable=False, server_default="single"))
        batch.drop_constraint(op.f("ck_background_question_has_answers"), type_="check")
    with op.batch_alter_table("background_question") as batch:
        batch.alter_column("type", server_default=None)
    _create_immutability_triggers()


def downgrade():
    """The rewritten content stays in format 2 (the code of 0010 cannot read it, but nothing is lost: `source`
    holds every version as published); the column and the check come back."""
    _drop_immutability_triggers()
    with op.batch_alter_table("background_question", recreate="always") as batch:
        batch.drop_column("type")
        batch.create_check_constraint(
            op.f("ck_background_question_has_answers"), "source IS NOT NULL OR options IS NOT NULL"
        )
    _create_immutability_triggers()


def _upgraded(content: str) -> str | None:
    """The canonical JSON of the format-2 upgrade of a format-1 content; None for content already in format 2
    (or not a definition at all)."""
    from survey.catalog.definition import QuestionnaireDefinition, canonical_json, format_one

    try:
        data = json.loads(content)
    except ValueError:
        return None
    if not format_one(data):
        return None
    try:
        upgraded = upgrade_definition(data)
    except (KeyError, TypeError):
        return None
    return canonical_json(QuestionnaireDefinition.model_validate(upgraded))


def _create_immutability_triggers():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION refuse_published_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE} (%)', TG_TABLE_NAME; END $$"
        )
        changed = " OR ".join(f"OLD.{c}::text IS DISTINCT FROM NEW.{c}::text" for c in FROZEN_VERSION_COLUMNS)
        op.execute(
            "CREATE TRIGGER questionnaire_version_frozen BEFORE UPDATE ON questionnaire_version "
            f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION refuse_published_change()"
        )
        for table in ("questionnaire_version",) + CHILD_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_kept BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION refuse_published_change()"
            )
        for table in CHILD_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_frozen BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION refuse_published_change()"
            )
    else:
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN_VERSION_COLUMNS)
        raise_ = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        op.execute(f"CREATE TRIGGER questionnaire_version_frozen BEFORE UPDATE ON questionnaire_version WHEN {changed} {raise_}")
        for table in ("questionnaire_version",) + CHILD_TABLES:
            op.execute(f"CREATE TRIGGER {table}_kept BEFORE DELETE ON {table} {raise_}")
        for table in CHILD_TABLES:
            op.execute(f"CREATE TRIGGER {table}_frozen BEFORE UPDATE ON {table} {raise_}")


def _drop_immutability_triggers():
    postgres = op.get_bind().dialect.name == "postgresql"
    names = [("questionnaire_version_frozen", "questionnaire_version")]
    names += [(f"{t}_kept", t) for t in ("questionnaire_version",) + CHILD_TABLES]
    names += [(f"{t}_frozen", t) for t in CHILD_TABLES]
    for name, table in names:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS refuse_published_change()")
