"""school report language

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 10:00:00

Each school's benchmark report is written in its `report_language` (da, en or sv; Danish for every existing
school). The column comes with its CHECK constraint in one ALTER TABLE ... ADD COLUMN, on SQLite as on
PostgreSQL, and is removed with ALTER TABLE ... DROP COLUMN (SQLite 3.35+). Neither recreates the `school`
table: on SQLite a batch "move and copy" would drop the old table with foreign keys on (the app turns them on
for every connection and a pragma cannot change inside the migration's transaction), and that implicit
DELETE would cascade to the programs and be refused by the responses that refer to the school. No
questionnaire table is touched, so the immutability triggers of 0001 are unaffected.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('school', sa.Column(
        'report_language', sa.String(length=2),
        sa.CheckConstraint("report_language IN ('da', 'en', 'sv')", name=op.f('ck_school_known_report_language')),
        nullable=False, server_default='da'))


def downgrade():
    op.drop_column('school', 'report_language')
