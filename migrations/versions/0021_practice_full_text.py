"""practice cards: full-text search (PostgreSQL tsvector + GIN, SQLite FTS5)

Revision ID: 0021
Revises: 0023
Create Date: 2026-12-06 10:50:00

PostgreSQL: a generated tsvector column over title (A), summary (B), what, why and participants_note (C),
stemmed in the card's language (danish, swedish, english, else simple), with a GIN index. SQLite: an FTS5 table
with external content (no copy of the text), tokenizer unicode61 with diacritics removed, kept by triggers and
filled from the existing cards. The statements are this revision's own copy of survey/practices/fulltext.py, which
builds the same through `create_all`.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0023'
branch_labels = None
depends_on = None

CONFIG = ("CASE language WHEN 'da' THEN 'danish'::regconfig WHEN 'sv' THEN 'swedish'::regconfig "
          "WHEN 'en' THEN 'english'::regconfig ELSE 'simple'::regconfig END")
POSTGRESQL = (
    "ALTER TABLE practice_card ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector({CONFIG}, coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector({CONFIG}, coalesce(summary, '')), 'B') || "
    f"setweight(to_tsvector({CONFIG}, coalesce(what, '') || ' ' || coalesce(why, '') || ' ' || "
    "coalesce(participants_note, '')), 'C')) STORED",
    "CREATE INDEX ix_practice_card_search_vector ON practice_card USING gin (search_vector)",
)
COLUMNS = "title, summary, what, why, participants_note"
NEW = "new.title, new.summary, new.what, new.why, new.participants_note"
OLD = "old.title, old.summary, old.what, old.why, old.participants_note"
SQLITE = (
    f"CREATE VIRTUAL TABLE practice_card_fts USING fts5({COLUMNS}, content='practice_card', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER practice_card_fts_insert AFTER INSERT ON practice_card BEGIN "
    f"INSERT INTO practice_card_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END",
    "CREATE TRIGGER practice_card_fts_delete AFTER DELETE ON practice_card BEGIN "
    f"INSERT INTO practice_card_fts(practice_card_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); END",
    f"CREATE TRIGGER practice_card_fts_update AFTER UPDATE OF {COLUMNS} ON practice_card BEGIN "
    f"INSERT INTO practice_card_fts(practice_card_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); "
    f"INSERT INTO practice_card_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END",
    "INSERT INTO practice_card_fts(practice_card_fts) VALUES ('rebuild')",
)


def upgrade():
    statements = POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE
    for statement in statements:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_practice_card_search_vector")
        op.execute("ALTER TABLE practice_card DROP COLUMN search_vector")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER practice_card_fts_{trigger}")
        op.execute("DROP TABLE practice_card_fts")
