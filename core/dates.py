"""Date fields in the reader's language, not the browser's: a Japanese page shows and
takes 2026/12/03, an English one 2026-12-03 (ISO). Never the US month-first order,
which would read 03/12 as the 12th of March on one page and the 3rd of December on
another. Chromium draws <input type="date"> in the browser's own locale, so these
are text fields with the format spelled out."""

from datetime import date

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The first format of each language is the one shown; every one of them is accepted.
FORMATS = {"ja": ("%Y/%m/%d", "%Y-%m-%d", "%Y年%m月%d日"), "en": ("%Y-%m-%d", "%Y/%m/%d")}


def _formats() -> tuple[str, ...]:
    return FORMATS.get((get_language() or "ja").split("-")[0], FORMATS["en"])


class LocalDateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return value.strftime(_formats()[0])
        return value

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        example = date(2026, 12, 3).strftime(_formats()[0])
        context["widget"]["attrs"].setdefault("placeholder", _("e.g. %s") % example)
        return context


class LocalDateField(forms.DateField):
    """Takes the formats of every language (an ISO date is valid everywhere)."""

    widget = LocalDateInput
    default_error_messages = {"invalid": _("Enter a date as year, month and day.")}

    @property
    def input_formats(self):
        formats = list(_formats())
        for more in FORMATS.values():
            formats += [f for f in more if f not in formats]
        return formats

    @input_formats.setter
    def input_formats(self, value):
        """The formats follow the language; a field never fixes its own."""
