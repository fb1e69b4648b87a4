"""The full-text index over practice cards, one per database, outside the models.

PostgreSQL: a generated tsvector column over title (weight A), summary (B) and what, why, participants_note
(C), stemmed in the card's own language (danish, swedish, english, else simple), with a GIN index. SQLite: an
FTS5 table over the same fields holding no copy of them (external content), kept by triggers, its tokenizer
unicode61 with diacritics removed (SQLite has no Danish or Swedish stemmer: a search term matches as a prefix
instead, survey/practices/search.py).

Neither is in the models (a tsvector has no SQLite counterpart), so the schema comparison of migrations and
models leaves them out (`include_name`), and `create_all` builds them through the table's DDL events, exactly as
migration 0021 does.
"""
from __future__ import annotations

from sqlalchemy import DDL, event

from survey.practices.models import PracticeCard

FTS_TABLE = "practice_card_fts"
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_practice_card_search_vector"
FIELDS = ("title", "summary", "what", "why", "participants_note")

CONFIG = ("CASE language WHEN 'da' THEN 'danish'::regconfig WHEN 'sv' THEN 'swedish'::regconfig "
          "WHEN 'en' THEN 'english'::regconfig ELSE 'simple'::regconfig END")
POSTGRESQL = (
    f"ALTER TABLE practice_card ADD COLUMN {VECTOR_COLUMN} tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector({CONFIG}, coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector({CONFIG}, coalesce(summary, '')), 'B') || "
    f"setweight(to_tsvector({CONFIG}, coalesce(what, '') || ' ' || coalesce(why, '') || ' ' || "
    f"coalesce(participants_note, '')), 'C')) STORED",
    f"CREATE INDEX {VECTOR_INDEX} ON practice_card USING gin ({VECTOR_COLUMN})",
)

_columns = ", ".join(FIELDS)
_new = ", ".join(f"new.{name}" for name in FIELDS)
_old = ", ".join(f"old.{name}" for name in FIELDS)
SQLITE = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({_columns}, content='practice_card', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON practice_card BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, {_columns}) VALUES (new.id, {_new}); END",
    f"CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON practice_card BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_columns}) VALUES ('delete', old.id, {_old}); END",
    f"CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF {_columns} ON practice_card BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_columns}) VALUES ('delete', old.id, {_old}); "
    f"INSERT INTO {FTS_TABLE}(rowid, {_columns}) VALUES (new.id, {_new}); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
)
SQLITE_DROP = (f"DROP TABLE IF EXISTS {FTS_TABLE}",)  # the triggers go with practice_card

for statement in POSTGRESQL:
    event.listen(PracticeCard.__table__, "after_create", DDL(statement).execute_if(dialect="postgresql"))
for statement in SQLITE:
    event.listen(PracticeCard.__table__, "after_create", DDL(statement).execute_if(dialect="sqlite"))
for statement in SQLITE_DROP:
    event.listen(PracticeCard.__table__, "after_drop", DDL(statement).execute_if(dialect="sqlite"))


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """For Alembic's schema comparison: everything but the full-text index's own tables, column and index."""
    if type_ == "table":
        return not (name or "").startswith(FTS_TABLE)
    if type_ == "column":
        return not (parent_names.get("table_name") == "practice_card" and name == VECTOR_COLUMN)
    if type_ == "index":
        return name != VECTOR_INDEX
    return True
