"""Vendors in bulk from a CSV (UTF-8 with or without BOM, or Shift_JIS/CP932) or an
XLSX file, with Japanese or English headers.

``read_vendor_file`` is the dry run: every row is checked (corporate number check
digit, known categories, statuses and values, duplicates within the file, owners and
staff by user name, a corporate number already registered: update or skip) and
nothing is written. ``apply_vendor_import`` writes a plan without errors through
``services.save_vendor`` in one transaction, all rows or none, leaving one audit entry
per vendor created or changed.
"""

import copy
import csv
import io
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from auditlog.context import disable_auditlog
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save, pre_save
from django.utils import translation
from django.utils.encoding import smart_str
from django.utils.translation import gettext as _

from accounts import roles
from core import batch
from core.bulk import append_rows
from core.csvexport import FORMULA_PREFIXES
from core.xlsx import SpreadsheetRefused, check_size, formula_cells, open_xlsx

from . import risk, services
from .access import vendors_visible_to
from .corporate_number import normalize_corporate_number, validate_corporate_number
from .models import Tag, Vendor

MAX_ROWS = 20_000
PLAN_MAX_AGE = 3600
BOOLEAN_FIELDS = (
    "personal_data",
    "sensitive_data",
    "payment_cards",
    "confidential_on_vendor_it",
    "internal_system_access",
    "business_critical",
)
# (field, Japanese header, English header, other spellings people use)
COLUMNS = (
    ("name", "名称", "Legal name", ("法人名", "会社名", "委託先名", "商号", "name", "vendor name")),
    ("name_kana", "フリガナ", "Reading (kana)", ("読み", "よみがな", "ふりがな", "カナ", "kana")),
    ("name_en", "英語名", "English name", ("英文名", "英文社名", "name (english)")),
    ("corporate_number", "法人番号", "Corporate number", ("corporate no.", "法人番号(13桁)")),
    (
        "categories",
        "サービス区分",
        "Service categories",
        ("区分", "業種", "category", "categories"),
    ),
    ("engagement", "委託業務", "Engagement", ("委託内容", "案件")),
    ("status", "ステータス", "Status", ("状態",)),
    ("website", "ウェブサイト", "Website", ("url", "ホームページ", "web")),
    ("address", "所在地", "Address", ("住所",)),
    ("personal_data", "個人データの取扱い", "Handles personal data", ()),
    ("sensitive_data", "要配慮個人情報の取扱い", "Handles sensitive personal data", ()),
    ("payment_cards", "カード情報の取扱い", "Handles payment card data", ()),
    ("record_volume", "個人データの件数", "Number of people's records", ("件数",)),
    (
        "confidential_on_vendor_it",
        "当社機密情報を委託先のITで保管",
        "Our confidential information on the vendor's IT",
        (),
    ),
    ("internal_system_access", "当社システムへのアクセス", "Access to our internal systems", ()),
    ("business_critical", "停止すると当社業務が止まる", "An outage would stop our business", ()),
    ("tier", "固有リスク区分", "Inherent-risk tier", ("tier", "ティア", "リスク区分")),
    ("tags", "タグ", "Tags", ()),
    ("owner", "主担当(ユーザー名)", "Owner (user name)", ("主担当", "owner")),
    (
        "assigned_staff",
        "担当スタッフ(ユーザー名)",
        "Assigned staff (user names)",
        ("担当スタッフ", "assigned staff"),
    ),
    ("notes", "備考", "Notes", ("メモ", "note")),
)
HEADERS = {key: (ja, en) for key, ja, en, _aliases in COLUMNS}
TRUE_WORDS = {"yes", "y", "true", "1", "はい", "○", "◯", "〇", "有", "あり", "する"}
FALSE_WORDS = {"no", "n", "false", "0", "いいえ", "×", "無", "なし", "しない", "ー", "-"}
SPLIT = re.compile(r"[、,，;；\n]+")


class VendorImportError(ValueError):
    """The whole file is refused; the message says why."""


def _key(text) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).casefold()
    # CP932 turns the wave dash of "1,000〜10,000人" into a full-width tilde.
    text = text.replace("〜", "~")
    return re.sub(r"[\s　]+", "", text)


def header_map() -> dict:
    known = {}
    for key, ja, en, aliases in COLUMNS:
        for spelling in (key, ja, en, *aliases):
            known[_key(spelling)] = key
    return known


def _labels(choices) -> dict:
    """{normalised code or label in either language: code}."""
    found = {}
    for code, label in choices:
        found[_key(code)] = code
        for language in ("ja", "en"):
            with translation.override(language):
                found[_key(str(label))] = code
    return found


def template_header(language: str) -> list[str]:
    index = 0 if (language or "ja")[:2] == "ja" else 1
    return [HEADERS[key][index] for key, *_rest in COLUMNS]


# --------------------------------------------------------------------------- reading


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding name): UTF-8 with or without BOM, UTF-16 with BOM, else CP932."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "strict"), "UTF-8 (BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "Shift_JIS (CP932)"
    except UnicodeDecodeError:
        raise VendorImportError(
            _(
                "The file's characters could not be read; save it as CSV in UTF-8 or "
                "Shift_JIS (CP932)."
            )
        ) from None


def _limited(rows):
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS + 1:
            raise VendorImportError(
                _("The file has more than %(limit)s rows; split it and import the parts.")
                % {"limit": f"{MAX_ROWS:,}"}
            )
        yield row


def read_rows(data: bytes, filename: str):
    """(rows as lists of cell values, header first; encoding or "XLSX"; formula cells)."""
    check_size(len(data))
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls")) or data[:2] == b"PK":
        return _xlsx_rows(data, filename)
    text, encoding = decode_csv(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        rows = list(_limited(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))
    except csv.Error:
        raise VendorImportError(_("The CSV file cannot be read; check its quotes.")) from None
    return rows, encoding, set()


def _xlsx_rows(data, filename):
    from openpyxl import load_workbook

    stream = open_xlsx(data, filename)
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises whatever the broken XML makes it raise
        raise SpreadsheetRefused(_("This workbook cannot be read; it may be damaged.")) from None
    try:
        sheet = next((s for s in book.worksheets if s.sheet_state == "visible"), None)
        if sheet is None:
            raise VendorImportError(_("The workbook has no sheet to read."))
        rows = [list(r) for r in _limited(sheet.iter_rows(values_only=True))]
        title = sheet.title
    finally:
        book.close()
    formulas = formula_cells(data, [title]).get(title, set())
    return rows, "XLSX", formulas


# --------------------------------------------------------------------------- the plan


@dataclass
class VendorRow:
    number: int  # the row number in the file (the header is row 1)
    name: str
    corporate_number: str = ""
    action: str = "create"  # create, update, skip, error
    fields: dict = field(default_factory=dict)
    categories: list | None = None
    tags: list | None = None
    owner: int | None = None
    assigned: list | None = None
    vendor: int | None = None
    errors: list = field(default_factory=list)


@dataclass
class VendorImportPlan:
    filename: str
    encoding: str
    update: bool
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # about the file as a whole

    def of_action(self, action):
        return [r for r in self.rows if r.action == action]

    @property
    def counts(self):
        return {a: len(self.of_action(a)) for a in ("create", "update", "skip", "error")}

    @property
    def applicable(self) -> bool:
        return not self.problems and not self.of_action("error")

    def to_token(self, user) -> str:
        return signing.dumps(asdict(self), salt=_salt(user), compress=True)

    @classmethod
    def from_token(cls, token, user):
        try:
            data = signing.loads(token, salt=_salt(user), max_age=PLAN_MAX_AGE)
        except signing.SignatureExpired:
            raise VendorImportError(
                _("This preview is more than an hour old; upload the file again.")
            ) from None
        except signing.BadSignature:
            raise VendorImportError(
                _("This preview cannot be confirmed; upload the file again.")
            ) from None
        data["rows"] = [VendorRow(**r) for r in data["rows"]]
        return cls(**data)


def _salt(user):
    return f"vendors.imports.plan:{getattr(user, 'pk', None)}"


def is_formula(text: str) -> bool:
    """What a spreadsheet would run: = + @ tab CR, or a minus before a value."""
    if text.startswith(("=", "+", "@", "\t", "\r")):
        return True
    return text.startswith("-") and len(text) > 1 and text[1] not in " -ー－—"


def _unquote(text: str) -> str:
    """Our own exports put a quote before such text; take it off again."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) else text


class _Checker:
    """Checks of one file's rows, with what every row needs loaded once."""

    def __init__(self, *, user, default_owner, update):
        self.user = user
        self.default_owner = default_owner
        self.update = update
        self.admin_rights = user is None or user.has_perm("accounts.assign_vendors")
        self.categories = _labels(Vendor.Category.choices)
        self.statuses = _labels(Vendor.Status.choices)
        self.volumes = _labels(risk.VOLUME_CHOICES)
        self.tiers = _labels(
            [(str(t), label) for t, label in risk.TIER_CHOICES]
            + [(str(t), f"Tier {t}") for t in (1, 2, 3)]
            + [(str(t), f"ティア{t}") for t in (1, 2, 3)]
        )
        self.url = URLValidator()

    def load(self, rows, columns):
        """Users named in the file and vendors with its corporate numbers: two queries."""
        names = set()
        numbers = set()
        for row in rows:
            for key in ("owner", "assigned_staff"):
                if key in columns:
                    names.update(n for n in SPLIT.split(_text(row, columns[key])) if n.strip())
            if "corporate_number" in columns:
                numbers.add(normalize_corporate_number(_text(row, columns["corporate_number"])))
        self.users = {
            u.username: u
            for u in get_user_model()
            .objects.filter(username__in={n.strip() for n in names}, is_active=True)
            .prefetch_related("groups")
        }
        existing = Vendor.objects.filter(corporate_number__in=numbers - {""})
        self.existing = {v.corporate_number: v for v in existing}
        self.visible = (
            set(self.existing)
            if self.user is None
            else set(
                vendors_visible_to(self.user, existing).values_list("corporate_number", flat=True)
            )
        )

    def staff_user(self, name, errors, column):
        user = self.users.get(name.strip())
        if user is None:
            errors.append(
                _("%(column)s: there is no active user “%(name)s”.")
                % {"column": column, "name": name}
            )
            return None
        if not any(g.name == roles.PROCUREMENT for g in user.groups.all()):
            errors.append(
                _("%(column)s: “%(name)s” is not procurement staff.")
                % {"column": column, "name": name}
            )
            return None
        return user

    def row(self, number, values: dict, seen: dict) -> VendorRow:
        errors = []
        row = VendorRow(number=number, name=values.get("name", ""))
        for key, text in values.items():
            if is_formula(text):
                errors.append(
                    _("%(column)s: the value begins with “%(char)s”; formulas are not accepted.")
                    % {"column": self.header(key), "char": text[0].replace("\t", "TAB")}
                )
        if errors:
            row.action, row.errors = "error", errors
            return row
        fields = {}
        name = values.get("name", "")
        if not name:
            errors.append(_("%(column)s: a name is required.") % {"column": self.header("name")})
        for key in ("name", "name_kana", "name_en", "engagement"):
            if key in values:
                if len(values[key]) > 200:
                    errors.append(
                        _("%(column)s: at most 200 characters.") % {"column": self.header(key)}
                    )
                fields[key] = values[key]
        for key in ("address", "notes"):
            if key in values:
                fields[key] = values[key][:5000]
        number_text = normalize_corporate_number(values.get("corporate_number", ""))
        if number_text:
            try:
                validate_corporate_number(number_text)
            except ValidationError as error:
                errors.append(
                    _("%(column)s: %(message)s")
                    % {
                        "column": self.header("corporate_number"),
                        "message": " ".join(error.messages),
                    }
                )
            else:
                if number_text in seen:
                    errors.append(
                        _("%(column)s: the same corporate number as row %(row)s.")
                        % {"column": self.header("corporate_number"), "row": seen[number_text]}
                    )
                seen.setdefault(number_text, number)
            fields["corporate_number"] = number_text
            row.corporate_number = number_text
        if values.get("website"):
            try:
                self.url(values["website"])
            except ValidationError:
                errors.append(
                    _("%(column)s: “%(value)s” is not a web address.")
                    % {"column": self.header("website"), "value": values["website"]}
                )
            fields["website"] = values["website"]
        if values.get("categories"):
            row.categories = []
            for part in SPLIT.split(values["categories"]):
                if not part.strip():
                    continue
                code = self.categories.get(_key(part))
                if code is None:
                    errors.append(
                        _("%(column)s: unknown category “%(value)s”.")
                        % {"column": self.header("categories"), "value": part.strip()}
                    )
                else:
                    row.categories.append(code)
        for key, known in (("status", self.statuses), ("record_volume", self.volumes)):
            if values.get(key):
                code = known.get(_key(values[key]))
                if code is None:
                    errors.append(
                        _("%(column)s: unknown value “%(value)s”.")
                        % {"column": self.header(key), "value": values[key]}
                    )
                fields[key] = code
        for key in BOOLEAN_FIELDS:
            if values.get(key):
                word = _key(values[key])
                if word in TRUE_WORDS or word in FALSE_WORDS:
                    fields[key] = word in TRUE_WORDS
                else:
                    errors.append(
                        _("%(column)s: write yes or no (はい / いいえ, ○ / ×), not “%(value)s”.")
                        % {"column": self.header(key), "value": values[key]}
                    )
        if values.get("tags"):
            row.tags = sorted({t.strip()[:50] for t in SPLIT.split(values["tags"]) if t.strip()})
        self._people(row, values, errors)
        self._existing(row, fields, errors)
        if row.action == "skip":
            return row  # an existing vendor left alone: its other cells do not matter
        if values.get("tier") and row.action != "skip":
            self._tier(row, values["tier"], fields, errors)
        row.fields = {k: v for k, v in fields.items() if v is not None}
        if errors:
            row.action, row.errors = "error", errors
        return row

    def _people(self, row, values, errors):
        if values.get("owner"):
            owner = self.staff_user(values["owner"], errors, self.header("owner"))
            if owner is not None:
                if not self.admin_rights and owner.pk != self.user.pk:
                    errors.append(
                        _("%(column)s: vendors you import are yours; leave it empty.")
                        % {"column": self.header("owner")}
                    )
                row.owner = owner.pk
        if values.get("assigned_staff"):
            if not self.admin_rights:
                errors.append(
                    _("%(column)s: only admins assign staff; leave it empty.")
                    % {"column": self.header("assigned_staff")}
                )
            names = [n for n in SPLIT.split(values["assigned_staff"]) if n.strip()]
            people = [self.staff_user(n, errors, self.header("assigned_staff")) for n in names]
            row.assigned = [p.pk for p in people if p is not None]

    def _existing(self, row, fields, errors):
        vendor = self.existing.get(row.corporate_number)
        if vendor is None:
            if row.owner is None and self.default_owner is None:
                errors.append(
                    _("%(column)s: say who owns the vendor.") % {"column": self.header("owner")}
                )
            return
        row.vendor = vendor.pk
        if not self.update:
            row.action = "skip"
        elif row.corporate_number not in self.visible or not (
            self.user is None or self.user.has_perm("accounts.register_vendors")
        ):
            errors.append(
                _("%(column)s: another vendor already has this corporate number.")
                % {"column": self.header("corporate_number")}
            )
        else:
            row.action = "update"

    def _tier(self, row, text, fields, errors):
        tier = self.tiers.get(_key(text)) or self.tiers.get(_key(text).rstrip("()（）高中低"))
        if tier is None:
            errors.append(
                _("%(column)s: unknown tier “%(value)s” (1, 2 or 3).")
                % {"column": self.header("tier"), "value": text}
            )
            return
        base = self.existing.get(row.corporate_number) if row.action == "update" else None
        intake = {
            key: fields.get(key, getattr(base, key) if base else getattr(risk.Intake(), key))
            for key in (*BOOLEAN_FIELDS, "record_volume")
        }
        computed = risk.inherent_tier(risk.Intake(**intake)).tier
        if int(tier) != computed:
            errors.append(
                _(
                    "%(column)s: the file says tier %(given)s, but what the vendor will handle "
                    "and reach gives tier %(computed)s; the tier is computed, so correct the "
                    "intake columns or leave the tier empty."
                )
                % {"column": self.header("tier"), "given": tier, "computed": computed}
            )

    @staticmethod
    def header(key):
        language = (translation.get_language() or "ja")[:2]
        return HEADERS[key][0 if language == "ja" else 1]


def _text(row, index) -> str:
    if index >= len(row) or row[index] is None:
        return ""
    value = row[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a corporate number Excel kept as a number
    return _unquote(str(value)).replace("\x00", "").strip()


def read_vendor_file(
    data: bytes, filename: str, *, user, default_owner=None, update=False
) -> VendorImportPlan:
    """The dry run: a plan of what importing the file would do. ``user`` None is the
    command line (every right); VendorImportError/SpreadsheetRefused refuse the file."""
    rows, encoding, formulas = read_rows(data, filename)
    plan = VendorImportPlan(filename=filename, encoding=encoding, update=update)
    rows = [r for r in rows if any(str(v or "").strip() for v in r)]
    if not rows:
        raise VendorImportError(_("The file is empty."))
    known = header_map()
    columns, unknown = {}, []
    for index, header in enumerate(rows[0]):
        if not str(header or "").strip():
            continue
        key = known.get(_key(header))
        if key is None:
            unknown.append(str(header))
        elif key in columns:
            plan.problems.append(_("The column “%(name)s” appears twice.") % {"name": header})
        else:
            columns[key] = index
    if unknown:
        plan.problems.append(
            _("Unknown columns: %(names)s. Use the headers of the template.")
            % {"names": "、".join(f"“{u}”" for u in unknown)}
        )
    if "name" not in columns:
        raise VendorImportError(
            _("The first row must hold the column headers, with at least “%(name)s”.")
            % {"name": _Checker.header("name")}
        )
    if formulas:
        plan.problems.append(
            _("Cells holding formulas are not accepted: %(cells)s. Paste the values instead.")
            % {"cells": ", ".join(sorted(formulas)[:20])}
        )
    checker = _Checker(user=user, default_owner=default_owner, update=update)
    body = rows[1:]
    checker.load(body, columns)
    seen = {}
    for number, raw in enumerate(body, start=2):
        values = {key: _text(raw, index) for key, index in columns.items()}
        values = {k: v for k, v in values.items() if v != ""}
        plan.rows.append(checker.row(number, values, seen))
    return plan


# --------------------------------------------------------------------------- applying


def apply_vendor_import(plan: VendorImportPlan, *, user, default_owner=None) -> dict:
    """Create and update the vendors of a plan without errors: all or none."""
    if not plan.applicable:
        raise VendorImportError(_("Correct the rows with errors first; nothing was imported."))
    users = get_user_model().objects.in_bulk(
        {r.owner for r in plan.rows if r.owner}
        | {pk for r in plan.rows for pk in (r.assigned or ())}
    )
    existing = Vendor.objects.prefetch_related("tags", "assigned_staff").in_bulk(
        [r.vendor for r in plan.rows if r.action == "update"]
    )
    done = {"create": 0, "update": 0, "skip": len(plan.of_action("skip"))}
    entries = []
    try:
        with batch.coalesced(), transaction.atomic():
            creates = [r for r in plan.rows if r.action == "create"]
            # New vendors in bulk: one INSERT per thousand rows, not one save per row.
            entries += _create_all(
                creates, users, user=user, default_owner=default_owner, plan=plan
            )
            done["create"] = len(creates)
            for row in plan.rows:
                if row.action != "update":
                    continue
                vendor = existing.get(row.vendor)
                if vendor is None:
                    raise VendorImportError(
                        _(
                            "Row %(row)s: the vendor to update no longer exists; nothing was imported."
                        )
                        % {"row": row.number}
                    )
                entry = _save(row, vendor, users, user=user, default_owner=default_owner, plan=plan)
                if entry is not None:
                    entries.append(entry)
                done["update"] += 1
            # One audit entry per vendor created or changed, written together.
            append_rows(LogEntry, entries)
    except IntegrityError:
        raise VendorImportError(
            _(
                "A corporate number of the file was registered by someone else meanwhile; "
                "nothing was imported. Upload the file again."
            )
        ) from None
    return done


def _log_entry(instance, *, user, plan, action, changes) -> LogEntry:
    """The entry ``LogEntry.objects.log_create`` would write, unsaved, for a bulk insert.
    LogEntry's pre_save receivers (the request's actor and address from the audit
    context, the API's marker) run as they would on a save."""
    from auditlog.cid import get_cid

    entry = LogEntry(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=str(instance.pk),
        object_id=instance.pk,
        object_repr=smart_str(instance),
        serialized_data=LogEntry.objects._get_serialized_data_or_none(instance),
        action=action,
        changes=changes,
        additional_data={**instance.get_additional_data(), "import": plan.filename[:200]},
        cid=get_cid(),
        **({"actor": user} if user is not None and user.is_authenticated else {}),
    )
    pre_save.send(sender=LogEntry, instance=entry, raw=False, using="default", update_fields=None)
    return entry


def _tags_by_name(names) -> dict:
    names = set(names)
    if not names:
        return {}
    found = {t.name: t for t in Tag.objects.filter(name__in=names)}
    Tag.objects.bulk_create(
        [Tag(name=n) for n in sorted(names - found.keys())], ignore_conflicts=True
    )
    return {t.name: t for t in Tag.objects.filter(name__in=names)}


def _creation_diff():
    """``model_instance_diff(None, vendor)`` for many new vendors: the audited fields and
    their "before" values (all "None") are worked out once, not once per vendor."""
    from auditlog.diff import get_field_value, get_fields_in_model
    from auditlog.registry import auditlog
    from django.conf import settings

    registered = auditlog.get_model_fields(Vendor)
    if registered["mask_fields"] or getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False):
        return lambda vendor: model_instance_diff(None, vendor) or {}
    known = {}  # the audited fields with their "before" values, from the first vendor
    shown_values = {}  # (field, type, raw value) -> get_field_value's answer

    def diff(vendor) -> dict:
        if not known:  # from a saved vendor, as a save's entry is (reverse relations too)
            audited = [
                f for f in get_fields_in_model(vendor) if f.name not in registered["exclude_fields"]
            ]
            if registered["include_fields"]:
                audited = [f for f in audited if f.name in registered["include_fields"]]
            known["fields"] = [(f, get_field_value(None, f)) for f in audited]
        out = {}
        for f, before in known["fields"]:
            value = shown(vendor, f)
            if value != before:
                out[f.name] = (smart_str(before), smart_str(value))
        return out

    def shown(vendor, f):
        """``get_field_value``, once per field and value: most columns of an import hold
        the same few values (defaults, yes/no) in every row."""
        if f.is_relation:
            return get_field_value(vendor, f)
        raw = getattr(vendor, f.attname)
        try:
            return shown_values[f.name, type(raw), raw]
        except TypeError:  # a list or a dict: not a key
            return get_field_value(vendor, f)
        except KeyError:
            value = shown_values[f.name, type(raw), raw] = get_field_value(vendor, f)
            return value

    return diff


def _create_all(rows, users, *, user, default_owner, plan) -> list:
    """Create the vendors of ``rows`` as ``services.save_vendor`` would (owner, fields,
    categories, the tiers ``Vendor.save`` derives), with their tags and assigned staff,
    in bulk; returns their audit entries, unsaved."""
    if not rows:
        return []
    vendors = []
    for row in rows:
        owner = users.get(row.owner) if row.owner else None
        vendor = Vendor(**row.fields)
        vendor.owner = owner or default_owner or user
        vendor.set_categories(row.categories or ())
        vendor.derive()
        vendors.append(vendor)
    Vendor.objects.bulk_create(vendors, batch_size=1000)
    tags = _tags_by_name(name for row in rows for name in (row.tags or ()))
    Vendor.tags.through.objects.bulk_create(
        [
            Vendor.tags.through(vendor_id=v.pk, tag_id=tags[name].pk)
            for v, row in zip(vendors, rows, strict=True)
            for name in dict.fromkeys(row.tags or ())
        ],
        batch_size=1000,
    )
    Vendor.assigned_staff.through.objects.bulk_create(
        [
            Vendor.assigned_staff.through(vendor_id=v.pk, user_id=pk)
            for v, row in zip(vendors, rows, strict=True)
            for pk in dict.fromkeys(row.assigned or ())
        ],
        batch_size=1000,
    )
    entries = []
    creation_diff = _creation_diff()
    with disable_auditlog():  # the entries are the ones below
        for vendor, row in zip(vendors, rows, strict=True):
            # What a save would tell its receivers (the dashboard's invalidation).
            post_save.send(
                sender=Vendor,
                instance=vendor,
                created=True,
                raw=False,
                using="default",
                update_fields=None,
            )
            changes = creation_diff(vendor)
            staff = {users[pk].username for pk in row.assigned or ()}
            for name, new in (("assigned_staff", staff), ("tags", set(row.tags or ()))):
                if new:
                    changes[name] = ["", ", ".join(sorted(new))]
            entries.append(
                _log_entry(
                    vendor, user=user, plan=plan, action=LogEntry.Action.CREATE, changes=changes
                )
            )
    return entries


def _save(row, vendor, users, *, user, default_owner, plan):
    before = copy.copy(vendor) if vendor else None
    old_staff = {u.username for u in vendor.assigned_staff.all()} if vendor else set()
    old_tags = {t.name for t in vendor.tags.all()} if vendor else set()
    fields = dict(row.fields)
    owner = users.get(row.owner) if row.owner else None
    if vendor is None:
        creator = owner or default_owner or user
    else:
        creator = user
        if owner is not None:
            fields["owner"] = owner
    categories = (
        row.categories if row.categories is not None else (vendor.category_list if vendor else [])
    )
    tags = row.tags if row.tags is not None else sorted(old_tags)
    with disable_auditlog():  # one entry per vendor, written below
        saved = services.save_vendor(
            user=creator, vendor=vendor, categories=categories, tags=tags, **fields
        )
        if row.assigned is not None:
            saved.assigned_staff.set([users[pk] for pk in row.assigned])
    changes = model_instance_diff(before, saved) or {}
    new_staff = (
        {users[pk].username for pk in row.assigned} if row.assigned is not None else old_staff
    )
    for name, old, new in (("assigned_staff", old_staff, new_staff), ("tags", old_tags, set(tags))):
        if old != new:
            changes[name] = [", ".join(sorted(old)), ", ".join(sorted(new))]
    if vendor is not None and not changes:
        return None
    action = LogEntry.Action.CREATE if vendor is None else LogEntry.Action.UPDATE
    return _log_entry(saved, user=user, plan=plan, action=action, changes=changes)
