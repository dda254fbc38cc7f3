"""Appending many rows at once, for rows nobody reads back in the same step (audit
entries of a bulk import). On PostgreSQL the rows go in with one ``COPY``, which skips
the per-parameter quoting of an ``INSERT`` with thousands of values; elsewhere with one
prepared ``INSERT`` run for every row (``executemany``), which SQLite runs without
parsing the statement again. Either way no ``save()`` runs and no signal is sent, and
the primary keys are not set on the objects."""

from django.db import connections, router


def append_rows(model, objects) -> None:
    """Insert ``objects`` of ``model`` (unsaved, with an automatic primary key) inside the
    caller's transaction."""
    objects = list(objects)
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = [
        [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objects
    ]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    if connection.vendor == "postgresql":
        statement = f"COPY {table} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(fields))
    # Names from the model's own options, quoted; every value is a parameter.
    statement = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(statement, rows)
