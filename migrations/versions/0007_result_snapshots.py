"""provisional results of an open round are a stored snapshot, taken at most once a day

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 01:10:00

Until now an open round's provisional results were computed on every read, so two reads around one
submission gave that respondent's answers. They now come from `result_snapshot`, one row per round, which
the periodic job (`benchlearn results freeze-due`, Celery beat) replaces at most once a day.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('result_snapshot',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('aggregates', sa.LargeBinary(), nullable=False),
    sa.CheckConstraint('length(content_hash) = 64', name=op.f('ck_result_snapshot_hash_is_sha256')),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], name=op.f('fk_result_snapshot_round_id_survey_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_result_snapshot'))
    )


def downgrade():
    op.drop_table('result_snapshot')
