"""privacy operations: a retention schedule per network, and the audit log

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 08:30:00

`retention_schedule` holds one network's schedule (days after a round closes before its drafts go, years before
its free text and its microdata go, years an audit entry is kept) and the data protection contact the records
of processing name; a network without a row follows the defaults of survey/privacy/models.py. `audit_entry`
records who exported, downloaded or changed what; it names staff and objects, never a respondent.
New tables only: nothing existing is rebuilt.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('retention_schedule',
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('draft_days', sa.Integer(), nullable=False),
    sa.Column('free_text_years', sa.Integer(), nullable=False),
    sa.Column('microdata_years', sa.Integer(), nullable=False),
    sa.Column('audit_years', sa.Integer(), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.CheckConstraint('draft_days >= 0', name=op.f('ck_retention_schedule_draft_days_not_negative')),
    sa.CheckConstraint('free_text_years >= 1 AND free_text_years <= microdata_years',
                       name=op.f('ck_retention_schedule_free_text_before_microdata')),
    sa.CheckConstraint('audit_years >= 1', name=op.f('ck_retention_schedule_audit_years_positive')),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_retention_schedule_network_id_network'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('network_id', name=op.f('pk_retention_schedule'))
    )
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object', sa.String(length=300), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_audit_entry_actor_id_user_account'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_audit_entry_network_id_network'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entry_network_at', ['network_id', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_network_at')
    op.drop_table('audit_entry')
    op.drop_table('retention_schedule')
