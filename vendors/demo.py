"""Demo vendors for `seed_demo` (idempotent: looked up by corporate number)."""

from datetime import timedelta

from django.utils import timezone

from . import risk
from .corporate_number import check_digit
from .models import Certification, Contact, Contract, Vendor

PHONE_ENGAGEMENT = "顧客窓口の電話代行 2027"


def corporate_number(base12: str) -> str:
    return f"{check_digit(base12)}{base12}"


# name, kana, English, 12-digit base, categories, status, intake, owner, assigned, engagement
VENDORS = [
    (
        "株式会社さくらコールサービス",
        "サクラコールサービス",
        "Sakura Call Service Co., Ltd.",
        "010401000101",
        ["phone"],
        Vendor.Status.UNDER_REVIEW,
        {"personal_data": True, "record_volume": risk.VOLUME_10K_100K, "business_critical": True},
        "staff1",
        ["staff2"],
        PHONE_ENGAGEMENT,
    ),
    (
        "株式会社みどり電話秘書",
        "ミドリデンワヒショ",
        "Midori Phone Secretary Inc.",
        "010401000202",
        ["phone"],
        Vendor.Status.UNDER_REVIEW,
        {"personal_data": True, "record_volume": risk.VOLUME_1K_10K},
        "staff1",
        [],
        PHONE_ENGAGEMENT,
    ),
    (
        "あおぞらテレサポート株式会社",
        "アオゾラテレサポート",
        "Aozora Telesupport K.K.",
        "010401000303",
        ["phone", "bpo"],
        Vendor.Status.CANDIDATE,
        {
            "personal_data": True,
            "record_volume": risk.VOLUME_1K_10K,
            "internal_system_access": True,
        },
        "staff2",
        ["staff1"],
        PHONE_ENGAGEMENT,
    ),
    (
        "株式会社ひかりBPOソリューションズ",
        "ヒカリビーピーオーソリューションズ",
        "Hikari BPO Solutions Co., Ltd.",
        "010401000404",
        ["bpo"],
        Vendor.Status.ACTIVE,
        {"personal_data": True, "sensitive_data": True, "record_volume": risk.VOLUME_10K_100K},
        "staff1",
        [],
        "給与計算の委託",
    ),
    (
        "くもクラウド株式会社",
        "クモクラウド",
        "Kumo Cloud Inc.",
        "010401000505",
        ["it"],
        Vendor.Status.ACTIVE,
        {
            "confidential_on_vendor_it": True,
            "internal_system_access": True,
            "business_critical": True,
        },
        "staff2",
        [],
        "社内システム保守",
    ),
    (
        "はやぶさ物流株式会社",
        "ハヤブサブツリュウ",
        "Hayabusa Logistics Co., Ltd.",
        "010401000606",
        ["logistics"],
        Vendor.Status.APPROVED,
        {"personal_data": True, "record_volume": risk.VOLUME_UNDER_1K},
        "staff2",
        [],
        "商品発送",
    ),
    (
        "株式会社つばめ印刷",
        "ツバメインサツ",
        "Tsubame Printing Co., Ltd.",
        "010401000707",
        ["printing"],
        Vendor.Status.ACTIVE,
        {"personal_data": True, "record_volume": risk.VOLUME_OVER_100K},
        "staff1",
        ["staff2"],
        "請求書の印刷・封入",
    ),
    (
        "やまびこ翻訳合同会社",
        "ヤマビコホンヤク",
        "Yamabiko Translation LLC",
        "010401000808",
        ["other"],
        Vendor.Status.REJECTED,
        {},
        "staff2",
        [],
        "マニュアル翻訳",
    ),
]


def seed(users, options, out):
    today = timezone.localdate()
    created = 0
    for name, kana, en, base, cats, status, intake, owner, assigned, engagement in VENDORS:
        number = corporate_number(base)
        vendor = Vendor.objects.filter(corporate_number=number).first()
        if vendor:
            continue
        vendor = Vendor(
            name=name,
            name_kana=kana,
            name_en=en,
            corporate_number=number,
            status=status,
            owner=users[owner],
            engagement=engagement,
            website="https://example.com/",
            address="東京都千代田区丸の内1-1-1",
            **intake,
        )
        vendor.set_categories(cats)
        vendor.save()
        vendor.assigned_staff.set([users[u] for u in assigned])
        Contact.objects.create(
            vendor=vendor,
            name="山田 太郎",
            department="情報セキュリティ室",
            role="責任者",
            email="security@example.com",
            phone="03-0000-0000",
        )
        created += 1
    _certifications(today)
    if options.get("vendors"):
        created += add_synthetic_vendors(options["vendors"], users)
    out.write(f"Vendors: {created} created, {Vendor.objects.count()} in all.")


def _certifications(today):
    plan = {
        "010401000101": [(Certification.Kind.PMARK, 400), (Certification.Kind.ISO27001, 200)],
        "010401000202": [(Certification.Kind.PMARK, 45)],  # expiring soon
        "010401000303": [(Certification.Kind.ISO27001, -20)],  # expired
        "010401000404": [(Certification.Kind.PMARK, 300), (Certification.Kind.ISO27701, 500)],
        "010401000505": [
            (Certification.Kind.ISO27001, 700),
            (Certification.Kind.ISO27017, 700),
            (Certification.Kind.ISMAP, 365),
        ],
        "010401000707": [(Certification.Kind.PMARK, 80)],
    }
    for base, certs in plan.items():
        vendor = Vendor.objects.get(corporate_number=corporate_number(base))
        if vendor.certifications.exists():
            continue
        for n, (kind, days) in enumerate(certs, start=1):
            Certification.objects.create(
                vendor=vendor,
                kind=kind,
                registration_number=f"{kind.upper()}-{base[-4:]}-{n}",
                certification_body="一般財団法人 日本情報経済社会推進協会"
                if kind == "pmark"
                else "認証機関株式会社",
                scope="本社及びコールセンター",
                valid_from=today - timedelta(days=730),
                valid_until=today + timedelta(days=days),
            )
        Contract.objects.create(
            vendor=vendor,
            kind=Contract.Kind.NDA,
            title="秘密保持契約書",
            signed_on=today - timedelta(days=200),
        )


def add_synthetic_vendors(count, users):
    """N more vendors for scale tests, owned in turn by the two demo staff."""
    owners = [users["staff1"], users["staff2"]]
    start = Vendor.objects.count()
    batch = []
    for i in range(start, start + count):
        v = Vendor(
            name=f"合成テスト株式会社{i:05d}",
            name_kana=f"ゴウセイテスト{i:05d}",
            name_en=f"Synthetic Test {i:05d}",
            owner=owners[i % 2],
            status=Vendor.Status.values[i % 6],
            record_volume=risk.VOLUME_CHOICES[i % 5][0],
            personal_data=i % 2 == 0,
            business_critical=i % 3 == 0,
        )
        v.set_categories([Vendor.Category.values[i % 6]])
        v.inherent_tier = v.tier_result.tier
        batch.append(v)
    # bulk_create sends no signals: dashboard.demo, seeded last, replaces the figures.
    Vendor.objects.bulk_create(batch, batch_size=1000)
    return count
