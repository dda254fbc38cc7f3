"""Appending many rows at once, for rows nobody reads back in the same step (audit
entries of a bulk import). On PostgreSQL the rows go in with one ``COPY``, which skips
the per-parameter quoting of an ``INSERT`` with thousands of values; elsewhere they go in
with ``bulk_create``. Either way no ``save()`` runs and no signal is sent, and the primary
keys are not set on the objects."""

from django.db import connections, router


def append_rows(model, objects, *, batch_size: int = 1000) -> None:
    """Insert ``objects`` of ``model`` (unsaved, with an automatic primary key) inside the
    caller's transaction."""
    objects = list(objects)
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=batch_size)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = [
        [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objects
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    statement = f"COPY {table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
