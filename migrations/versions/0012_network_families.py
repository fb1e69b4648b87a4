"""families per network: any family key, with the audience it asks

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 04:00:00

A network adds its own questionnaire families beside the shipped student, staff and company: the check
`known_family` goes, the key may have up to 32 characters, and each family records its `audience` (student,
staff, company or other, checked by `known_audience`), which decides how respondents are reached. Existing
families are one of the three shipped ones, whose audience is their key.

SQLite cannot drop a CHECK constraint in place: `questionnaire_family` is rebuilt (copied, dropped, renamed)
by SQLite's own procedure (https://www.sqlite.org/lang_altertable.html#otheralter), as in 0008: commit,
foreign keys off, rebuild in a transaction, `PRAGMA foreign_key_check`, commit, foreign keys on. The family
table has no triggers. PostgreSQL alters the table in place.
"""
from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

SHIPPED = ('student', 'staff', 'company')
AUDIENCES = ('student', 'staff', 'company', 'other')


def _family_table(after: bool) -> sa.Table:
    """`questionnaire_family` as the batch finds it: before the upgrade (after 0010) or before the downgrade."""
    if after:
        columns = [
            sa.Column('key', sa.String(length=32), nullable=False),
            sa.Column('audience', sa.String(length=20), nullable=False),
            sa.CheckConstraint(f"audience IN {AUDIENCES!r}", name=op.f('ck_questionnaire_family_known_audience')),
        ]
    else:
        columns = [
            sa.Column('key', sa.String(length=20), nullable=False),
            sa.Column('audience', sa.String(length=20), nullable=True),
            sa.CheckConstraint(f"key IN {SHIPPED!r}", name=op.f('ck_questionnaire_family_known_family')),
        ]
    return sa.Table(
        'questionnaire_family', sa.MetaData(),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('network_id', sa.Integer(), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint('id', name='pk_questionnaire_family'),
        sa.UniqueConstraint('network_id', 'key', name='uq_questionnaire_family_network_id_key'),
        sa.ForeignKeyConstraint(['network_id'], ['network.id'],
                                name='fk_questionnaire_family_network_id_network', ondelete='RESTRICT'),
    )


@contextmanager
def _sqlite_foreign_keys_off():
    """SQLite's procedure for a table rebuild (see the docstring); on PostgreSQL nothing to do."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    bind.exec_driver_sql("BEGIN")
    try:
        yield
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise RuntimeError(f"the rebuilt catalog breaks foreign keys: {broken[:5]}")
        bind.exec_driver_sql("COMMIT")
    except BaseException:
        bind.exec_driver_sql("ROLLBACK")
        raise
    finally:
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")
        bind.exec_driver_sql("BEGIN")  # Alembic records the revision in this transaction and commits it


def upgrade():
    op.add_column('questionnaire_family', sa.Column('audience', sa.String(length=20), nullable=True))
    op.execute("UPDATE questionnaire_family SET audience = key")
    with _sqlite_foreign_keys_off():
        with op.batch_alter_table('questionnaire_family', copy_from=_family_table(after=False)) as batch_op:
            batch_op.drop_constraint(op.f('ck_questionnaire_family_known_family'), type_='check')
            batch_op.alter_column('key', existing_type=sa.String(length=20), type_=sa.String(length=32),
                                  existing_nullable=False)
            batch_op.alter_column('audience', existing_type=sa.String(length=20), nullable=False)
            batch_op.create_check_constraint(op.f('ck_questionnaire_family_known_audience'),
                                             f"audience IN {AUDIENCES!r}")


def downgrade():
    bind = op.get_bind()
    own = bind.execute(sa.text("SELECT DISTINCT key FROM questionnaire_family WHERE key NOT IN "
                               "('student', 'staff', 'company') OR audience <> key ORDER BY key")).scalars().all()
    if own:
        raise RuntimeError(f"networks have families of their own ({', '.join(own)}): before 0012 only student, "
                           "staff and company existed, each asking its own audience")
    with _sqlite_foreign_keys_off():
        with op.batch_alter_table('questionnaire_family', copy_from=_family_table(after=True)) as batch_op:
            batch_op.drop_constraint(op.f('ck_questionnaire_family_known_audience'), type_='check')
            batch_op.drop_column('audience')
            batch_op.alter_column('key', existing_type=sa.String(length=32), type_=sa.String(length=20),
                                  existing_nullable=False)
            batch_op.create_check_constraint(op.f('ck_questionnaire_family_known_family'), f"key IN {SHIPPED!r}")
