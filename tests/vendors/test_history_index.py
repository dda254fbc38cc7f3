"""The vendor page's history is read through an expression index on the entry's vendor,
on PostgreSQL (vendors 0010) and on SQLite (0011), so it costs the same however many
audit entries the other vendors have."""

from django.db import connection

from tests.factories import make_vendor
from vendors.selectors import vendor_history


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a small table: ask for the index
        cursor.execute(
            f"EXPLAIN {'QUERY PLAN ' if connection.vendor == 'sqlite' else ''}{sql}", params
        )
        return " ".join(str(cell) for row in cursor.fetchall() for cell in row)


def test_the_history_reads_only_its_vendors_entries_through_the_index(staff):
    mine = make_vendor(staff, "株式会社はやぶさ物流")
    other = make_vendor(staff, "株式会社つばめ")
    mine.notes = "更新"
    mine.save()
    history = vendor_history(mine)
    assert {e.additional_data["vendor_id"] for e in history} == {mine.pk}
    assert history.count() >= 2 and vendor_history(other).exists()
    index = {
        "postgresql": "auditlog_logentry_vendor_history",
        "sqlite": "auditlog_logentry_vendor_history_sqlite",
    }[connection.vendor]
    assert index in plan(history)
