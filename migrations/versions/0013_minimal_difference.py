"""the network's minimal important difference; structural analysis of a school from 300 complete cases

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 07:30:00

METHOD.md v2: a trend is flagged, and a benchmark partner offered, only when the difference is at least the
network's minimal important difference (3 index points by default): `network.minimal_difference`, a float > 0,
added as 3.0 for every network. A school has its own structural analysis from 300 complete cases by default
(was 100): networks still at the old default 100 are moved to 300, since 100 was never chosen, only inherited;
a network that chose another number keeps it. The server default of `driver_min_cases` becomes 300 on
PostgreSQL; SQLite cannot change a column default without recreating `network` (see 0003, 0009), so there the
application's default (300) is the only one, as it was for 100.
The check `minimal_difference > 0` is a CHECK on PostgreSQL and two triggers on SQLite (as 0009 does for k_min).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = ("network_minimal_difference_insert", "network_minimal_difference_update")


def upgrade():
    op.add_column('network', sa.Column('minimal_difference', sa.Float(), nullable=False, server_default='3.0'))
    op.execute("UPDATE network SET driver_min_cases = 300 WHERE driver_min_cases = 100")
    if op.get_bind().dialect.name == "postgresql":
        op.create_check_constraint(op.f('ck_network_minimal_difference_positive'), 'network',
                                   'minimal_difference > 0')
        op.alter_column('network', 'driver_min_cases', server_default='300')
    else:
        refuse = "BEGIN SELECT RAISE(ABORT, 'minimal_difference must be above 0'); END"
        op.execute(f"CREATE TRIGGER {_SQLITE_TRIGGERS[0]} BEFORE INSERT ON network "
                   f"WHEN NEW.minimal_difference <= 0 {refuse}")
        op.execute(f"CREATE TRIGGER {_SQLITE_TRIGGERS[1]} BEFORE UPDATE OF minimal_difference ON network "
                   f"WHEN NEW.minimal_difference <= 0 {refuse}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column('network', 'driver_min_cases', server_default=None)
        op.drop_constraint(op.f('ck_network_minimal_difference_positive'), 'network', type_='check')
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("UPDATE network SET driver_min_cases = 100 WHERE driver_min_cases = 300")
    op.drop_column('network', 'minimal_difference')
