"""the questionnaire catalog belongs to a network

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 01:20:00

Each network publishes, lists and withdraws its own questionnaire versions: `questionnaire_family` gets a
`network_id`, unique with the family key (a version's family, and so its network, never changes: `family_id`
is one of the columns the immutability triggers of 0001 freeze, and this migration does not touch it). Version
labels stay unique per family, so per network. The checksum is no longer unique: two networks may publish the
same file.

Existing families go to the network that owns the catalog today: the only network, or, when several exist, the
only one whose rounds use catalog versions. A catalog shared by rounds of several networks cannot be split
here (a published version cannot be copied under new ids without changing what rounds and results refer to)
and the migration stops with a message saying so; so does a catalog without any network.

SQLite cannot drop a UNIQUE constraint or make a column NOT NULL in place: both tables are rebuilt (copied,
dropped, renamed). With foreign keys on, dropping the old `questionnaire_version` would be refused by the
items, dimensions and rounds that refer to it (ON DELETE RESTRICT), and the pragma cannot change inside a
transaction, so the rebuild follows SQLite's own procedure for schema changes
(https://www.sqlite.org/lang_altertable.html#otheralter): commit, foreign keys off, rebuild in a transaction,
`PRAGMA foreign_key_check`, commit, foreign keys on. Copying rows INSERTs them, which no trigger refuses, and
dropping a table fires no DELETE trigger; the rebuilt `questionnaire_version` gets its two triggers back.
PostgreSQL alters both tables in place, its triggers untouched.
"""
from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

FROZEN_VERSION_COLUMNS = (
    "family_id", "version", "previous_id", "title", "languages", "scale_points",
    "content", "source", "checksum", "published_at", "published_by",
)
MESSAGE = "published questionnaire content is immutable"


def _family_table(per_network: bool) -> sa.Table:
    """`questionnaire_family` as it is before the rebuild: with its new, nullable `network_id` and the unique key
    of one shared catalog (upgrade), or owned by networks (downgrade)."""
    if per_network:
        extra = [
            sa.Column('network_id', sa.Integer(), nullable=False),
            sa.UniqueConstraint('network_id', 'key', name='uq_questionnaire_family_network_id_key'),
            sa.ForeignKeyConstraint(['network_id'], ['network.id'],
                                    name='fk_questionnaire_family_network_id_network', ondelete='RESTRICT'),
        ]
    else:
        extra = [
            sa.Column('network_id', sa.Integer(), nullable=True),
            sa.UniqueConstraint('key', name='uq_questionnaire_family_key'),
        ]
    return sa.Table(
        'questionnaire_family', sa.MetaData(),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=20), nullable=False),
        sa.CheckConstraint("key IN ('student', 'staff', 'company')", name='ck_questionnaire_family_known_family'),
        sa.PrimaryKeyConstraint('id', name='pk_questionnaire_family'),
        *extra,
    )


def _version_table(checksum_unique: bool) -> sa.Table:
    table = sa.Table(
        'questionnaire_version', sa.MetaData(),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('family_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.String(length=40), nullable=False),
        sa.Column('previous_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.JSON(), nullable=False),
        sa.Column('languages', sa.JSON(), nullable=False),
        sa.Column('scale_points', sa.Integer(), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('source', sa.Text(), nullable=False),
        sa.Column('checksum', sa.String(length=64), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('published_by', sa.String(length=254), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('length(checksum) = 64', name='ck_questionnaire_version_checksum_is_sha256'),
        sa.CheckConstraint('scale_points BETWEEN 2 AND 11', name='ck_questionnaire_version_scale_points_range'),
        sa.ForeignKeyConstraint(['family_id'], ['questionnaire_family.id'],
                                name='fk_questionnaire_version_family_id_questionnaire_family', ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['previous_id'], ['questionnaire_version.id'],
                                name='fk_questionnaire_version_previous_id_questionnaire_version', ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name='pk_questionnaire_version'),
        sa.UniqueConstraint('family_id', 'version', name='uq_questionnaire_version_family_id_version'),
        sa.Index('ix_questionnaire_version_family_id', 'family_id'),
    )
    if checksum_unique:
        table.append_constraint(sa.UniqueConstraint('checksum', name='uq_questionnaire_version_checksum'))
    return table


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


def _recreate_sqlite_version_triggers():
    if op.get_bind().dialect.name != "sqlite":
        return
    raise_ = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN_VERSION_COLUMNS)
    op.execute("DROP TRIGGER IF EXISTS questionnaire_version_frozen")
    op.execute("DROP TRIGGER IF EXISTS questionnaire_version_kept")
    op.execute(f"CREATE TRIGGER questionnaire_version_frozen BEFORE UPDATE ON questionnaire_version WHEN {changed} {raise_}")
    op.execute(f"CREATE TRIGGER questionnaire_version_kept BEFORE DELETE ON questionnaire_version {raise_}")


def _catalog_owner(bind) -> int | None:
    """The network that owns today's catalog (see the docstring), or None when the catalog is empty."""
    if not bind.execute(sa.text("SELECT count(*) FROM questionnaire_family")).scalar():
        return None
    networks = [row[0] for row in bind.execute(sa.text("SELECT id FROM network ORDER BY id"))]
    if len(networks) == 1:
        return networks[0]
    users = [row[0] for row in bind.execute(sa.text(
        "SELECT DISTINCT n.name FROM survey_round r JOIN network n ON n.id = r.network_id ORDER BY n.name"))]
    if not networks:
        raise RuntimeError("the questionnaire catalog has versions but no network exists to own them: "
                           "create the network (`benchlearn network create NAME`) and upgrade again")
    if len(users) != 1:
        raise RuntimeError(
            "the questionnaire catalog cannot be given to one network: "
            + (f"rounds of {', '.join(users)} use it" if users else f"{len(networks)} networks and no round uses it")
        )
    return bind.execute(sa.text("SELECT id FROM network WHERE name = :name"), {"name": users[0]}).scalar()


def upgrade():
    bind = op.get_bind()
    op.add_column('questionnaire_family', sa.Column('network_id', sa.Integer(), nullable=True))
    owner = _catalog_owner(bind)
    if owner is not None:
        bind.execute(sa.text("UPDATE questionnaire_family SET network_id = :owner"), {"owner": owner})
    with _sqlite_foreign_keys_off():
        with op.batch_alter_table('questionnaire_family', copy_from=_family_table(per_network=False)) as batch_op:
            batch_op.alter_column('network_id', existing_type=sa.Integer(), nullable=False)
            batch_op.drop_constraint('uq_questionnaire_family_key', type_='unique')
            batch_op.create_unique_constraint(batch_op.f('uq_questionnaire_family_network_id_key'), ['network_id', 'key'])
            batch_op.create_foreign_key(batch_op.f('fk_questionnaire_family_network_id_network'), 'network',
                                        ['network_id'], ['id'], ondelete='RESTRICT')
        with op.batch_alter_table('questionnaire_version', copy_from=_version_table(checksum_unique=True)) as batch_op:
            batch_op.drop_constraint('uq_questionnaire_version_checksum', type_='unique')
        _recreate_sqlite_version_triggers()


def downgrade():
    bind = op.get_bind()
    shared = bind.execute(sa.text(
        "SELECT key FROM questionnaire_family GROUP BY key HAVING count(*) > 1")).scalars().all()
    if shared:
        raise RuntimeError(f"several networks have a {', '.join(shared)} catalog: one shared catalog cannot hold them")
    with _sqlite_foreign_keys_off():
        with op.batch_alter_table('questionnaire_version', copy_from=_version_table(checksum_unique=False)) as batch_op:
            batch_op.create_unique_constraint('uq_questionnaire_version_checksum', ['checksum'])
        with op.batch_alter_table('questionnaire_family', copy_from=_family_table(per_network=True)) as batch_op:
            batch_op.drop_constraint('fk_questionnaire_family_network_id_network', type_='foreignkey')
            batch_op.drop_constraint('uq_questionnaire_family_network_id_key', type_='unique')
            batch_op.drop_column('network_id')
            batch_op.create_unique_constraint('uq_questionnaire_family_key', ['key'])
        _recreate_sqlite_version_triggers()
