"""Signals other apps listen to, so that this app never imports them.

``report_ready`` is sent once a rendered PDF is stored and its report marked ready,
with ``report``. The notifications app tells whoever asked for it, if they chose to be
told.
"""

from django.dispatch import Signal

report_ready = Signal()
