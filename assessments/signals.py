"""Signals other apps listen to, so that this app never imports them.

``workflow_step`` is sent once the transaction that moved an assessment through the
workflow has committed (never for a change that was rolled back), with
``assessment``, ``action`` (start, submit, begin_review, return, approve), ``user`` and
``comment``. The notifications app turns it into messages.
"""

from django.dispatch import Signal

workflow_step = Signal()
