"""Log filters for the console handler."""

import logging

from django.core.exceptions import PermissionDenied


class QuietRefusals(logging.Filter):
    """A refused request (403) is expected business, not a fault: Django's "Forbidden
    (Permission denied)" line stays, its traceback goes. The request log line and the
    access log already say who was refused what."""

    def filter(self, record):
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
