"""Vendors in bulk from CSV (UTF-8, Shift_JIS) or XLSX, and the vendor list as files."""

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from vendors import exports, imports
from vendors.corporate_number import check_digit
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


def number(base: str) -> str:
    return f"{check_digit(base)}{base}"


GOOD = number("180301018771")
OTHER = number("010001008843")
EXISTING = number("700150005000")


def full_width(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def csv_bytes(rows, encoding="utf-8", bom=False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode(encoding)


JA_HEADER = [
    "名称",
    "フリガナ",
    "法人番号",
    "サービス区分",
    "個人データの取扱い",
    "個人データの件数",
    "タグ",
]


def vendor_entries(vendor):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Vendor), object_id=vendor.pk
    )


@pytest.fixture
def existing(staff):
    return Vendor.objects.create(name="既存の委託先", owner=staff, corporate_number=EXISTING)


def shift_jis_file():
    good = f"{full_width(GOOD[:1])}-{full_width(GOOD[1:5])}－{GOOD[5:9]}-{GOOD[9:]}"
    bad = GOOD[:-1] + str((int(GOOD[-1]) + 1) % 10)
    return csv_bytes(
        [
            JA_HEADER,
            [
                "株式会社髙橋電話代行",
                "タカハシデンワダイコウ",
                good,
                "電話代行・コールセンター",
                "はい",
                "1,001〜10,000人",
                "候補、2027",
            ],
            ["株式会社誤り", "", bad, "BPO", "いいえ", "", ""],
            ["株式会社重複", "", GOOD, "BPO", "", "", ""],
            ["既存の委託先（更新）", "", EXISTING, "IT・クラウド", "○", "", ""],
        ],
        encoding="cp932",
    )


def test_a_shift_jis_csv_is_read_and_every_row_checked(staff, existing):
    data = shift_jis_file()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    with translation.override("ja"):
        plan = imports.read_vendor_file(data, "委託先.csv", user=staff, default_owner=staff)
    assert plan.encoding == "Shift_JIS (CP932)"
    rows = {row.number: row for row in plan.rows}
    assert rows[2].action == "create", rows[2].errors
    assert rows[2].corporate_number == GOOD  # full-width digits and hyphens normalised
    assert rows[2].name == "株式会社髙橋電話代行"
    assert rows[2].categories == ["phone"]
    assert rows[2].fields["record_volume"] == "1k_10k"
    assert rows[2].tags == ["2027", "候補"]
    assert rows[3].action == "error"
    assert "法人番号：法人番号のチェックデジットが正しくありません" in rows[3].errors[0]
    assert rows[4].action == "error"
    assert rows[4].errors == ["法人番号：2行目と同じ法人番号です。"]
    assert rows[5].action == "skip" and rows[5].vendor == existing.pk
    assert not plan.applicable
    assert Vendor.objects.count() == 1  # the dry run stored nothing
    with pytest.raises(imports.VendorImportError):
        imports.apply_vendor_import(plan, user=staff, default_owner=staff)
    assert Vendor.objects.count() == 1


def test_update_or_skip_an_existing_corporate_number(staff, existing):
    data = csv_bytes(
        [
            ["Legal name", "Corporate number", "Handles personal data"],
            ["新しい名前", EXISTING, "yes"],
        ],
        bom=True,
    )
    skip = imports.read_vendor_file(data, "v.csv", user=staff, default_owner=staff)
    assert skip.encoding == "UTF-8 (BOM)"
    assert imports.apply_vendor_import(skip, user=staff)["skip"] == 1
    existing.refresh_from_db()
    assert existing.name == "既存の委託先"

    before = vendor_entries(existing).count()
    update = imports.read_vendor_file(data, "v.csv", user=staff, default_owner=staff, update=True)
    assert [r.action for r in update.rows] == ["update"]
    imports.apply_vendor_import(update, user=staff)
    existing.refresh_from_db()
    assert (existing.name, existing.personal_data, existing.inherent_tier) == (
        "新しい名前",
        True,
        2,
    )
    entries = vendor_entries(existing)
    assert entries.count() == before + 1  # one audit entry for the change
    entry = entries.latest("timestamp")
    assert entry.actor == staff
    assert set(entry.changes_dict) >= {"name", "personal_data"}


def test_a_utf8_bom_csv_with_english_headers_imports_with_one_audit_entry_each(
    admin_user, staff, other_staff
):
    data = csv_bytes(
        [
            [
                "Legal name",
                "English name",
                "Corporate number",
                "Service categories",
                "Owner (user name)",
                "Assigned staff (user names)",
                "Tags",
            ],
            [
                "株式会社エー",
                "A K.K.",
                GOOD,
                "BPO, IT / cloud",
                staff.username,
                other_staff.username,
                "x、y",
            ],
            ["株式会社ビー", "B K.K.", "", "Printing and mailing", "", "", ""],
        ],
        bom=True,
    )
    plan = imports.read_vendor_file(data, "v.csv", user=admin_user, default_owner=admin_user)
    assert plan.applicable, [r.errors for r in plan.rows]
    assert imports.apply_vendor_import(plan, user=admin_user, default_owner=admin_user) == {
        "create": 2,
        "update": 0,
        "skip": 0,
    }
    a = Vendor.objects.get(name="株式会社エー")
    assert a.owner == staff and list(a.assigned_staff.all()) == [other_staff]
    assert a.category_list == ["bpo", "it"]
    assert sorted(t.name for t in a.tags.all()) == ["x", "y"]
    assert Vendor.objects.get(name="株式会社ビー").owner == admin_user
    entries = vendor_entries(a)
    assert entries.count() == 1
    assert entries.get().action == LogEntry.Action.CREATE
    assert "assigned_staff" in entries.get().changes_dict


def test_an_xlsx_file_imports(admin_user):
    book = Workbook()
    sheet = book.active
    sheet.append(["名称", "法人番号", "ステータス", "固有リスク区分", "要配慮個人情報の取扱い"])
    sheet.append(["株式会社エクセル", int(GOOD), "候補", "1", "○"])
    out = io.BytesIO()
    book.save(out)
    plan = imports.read_vendor_file(
        out.getvalue(), "v.xlsx", user=admin_user, default_owner=admin_user
    )
    assert plan.encoding == "XLSX"
    assert plan.applicable, plan.rows[0].errors
    imports.apply_vendor_import(plan, user=admin_user, default_owner=admin_user)
    vendor = Vendor.objects.get(corporate_number=GOOD)
    assert (vendor.sensitive_data, vendor.inherent_tier, vendor.status) == (True, 1, "candidate")


def test_unknown_category_tier_and_values_are_row_errors(admin_user):
    data = csv_bytes(
        [
            ["名称", "サービス区分", "固有リスク区分", "個人データの件数", "個人データの取扱い"],
            ["A", "宇宙開発", "", "", ""],
            ["B", "", "5", "", ""],
            ["C", "", "1", "", "はい"],  # tier 1 claimed, the intake gives 2
            ["D", "", "", "たくさん", "たぶん"],
        ]
    )
    with translation.override("en"):
        plan = imports.read_vendor_file(data, "v.csv", user=admin_user, default_owner=admin_user)
    errors = {row.number: " ".join(row.errors) for row in plan.rows}
    assert "unknown category “宇宙開発”" in errors[2]
    assert "unknown tier “5”" in errors[3]
    assert "gives tier 2" in errors[4]
    assert "unknown value “たくさん”" in errors[5] and "not “たぶん”" in errors[5]


def test_a_row_failing_while_applying_rolls_back_the_whole_import(admin_user, staff):
    data = csv_bytes([["名称", "法人番号"], ["一行目", OTHER], ["二行目", GOOD]])
    plan = imports.read_vendor_file(data, "v.csv", user=admin_user, default_owner=staff)
    assert plan.applicable
    # Someone registers the second row's number between the preview and the confirmation.
    Vendor.objects.create(name="横入り", owner=staff, corporate_number=GOOD)
    with pytest.raises(imports.VendorImportError):
        imports.apply_vendor_import(plan, user=admin_user, default_owner=staff)
    assert not Vendor.objects.filter(name="一行目").exists()


def test_staff_imports_are_theirs_and_they_assign_no_one(staff, other_staff):
    data = csv_bytes(
        [
            ["名称", "主担当(ユーザー名)", "担当スタッフ(ユーザー名)"],
            ["A", other_staff.username, ""],
            ["B", "", other_staff.username],
            ["C", staff.username, ""],
        ]
    )
    plan = imports.read_vendor_file(data, "v.csv", user=staff, default_owner=staff)
    actions = [r.action for r in plan.rows]
    assert actions == ["error", "error", "create"]


def test_staff_cannot_update_a_vendor_they_do_not_see(staff, other_staff):
    Vendor.objects.create(name="他人の委託先", owner=other_staff, corporate_number=OTHER)
    data = csv_bytes([["名称", "法人番号"], ["乗っ取り", OTHER]])
    plan = imports.read_vendor_file(data, "v.csv", user=staff, default_owner=staff, update=True)
    assert plan.rows[0].action == "error"


def test_a_csv_with_formula_payloads_is_refused_and_nothing_stored(client, staff):
    client.force_login(staff)
    data = csv_bytes(
        [
            ["名称", "備考", "ウェブサイト"],
            ['=HYPERLINK("http://evil.example/","click")', "", ""],
            ["株式会社正常", "+cmd|' /C calc'!A0", ""],
            ["株式会社正常2", "@SUM(1+1)", ""],
            ["株式会社正常3", "-2+3", ""],
        ]
    )
    response = client.post(
        reverse("vendors:import"),
        {"file": SimpleUploadedFile("v.csv", data), "existing": "skip"},
    )
    assert response.status_code == 422
    plan = response.context["plan"]
    assert [r.action for r in plan.rows] == ["error"] * 4
    assert response.context["token"] == ""
    assert not Vendor.objects.exists()


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("big.csv", lambda: ("名称\r\n" + "株式会社\r\n" * 100_001).encode()),
        ("m.xlsm", lambda: b"PK\x03\x04"),
        ("broken.xlsx", lambda: b"PK\x03\x04 not really"),
        ("latin.csv", lambda: b"\xff\xfe\x00"[:2] + "名称".encode("utf-16-le")[:3]),
    ],
)
def test_hostile_vendor_files_get_a_message_not_a_500(client, staff, name, make):
    client.force_login(staff)
    response = client.post(
        reverse("vendors:import"), {"file": SimpleUploadedFile(name, make()), "existing": "skip"}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["file"]
    assert not Vendor.objects.exists()


def test_preview_then_confirm_through_the_pages(client, staff):
    client.force_login(staff)
    data = csv_bytes([["名称", "法人番号"], ["株式会社画面", GOOD]], encoding="cp932")
    response = client.post(
        reverse("vendors:import"), {"file": SimpleUploadedFile("v.csv", data), "existing": "skip"}
    )
    assert response.status_code == 200
    assert not Vendor.objects.exists()
    response = client.post(reverse("vendors:import_confirm"), {"plan": response.context["token"]})
    assert response.status_code == 302
    vendor = Vendor.objects.get()
    assert (vendor.name, vendor.owner) == ("株式会社画面", staff)


def test_managers_may_not_import(client, manager):
    client.force_login(manager)
    assert client.get(reverse("vendors:import")).status_code == 403


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_template_imports_as_it_is(client, admin_user, file_format):
    client.force_login(admin_user)
    response = client.get(reverse("vendors:import_template"), {"format": file_format, "lang": "en"})
    assert response.status_code == 200
    plan = imports.read_vendor_file(
        response.content, f"t.{file_format}", user=admin_user, default_owner=admin_user
    )
    assert plan.applicable, [r.errors for r in plan.rows] + plan.problems
    assert [r.action for r in plan.rows] == ["create"]


def test_the_vendor_list_downloads_filtered_and_neutralised(client, staff, other_staff):
    Vendor.objects.create(name="=危険な名前", owner=staff, status="active")
    Vendor.objects.create(name="候補の委託先", owner=staff, status="candidate")
    Vendor.objects.create(name="見えない委託先", owner=other_staff, status="active")
    client.force_login(staff)
    response = client.get(reverse("vendors:index"), {"format": "csv", "status": "active"})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff名称")
    assert "'=危険な名前" in text
    assert "候補の委託先" not in text and "見えない委託先" not in text
    response = client.get(reverse("vendors:index"), {"format": "xlsx", "status": "active"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "'=危険な名前"
    assert sheet["A2"].data_type == "s"
    assert sheet.max_row == 2


def test_an_export_imports_back_as_updates(admin_user, staff):
    Vendor.objects.create(name="往復", owner=staff, corporate_number=GOOD, personal_data=True)
    with translation.override("ja"):
        response = exports.vendor_export(Vendor.objects.all(), "csv", "ja")
    plan = imports.read_vendor_file(
        response.content, "v.csv", user=admin_user, default_owner=admin_user, update=True
    )
    assert plan.applicable, [r.errors for r in plan.rows]
    assert [r.action for r in plan.rows] == ["update"]


def test_the_import_vendors_command(tmp_path, staff, existing):
    from django.core.management import CommandError, call_command

    template = tmp_path / "template.xlsx"
    call_command(
        "import_vendors", "--template", str(template), "--lang", "en", stdout=io.StringIO()
    )
    assert load_workbook(template).active["A1"].value == "Legal name"
    call_command("import_vendors", "--template", str(tmp_path / "t.csv"), stdout=io.StringIO())
    assert (tmp_path / "t.csv").read_bytes().startswith("\ufeff名称".encode())

    source = tmp_path / "v.csv"
    source.write_bytes(shift_jis_file())
    with pytest.raises(CommandError) as refusal:
        call_command("import_vendors", str(source), "--owner", staff.username, stdout=io.StringIO())
    assert "row 3" in str(refusal.value) and "Nothing was imported" in str(refusal.value)
    assert Vendor.objects.count() == 1

    good = tmp_path / "good.csv"
    good.write_bytes(
        csv_bytes(
            [JA_HEADER[:3], ["株式会社コマンド", "", GOOD], ["更新", "", EXISTING]],
            encoding="cp932",
        )
    )
    out = io.StringIO()
    call_command("import_vendors", str(good), "--dry-run", "--owner", staff.username, stdout=out)
    assert "Dry run (Shift_JIS (CP932))" in out.getvalue()
    assert Vendor.objects.count() == 1
    out = io.StringIO()
    call_command("import_vendors", str(good), "--owner", staff.username, "--update", stdout=out)
    assert "1 registered, 1 updated" in out.getvalue()
    existing.refresh_from_db()
    assert existing.name == "更新"
    assert Vendor.objects.get(corporate_number=GOOD).owner == staff


def test_a_bulk_import_keeps_the_request_context_the_search_key_and_the_dashboard(
    admin_user, staff, other_staff
):
    """New vendors go in with one INSERT per thousand rows: their audit entries still
    carry the request's address, their derived fields are set and the dashboard's
    cached figures are dropped, as a save one by one would."""
    from auditlog.context import set_actor
    from auditlog.diff import model_instance_diff
    from django.core.cache import cache

    from dashboard.figures import GENERATION_KEY

    header = ["名称", "法人番号", "タグ", "担当スタッフ", "個人データの取扱い"]
    rows = [[f"株式会社一括{n}", "", "一括、x", other_staff.username, "はい"] for n in range(3)]
    data = csv_bytes([header, *rows])
    plan = imports.read_vendor_file(data, "v.csv", user=admin_user, default_owner=staff)
    assert plan.applicable, [r.errors for r in plan.rows]
    cache.set(GENERATION_KEY, "before")
    with set_actor(admin_user, remote_addr="203.0.113.9"):
        assert (
            imports.apply_vendor_import(plan, user=admin_user, default_owner=staff)["create"] == 3
        )
    assert cache.get(GENERATION_KEY) != "before"
    for vendor in Vendor.objects.filter(name__startswith="株式会社一括"):
        assert vendor.owner == staff and vendor.personal_data is True
        assert vendor.inherent_tier == Vendor(personal_data=True).tier_result.tier
        assert vendor.search_key  # derived as Vendor.save derives it
        assert sorted(t.name for t in vendor.tags.all()) == ["x", "一括"]
        assert list(vendor.assigned_staff.all()) == [other_staff]
        (entry,) = vendor_entries(vendor)
        assert entry.action == LogEntry.Action.CREATE
        assert entry.actor == admin_user and entry.remote_addr == "203.0.113.9"
        assert entry.additional_data == {"vendor_id": vendor.pk, "import": "v.csv"}
        assert entry.changes_dict["tags"] == ["", "x, 一括"]
        assert entry.changes_dict["name"][1] == vendor.name
        # The same changes a save one by one would have logged.
        expected = {k: list(v) for k, v in model_instance_diff(None, vendor).items()}
        assert {
            k: v for k, v in entry.changes_dict.items() if k not in ("tags", "assigned_staff")
        } == expected
