"""The vendor search: one normalised key per vendor (vendors/normalize.py), indexed
(pg_trgm on PostgreSQL, FTS5 trigrams on SQLite)."""

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import ContactFactory, VendorFactory
from vendors import search_index
from vendors.models import Contact, Vendor
from vendors.normalize import normalize, search_key

LIST = reverse("vendors:index")
AFTERCALL = "アフターコール株式会社"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ｱﾌﾀｰｺｰﾙ", "アフタコル"),  # half-width katakana, half-width long vowel
        ("あふたーこーる", "アフタコル"),  # hiragana
        ("（株）アフターコール", "アフタコル"),  # full-width brackets
        ("㈱アフターコール", "アフタコル"),
        ("ｶﾌﾞｼｷｶﾞｲｼｬ ｱﾌﾀｰｺｰﾙ", "アフタコル"),  # the reading of the legal form
        ("かぶしきかいしゃアフターコール", "アフタコル"),
        ("アフタ-コール", "アフタコル"),  # a hyphen for the long vowel
        ("アフタコール", "アフタコル"),  # the long vowel left out
        ("有限会社 みどり", "ミドリ"),
        ("一般社団法人ひかり協会", "ヒカリ協会"),
        ("キャノン", "キヤノン"),  # small kana
        ("1234-5678-9012-3", "1234567890123"),
        ("１２３４ ５６７８ ９０１２ ３", "1234567890123"),  # full-width, spaced
        ("Sakura Call Service Co., Ltd.", "sakuracallservice"),
        ("Kumo Cloud Inc.", "kumocloud"),
        ("Aozora K.K.", "aozora"),
        ("Incognito Systems", "incognitosystems"),  # "Inc" only as a word
        ("株式会社", ""),
        ("", ""),
    ],
)
def test_normalize_gives_one_key_for_every_spelling(text, key):
    assert normalize(text) == key


def test_the_key_keeps_fields_apart():
    key = search_key("アフター", "コール", "アフター")
    assert key == "|アフタ|コル|"
    assert "アフタコル" not in key  # no match across two fields


def listed(client, q):
    response = client.get(LIST, {"q": q})
    assert response.status_code == 200
    return [v.name for v in response.context["page"].object_list]


@pytest.fixture
def aftercall(staff):
    vendor = VendorFactory(
        owner=staff,
        name=AFTERCALL,
        name_kana="アフターコール",
        name_en="Aftercall Co., Ltd.",
        corporate_number="1234567890123",
    )
    VendorFactory(owner=staff, name="株式会社ビフォアコール", name_kana="ビフォアコール")
    return vendor


@pytest.mark.parametrize(
    "q",
    [
        "ｱﾌﾀｰｺｰﾙ",
        "あふたーこーる",
        "（株）アフターコール",
        "(株)アフターコール",
        "㈱アフターコール",
        "ｶﾌﾞｼｷｶﾞｲｼｬｱﾌﾀｰｺｰﾙ",
        "アフター",
        "aftercall",
        "AFTERCALL CO., LTD.",
        "1234-5678-9012-3",
        "１２３４５６７８９０１２３",
        "5678",
    ],
)
def test_every_spelling_finds_the_vendor(client, staff, aftercall, q):
    client.force_login(staff)
    assert listed(client, q) == [AFTERCALL]


def test_a_short_query_finds_too(client, staff, aftercall):
    client.force_login(staff)
    assert listed(client, "ｱﾌ") == [AFTERCALL]
    assert listed(client, "た") == [AFTERCALL]


def test_search_finds_vendors_by_their_contacts(client, staff, aftercall):
    client.force_login(staff)
    contact = ContactFactory(
        vendor=aftercall, name="鈴木 一郎", email="Suzuki@Aftercall.example", phone="03-1111-2222"
    )
    assert listed(client, "鈴木一郎") == [AFTERCALL]
    assert listed(client, "suzuki@aftercall") == [AFTERCALL]
    assert listed(client, "0311112222") == [AFTERCALL]
    contact.email = "ichiro@aftercall.example"
    contact.save()
    assert listed(client, "suzuki@") == []
    assert listed(client, "ichiro@") == [AFTERCALL]
    Contact.objects.get(pk=contact.pk).delete()
    assert listed(client, "ichiro@") == []


def test_renaming_a_vendor_moves_its_key(client, staff, aftercall):
    client.force_login(staff)
    aftercall.name, aftercall.name_kana, aftercall.name_en = "株式会社まえコール", "マエコール", ""
    aftercall.save()
    assert listed(client, "あふたー") == []
    assert listed(client, "まえこーる") == ["株式会社まえコール"]
    aftercall.delete()
    assert listed(client, "まえこーる") == []


def test_search_stays_within_what_the_user_may_see(client, other_staff, aftercall):
    client.force_login(other_staff)
    assert listed(client, "アフターコール") == []


def test_search_is_not_audited_as_a_change(staff, aftercall):
    from auditlog.models import LogEntry

    entry = LogEntry.objects.get_for_object(aftercall).latest("timestamp")
    assert "search_key" not in (entry.changes or {})


def test_the_search_index_exists_and_is_used(staff, aftercall):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'vendor_search_grams'"
            )
            assert "gin (search_grams)" in cursor.fetchone()[0]
            cursor.execute(
                "SELECT id FROM vendors_vendor WHERE search_grams @> dd_bigrams(%s)", ["アフタコル"]
            )
            assert [row[0] for row in cursor.fetchall()] == [aftercall.pk]
        else:
            cursor.execute(
                "SELECT rowid FROM vendors_vendor_search WHERE search_key LIKE %s",
                ["%アフタコル%"],
            )
            assert [row[0] for row in cursor.fetchall()] == [aftercall.pk]


def test_the_index_is_rebuilt_when_a_migration_dropped_its_triggers(staff, aftercall):
    if connection.vendor != "sqlite":
        search_index.ensure_index(connection)  # idempotent on PostgreSQL
        return
    with connection.cursor() as cursor:
        for name in search_index.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    Vendor.objects.filter(pk=aftercall.pk).update(search_key="|ヨソ|")
    search_index.ensure_index(connection)
    assert list(search_index.key_filter(Vendor.objects.all(), "ヨソ")) == [aftercall]


def test_searching_costs_a_fixed_number_of_queries(
    client, staff, aftercall, django_assert_max_num_queries
):
    client.force_login(staff)
    for n in range(5):
        VendorFactory(owner=staff, name=f"アフターコール第{n}株式会社")
    with django_assert_max_num_queries(12):
        assert len(listed(client, "あふたー")) == 6
