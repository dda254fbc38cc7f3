"""Reading an answer from a submitted form, and showing a stored one, by answer type."""

import datetime
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

YES_NO_LABELS = {
    "yes": gettext_lazy("Yes"),
    "partial": gettext_lazy("Partly"),
    "no": gettext_lazy("No"),
    "na": gettext_lazy("Not applicable"),
}
# IPA's self-check scale, with IPA's points in the label (done 4 ... don't know -1).
IPA_SCALE_LABELS = {
    "done": gettext_lazy("Done (4)"),
    "partly": gettext_lazy("Partly done (2)"),
    "not_done": gettext_lazy("Not done (0)"),
    "unknown": gettext_lazy("Don't know (−1)"),
}
MAX_TEXT = 5000


class AnswerError(ValueError):
    pass


def yes_no_options(item):
    """The buttons of a scale item: yes / partly / no (/ N/A), or IPA's four levels."""
    if item.answer_type == "ipa_scale":
        return list(IPA_SCALE_LABELS.items())
    keys = ["yes", "partial", "no"] + (["na"] if item.allow_na else [])
    return [(k, YES_NO_LABELS[k]) for k in keys]


def parse_answer(item, data):
    """The value to store from POST ``data`` (None clears the answer), or AnswerError."""
    kind = item.answer_type
    if kind == "multi_choice":
        chosen = data.getlist("value")
        allowed = {c["value"] for c in item.choices}
        if not set(chosen) <= allowed:
            raise AnswerError(_("Choose among the options shown."))
        return sorted(set(chosen), key=[c["value"] for c in item.choices].index) if chosen else None
    raw = unicodedata.normalize("NFKC", data.get("value", "")).replace("\x00", "").strip()
    if raw == "":
        return None
    if kind in ("yes_no", "ipa_scale"):
        if raw not in dict(yes_no_options(item)):
            raise AnswerError(_("Choose one of the answers shown."))
        return raw
    if kind == "single_choice":
        if raw not in {c["value"] for c in item.choices}:
            raise AnswerError(_("Choose one of the options shown."))
        return raw
    if kind == "number":
        try:
            number = Decimal(raw.replace(",", ""))
        except InvalidOperation:
            raise AnswerError(_("Enter a number, e.g. 24.")) from None
        if not number.is_finite() or number < 0 or number > Decimal("1e9"):
            raise AnswerError(_("Enter a number between 0 and 1,000,000,000."))
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "date":
        try:
            return datetime.date.fromisoformat(raw).isoformat()
        except ValueError:
            raise AnswerError(_("Enter a date as YYYY-MM-DD.")) from None
    if len(raw) > MAX_TEXT:
        raise AnswerError(
            _("Keep the answer under %(limit)s characters (it has %(count)s).")
            % {"limit": MAX_TEXT, "count": len(raw)}
        )
    return raw


def parse_comment(data) -> str:
    comment = data.get("comment", "").replace("\x00", "").strip()
    if len(comment) > MAX_TEXT:
        raise AnswerError(
            _("Keep the comment under %(limit)s characters (it has %(count)s).")
            % {"limit": MAX_TEXT, "count": len(comment)}
        )
    return comment


def display_answer(item, value) -> str:
    """A stored answer as words in the active language."""
    if value is None or value == "" or value == []:
        return "—"
    kind = item.answer_type
    if kind == "yes_no":
        return str(YES_NO_LABELS.get(value, value))
    if kind == "ipa_scale":
        return str(IPA_SCALE_LABELS.get(value, value))
    if kind in ("single_choice", "multi_choice"):
        labels = dict(item.choice_options())
        values = value if isinstance(value, list) else [value]
        return "、".join(str(labels.get(v, v)) for v in values)
    if kind == "number":
        return f"{value} {item.unit}".strip()
    return str(value)
