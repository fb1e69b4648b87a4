"""background jobs: one `job` table for every runner (Celery or in process)

Revision ID: 0014
Revises: 0016
Create Date: 2026-12-06 07:30:00

Report builds kept their progress in Celery's result backend or in JSON files of the report store, and the
periodic results job left no trace. Every background job is now a row of `job`: kind, parameters, state
(queued, running, done, failed), progress, result or error, who queued it and for which network.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('worker', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_job_known_state')),
    sa.CheckConstraint('done >= 0 AND (total IS NULL OR (total >= 0 AND done <= total))',
                       name=op.f('ck_job_progress_in_range')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_job_created_by_user_account'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_job_network_id_network'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_network_id'), ['network_id'], unique=False)


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_network_id'))
        batch_op.drop_index(batch_op.f('ix_job_kind'))
    op.drop_table('job')
