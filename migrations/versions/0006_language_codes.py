"""responses hold language codes of up to 16 characters (prs, ckb, sr-Latn), not 2

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 01:30:00

A questionnaire may be written in any language with a code such as `prs` (Dari) or `sr-Latn`; PostgreSQL
refused every response in a language whose code had more than two characters. Only `response.language` and
`response_draft.language` change; no questionnaire table is touched, so the immutability triggers of 0001 are
unaffected.

SQLite never enforces a VARCHAR length, so there only the declared type changes, by SQLite's documented
procedure for schema changes that leave the stored rows as they are (https://sqlite.org/lang_altertable.html,
section 7): a batch migration would copy and drop `response`, and dropping it deletes every free-text answer
through their ON DELETE CASCADE.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TABLES = ("response", "response_draft")


def _declare_language(length_from: int, length_to: int) -> None:
    if op.get_bind().dialect.name != "sqlite":
        for table in TABLES:
            op.alter_column(table, "language", type_=sa.String(length_to), existing_type=sa.String(length_from),
                            existing_nullable=False)
        return
    bind = op.get_bind()
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    for table in TABLES:
        bind.execute(
            sa.text("UPDATE sqlite_master SET sql = replace(sql, :old, :new) WHERE type = 'table' AND name = :table"),
            {"old": f"language VARCHAR({length_from})", "new": f"language VARCHAR({length_to})", "table": table},
        )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    _declare_language(2, 16)


def downgrade():
    _declare_language(16, 2)
