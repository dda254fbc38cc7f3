"""Examples of every endpoint for the OpenAPI document (drf-spectacular)."""

from drf_spectacular.utils import OpenApiExample


def _ex(name, value, *, request=False, response=True, status_codes=None):
    return OpenApiExample(
        name,
        value=value,
        request_only=request and not response,
        response_only=response and not request,
        status_codes=status_codes,
    )


def _page(result):
    return {"count": 1, "next": None, "previous": None, "results": [result]}


_CERT = {
    "id": 3,
    "kind": "pmark",
    "registration_number": "10820123",
    "certification_body": "JIPDEC",
    "scope": "",
    "valid_from": "2025-04-01",
    "valid_until": "2027-03-31",
    "state": "valid",
}
_VENDOR = {
    "id": 12,
    "name": "株式会社テスト電話代行",
    "name_kana": "テストデンワダイコウ",
    "name_en": "Test Call Answering K.K.",
    "corporate_number": "1234567890123",
    "address": "東京都千代田区丸の内1-1-1",
    "notes": "",
    "engagement": "顧客窓口 2027",
    "personal_data": True,
    "sensitive_data": False,
    "payment_cards": False,
    "record_volume": "10k_100k",
    "confidential_on_vendor_it": True,
    "internal_system_access": False,
    "business_critical": True,
    "categories": ["phone"],
    "status": "candidate",
    "status_label": "候補",
    "inherent_tier": 1,
    "owner": 4,
    "current_score": 82.5,
    "current_rating": "B",
    "current_residual_risk": "medium",
    "last_assessed_on": "2026-04-01",
    "next_reassessment_on": "2027-04-01",
    "archived_at": None,
    "created_at": "2026-03-01T10:00:00+09:00",
    "updated_at": "2026-04-01T12:00:00+09:00",
    "certifications": [_CERT],
    "contracts": [
        {
            "id": 5,
            "kind": "nda",
            "title": "秘密保持契約",
            "signed_on": "2026-03-10",
            "expires_on": None,
            "notes": "",
        }
    ],
    "contacts": [
        {
            "id": 7,
            "name": "山田 太郎",
            "department": "情報システム部",
            "role": "CISO",
            "email": "yamada@example.co.jp",
            "phone": "03-1234-5678",
        }
    ],
}
_VENDOR_LIST = {k: v for k, v in _VENDOR.items() if k not in ("contacts", "contracts")}
VENDOR = [_ex("A vendor", _VENDOR)]
VENDOR_LIST = [_ex("Vendors", _page(_VENDOR_LIST))]
VENDOR_WRITE = [
    _ex(
        "Register or change a vendor",
        {
            "name": "株式会社テスト電話代行",
            "name_kana": "テストデンワダイコウ",
            "personal_data": True,
            "record_volume": "10k_100k",
            "categories": ["phone"],
            "contacts": [{"name": "山田 太郎", "email": "yamada@example.co.jp"}],
        },
        request=True,
        response=False,
    ),
    _ex("The vendor as saved", _VENDOR),
]
_ASSESSMENT = {
    "id": 31,
    "vendor": 12,
    "version": 2,
    "status": "in_progress",
    "status_label": "回答中",
    "reviewer": 5,
    "due_date": "2026-06-30",
    "created_at": "2026-04-01T09:00:00+09:00",
    "updated_at": "2026-04-02T09:00:00+09:00",
    "submitted_at": None,
    "approved_at": None,
    "score": None,
    "rating": "",
    "residual_risk": "",
    "next_reassessment_on": None,
    "available_actions": ["submit"],
}
ASSESSMENT = [_ex("An assessment", _ASSESSMENT)]
ASSESSMENT_LIST = [_ex("Assessments", _page(_ASSESSMENT))]
ASSESSMENT_CREATE = [
    _ex(
        "Start an assessment",
        {"vendor": 12, "due_date": "2026-06-30", "carry_over": True},
        request=True,
        response=False,
    ),
    _ex(
        "The new assessment",
        {
            **_ASSESSMENT,
            "status": "draft",
            "status_label": "下書き",
            "available_actions": ["start"],
        },
    ),
]
_ANSWER = {
    "item": "CON-01",
    "value": "yes",
    "comment": "NDA 締結済み (2026-03-10)",
    "carried_over": False,
    "revision": 3,
    "updated_at": "2026-04-02T09:00:00+09:00",
}
ANSWER_LIST = [_ex("Answers", [_ANSWER])]
ANSWER_WRITE = [
    _ex(
        "Answer an item",
        {"value": "yes", "comment": "NDA 締結済み", "revision": 2},
        request=True,
        response=False,
    ),
    _ex("The saved answer", _ANSWER),
]
ACTION = [
    _ex(
        "Return with a comment",
        {"comment": "CON-04 の証跡を添付してください。"},
        request=True,
        response=False,
    ),
    _ex(
        "The assessment after the step",
        {**_ASSESSMENT, "status": "submitted", "status_label": "提出済み", "available_actions": []},
    ),
]
_FINDING = {
    "id": 44,
    "assessment": 31,
    "vendor": 12,
    "item": "CON-04",
    "severity": "critical",
    "value": 0.0,
    "unanswered": False,
    "status": "planned",
    "status_label": "改善計画あり",
    "owner": 4,
    "due_date": "2026-07-31",
    "remediation_plan": "再委託先との契約を見直す",
    "closing_note": "",
    "created_at": "2026-04-05T09:00:00+09:00",
    "updated_at": "2026-04-06T09:00:00+09:00",
}
FINDING = [_ex("A finding", _FINDING)]
FINDING_LIST = [_ex("Findings", _page(_FINDING))]
FINDING_WRITE = [
    _ex(
        "Plan the remediation",
        {
            "status": "planned",
            "remediation_plan": "再委託先との契約を見直す",
            "due_date": "2026-07-31",
        },
        request=True,
        response=False,
    ),
    _ex("The updated finding", _FINDING),
]
_REPORT = {
    "id": 8,
    "assessment": 31,
    "language": "ja",
    "status": "ready",
    "draft": False,
    "size": 182044,
    "page_count": 9,
    "sha256": "9f2c…",
    "error": "",
    "requested_at": "2026-04-10T09:00:00+09:00",
    "finished_at": "2026-04-10T09:00:07+09:00",
    "download_url": "/api/v1/reports/8/download/",
}
REPORT = [_ex("A report", _REPORT)]
REPORT_LIST = [_ex("Reports", _page(_REPORT))]
REPORT_REQUEST = [
    _ex(
        "Ask for the Japanese PDF",
        {"assessment": 31, "language": "ja"},
        request=True,
        response=False,
    ),
    _ex(
        "Queued",
        {
            **_REPORT,
            "status": "pending",
            "size": None,
            "page_count": None,
            "sha256": "",
            "finished_at": None,
            "download_url": None,
        },
    ),
]
REPORT_DOWNLOAD = [_ex("The PDF", "%PDF-1.7 …")]
_VERSION = {
    "id": 2,
    "checklist": 1,
    "number": 2,
    "label": "2026",
    "status": "published",
    "created_at": "2026-01-10T09:00:00+09:00",
    "published_at": "2026-01-15T09:00:00+09:00",
}
VERSION_LIST = [_ex("Checklist versions", _page(_VERSION))]
VERSION = [
    _ex(
        "A version with its sections and items",
        {
            **_VERSION,
            "sections": [
                {
                    "code": "CON",
                    "title_ja": "契約",
                    "title_en": "Contract",
                    "weight": 1.5,
                    "items": [
                        {
                            "code": "CON-01",
                            "answer_type": "yes_no",
                            "weight": 3.0,
                            "critical": True,
                            "allow_na": False,
                            "required": True,
                            "question_ja": "秘密保持契約 (NDA) を締結していますか。",
                            "question_en": "Is a non-disclosure agreement signed?",
                            "choices": [],
                            "thresholds": None,
                            "condition": None,
                        }
                    ],
                }
            ],
        },
    )
]
VERSION_EXPORT = [
    _ex(
        "YAML",
        "checklist:\n  name: {ja: 委託先セキュリティチェックリスト, en: Vendor security checklist}\n",
    )
]
ME = [
    _ex(
        "The token's owner",
        {
            "username": "charlie",
            "role": "procurement_staff",
            "token_prefix": "3f9a1b2c",
            "token_scope": "write",
            "token_expires_at": None,
        },
    )
]
CERTIFICATION = [
    _ex(
        "Add a Privacy Mark",
        {k: v for k, v in _CERT.items() if k not in ("id", "state")},
        request=True,
        response=False,
    ),
    _ex("The certification", _CERT),
]
CONTRACT = [
    _ex(
        "Add an NDA",
        {
            "kind": "nda",
            "title": "秘密保持契約",
            "signed_on": "2026-03-10",
            "expires_on": None,
            "notes": "",
        },
        request=True,
        response=False,
    ),
    _ex("The contract", _VENDOR["contracts"][0]),
]
