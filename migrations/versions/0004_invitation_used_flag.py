"""personal invitations keep a used flag, not the day of use

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:40:00

A used invitation's date beside a response's submission date would single out a staff member or company
contact on a day with one of each, so only "used" is kept. Like 0003, plain ALTER TABLE ADD/DROP COLUMN
(SQLite 3.35+), no batch recreation of the table.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('personal_invitation', sa.Column('used', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE personal_invitation SET used = (used_on IS NOT NULL)")
    op.drop_column('personal_invitation', 'used_on')


def downgrade():
    # The day of use is gone for good: a used invitation comes back as used on the day of the downgrade.
    op.add_column('personal_invitation', sa.Column('used_on', sa.Date(), nullable=True))
    op.execute("UPDATE personal_invitation SET used_on = CURRENT_DATE WHERE used")
    op.drop_column('personal_invitation', 'used')
