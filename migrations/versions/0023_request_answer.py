"""benchlearning requests: who answered, and one open request per pair and dimension

Revision ID: 0023
Revises: 0020
Create Date: 2026-12-06 10:45:00

`benchlearning_request.answered_by_id`: the staff member who accepted or declined, whose e-mail is the answering
school's contact once both schools agreed to reveal themselves (the requester's is `created_by_id`). A partial
unique index keeps a school from holding two open requests (pending, accepted, visit planned) to the same school
about the same dimension, whatever two browsers send at once.

The new column holds NULL in every row, so its foreign key holds for the rows there are. On SQLite the table is
not recreated (its copy's implicit DELETE would cascade to the notes, see 0003): a plain ALTER TABLE ADD COLUMN,
then the named constraint written into the table's CREATE statement as 0017 does (SQLite's documented way for a
change that leaves every stored row valid); on PostgreSQL a column and a constraint.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0020'
branch_labels = None
depends_on = None

FK_NAME = 'fk_benchlearning_request_answered_by_id_user_account'
OPEN = sa.text("status IN ('pending', 'accepted', 'visit_planned')")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


PRIMARY_KEY = "CONSTRAINT pk_benchlearning_request PRIMARY KEY"
SQLITE_FK = f"CONSTRAINT {FK_NAME} FOREIGN KEY(answered_by_id) REFERENCES user_account (id) ON DELETE SET NULL, \n\t"


def _rewrite_sqlite_table(table: str, old: str, new: str) -> None:
    """Rewrite `table`'s CREATE statement, replacing `old` (there once) by `new` (0017's way)."""
    connection = op.get_bind()
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar_one()
    if sql.count(old) != 1:
        raise RuntimeError(f"0023: the schema of {table} is not the one expected (looking for {old!r})")
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar_one()
    connection.exec_driver_sql("PRAGMA writable_schema = ON")
    connection.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                               (sql.replace(old, new), table))
    connection.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    connection.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    if _sqlite():
        op.execute("ALTER TABLE benchlearning_request ADD COLUMN answered_by_id INTEGER")
        _rewrite_sqlite_table('benchlearning_request', PRIMARY_KEY, SQLITE_FK + PRIMARY_KEY)
    else:
        op.add_column('benchlearning_request', sa.Column('answered_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key(FK_NAME, 'benchlearning_request', 'user_account', ['answered_by_id'], ['id'],
                              ondelete='SET NULL')
    op.create_index('uq_benchlearning_request_open_pair', 'benchlearning_request',
                    ['from_school_id', 'to_school_id', 'dimension'], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    op.drop_index('uq_benchlearning_request_open_pair', table_name='benchlearning_request')
    if _sqlite():
        _rewrite_sqlite_table('benchlearning_request', SQLITE_FK, "")
        op.execute("ALTER TABLE benchlearning_request DROP COLUMN answered_by_id")
    else:
        op.drop_constraint(FK_NAME, 'benchlearning_request', type_='foreignkey')
        op.drop_column('benchlearning_request', 'answered_by_id')
