"""users choose the portal's language

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 07:20:00

`locale` is the language a user chose for the staff and admin pages (da, en or sv); empty (NULL) means the
browser's choice, which every existing user keeps. As in 0003, the column comes with its CHECK constraint in one
ALTER TABLE ... ADD COLUMN on both databases and leaves with DROP COLUMN: `user_account` is not recreated.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('user_account', sa.Column(
        'locale', sa.String(length=2),
        sa.CheckConstraint("locale IN ('da', 'en', 'sv')", name=op.f('ck_user_account_known_locale')),
        nullable=True))


def downgrade():
    op.drop_column('user_account', 'locale')
