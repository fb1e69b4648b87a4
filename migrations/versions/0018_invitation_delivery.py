"""invitation delivery: paced sending, bounces, reminders, replaced links, unsubscribed addresses

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 08:20:00

Personal invitations were sent in the request that uploaded them, with no record of bounces and no way to
remind or unsubscribe. Invitations gain their delivery state (pending message, attempts, retry time, bounced,
reminders sent); rounds a reminder schedule and a maximum; two new tables keep hashes of unsubscribed addresses
per network and of links replaced by a newer message.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('unsubscribed_address',
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('unsubscribed_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_unsubscribed_address_network_id_network'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('network_id', 'address_hash', name=op.f('pk_unsubscribed_address'))
    )
    op.create_table('replaced_invitation_token',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], name=op.f('fk_replaced_invitation_token_round_id_survey_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_replaced_invitation_token'))
    )
    with op.batch_alter_table('replaced_invitation_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_replaced_invitation_token_round_id'), ['round_id'], unique=False)

    with op.batch_alter_table('personal_invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('retry_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('bounced', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('reminders', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remind_after_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('remind_before_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('max_reminders', sa.Integer(), server_default='2', nullable=False))


def downgrade():
    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.drop_column('max_reminders')
        batch_op.drop_column('remind_before_days')
        batch_op.drop_column('remind_after_days')

    with op.batch_alter_table('personal_invitation', schema=None) as batch_op:
        batch_op.drop_column('reminders')
        batch_op.drop_column('bounced')
        batch_op.drop_column('retry_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('pending')

    with op.batch_alter_table('replaced_invitation_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_replaced_invitation_token_round_id'))

    op.drop_table('replaced_invitation_token')
    op.drop_table('unsubscribed_address')
