"""The index behind the vendor search: the search key (normalize.py) of every vendor.

PostgreSQL: a generated column ``search_grams`` holds the key's distinct bigrams (pairs
of characters) under a GIN index; a query of two characters or more asks for the rows
holding all of its bigrams (``@>``) and checks ``LIKE`` on those few. Measured at 100,000
vendors against pg_trgm's GIN over the same key (README, "Benchmarks"), the bigram array
was faster for every query tried (a ten-vendor name: 21 against 96 ms; an e-mail address:
16 against 71 ms; two characters: 1 against 27 ms, where trigrams cannot help at all),
because Japanese keys share many trigrams, so we keep only the bigrams.
SQLite: an FTS5 table with the trigram tokenizer, kept by triggers. SQLite rebuilds a
table when a later migration alters it, which drops its triggers: ``ensure_index`` runs
after every ``migrate`` and puts them back (rebuilding the index when it had to).
One-character queries read the keys in name order until a page is full.
"""

from django.db import connections
from django.db.models import BooleanField
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


POSTGRES_BIGRAMS = """
    CREATE OR REPLACE FUNCTION dd_bigrams(key text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT substr(key, n, 2)), '{}')
        FROM generate_series(1, length(key) - 1) AS n
    $$"""


def ensure_index(connection) -> None:
    """Create what the search needs on this database, if it is missing."""
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        if "vendors_vendor" not in tables:
            return
        columns = {
            column.name
            for column in connection.introspection.get_table_description(cursor, "vendors_vendor")
        }
        if "search_key" not in columns:
            return  # migrated back to before the search key
        if connection.vendor == "postgresql":
            if "search_grams" in columns:
                return
            cursor.execute(POSTGRES_BIGRAMS)
            cursor.execute(
                "ALTER TABLE vendors_vendor ADD COLUMN search_grams text[] "
                "GENERATED ALWAYS AS (dd_bigrams(search_key)) STORED"
            )
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS vendor_search_grams "
                "ON vendors_vendor USING gin (search_grams)"
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
            cursor.execute("ALTER TABLE vendors_vendor DROP COLUMN IF EXISTS search_grams")
            cursor.execute("DROP FUNCTION IF EXISTS dd_bigrams(text)")
        elif connection.vendor == "sqlite":
            for name in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def key_filter(queryset, key: str):
    """Vendors whose search key contains ``key`` (already normalised, not empty)."""
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql" and len(key) >= 2:
        grams = RawSQL("search_grams @> dd_bigrams(%s)", [key], output_field=BooleanField())
        return queryset.alias(has_grams=grams).filter(has_grams=True, search_key__contains=key)
    if vendor == "sqlite" and len(key) >= 3:
        # The trigram tokenizer answers LIKE from the index for three characters or more.
        match = f"SELECT rowid FROM {FTS_TABLE} WHERE search_key LIKE %s"  # noqa: S608
        return queryset.filter(pk__in=RawSQL(match, [f"%{key}%"]))  # noqa: S611
    return queryset.filter(search_key__contains=key)
