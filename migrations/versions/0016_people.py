"""users: invitations, last login, TOTP two-factor and recovery codes

Revision ID: 0016
Revises: 0013 (given 0012; relinked onto main's chain when main was merged)
Create Date: 2026-12-06 07:30:00

An invited user has no password yet: their `password_hash` is the empty string, which nothing verifies against
(survey/accounts/passwords.py), so the column stays NOT NULL and `user_account` is not rebuilt (a rebuild on
SQLite would have to switch foreign keys off, as `api_token` cascades from it). Columns are added with plain
ALTER TABLE ADD/DROP COLUMN (SQLite 3.35+), as in 0010.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('user_account', sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('user_account', sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('user_account', sa.Column('totp_secret', sa.String(length=255), nullable=True))
    op.add_column('user_account', sa.Column('totp_last_step', sa.Integer(), nullable=True))
    op.create_table(
        'user_recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_user_recovery_code_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_recovery_code')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_user_recovery_code_code_hash')),
    )
    with op.batch_alter_table('user_recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_recovery_code_user_id'), ['user_id'], unique=False)


def downgrade():
    # Code before 0016 verified an empty hash against its timing dummy: give invited users an invalid hash instead.
    op.execute("UPDATE user_account SET password_hash = '!' WHERE password_hash = ''")
    with op.batch_alter_table('user_recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_recovery_code_user_id'))
    op.drop_table('user_recovery_code')
    op.drop_column('user_account', 'totp_last_step')
    op.drop_column('user_account', 'totp_secret')
    op.drop_column('user_account', 'last_login_at')
    op.drop_column('user_account', 'invited_at')
