"""The vendor list as a download (XLSX, or CSV with BOM), with the import template's
columns, so that a file exported here can be edited and imported again."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.csvexport import csv_response
from core.xlsx import table_workbook, xlsx_response

from . import risk
from .corporate_number import check_digit
from .imports import BOOLEAN_FIELDS, COLUMNS, template_header
from .models import Vendor


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def vendor_row(vendor) -> list:
    volumes = dict(risk.VOLUME_CHOICES)
    cells = {
        "name": vendor.name,
        "name_kana": vendor.name_kana,
        "name_en": vendor.name_en,
        "corporate_number": vendor.corporate_number,
        "categories": "、".join(str(label) for label in vendor.category_labels()),
        "engagement": vendor.engagement,
        "status": vendor.get_status_display(),
        "website": vendor.website,
        "address": vendor.address,
        "record_volume": str(volumes.get(vendor.record_volume, vendor.record_volume)),
        "tier": str(vendor.inherent_tier),
        "tags": "、".join(t.name for t in vendor.tags.all()),
        "owner": vendor.owner.username if vendor.owner_id else "",
        "assigned_staff": ", ".join(u.username for u in vendor.assigned_staff.all()),
        "notes": vendor.notes,
        **{key: _yes_no(getattr(vendor, key)) for key in BOOLEAN_FIELDS},
    }
    return [cells[key] for key, *_rest in COLUMNS]


def vendor_export(vendors, file_format: str, language: str):
    """The response for the (already filtered and access-checked) ``vendors``."""
    with translation.override(language):
        vendors = vendors.select_related("owner").prefetch_related("tags", "assigned_staff")
        header = template_header(language)
        rows = [vendor_row(v) for v in vendors]
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if file_format == "csv":
            return csv_response(f"vendors-{stamp}.csv", header, rows)
        return xlsx_response(f"vendors-{stamp}.xlsx", table_workbook(_("Vendors"), header, rows))


def example_row(language: str) -> list:
    with translation.override(language):
        base = "180301018771"
        example = Vendor(
            name="株式会社サンプル電話代行",
            name_kana="サンプルデンワダイコウ",
            name_en="Sample Call Service K.K.",
            corporate_number=f"{check_digit(base)}{base}",
            engagement=_("Customer hotline"),
            address="東京都千代田区丸の内1-1-1",
            personal_data=True,
            record_volume=risk.VOLUME_1K_10K,
            business_critical=True,
        )
        example.set_categories(["phone"])
        example.inherent_tier = example.tier_result.tier
        cells = {
            "name": example.name,
            "name_kana": example.name_kana,
            "name_en": example.name_en,
            "corporate_number": example.corporate_number,
            "categories": "、".join(str(x) for x in example.category_labels()),
            "engagement": example.engagement,
            "status": example.get_status_display(),
            "website": "https://www.example.co.jp/",
            "address": example.address,
            "record_volume": str(dict(risk.VOLUME_CHOICES)[example.record_volume]),
            "tier": str(example.inherent_tier),
            "tags": "",
            "owner": "",
            "assigned_staff": "",
            "notes": "",
            **{key: _yes_no(getattr(example, key)) for key in BOOLEAN_FIELDS},
        }
        return [cells[key] for key, *_rest in COLUMNS]


def template_content(file_format: str, language: str) -> tuple[str, bytes]:
    """(file name, bytes) of the import template: the headers and one example row."""
    header, row = template_header(language), example_row(language)
    if file_format == "csv":
        response = csv_response("x.csv", header, [row])
        return "vendor-import-template.csv", response.content
    with translation.override(language):
        title = _("Vendors")
    return "vendor-import-template.xlsx", table_workbook(title, header, [row])
