"""Forms of the admin's checklist editor.

The forms only turn what the user typed into checklist documents; the rules a
checklist must follow are the import rules, applied to the document in memory by
``checklists.validate_doc``.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .checklist_schema import (
    AnswerType,
    ChecklistImportError,
    ChoiceDoc,
    ConditionDoc,
    ItemDoc,
    ThresholdsDoc,
)
from .checklist_yaml import parse_checklist
from .models import ChecklistVersion, Item, Section
from .references import article, canonical_article

MAX_IMPORT_BYTES = 1024 * 1024


def _rows(rows: int):
    return forms.Textarea(attrs={"rows": rows})


def _plain(number):
    """3.0 shows as 3 in the form."""
    return int(number) if isinstance(number, float) and number.is_integer() else number


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


class ImportProblemsMixin:
    """Puts the problems the import parser found on the form as non-field errors."""

    def add_import_errors(self, error: ChecklistImportError) -> None:
        # Line numbers would point into YAML the user never saw, so only messages are shown.
        for problem in error.errors:
            self.add_error(None, problem.message)


class SectionForm(ImportProblemsMixin, forms.ModelForm):
    class Meta:
        model = Section
        fields = [
            "title_ja",
            "title_en",
            "description_ja",
            "description_en",
            "weight",
            "risk_area",
        ]
        widgets = {"description_ja": _rows(3), "description_en": _rows(3)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Row(Column("title_ja"), Column("title_en")),
            Row(Column("description_ja"), Column("description_en")),
            Row(Column("weight"), Column("risk_area")),
        )


class ItemForm(ImportProblemsMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=13)
    answer_type = forms.ChoiceField(label=_("Answer type"), choices=AnswerType.choices)
    weight = forms.FloatField(label=_("Weight"), min_value=0, initial=1)
    critical = forms.BooleanField(label=_("Critical"), required=False)
    allow_na = forms.BooleanField(
        label=_("N/A allowed"), required=False, help_text=_("Yes/no items only.")
    )
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    evidence_expected = forms.BooleanField(label=_("Evidence expected"), required=False)
    question_ja = forms.CharField(label=_("Question (Japanese)"), widget=_rows(3), required=False)
    question_en = forms.CharField(label=_("Question (English)"), widget=_rows(3), required=False)
    guidance_ja = forms.CharField(label=_("Guidance (Japanese)"), widget=_rows(3), required=False)
    guidance_en = forms.CharField(label=_("Guidance (English)"), widget=_rows(3), required=False)
    recommendation_ja = forms.CharField(
        label=_("Recommendation (Japanese)"), widget=_rows(3), required=False
    )
    recommendation_en = forms.CharField(
        label=_("Recommendation (English)"), widget=_rows(3), required=False
    )
    iso27001 = forms.CharField(
        label=_("ISO/IEC 27001:2022 Annex A"),
        required=False,
        help_text=_("Control numbers separated by commas, e.g. 5.1, 6.3"),
    )
    jisq15001 = forms.CharField(
        label=_("JIS Q 15001"), required=False, help_text=_("Separate references with commas.")
    )
    appi = forms.CharField(
        label=_("APPI"), required=False, help_text=_("Articles separated by commas, e.g. Art. 23")
    )
    choices = forms.CharField(
        label=_("Values, scores and labels"),
        required=False,
        widget=_rows(5),
        help_text=_(
            "Choice items only. One choice a line: value|score|Japanese label|English label, "
            "e.g. daily|1|毎日|Daily"
        ),
    )
    threshold_full = forms.FloatField(label=_("Full marks at"), required=False)
    threshold_partial = forms.FloatField(label=_("Partial marks at"), required=False)
    lower_is_better = forms.BooleanField(label=_("Lower is better"), required=False, initial=True)
    unit_ja = forms.CharField(label=_("Unit (Japanese)"), required=False, max_length=50)
    unit_en = forms.CharField(label=_("Unit (English)"), required=False, max_length=50)
    condition_item = forms.ChoiceField(
        label=_("Shown only when item"), required=False, choices=[("", "—")]
    )
    condition_values = forms.CharField(
        label=_("has one of the answers"),
        required=False,
        help_text=_("Answer values separated by commas, e.g. yes, partial"),
    )

    def __init__(self, *args, other_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition_item"].choices = [("", "—")] + [(c, c) for c in other_codes]
        self.helper = _helper(
            Row(
                Column("code", css_class="col-md-3"),
                Column("answer_type", css_class="col-md-5"),
                Column("weight", css_class="col-md-4"),
            ),
            Row(
                Column("critical"),
                Column("allow_na"),
                Column("required"),
                Column("evidence_expected"),
            ),
            Row(Column("question_ja"), Column("question_en")),
            Row(Column("guidance_ja"), Column("guidance_en")),
            Row(Column("recommendation_ja"), Column("recommendation_en")),
            Fieldset(_("References"), Row(Column("iso27001"), Column("jisq15001"), Column("appi"))),
            Fieldset(_("Choices"), "choices", data_answer_types="single_choice multi_choice"),
            Fieldset(
                _("Number thresholds"),
                Row(
                    Column("threshold_full"),
                    Column("threshold_partial"),
                    Column("unit_ja"),
                    Column("unit_en"),
                ),
                "lower_is_better",
                data_answer_types="number",
            ),
            Fieldset(_("Condition"), Row(Column("condition_item"), Column("condition_values"))),
        )

    @staticmethod
    def initial_for(item: Item) -> dict:
        thresholds = item.thresholds or {}
        unit = thresholds.get("unit") or {}
        condition = item.condition or {}
        return {
            **{
                name: getattr(item, name)
                for name in (
                    "code",
                    "answer_type",
                    "weight",
                    "critical",
                    "allow_na",
                    "required",
                    "evidence_expected",
                    "question_ja",
                    "question_en",
                    "guidance_ja",
                    "guidance_en",
                    "recommendation_ja",
                    "recommendation_en",
                )
            },
            "weight": _plain(item.weight),
            "iso27001": ", ".join(item.iso27001),
            "jisq15001": ", ".join(item.jisq15001),
            "appi": ", ".join(article(a) for a in item.appi),
            "choices": "\n".join(
                f"{c['value']}|{c['score']:g}|{c['label'].get('ja', '')}|{c['label'].get('en', '')}"
                for c in item.choices
            ),
            "threshold_full": _plain(thresholds.get("full")),
            "threshold_partial": _plain(thresholds.get("partial")),
            "lower_is_better": thresholds.get("lower_is_better", True),
            "unit_ja": unit.get("ja", ""),
            "unit_en": unit.get("en", ""),
            "condition_item": condition.get("item", ""),
            "condition_values": ", ".join(condition.get("values", [])),
        }

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_choices(self):
        choices = []
        for number, line in enumerate(self.cleaned_data["choices"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != 4:
                raise ValidationError(
                    _("Line %(line)s: write value|score|Japanese label|English label."),
                    params={"line": number},
                )
            try:
                score = float(parts[1])
            except ValueError:
                raise ValidationError(
                    _("Line %(line)s: the score must be a number between 0 and 1."),
                    params={"line": number},
                ) from None
            choices.append(ChoiceDoc(parts[0], {"ja": parts[2], "en": parts[3]}, score))
        return tuple(choices)

    def clean(self):
        data = super().clean()
        if data.get("condition_values", "").strip() and not data.get("condition_item"):
            self.add_error("condition_item", _("Choose the item the condition depends on."))
        return data

    def item_doc(self) -> ItemDoc:
        data = self.cleaned_data

        def text(name: str, optional: bool = True):
            pair = {"ja": data[f"{name}_ja"].strip(), "en": data[f"{name}_en"].strip()}
            return None if optional and not any(pair.values()) else pair

        answer_type = data["answer_type"]
        thresholds = None
        if answer_type == "number":
            thresholds = ThresholdsDoc(
                data["threshold_full"],
                data["threshold_partial"],
                data["lower_is_better"],
                {"ja": data["unit_ja"].strip(), "en": data["unit_en"].strip()},
            )
        condition = None
        if data["condition_item"]:
            condition = ConditionDoc(data["condition_item"], _split(data["condition_values"]))
        return ItemDoc(
            code=data["code"],
            type=answer_type,
            weight=data["weight"],
            critical=data["critical"],
            allow_na=data["allow_na"] and answer_type == "yes_no",
            required=data["required"],
            evidence_expected=data["evidence_expected"],
            question=text("question", optional=False),
            guidance=text("guidance"),
            recommendation=text("recommendation"),
            iso27001=_split(data["iso27001"]),
            jisq15001=_split(data["jisq15001"]),
            appi=tuple(canonical_article(a) for a in _split(data["appi"])),
            choices=data["choices"] if answer_type in ("single_choice", "multi_choice") else (),
            thresholds=thresholds,
            condition=condition,
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("YAML file"),
        required=False,
        help_text=_("UTF-8 text, at most 1 MB."),
    )
    text = forms.CharField(
        label=_("or paste the YAML"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "class": "font-monospace", "spellcheck": "false"}),
        max_length=MAX_IMPORT_BYTES,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.problems = []
        self.helper = _helper("file", "text")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than 1 MB."))
        return upload

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        upload, text = data.get("file"), data.get("text", "")
        if upload and text.strip():
            raise ValidationError(_("Upload a file or paste the text, not both."))
        if upload:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(
                    _("The file is not UTF-8 text. Save it as UTF-8 and try again.")
                ) from None
            # Show the file's text so the user can fix it in place.
            self.data = self.data.copy()
            self.data["text"] = text
        if not text.strip():
            raise ValidationError(_("Choose a YAML file or paste the checklist."))
        try:
            data["doc"] = parse_checklist(text)
        except ChecklistImportError as exc:
            self.problems = exc.errors
            raise ValidationError(
                gettext("The checklist was not imported. Fix these problems and try again:")
            ) from None
        return data


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(
        label=_("Older version"),
        queryset=ChecklistVersion.objects.select_related("checklist"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    b = forms.ModelChoiceField(
        label=_("Newer version"),
        queryset=ChecklistVersion.objects.select_related("checklist"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class StandardImportForm(forms.Form):
    """A questionnaire in a standard format (VSAQ JSON, CAIQ v4 workbook) to preview."""

    FORMAT_CHOICES = [
        ("vsaq", _("Google VSAQ questionnaire (JSON)")),
        ("caiq", _("CSA CAIQ v4 workbook (.xlsx)")),
    ]

    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="vsaq")
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("format", "file")
        self.problems = []

    def clean(self):
        from django.conf import settings

        from .formats import parse_format

        data = super().clean()
        if self.errors:
            return data
        upload = data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(_("The file is larger than the upload limit."))
        try:
            data["result"] = parse_format(data["format"], upload.read(), filename=upload.name or "")
        except ChecklistImportError as exc:
            self.problems = exc.errors
            raise ValidationError(gettext("The file was not imported:")) from None
        return data
