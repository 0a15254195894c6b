"""The database's full-text index over SearchDocument's pre-segmented words.

SQLite: an FTS5 table with external content (the words stay in search_searchdocument only), kept
in step by triggers, so every insert, update and delete of a document — cascades included —
changes the index in the same transaction. PostgreSQL: a tsvector column (title words weight A,
body words weight B) with a GIN index; search/indexing.py fills it in the same transaction as the
row. Other databases get nothing here and use the simple fallback in search/engine.py.

The SQL is frozen here on purpose; search/engine.py `ensure_index_objects()` re-creates the same
objects after later migrations (SQLite drops a table's triggers when Django rebuilds the table).
"""

from django.db import migrations

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
        title_terms, body_terms, content='search_searchdocument', content_rowid='id'
    )""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_update AFTER UPDATE OF title_terms, body_terms
    ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
        INSERT INTO search_fts(rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_CREATE = [
    "ALTER TABLE search_searchdocument ADD COLUMN IF NOT EXISTS search_vector tsvector",
    "CREATE INDEX IF NOT EXISTS search_document_vector ON search_searchdocument USING gin (search_vector)",
    """UPDATE search_searchdocument SET search_vector =
        setweight(to_tsvector('simple', coalesce(title_terms, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(body_terms, '')), 'B')""",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
