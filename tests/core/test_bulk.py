"""Appending rows (COPY on PostgreSQL, one prepared INSERT elsewhere) writes what
bulk_create would have written."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from core.bulk import append_rows
from vendors.models import Vendor

pytestmark = pytest.mark.django_db(transaction=True)

FIELDS = (
    "content_type_id", "object_pk", "object_id", "object_repr", "serialized_data", "action",
    "changes", "actor_id", "cid", "remote_addr", "additional_data", "actor_email", "timestamp",
)  # fmt: skip


def entries(staff, marker):
    kind = ContentType.objects.get_for_model(Vendor)
    return [
        LogEntry(
            content_type=kind,
            object_pk=str(n),
            object_id=n,
            object_repr=f"株式会社\t改行\n{n} \\ “引用”",
            action=LogEntry.Action.CREATE,
            changes={"name": ["None", f"株式会社{n}"], "notes": ["None", 'a "b"\n\\N']},
            actor=staff if n % 2 else None,
            remote_addr="203.0.113.9" if n % 2 else None,
            additional_data={"vendor_id": n, "import": marker},
        )
        for n in range(1, 6)
    ]


def stored(marker):
    rows = LogEntry.objects.filter(additional_data__import=marker).order_by("object_id")
    return [tuple(getattr(e, name) for name in FIELDS) for e in rows]


def test_copy_writes_the_rows_bulk_create_would(staff):
    append_rows(LogEntry, entries(staff, "copy"))
    LogEntry.objects.bulk_create(entries(staff, "bulk"))
    copied, bulk = stored("copy"), stored("bulk")
    assert len(copied) == 5
    strip = lambda rows: [row[:10] + row[11:12] for row in rows]  # noqa: E731 (marker differs)
    assert strip(copied) == strip(bulk)
    assert copied[0][6]["notes"] == ["None", 'a "b"\n\\N']
    assert copied[0][3] == "株式会社\t改行\n1 \\ “引用”"
    assert all(row[-1] is not None for row in copied)  # the default timestamp


def test_the_rows_go_with_the_callers_transaction(staff):
    with pytest.raises(RuntimeError), transaction.atomic():
        append_rows(LogEntry, entries(staff, "rolled-back"))
        assert len(stored("rolled-back")) == 5
        raise RuntimeError
    assert stored("rolled-back") == []


def test_postgresql_uses_copy(staff, django_assert_num_queries):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; elsewhere one prepared INSERT writes the rows")
    rows = entries(staff, "copy-only")
    with django_assert_num_queries(0):  # COPY is not an execute(): no INSERT is run
        append_rows(LogEntry, rows)
    assert len(stored("copy-only")) == 5
