from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    """JSON whose strings are real Unicode: a lone surrogate (legal in JSON text, not in
    UTF-8) would only fail later, in the database."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        try:
            str(data).encode("utf-8")
        except UnicodeEncodeError:
            raise ParseError(_("The JSON contains text that is not valid Unicode.")) from None
        return data
