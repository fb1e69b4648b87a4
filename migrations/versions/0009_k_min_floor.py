"""minimum group size never below 3; whether admins read the schools' comments

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 01:10:00

METHOD.md v2 (Anonymity): k_min is never below 3, and free text reaches network admins only when the network's
settings allow it. A network with k_min 2 is raised to 3 (the rule would refuse its results otherwise). The
floor is a CHECK on PostgreSQL (the old one replaced); SQLite cannot change a table's CHECK without recreating
the table (see 0003 on why `network` is not recreated), so there two triggers refuse the same rows.
`admins_read_comments` is added off for every network.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = ("network_k_min_floor_insert", "network_k_min_floor_update")


def upgrade():
    op.execute("UPDATE network SET k_min = 3 WHERE k_min < 3")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f('ck_network_k_min_at_least_two'), 'network', type_='check')
        op.create_check_constraint(op.f('ck_network_k_min_at_least_three'), 'network', 'k_min >= 3')
    else:
        refuse = "BEGIN SELECT RAISE(ABORT, 'k_min must be at least 3'); END"
        op.execute(f"CREATE TRIGGER {_SQLITE_TRIGGERS[0]} BEFORE INSERT ON network "
                   f"WHEN NEW.k_min < 3 {refuse}")
        op.execute(f"CREATE TRIGGER {_SQLITE_TRIGGERS[1]} BEFORE UPDATE OF k_min ON network "
                   f"WHEN NEW.k_min < 3 {refuse}")
    op.add_column('network', sa.Column('admins_read_comments', sa.Boolean(), nullable=False,
                                       server_default=sa.false()))


def downgrade():
    op.drop_column('network', 'admins_read_comments')
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f('ck_network_k_min_at_least_three'), 'network', type_='check')
        op.create_check_constraint(op.f('ck_network_k_min_at_least_two'), 'network', 'k_min >= 2')
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
