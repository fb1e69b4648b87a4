"""organisers above schools, school types per network, organiser staff

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-06 08:00:00

An organiser (a municipality, an independent organiser, an owner or a region) groups a network's schools:
`organiser`, `school.organiser_id` and, for the organiser staff role, `user_account.organiser_id`. School types
are the network's (its `country`'s catalogue and `network_school_type`), no longer a fixed Danish list: the
CHECK `known_type` becomes `type_not_empty` and `type` widens to 32 characters; the role CHECKs admit
`organiser_staff`, tied to an organiser as school staff are to a school.

On SQLite a CHECK cannot be changed without recreating the table, and `school` and `user_account` cannot be
recreated here (see 0003: the copy's implicit DELETE would cascade with foreign keys on). SQLite documents the
other way for changes that leave the stored rows as they are (removing or widening a constraint, a declared
length it does not enforce): rewrite the table's CREATE statement in sqlite_schema under `writable_schema` and
bump `schema_version` (https://www.sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema
Changes"). Every row valid before stays valid. New columns are plain ALTER TABLE ADD COLUMN on both databases.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0015'
branch_labels = None
depends_on = None

OLD_TYPE_CHECK = "type IN ('EUD', 'hhx', 'htx', 'stx', 'hf', 'AMU', 'VUC')"
NEW_TYPE_CHECK = "length(type) > 0"
OLD_KNOWN_ROLE = "role IN ('network_admin', 'school_staff')"
NEW_KNOWN_ROLE = "role IN ('network_admin', 'school_staff', 'organiser_staff')"
OLD_MATCHES = "(role = 'school_staff' AND school_id IS NOT NULL) OR (role = 'network_admin' AND school_id IS NULL)"
NEW_MATCHES = ("(role = 'school_staff' AND school_id IS NOT NULL AND organiser_id IS NULL) OR "
               "(role = 'network_admin' AND school_id IS NULL AND organiser_id IS NULL) OR "
               "(role = 'organiser_staff' AND school_id IS NULL AND organiser_id IS NOT NULL)")
KINDS = "('municipality', 'region', 'independent', 'state', 'owner', 'other')"
SCHOOL_UNIQUE = "CONSTRAINT uq_school_network_id_code UNIQUE (network_id, code)"
SCHOOL_FK = ("CONSTRAINT fk_school_organiser_id_organiser FOREIGN KEY(organiser_id) REFERENCES organiser (id) "
             "ON DELETE SET NULL, \n\t")
USER_UNIQUE = "CONSTRAINT uq_user_account_email UNIQUE (email)"
USER_FK = ("CONSTRAINT fk_user_account_organiser_id_organiser FOREIGN KEY(organiser_id) REFERENCES organiser (id) "
           "ON DELETE RESTRICT, \n\t")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _rewrite_sqlite_table(table: str, replacements: list[tuple[str, str]]) -> None:
    """Rewrite `table`'s CREATE statement (see the module docstring); each old text must be there once."""
    connection = op.get_bind()
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar_one()
    for old, new in replacements:
        if sql.count(old) != 1:
            raise RuntimeError(f"0017: the schema of {table} is not the one expected (looking for {old!r})")
        sql = sql.replace(old, new)
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar_one()
    connection.exec_driver_sql("PRAGMA writable_schema = ON")
    connection.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql, table))
    connection.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    connection.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    op.create_table(
        'organiser',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('network_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=16), server_default='other', nullable=False),
        sa.CheckConstraint('length(code) > 0', name=op.f('ck_organiser_code_not_empty')),
        sa.CheckConstraint(f'kind IN {KINDS}', name=op.f('ck_organiser_known_kind')),
        sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_organiser_network_id_network'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organiser')),
        sa.UniqueConstraint('network_id', 'code', name=op.f('uq_organiser_network_id_code')),
    )
    op.create_index(op.f('ix_organiser_network_id'), 'organiser', ['network_id'], unique=False)
    op.create_table(
        'network_school_type',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('network_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.CheckConstraint('length(code) > 0', name=op.f('ck_network_school_type_code_not_empty')),
        sa.ForeignKeyConstraint(['network_id'], ['network.id'],
                                name=op.f('fk_network_school_type_network_id_network'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_network_school_type')),
        sa.UniqueConstraint('network_id', 'code', name=op.f('uq_network_school_type_network_id_code')),
    )
    op.create_index(op.f('ix_network_school_type_network_id'), 'network_school_type', ['network_id'], unique=False)
    op.add_column('network', sa.Column(
        'country', sa.String(length=5),
        sa.CheckConstraint("country IN ('DK', 'SE', 'other')", name=op.f('ck_network_known_country')),
        nullable=False, server_default='DK'))
    if _sqlite():
        # the new columns hold NULL in every row: their foreign keys hold for the rows there are
        op.execute("ALTER TABLE school ADD COLUMN organiser_id INTEGER")
        op.execute("ALTER TABLE user_account ADD COLUMN organiser_id INTEGER")
        _rewrite_sqlite_table('school', [
            ("type VARCHAR(8) NOT NULL", "type VARCHAR(32) NOT NULL"),
            (f"CONSTRAINT ck_school_known_type CHECK ({OLD_TYPE_CHECK})",
             f"CONSTRAINT ck_school_type_not_empty CHECK ({NEW_TYPE_CHECK})"),
            (SCHOOL_UNIQUE, SCHOOL_FK + SCHOOL_UNIQUE)])
        _rewrite_sqlite_table('user_account', [
            (f"CHECK ({OLD_MATCHES})", f"CHECK ({NEW_MATCHES})"),
            (f"CHECK ({OLD_KNOWN_ROLE})", f"CHECK ({NEW_KNOWN_ROLE})"),
            (USER_UNIQUE, USER_FK + USER_UNIQUE)])
    else:
        op.drop_constraint(op.f('ck_school_known_type'), 'school', type_='check')
        op.create_check_constraint(op.f('ck_school_type_not_empty'), 'school', NEW_TYPE_CHECK)
        op.alter_column('school', 'type', type_=sa.String(length=32), existing_nullable=False)
        op.add_column('school', sa.Column('organiser_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_school_organiser_id_organiser'), 'school', 'organiser', ['organiser_id'],
                              ['id'], ondelete='SET NULL')
        op.add_column('user_account', sa.Column('organiser_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_user_account_organiser_id_organiser'), 'user_account', 'organiser',
                              ['organiser_id'], ['id'], ondelete='RESTRICT')
        op.drop_constraint(op.f('ck_user_account_school_matches_role'), 'user_account', type_='check')
        op.drop_constraint(op.f('ck_user_account_known_role'), 'user_account', type_='check')
        op.create_check_constraint(op.f('ck_user_account_school_matches_role'), 'user_account', NEW_MATCHES)
        op.create_check_constraint(op.f('ck_user_account_known_role'), 'user_account', NEW_KNOWN_ROLE)
    op.create_index(op.f('ix_school_organiser_id'), 'school', ['organiser_id'], unique=False)
    op.create_index(op.f('ix_user_account_organiser_id'), 'user_account', ['organiser_id'], unique=False)


def downgrade():
    # what the old schema cannot hold: organiser staff, and school types outside the Danish list
    if op.get_bind().execute(sa.text("SELECT count(*) FROM user_account WHERE role = 'organiser_staff'")).scalar():
        raise RuntimeError("0017 downgrade: remove the organiser staff users first (the old schema has no such role)")
    if op.get_bind().execute(sa.text(f"SELECT count(*) FROM school WHERE NOT ({OLD_TYPE_CHECK})")).scalar():
        raise RuntimeError("0017 downgrade: some schools have a type outside the Danish list the old schema allows")
    op.drop_index(op.f('ix_user_account_organiser_id'), table_name='user_account')
    op.drop_index(op.f('ix_school_organiser_id'), table_name='school')
    if _sqlite():
        _rewrite_sqlite_table('user_account', [
            (f"CHECK ({NEW_MATCHES})", f"CHECK ({OLD_MATCHES})"),
            (f"CHECK ({NEW_KNOWN_ROLE})", f"CHECK ({OLD_KNOWN_ROLE})"),
            (USER_FK, "")])
        _rewrite_sqlite_table('school', [
            ("type VARCHAR(32) NOT NULL", "type VARCHAR(8) NOT NULL"),
            (f"CONSTRAINT ck_school_type_not_empty CHECK ({NEW_TYPE_CHECK})",
             f"CONSTRAINT ck_school_known_type CHECK ({OLD_TYPE_CHECK})"),
            (SCHOOL_FK, "")])
        op.execute("ALTER TABLE user_account DROP COLUMN organiser_id")
        op.execute("ALTER TABLE school DROP COLUMN organiser_id")
    else:
        op.drop_constraint(op.f('ck_user_account_school_matches_role'), 'user_account', type_='check')
        op.drop_constraint(op.f('ck_user_account_known_role'), 'user_account', type_='check')
        op.create_check_constraint(op.f('ck_user_account_school_matches_role'), 'user_account', OLD_MATCHES)
        op.create_check_constraint(op.f('ck_user_account_known_role'), 'user_account', OLD_KNOWN_ROLE)
        op.drop_constraint(op.f('fk_user_account_organiser_id_organiser'), 'user_account', type_='foreignkey')
        op.drop_column('user_account', 'organiser_id')
        op.drop_constraint(op.f('fk_school_organiser_id_organiser'), 'school', type_='foreignkey')
        op.drop_column('school', 'organiser_id')
        op.alter_column('school', 'type', type_=sa.String(length=8), existing_nullable=False)
        op.drop_constraint(op.f('ck_school_type_not_empty'), 'school', type_='check')
        op.create_check_constraint(op.f('ck_school_known_type'), 'school', OLD_TYPE_CHECK)
    op.drop_column('network', 'country')
    op.drop_index(op.f('ix_network_school_type_network_id'), table_name='network_school_type')
    op.drop_table('network_school_type')
    op.drop_index(op.f('ix_organiser_network_id'), table_name='organiser')
    op.drop_table('organiser')
