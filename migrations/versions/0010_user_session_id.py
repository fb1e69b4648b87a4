"""users carry a session id: logging out ends the session on the server

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 01:20:00

The session cookie names the user and this id; logging out replaces it, so a cookie captured before no longer
logs anyone in. Every user gets a random id here; sessions signed before the upgrade name none and end (each
user logs in once more). Plain ALTER TABLE ADD COLUMN with a default (SQLite 3.35+), no batch recreation.
"""
import secrets

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('user_account', sa.Column('session_id', sa.String(length=32), nullable=False, server_default=''))
    connection = op.get_bind()
    user_ids = connection.execute(sa.text("SELECT id FROM user_account")).scalars().all()
    for user_id in user_ids:
        connection.execute(sa.text("UPDATE user_account SET session_id = :session_id WHERE id = :id"),
                           {"session_id": secrets.token_hex(16), "id": user_id})


def downgrade():
    op.drop_column('user_account', 'session_id')
