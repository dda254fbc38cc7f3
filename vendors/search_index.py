"""The index behind the vendor search: the search key (normalize.py) of every vendor.

PostgreSQL: a pg_trgm GIN index over ``search_key``, so ``search_key LIKE '%…%'`` is
answered from the index for a query of three characters or more (shorter ones scan the
keys, in name order, until a page is full).
SQLite: an FTS5 table with the trigram tokenizer, kept by triggers. SQLite rebuilds a
table when a later migration alters it, which drops its triggers: ``ensure_index`` runs
after every ``migrate`` and puts them back (rebuilding the index when it had to).
"""

from django.db import connections
from django.db.models.expressions import RawSQL

FTS_TABLE = "vendors_vendor_search"
TRIGGERS = {
    "vendors_vendor_search_ai": """
        CREATE TRIGGER IF NOT EXISTS vendors_vendor_search_ai AFTER INSERT ON vendors_vendor
        BEGIN
            INSERT INTO vendors_vendor_search(rowid, search_key)
            VALUES (new.id, new.search_key);
        END""",
    "vendors_vendor_search_ad": """
        CREATE TRIGGER IF NOT EXISTS vendors_vendor_search_ad AFTER DELETE ON vendors_vendor
        BEGIN
            INSERT INTO vendors_vendor_search(vendors_vendor_search, rowid, search_key)
            VALUES ('delete', old.id, old.search_key);
        END""",
    "vendors_vendor_search_au": """
        CREATE TRIGGER IF NOT EXISTS vendors_vendor_search_au
        AFTER UPDATE OF search_key ON vendors_vendor
        BEGIN
            INSERT INTO vendors_vendor_search(vendors_vendor_search, rowid, search_key)
            VALUES ('delete', old.id, old.search_key);
            INSERT INTO vendors_vendor_search(rowid, search_key)
            VALUES (new.id, new.search_key);
        END""",
}


def ensure_index(connection) -> None:
    """Create what the search needs on this database, if it is missing."""
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        if "vendors_vendor" not in tables or "search_key" not in {
            column.name
            for column in connection.introspection.get_table_description(cursor, "vendors_vendor")
        }:
            return  # migrated back to before the search key
        if connection.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS vendor_search_key_trgm "
                "ON vendors_vendor USING gin (search_key gin_trgm_ops)"
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search_key, "
                "content='vendors_vendor', content_rowid='id', tokenize='trigram')"
            )
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            present = {row[0] for row in cursor.fetchall()}
            if not set(TRIGGERS) <= present:
                for sql in TRIGGERS.values():
                    cursor.execute(sql)
                cursor.execute(
                    "INSERT INTO vendors_vendor_search(vendors_vendor_search) VALUES ('rebuild')"
                )  # noqa: S608


def drop_index(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS vendor_search_key_trgm")
        elif connection.vendor == "sqlite":
            for name in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def key_filter(queryset, key: str):
    """Vendors whose search key contains ``key`` (already normalised, not empty)."""
    if connections[queryset.db].vendor == "sqlite" and len(key) >= 3:
        # The trigram tokenizer answers LIKE from the index for three characters or more.
        match = f"SELECT rowid FROM {FTS_TABLE} WHERE search_key LIKE %s"  # noqa: S608
        return queryset.filter(pk__in=RawSQL(match, [f"%{key}%"]))  # noqa: S611
    return queryset.filter(search_key__contains=key)
