"""Asking before a step that cannot be undone (deleting, approving, returning, revoking).

The step's form posts to its own URL. Without ``confirmed=1`` in the POST (no JavaScript,
or a GET of the URL) the view answers with a confirmation page that repeats what the
user sent and posts it again with ``confirmed=1``; with JavaScript, ``static/js/confirm.js``
asks in a dialog first and adds the field itself, so the user sees one question either way.
"""

from django.shortcuts import render

FIELD = "confirmed"


def is_confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get(FIELD) == "1"


def confirmation_page(
    request,
    *,
    title,
    question,
    action_url,
    confirm_label,
    cancel_url,
    danger=True,
    details=(),
    form=None,
    carry=(),
    status=200,
    extra=None,
):
    """The page that asks; ``details`` are (label, value) pairs naming what is affected,
    ``form`` visible fields to fill in or check, ``carry`` names of POST fields to send
    again unchanged."""
    hidden = [(name, value) for name in carry for value in request.POST.getlist(name)]
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "question": question,
            "action_url": action_url,
            "confirm_label": confirm_label,
            "cancel_url": cancel_url,
            "danger": danger,
            "details": details,
            "form": form,
            "hidden": hidden,
            "confirm_field": FIELD,
            **(extra or {}),
        },
        status=status,
    )
